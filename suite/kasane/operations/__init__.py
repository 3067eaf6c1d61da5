"""Operations across the services: backup, restore and retention (the suite's CLI uses them)."""
