"""Split mode: agenda on its own (``uvicorn agenda.main:app --root-path /agenda``).

Configured entirely by ``KASANE_*`` environment variables. Tokens are verified against
identity's JWKS fetched over HTTP; identity is reached through the gateway. Migrations run
in the entrypoint (``kasane db upgrade agenda``) before this process takes traffic.
"""

from __future__ import annotations

from agenda.app import create_app
from kasane_shared.auth.service_tokens import ServiceTokenSource
from kasane_shared.auth.tokens import HttpJwks
from kasane_shared.observability.logs import configure_logging
from kasane_shared.settings import Settings

SCOPES = ("custody:rewrap", "integrity:keys", "audit:anchor")

settings = Settings()
configure_logging(settings.log_format)
app = create_app(
    settings,
    jwks=HttpJwks(settings.identity_url.rstrip("/") + "/.well-known/jwks.json"),
    migrate=False,
)
# The service's own credentials, for actions that are the service's rather than a member's.
app.state.service_tokens = ServiceTokenSource.from_settings(settings, "agenda", SCOPES)
