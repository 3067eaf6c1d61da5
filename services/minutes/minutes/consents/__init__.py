"""What a consent's withdrawal (or narrowing correction) takes back from the minutes."""
