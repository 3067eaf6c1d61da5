"""Service databases opened by the operator's commands, with the keys their audit chains need.

A command that changes a service's records (rotation, retention) writes audit entries in that
service's keyed chain; it derives the chain's key from the deployment's key provider, exactly
as the service does, so the entries it writes verify like the server's own.
"""

from __future__ import annotations

from typing import Any

from kasane_shared.db import Database
from kasane_shared.integrity import ServiceKeys
from kasane_shared.settings import Settings


def keyed_database(settings: Settings, service: str, kek: Any) -> Database:
    """``service``'s database, its sessions holding the service's integrity keys."""
    db = Database.from_url(settings.database_url(service))
    db.keys = ServiceKeys.local(service, kek)
    return db
