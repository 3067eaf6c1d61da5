"""Split mode: identity on its own (``uvicorn identity.main:app --root-path /identity``).

Configured entirely by ``KASANE_*`` environment variables. Migrations are not run here:
the container entrypoint runs ``kasane db upgrade identity`` before this process starts,
so several replicas never race on them.
"""

from __future__ import annotations

from identity.app import create_app
from kasane_shared.observability.logs import configure_logging
from kasane_shared.settings import Settings

configure_logging(Settings().log_format)
app = create_app(Settings(), migrate=False)
