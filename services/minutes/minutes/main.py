"""Split mode: minutes on its own (``uvicorn minutes.main:app --root-path /minutes``).

Configured entirely by ``KASANE_*`` environment variables. Tokens are verified against
identity's JWKS fetched over HTTP; identity and agenda are reached through the gateway.
Migrations run in the entrypoint (``kasane db upgrade minutes``) before this process starts.
"""

from __future__ import annotations

from kasane_shared.auth.service_tokens import ServiceTokenSource
from kasane_shared.auth.tokens import HttpJwks
from kasane_shared.observability.logs import configure_logging
from kasane_shared.settings import Settings
from minutes.app import create_app

SCOPES = ("custody:rewrap", "agenda:plans.write", "integrity:keys", "audit:anchor")

settings = Settings()
configure_logging(settings.log_format)
app = create_app(
    settings,
    jwks=HttpJwks(settings.identity_url.rstrip("/") + "/.well-known/jwks.json"),
    migrate=False,
)
# The service's own credentials, for actions that are the service's rather than a member's.
app.state.service_tokens = ServiceTokenSource.from_settings(settings, "minutes", SCOPES)
