"""Settings for every Kasane process, read from the environment (prefix ``KASANE_``)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("identity", "agenda", "minutes")


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # no affinity on this platform
        return os.cpu_count() or 1


class Settings(BaseSettings):
    """Deployment configuration; every field maps to ``KASANE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="KASANE_", extra="ignore")

    data_dir: Path = Field(
        default=Path("./var"), description="Data directory (SQLite files, key file)"
    )
    demo: bool = Field(
        default=False, description="Demo mode: seeds demo data, accepts the demo password"
    )

    identity_database_url: str | None = None
    agenda_database_url: str | None = None
    minutes_database_url: str | None = None

    # Where services reach each other over HTTP (split mode: through the gateway).
    identity_url: str = "http://127.0.0.1:8000/identity"
    agenda_url: str = "http://127.0.0.1:8000/agenda"
    minutes_url: str = "http://127.0.0.1:8000/minutes"

    token_issuer: str = "kasane-identity"
    token_audience: str = "kasane"
    access_token_ttl_seconds: int = Field(default=300, ge=30, le=3600)
    # How long identity (each replica) keeps its signing key and JWKS before reading them
    # again: the bound within which `kasane keys rotate-signing` reaches every replica.
    signing_key_refresh_seconds: float = Field(default=30, ge=0, le=300)
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=72)
    # The pages warn this long before an idle time-out, with 「続ける」.
    session_warning_seconds: int = Field(default=120, ge=10, le=3600)
    # How long a draft kept across a time-out waits for its writer before it is deleted.
    draft_keep_hours: int = Field(default=72, ge=1, le=24 * 30)
    # How long agenda and minutes trust identity's answer that a session is open: the bound
    # within which sign-out, password change, role change and departure reach every replica.
    session_check_seconds: float = Field(default=5, ge=0, le=10)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Failures from one address (over any logins, from browsers not known to the account)
    # before that address pauses; pauses start at a minute and double up to the lockout.
    login_source_max_failures: int = Field(default=20, ge=1, le=1000)
    # How long a browser that signed in is remembered for the account (its own pauses).
    login_device_days: int = Field(default=180, ge=1, le=730)

    key_provider: str = Field(default="file", pattern="^(file|pkcs11)$")
    key_file: Path | None = None
    pkcs11_module: str = "/usr/lib/softhsm/libsofthsm2.so"
    pkcs11_token_label: str = "kasane"
    # The PIN comes from a 0600 file only (never from the environment).
    pkcs11_pin_file: Path | None = None

    # Audit anchors: the file identity appends every anchored head to (ship it elsewhere),
    # and how often each service anchors its head (0: after every committed write).
    audit_anchor_file: Path | None = None
    audit_anchor_seconds: float = Field(default=2.0, ge=0, le=300)

    cookie_secure: bool = False
    # A city may require that minutes are approved by someone other than their author.
    minutes_separate_approver: bool = False
    # Split mode: a file holding the password of this service's database role (Docker secret);
    # it is put into the database URL so the URL itself carries no secret.
    database_password_file: Path | None = None

    # Service-to-service calls (OAuth2 client credentials issued by identity).
    service_token_audience: str = "kasane-service"
    oauth_client_id: str | None = None
    oauth_client_secret_file: Path | None = None
    # Identity: a directory of files named by client id, each holding that client's secret;
    # registered at start with the client's default scopes (compose's Docker secrets).
    oauth_clients_dir: Path | None = None
    max_body_bytes: int = 2 * 1024 * 1024

    # Operations: log lines as JSON (default) or text for a person; a file holding the token
    # a Prometheus scraper must send to /metrics (unset: /metrics answers without one, and
    # the gateway never routes it from outside).
    log_format: str = Field(default="json", pattern="^(json|text)$")
    metrics_token_file: Path | None = None
    # `kasane serve`: server processes (one Python process runs on one core at a time, the
    # GIL). Default: one per usable core. The capacities below are the whole server's; each
    # worker takes its share (``worker_share``), so more workers never mean more connections,
    # more Argon2id memory or a longer line than configured.
    workers: int = Field(default_factory=usable_cores, ge=1, le=64)
    # Capacity, sized together (see kasane_shared.overload): each service admits this many
    # requests at once; its database pool holds that many connections plus two (unless
    # set), and the thread pool is the sum over the services in the process plus a margin.
    # Beyond that a request waits in line up to request_queue_seconds, then gets a 503 (at
    # once when the line's pace already says it would wait longer). Five seconds of waiting
    # leave room for the work itself within the ten seconds a person will wait for a page.
    max_concurrent_requests: int = Field(default=8, ge=1, le=256)
    request_queue_seconds: float = Field(default=5.0, gt=0, le=60)
    request_queue_limit: int = Field(default=256, ge=0, le=100_000)
    db_pool_size: int | None = Field(default=None, ge=1, le=500)
    db_max_overflow: int = Field(default=4, ge=0, le=500)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=120_000)
    # Every call to another service (and to identity's token endpoint) gives up after this.
    outbound_timeout_seconds: float = Field(default=3.0, gt=0, le=120)
    # Argon2id (64 MiB each): at most this many at once (about one per core); a sign-in
    # that cannot start within password_hash_wait_seconds gets a 503 with Retry-After.
    password_hash_concurrency: int = Field(default_factory=usable_cores, ge=1)
    password_hash_wait_seconds: float = Field(default=5.0, gt=0, le=60)
    # Identity: parsed member private keys kept in memory (never on disk).
    private_key_cache_size: int = Field(default=1024, ge=0, le=1_000_000)
    # Identity: data keys those private keys opened, by the exact wrap (memory only).
    data_key_cache_size: int = Field(default=16384, ge=0, le=1_000_000)

    # Retention (each city's 文書管理規程 decides; these are defaults to change): a closed
    # case and everything about it is destroyed this many years after it was closed,
    # counted from the closing day or from 1 April after it (翌年度起算).
    retention_case_years: int = Field(default=5, ge=1, le=100)
    retention_count_from: str = Field(default="closed_on", pattern="^(closed_on|next_fiscal_year)$")

    def worker_share(self, workers: int) -> Settings:
        """These settings for one of ``workers`` processes: each server-wide budget divided."""
        if workers <= 1:
            return self

        def share(total: int) -> int:
            return max(-(-total // workers), 1)  # rounded up: never below one

        shares: dict[str, object] = {
            "max_concurrent_requests": share(self.max_concurrent_requests),
            "request_queue_limit": share(self.request_queue_limit),
            "password_hash_concurrency": share(self.password_hash_concurrency),
            "db_max_overflow": -(-self.db_max_overflow // workers),
        }
        if self.db_pool_size is not None:
            shares["db_pool_size"] = share(self.db_pool_size)
        return self.model_copy(update=shares)

    def database_url(self, service: str) -> str:
        """The configured URL of a service's own database, or its SQLite file in the data dir."""
        url = getattr(self, f"{service}_database_url")
        if url:
            return self._with_password(url)
        return f"sqlite:///{(self.data_dir / f'{service}.db').resolve()}"

    def _with_password(self, url: str) -> str:
        if self.database_password_file is None:
            return url
        from sqlalchemy import make_url

        parsed = make_url(url)
        if parsed.password:
            return url
        password = self.database_password_file.read_text().strip()
        return parsed.set(password=password).render_as_string(hide_password=False)

    @property
    def resolved_anchor_file(self) -> Path:
        """The audit anchor file: explicit, or ``audit-anchors.jsonl`` in the data directory."""
        return self.audit_anchor_file or (self.data_dir / "audit-anchors.jsonl")

    @cached_property
    def resolved_key_file(self) -> Path:
        """The KEK file path: explicit, or ``kek.json`` in the data directory."""
        return self.key_file or (self.data_dir / "kek.json")
