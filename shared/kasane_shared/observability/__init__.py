"""Operations signals: Prometheus metrics per service, one JSON log line per request.

Nothing personal goes into a signal: metric labels are route templates, methods, status
codes and outcome codes; log lines carry the request id, the route template, the status
and the duration, never a raw path, a query string, a header value, a name or a token.
"""

from kasane_shared.observability.context import current_request_id, propagation_headers
from kasane_shared.observability.metrics import ServiceMetrics, install_observability, metrics_for

__all__ = [
    "ServiceMetrics",
    "current_request_id",
    "install_observability",
    "metrics_for",
    "propagation_headers",
]
