"""Keyset pages for long lists: an opaque cursor and the RFC 8288 ``Link: rel="next"`` header.

A cursor names the last row of the page the client has (its sort time and id), so the
next page starts right after it: rows inserted meanwhile never shift a page, and a page
costs the same at row 10,000 as at row 10. The cursor is a position, not a secret; it
carries a check so that any change to it is refused with a 400 instead of being read as
some other position.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

from starlette.datastructures import URL

from kasane_shared.crypto.digests import same, sha256
from kasane_shared.errors import KasaneError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_LABEL = b"kasane/v1/cursor\x00"
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check(list_name: str, payload: bytes) -> bytes:
    return sha256(_LABEL + list_name.encode() + b"\x00" + payload)[:9]


def bad_cursor() -> KasaneError:
    """A cursor this list did not hand out (edited, truncated, or from another list)."""
    return KasaneError(
        400,
        "invalid_cursor",
        "ページの指定（cursor）が正しくありません。一覧の最初から開き直してください。",
        "The page cursor is not valid. Start again from the first page.",
    )


def encode_cursor(list_name: str, at: datetime, row_id: str) -> str:
    """The cursor after the row (``at``, ``row_id``) of the list ``list_name``."""
    payload = f"{at.astimezone(UTC).isoformat()}|{row_id}".encode()
    return f"{_b64(payload)}.{_b64(_check(list_name, payload))}"


def decode_cursor(list_name: str, cursor: str) -> tuple[datetime, str]:
    """The (time, id) a cursor of ``list_name`` names, or a 400."""
    try:
        body, _, check = cursor.partition(".")
        payload = _unb64(body)
        if not same(_unb64(check), _check(list_name, payload)):
            raise ValueError("check")
        stamp, _, row_id = payload.decode().partition("|")
        at = datetime.fromisoformat(stamp)
    except (ValueError, UnicodeDecodeError) as error:
        raise bad_cursor() from error
    if at.tzinfo is None or not _ID.fullmatch(row_id):
        raise bad_cursor()
    return at, row_id


def encode_offset(list_name: str, offset: int) -> str:
    """The cursor of position ``offset`` in a list that is sorted in memory (searches)."""
    payload = f"@{offset}".encode()
    return f"{_b64(payload)}.{_b64(_check(list_name, payload))}"


def decode_offset(list_name: str, cursor: str) -> int:
    """The position an offset cursor of ``list_name`` names, or a 400."""
    try:
        body, _, check = cursor.partition(".")
        payload = _unb64(body)
        if not same(_unb64(check), _check(list_name, payload)):
            raise ValueError("check")
        text = payload.decode()
        if not text.startswith("@") or not text[1:].isdigit():
            raise ValueError("offset")
        return int(text[1:])
    except (ValueError, UnicodeDecodeError) as error:
        raise bad_cursor() from error


def next_link(url: URL, cursor: str, limit: int) -> str:
    """The ``Link`` header value naming the next page (same query, new cursor)."""
    target = url.include_query_params(cursor=cursor, limit=limit)
    return f'<{target}>; rel="next"'


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "bad_cursor",
    "decode_cursor",
    "decode_offset",
    "encode_cursor",
    "encode_offset",
    "next_link",
]
