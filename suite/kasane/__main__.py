"""``python -m kasane``."""

import sys

from kasane.cli import main

sys.exit(main())
