"""Integrity: the services' integrity keys and the anchors of their audit chains."""
