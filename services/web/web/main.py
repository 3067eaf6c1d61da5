"""Split mode: the web pages on their own (``uvicorn web.main:app``), behind the gateway at ``/``.

Configured by ``KASANE_*`` variables: the services are reached at ``KASANE_IDENTITY_URL``
(and its siblings) through the gateway; ``KASANE_DATA_DIR`` holds the CSRF key, which every
web replica must share (compose mounts one directory into all of them).
"""

from __future__ import annotations

from kasane_shared.observability.logs import configure_logging
from kasane_shared.settings import Settings
from web.app import create_app

configure_logging(Settings().log_format)
app = create_app(Settings())
