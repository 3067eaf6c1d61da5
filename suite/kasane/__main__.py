"""``python -m kasane``."""

import sys

from kasane.cli import main

if __name__ == "__main__":  # not again in a worker process `kasane serve` spawns
    sys.exit(main())
