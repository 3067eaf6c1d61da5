"""`kasane serve`: the suite in one process, or in several worker processes on one socket.

One Python process runs Python code on one core at a time (the GIL), so a server with more
cores serves the suite from ``--workers N`` processes (uvicorn's own supervisor, one socket
shared by all). Whatever must happen once happens in this parent before any worker starts:
migrations, identity's first-run content (signing key, pledge texts, escrow keys), the
service clients and demo seeding. The parent then lets go of its databases and key provider
(a PKCS#11 session is never shared with a worker: workers are spawned, not forked, and open
their own) and only supervises: SIGTERM or SIGINT stops every worker gracefully.

What each worker keeps in memory agrees with the others through the databases: signing
keys and the JWKS are read from identity's database (an unknown ``kid`` forces a reload),
the service clients' secrets are derived from the key provider's root (the same in every
worker), session liveness is rechecked within ``session_check_seconds``, and the parsed-key
and data-key caches answer only after the key row was read again in the request. Capacity
settings are the whole server's; each worker takes its share (``Settings.worker_share``).
"""

from __future__ import annotations

import os
from typing import Any

from kasane_shared.settings import Settings

FACTORY = "kasane.serve:worker_app"
UVICORN_OPTIONS: dict[str, Any] = {
    "log_level": "info",
    "access_log": False,
    # None: uvicorn keeps the handlers configure_logging set (no access lines).
    "log_config": None,
    # Longer than any client's or gateway's idle time: the server never closes a kept-alive
    # connection just as a client sends its next request on it (a dropped request).
    "timeout_keep_alive": 75,
}


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Run the suite on ``host:port`` in ``workers`` processes (1: in this process)."""
    import uvicorn

    from kasane.suite import create_suite

    suite = create_suite(settings)
    if settings.demo:
        from kasane.demo import seed_demo

        seed_demo(suite)
    print(f"Kasane: http://{host}:{port}/ (data: {settings.data_dir.resolve()})", flush=True)
    if workers <= 1:
        uvicorn.run(suite.app, host=host, port=port, **UVICORN_OPTIONS)
        return
    close_suite(suite)
    del suite
    _hand_down(settings, workers)
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, **UVICORN_OPTIONS)


def _hand_down(settings: Settings, workers: int) -> None:
    """Put what this command decided (not only the environment) where spawned workers read it."""
    os.environ["KASANE_WORKERS"] = str(workers)
    os.environ["KASANE_DEMO"] = "true" if settings.demo else "false"
    os.environ["KASANE_LOG_FORMAT"] = settings.log_format
    for service in ("identity", "agenda", "minutes"):
        os.environ[f"KASANE_{service.upper()}_URL"] = getattr(settings, f"{service}_url")


def close_suite(suite: Any) -> None:
    """Anchor what is pending, close every database pool and the key provider."""
    for app in (suite.identity, suite.agenda, suite.minutes):
        db = app.state.db
        if db.anchorer is not None:
            db.anchorer.flush()
    for app in (suite.identity, suite.agenda, suite.minutes):
        app.state.db.dispose()
    close = getattr(suite.identity.state.kek, "close", None)
    if close is not None:
        close()


def worker_app() -> Any:
    """One worker's suite (uvicorn's factory): migrated and prepared by the parent already."""
    from kasane.suite import create_suite
    from kasane_shared.observability.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_format)
    return create_suite(settings.worker_share(settings.workers), migrate=False).app


__all__ = ["serve", "worker_app"]
