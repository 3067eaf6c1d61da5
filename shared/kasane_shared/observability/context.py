"""The request id: taken from a caller (another service, the gateway) or made here.

It travels in ``X-Request-ID`` on every service-to-service call, so the log lines of one
user request can be followed through identity, agenda and minutes. An incoming id is used
only when it looks like one (16 to 64 hex digits and dashes, as nginx's ``$request_id`` and
a UUID are): a header is outside input and must not carry words into the logs.
"""

from __future__ import annotations

import contextvars
import re
import uuid

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[0-9a-fA-F][0-9a-fA-F-]{15,63}")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kasane_request_id", default=None
)


def accept_request_id(incoming: str | None) -> str:
    """The caller's id when well formed, else a fresh one."""
    if incoming and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being served in this context (None outside a request)."""
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str | None]:
    """Make ``value`` the current request id; returns the token to reset it."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    """Restore the request id that was current before ``set_request_id``."""
    _request_id.reset(token)


def propagation_headers() -> dict[str, str]:
    """Headers an outgoing service call carries: the current request id, if any."""
    value = _request_id.get()
    return {HEADER: value} if value else {}
