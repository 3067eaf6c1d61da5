"""Token issue and verification, and the request dependencies built on them."""
