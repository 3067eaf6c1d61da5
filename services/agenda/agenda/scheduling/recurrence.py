"""Regular meeting series (定例会議): the rule, its expansion into dates, storage and wording.

Semantics, chosen so a coordinator's reading of the rule holds:

- The series' first meeting is the first date on or after ``starts_on`` that matches the
  rule; ``interval`` counts from that first meeting (weeks for weekly, calendar months for
  monthly), so "every other Monday from Wed 6 Jan" meets on 11 Jan, 25 Jan, ...
- ``day_of_month`` 29-31: a month without that day has no meeting that month (it is not
  moved to the month's last day), and the skipped month does not count towards ``count``.
- ``count`` limits the dates the rule generates; ``skip_dates`` (holidays, cancellations,
  supplied by the caller) then removes dates, so a cancelled meeting still uses up its
  place in a "12 meetings" series, as EXDATE does in RFC 5545.
- ``closed_days`` says what a date on a closed day (土日祝日・年末年始) does: stay
  ("ignore"), drop out ("skip", using up its place like a skip date) or move to the
  next or previous open day. A moved date that lands on another meeting's date is one
  meeting.
- Times are wall-clock times in Asia/Tokyo; results are JST-aware datetimes.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from .common import JST, SchedulingError, is_int, require_aware, require_date
from .holidays import CLOSED_DAY_RULES, RULE_LABELS_JA, apply_rule

Frequency = Literal["weekly", "monthly"]

WEEKDAY_JA = ("月", "火", "水", "木", "金", "土", "日")
MAX_INTERVAL = {"weekly": 52, "monthly": 12}
MAX_DURATION_MINUTES = 24 * 60
MAX_COUNT = 1000
MAX_LIMIT = 1000
# Hard stops on one expansion, so an open-ended rule with an `after` far ahead, or
# skip_dates eating every date, can never loop forever (nor run past date.max).
MAX_PERIODS = 10_000
MAX_YEARS = 100
_KEYS = (
    "frequency",
    "interval",
    "weekday",
    "week_of_month",
    "day_of_month",
    "start_time",
    "duration_minutes",
    "starts_on",
    "until",
    "count",
    "closed_days",
)


class RecurrenceError(SchedulingError):
    """An invalid recurrence rule or expansion request; ``str()`` reads "日本語 / English"."""


@dataclass(frozen=True, kw_only=True)
class Recurrence:
    """A meeting series: weekly on a weekday, or monthly on an nth/last weekday or a day.

    ``weekday`` is 0=Monday..6=Sunday. ``week_of_month`` is 1-4 or -1 (last).
    Examples: every 4th Tuesday = ``frequency="monthly", weekday=1, week_of_month=4``;
    every other month on the 15th = ``frequency="monthly", interval=2, day_of_month=15``.
    """

    frequency: Frequency
    start_time: time
    duration_minutes: int
    starts_on: date
    interval: int = 1
    weekday: int | None = None
    week_of_month: int | None = None
    day_of_month: int | None = None
    until: date | None = None
    count: int | None = None
    closed_days: str = "ignore"

    def __post_init__(self) -> None:
        _validate(self)


def _fail(ja: str, en: str) -> RecurrenceError:
    return RecurrenceError(ja, en)


def _validate(rule: Recurrence) -> None:
    if rule.frequency not in MAX_INTERVAL:
        raise _fail(
            "繰り返しは毎週（weekly）か毎月（monthly）を指定してください。",
            "frequency must be 'weekly' or 'monthly'.",
        )
    limit = MAX_INTERVAL[rule.frequency]
    if not is_int(rule.interval) or not 1 <= rule.interval <= limit:
        raise _fail(
            f"間隔は1〜{limit}の整数で指定してください。",
            f"interval must be an integer from 1 to {limit}.",
        )
    if rule.weekday is not None and (not is_int(rule.weekday) or not 0 <= rule.weekday <= 6):
        raise _fail(
            "曜日は0（月）〜6（日）で指定してください。",
            "weekday must be 0 (Monday) to 6 (Sunday).",
        )
    if rule.frequency == "weekly":
        _validate_weekly(rule)
    else:
        _validate_monthly(rule)
    _validate_time(rule)
    _validate_bounds(rule)
    if rule.closed_days not in CLOSED_DAY_RULES:
        raise _fail(
            "休日の扱いは ignore・skip・next・previous のいずれかです。",
            "closed_days must be ignore, skip, next or previous.",
        )


def _validate_weekly(rule: Recurrence) -> None:
    if rule.weekday is None:
        raise _fail("毎週の繰り返しには曜日が必要です。", "a weekly rule needs a weekday.")
    if rule.week_of_month is not None or rule.day_of_month is not None:
        raise _fail(
            "毎週の繰り返しでは第n週や日付は指定できません。",
            "a weekly rule takes neither week_of_month nor day_of_month.",
        )


def _validate_monthly(rule: Recurrence) -> None:
    by_weekday = rule.weekday is not None or rule.week_of_month is not None
    if by_weekday and rule.day_of_month is not None:
        raise _fail(
            "毎月の繰り返しは「第n曜日」か「日付」のどちらか一方で指定してください。",
            "a monthly rule takes either weekday + week_of_month or day_of_month, not both.",
        )
    if rule.day_of_month is not None:
        if not is_int(rule.day_of_month) or not 1 <= rule.day_of_month <= 31:
            raise _fail("日付は1〜31で指定してください。", "day_of_month must be 1-31.")
        return
    if rule.weekday is None or rule.week_of_month is None:
        raise _fail(
            "毎月の繰り返しには「曜日と第n週」または「日付」が必要です。",
            "a monthly rule needs weekday + week_of_month, or day_of_month.",
        )
    if not is_int(rule.week_of_month) or rule.week_of_month not in (1, 2, 3, 4, -1):
        # A 5th weekday exists only in some months; "last" (-1) is what coordinators mean.
        raise _fail(
            "第5週は指定できません。第1〜第4週か最終週（-1）を指定してください。",
            "week_of_month must be 1-4 or -1.",
        )


def _validate_time(rule: Recurrence) -> None:
    if not isinstance(rule.start_time, time) or rule.start_time.tzinfo is not None:
        raise _fail(
            "開始時刻はタイムゾーンなしの時刻（日本時間）で指定してください。",
            "start_time must be a naive time (Japan time).",
        )
    if rule.start_time.second or rule.start_time.microsecond:
        raise _fail("開始時刻は分単位で指定してください。", "start_time must be whole minutes.")
    if not is_int(rule.duration_minutes) or not 1 <= rule.duration_minutes <= MAX_DURATION_MINUTES:
        raise _fail(
            f"所要時間は1〜{MAX_DURATION_MINUTES}分で指定してください。",
            f"duration_minutes must be 1-{MAX_DURATION_MINUTES}.",
        )


def _validate_bounds(rule: Recurrence) -> None:
    require_date(rule.starts_on, "starts_on", RecurrenceError)
    if not 1900 <= rule.starts_on.year <= 2999:
        # Keeps every expansion (cut MAX_YEARS on) far from date.max.
        raise _fail(
            "開始日は1900年〜2999年の範囲で指定してください。",
            "starts_on must be in the years 1900-2999.",
        )
    if rule.until is not None and rule.count is not None:
        raise _fail("終了日と回数は同時に指定できません。", "until and count cannot both be set.")
    if (
        rule.until is not None
        and require_date(rule.until, "until", RecurrenceError) < rule.starts_on
    ):
        raise _fail("終了日は開始日以降にしてください。", "until must not be before starts_on.")
    if rule.count is not None and (not is_int(rule.count) or not 1 <= rule.count <= MAX_COUNT):
        raise _fail(f"回数は1〜{MAX_COUNT}で指定してください。", f"count must be 1-{MAX_COUNT}.")


# --- expansion ---------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1-4) or last (-1) given weekday of a month; always exists for those n."""
    if nth == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _in_month(rule: Recurrence, month_index: int) -> date | None:
    """The rule's date in a month (year * 12 + month - 1), or None if the month lacks it."""
    year, month = divmod(month_index, 12)
    month += 1
    if rule.day_of_month is not None:
        if rule.day_of_month > calendar.monthrange(year, month)[1]:
            return None
        return date(year, month, rule.day_of_month)
    assert rule.weekday is not None and rule.week_of_month is not None
    return _nth_weekday(year, month, rule.weekday, rule.week_of_month)


def _candidate_dates(rule: Recurrence) -> Iterator[date]:
    """The rule's dates from starts_on on, within MAX_PERIODS periods and MAX_YEARS years."""
    last_year = rule.starts_on.year + MAX_YEARS
    for day in _raw_dates(rule):
        if day.year > last_year:
            return
        yield day


def _raw_dates(rule: Recurrence) -> Iterator[date]:
    # Consumed lazily and cut at MAX_YEARS, so with starts_on before 3000 no date overflows.
    if rule.frequency == "weekly":
        assert rule.weekday is not None
        first = rule.starts_on + timedelta(days=(rule.weekday - rule.starts_on.weekday()) % 7)
        for k in range(MAX_PERIODS):
            yield first + timedelta(weeks=k * rule.interval)
        return
    start = rule.starts_on.year * 12 + rule.starts_on.month - 1
    anchor = None
    # The first meeting may fall in a later month (already past this month, or no 31st).
    for index in range(start, start + 12):
        found = _in_month(rule, index)
        if found is not None and found >= rule.starts_on:
            anchor = index
            break
    if anchor is None:
        return
    for k in range(MAX_PERIODS):
        found = _in_month(rule, anchor + k * rule.interval)
        if found is not None:
            yield found


def _series_dates(rule: Recurrence) -> Iterator[date]:
    """The series' dates, honouring until and count."""
    for n, day in enumerate(_candidate_dates(rule)):
        if rule.count is not None and n >= rule.count:
            return
        if rule.until is not None and day > rule.until:
            return
        yield day


def occurrences(
    rule: Recurrence,
    *,
    after: datetime | None = None,
    limit: int = 50,
    skip_dates: frozenset[date] = frozenset(),
) -> list[tuple[datetime, datetime]]:
    """(start, end) of the series' meetings in JST strictly after ``after``, at most ``limit``."""
    if after is not None:
        require_aware(after, "after", RecurrenceError)
    if not is_int(limit) or not 0 <= limit <= MAX_LIMIT:
        raise _fail(f"件数は0〜{MAX_LIMIT}で指定してください。", f"limit must be 0-{MAX_LIMIT}.")
    length = timedelta(minutes=rule.duration_minutes)
    found: list[tuple[datetime, datetime]] = []
    if limit == 0:
        return found
    seen: set[date] = set()
    for generated in _series_dates(rule):
        # ``after`` counts on the rule's own date: a meeting moved to the previous open day
        # still belongs to the series that starts on the rule's date.
        if after is not None and datetime.combine(generated, rule.start_time, JST) <= after:
            continue
        day = None if generated in skip_dates else apply_rule(generated, rule.closed_days)
        if day is None or day in seen:
            continue
        seen.add(day)
        start = datetime.combine(day, rule.start_time, tzinfo=JST)
        found.append((start, start + length))
        if len(found) >= limit:
            break
    return found


# --- storage -----------------------------------------------------------------------------


def to_dict(rule: Recurrence) -> dict[str, Any]:
    """The rule as a JSON-ready dict (ISO dates, "HH:MM" time); every key always present."""
    data = asdict(rule)
    data["start_time"] = rule.start_time.strftime("%H:%M")
    data["starts_on"] = rule.starts_on.isoformat()
    data["until"] = rule.until.isoformat() if rule.until else None
    return data


def _parse(value: Any, parser: Any, key: str, ja_kind: str, en_kind: str) -> Any:
    if not isinstance(value, str):
        raise _fail(
            f"{key} は{ja_kind}の文字列で指定してください。", f"{key} must be {en_kind} string."
        )
    try:
        return parser(value)
    except ValueError:
        raise _fail(
            f"{key} の{ja_kind}が正しくありません。", f"{key} is not a valid {en_kind}."
        ) from None


def from_dict(data: Mapping[str, Any]) -> Recurrence:
    """A validated rule from what ``to_dict`` stored; raises RecurrenceError on anything else."""
    if not isinstance(data, Mapping):
        raise _fail(
            "繰り返しの設定はオブジェクトで指定してください。", "a recurrence must be an object."
        )
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise _fail(
            f"不明な項目があります: {', '.join(unknown)}", f"unknown fields: {', '.join(unknown)}"
        )
    missing = [
        k
        for k in ("frequency", "start_time", "duration_minutes", "starts_on")
        if data.get(k) is None
    ]
    if missing:
        raise _fail(
            f"必須項目がありません: {', '.join(missing)}", f"missing fields: {', '.join(missing)}"
        )
    fields = {k: data.get(k) for k in _KEYS if data.get(k) is not None}
    fields["start_time"] = _parse(
        data["start_time"], _parse_hhmm, "start_time", "時刻", "an HH:MM time"
    )
    fields["starts_on"] = _parse(
        data["starts_on"], _parse_iso_date, "starts_on", "日付", "an ISO date"
    )
    if data.get("until") is not None:
        fields["until"] = _parse(data["until"], _parse_iso_date, "until", "日付", "an ISO date")
    return Recurrence(**fields)


def _parse_hhmm(text: str) -> time:
    parsed = datetime.strptime(text, "%H:%M")
    return parsed.time()


def _parse_iso_date(text: str) -> date:
    # Only YYYY-MM-DD: date.fromisoformat in 3.11 also takes week dates and basic forms.
    return datetime.strptime(text, "%Y-%m-%d").date()


# --- wording -----------------------------------------------------------------------------


def _times_ja(rule: Recurrence) -> str:
    start = datetime.combine(date(2000, 1, 1), rule.start_time)
    end = start + timedelta(minutes=rule.duration_minutes)
    next_day = "翌" if end.date() != start.date() else ""
    return f"{start:%H:%M}〜{next_day}{end:%H:%M}"


def _cadence_ja(rule: Recurrence) -> str:
    unit = "週" if rule.frequency == "weekly" else "月"
    if rule.interval == 1:
        return f"毎{unit}"
    if rule.interval == 2:
        return f"隔{unit} "
    return f"{rule.interval}週ごと " if unit == "週" else f"{rule.interval}か月ごと "


def _day_ja(rule: Recurrence) -> str:
    if rule.day_of_month is not None:
        note = "（該当日のない月は開催なし）" if rule.day_of_month >= 29 else ""
        return f"{rule.day_of_month}日{note}"
    assert rule.weekday is not None
    weekday = f"{WEEKDAY_JA[rule.weekday]}曜日"
    if rule.week_of_month is None:
        return weekday
    return f"最終{weekday}" if rule.week_of_month == -1 else f"第{rule.week_of_month}{weekday}"


def _limit_ja(rule: Recurrence) -> str:
    if rule.until is not None:
        return f"（{rule.until.year}年{rule.until.month}月{rule.until.day}日まで）"
    if rule.count is not None:
        return f"（全{rule.count}回）"
    return ""


def describe_ja(rule: Recurrence) -> str:
    """The rule as a coordinator reads it, e.g. 「毎月第4火曜日 14:00〜15:30」."""
    closed = RULE_LABELS_JA[rule.closed_days]
    return f"{_cadence_ja(rule)}{_day_ja(rule)} {_times_ja(rule)}{closed}{_limit_ja(rule)}"
