"""Log lines: JSON by default (one object a line), or plain text for a person.

Every line Kasane writes goes through these formatters, uvicorn's own included. An
exception is written as its type and the code locations it passed through, never its
message: exception text may quote a database parameter, a login or case content.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from kasane_shared.observability.context import current_request_id

FORMATS = ("json", "text")
# Fields a log record may carry besides the message (set with ``extra=``).
FIELDS = ("service", "method", "route", "status", "duration_ms", "event")
_HANDLER_NAME = "kasane"


def _exception_fields(record: logging.LogRecord) -> dict[str, Any]:
    if not record.exc_info or record.exc_info[0] is None:
        return {}
    kind, _value, tb = record.exc_info
    frames = [
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)
    ]
    return {"exc_type": kind.__name__, "stack": frames[-12:]}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "level": record.levelname.lower(),
        "logger": record.name,
        # Which process wrote the line: `kasane serve --workers N` runs several.
        "pid": record.process,
    }
    request_id = getattr(record, "request_id", None) or current_request_id()
    if request_id:
        out["request_id"] = request_id
    for name in FIELDS:
        value = getattr(record, name, None)
        if value is not None:
            out[name] = value
    out["msg"] = record.getMessage()
    out.update(_exception_fields(record))
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, request_id, the request's fields, msg."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False, separators=(",", ":"))


class TextFormatter(logging.Formatter):
    """The same fields as one readable line (``--log-format text``)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        head = f"{fields.pop('ts')} {fields.pop('level').upper():7} {fields.pop('logger')}"
        message = fields.pop("msg")
        stack = fields.pop("stack", None)
        rest = " ".join(f"{key}={value}" for key, value in fields.items())
        line = f"{head} {message} {rest}".rstrip()
        if stack:
            line += "\n    " + "\n    ".join(stack)
        return line


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for ``json`` or ``text``."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {FORMATS}")
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(log_format: str = "json", level: int = logging.INFO) -> None:
    """Send Kasane's and uvicorn's log records to stderr in one format (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter(log_format))
    for name in ("kasane", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
            logger.removeHandler(old)
        if name != "kasane":
            # uvicorn's default handlers print exception text; ours print types only.
            for old in list(logger.handlers):
                logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    # uvicorn's access lines hold the raw path and query string: never written.
    logging.getLogger("uvicorn.access").disabled = True


__all__ = [
    "FORMATS",
    "JsonFormatter",
    "TextFormatter",
    "configure_logging",
    "formatter",
]
