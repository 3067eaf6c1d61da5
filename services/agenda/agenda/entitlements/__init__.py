"""Who may read what at a meeting: the audiences the minutes service seals for."""
