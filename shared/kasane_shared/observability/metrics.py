"""Prometheus metrics, one registry per service (suite mode serves three in one process).

``/metrics`` on each service answers in the Prometheus text format. It is for the
operator's scraper only: the gateway does not route it, and ``KASANE_METRICS_TOKEN_FILE``
makes it require ``Authorization: Bearer <token>`` as well.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from kasane_shared.crypto.digests import same
from kasane_shared.errors import KasaneError

UNMATCHED_ROUTE = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class _PoolCollector(Collector):
    """Database pool use, read at scrape time from the service's current engine."""

    def __init__(self) -> None:
        self.source: Callable[[], Any] | None = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        pool = _pool_of(self.source() if self.source else None)
        if pool is None:
            return
        gauge = GaugeMetricFamily(
            "kasane_db_pool_connections",
            "Connections of the service's database pool, by state",
            labels=["state"],
        )
        for state, reader in (("checked_out", "checkedout"), ("idle", "checkedin")):
            value = getattr(pool, reader, None)
            if callable(value):
                gauge.add_metric([state], float(value()))
        yield gauge
        size = getattr(pool, "size", None)
        if callable(size):
            yield GaugeMetricFamily(
                "kasane_db_pool_size", "Configured size of the database pool", value=size()
            )


class _AnchorLagCollector(Collector):
    """How far the audit chain's anchoring is behind, read at scrape time from the anchorer."""

    def __init__(self) -> None:
        self.source: Callable[[], Any] | None = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        db = self.source() if self.source else None
        anchorer = getattr(db, "anchorer", None)
        lag = getattr(anchorer, "lag", None)
        if not callable(lag):
            return
        seconds, entries = lag()
        yield GaugeMetricFamily(
            "kasane_audit_anchor_lag_seconds",
            "Seconds the oldest committed audit entry not yet anchored has waited (0: none)",
            value=seconds,
        )
        yield GaugeMetricFamily(
            "kasane_audit_unanchored_entries",
            "Audit entries committed since the newest anchor of the chain's head",
            value=entries,
        )


def _pool_of(db: Any) -> Any:
    from sqlalchemy.engine import Engine

    bind = getattr(db, "bind", None)
    return bind.pool if isinstance(bind, Engine) else None


class ServiceMetrics:
    """Every metric of one service, in that service's own registry."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.requests = Counter(
            "kasane_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=reg,
        )
        self.latency = Histogram(
            "kasane_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status",
            ["method", "route", "status"],
            registry=reg,
        )
        self.unwraps = Counter(
            "kasane_key_unwraps",
            "Data-key unwraps asked of identity's key custody, by outcome",
            ["outcome"],
            registry=reg,
        )
        self.redactions = Counter(
            "kasane_redaction_spans",
            "Tax spans masked in free text (found by the redactor or marked by a coordinator)",
            registry=reg,
        )
        self.suspects = Counter(
            "kasane_redaction_suspects",
            "Possible tax spans the redactor was unsure of, left for a coordinator to decide",
            registry=reg,
        )
        self.argon2_in_progress = Gauge(
            "kasane_argon2_in_progress",
            "Argon2id password hashes being computed now (beyond the core count they queue)",
            registry=reg,
        )
        self.pool = _PoolCollector()
        reg.register(self.pool)
        self.anchor_lag = _AnchorLagCollector()
        reg.register(self.anchor_lag)
        self._extra: set[str] = set()

    @contextmanager
    def argon2_work(self) -> Iterator[None]:
        """Count one Argon2id computation while it runs."""
        self.argon2_in_progress.inc()
        try:
            yield
        finally:
            self.argon2_in_progress.dec()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        labels = (method if method in METHODS else "OTHER", route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def register_once(self, name: str, collector: Collector) -> None:
        """Add a service-specific collector (e.g. the audit anchor lag) once per process."""
        if name not in self._extra:
            self._extra.add(name)
            self.registry.register(collector)


_registries: dict[str, ServiceMetrics] = {}
_registries_lock = threading.Lock()


def metrics_for(service: str) -> ServiceMetrics:
    """The metrics of ``service`` in this process (made on first use)."""
    with _registries_lock:
        if service not in _registries:
            _registries[service] = ServiceMetrics(service)
        return _registries[service]


def _scrape_refused() -> KasaneError:
    return KasaneError(
        401,
        "metrics_token_required",
        "メトリクスの取得にはトークンが必要です。",
        "A scrape token is required for metrics.",
        headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
    )


def _check_scrape_token(request: Request) -> None:
    settings = getattr(request.app.state, "settings", None)
    path = getattr(settings, "metrics_token_file", None)
    if path is None:
        return
    expected = path.read_text().strip()
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if not expected or scheme.lower() != "bearer" or not same(token.strip(), expected):
        raise _scrape_refused()


def install_observability(app: FastAPI, service: str) -> ServiceMetrics:
    """Per-request metrics and log lines, and ``GET /metrics``, on a service app."""
    from kasane_shared.observability.middleware import ObservabilityMiddleware

    metrics = metrics_for(service)
    metrics.pool.source = lambda: getattr(app.state, "db", None)
    metrics.anchor_lag.source = metrics.pool.source
    app.add_middleware(ObservabilityMiddleware, service=service, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics(request: Request) -> Response:
        """The service's metrics in the Prometheus text format (scrape token if configured)."""
        _check_scrape_token(request)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
