"""The caller's own to-do list: minutes to confirm and minutes to approve."""
