"""`python -m kasane_shared.redaction [FILE]`: same as `kasane redact [FILE]`."""

import sys

from .cli import main

sys.exit(main())
