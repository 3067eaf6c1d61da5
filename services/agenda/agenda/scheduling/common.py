"""What the scheduling modules share: the city's time zone and the error type."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Every municipality Kasane serves keeps Japan Standard Time: +09:00, no DST.
JST = ZoneInfo("Asia/Tokyo")


class SchedulingError(ValueError):
    """Bad input to the scheduling logic; ``str()`` reads "日本語 / English"."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja, self.en = ja, en


def require_aware(
    value: object, name: str, error: type[SchedulingError] = SchedulingError
) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise ``error``."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise error(
            f"{name} はタイムゾーン付きの日時で指定してください。",
            f"{name} must be a timezone-aware datetime.",
        )
    return value


def require_date(value: object, name: str, error: type[SchedulingError] = SchedulingError) -> date:
    """Return ``value`` if it is a plain date (a datetime is not one here), else raise ``error``."""
    # datetime subclasses date; a datetime here would silently drop its time and zone.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise error(f"{name} は日付で指定してください。", f"{name} must be a date.")
    return value


def is_int(value: object) -> bool:
    """True for a real int (bool is an int subclass but never a count or an index)."""
    return isinstance(value, int) and not isinstance(value, bool)
