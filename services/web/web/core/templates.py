"""The Jinja2 environment: shared base template, each domain's templates, filters (和暦, masks)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)

from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.redaction import TAX_PLACEHOLDER
from kasane_shared.wareki import format_date, format_datetime, format_time_range
from kasane_shared.web import STATIC_DIR, TEMPLATES_DIR

WEB_DIR = Path(__file__).resolve().parent.parent
DOMAINS = (
    "session",
    "home",
    "pledges",
    "meetings",
    "cases",
    "minutes",
    "admin",
    "audit",
    "account",
)


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def wareki_datetime(value: Any) -> str:
    """「令和8年1月27日（火）14:00」 from an ISO string or datetime."""
    moment = _datetime(value)
    return format_datetime(moment) if moment and moment.tzinfo else (str(value) if value else "")


def wareki_date(value: Any) -> str:
    """「令和8年1月27日（火）」 from an ISO date string or date."""
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        return wareki_datetime(value)
    return format_date(value) if isinstance(value, date) else ""


def wareki_range(start: Any, end: Any) -> str:
    """「令和8年1月27日（火）14:00〜15:30」."""
    s, e = _datetime(start), _datetime(end)
    return format_time_range(s, e) if s and e and s.tzinfo and e.tzinfo else ""


def tax_parts(text: Any) -> list[dict[str, Any]]:
    """Split service text at the tax placeholder so the page can say why a part is hidden."""
    parts: list[dict[str, Any]] = []
    for index, piece in enumerate(str(text or "").split(TAX_PLACEHOLDER)):
        if index:
            parts.append({"masked": True, "text": ""})
        if piece:
            parts.append({"masked": False, "text": piece})
    return parts


def highlight(value: Any, spans: Any, field: str | None = None) -> Markup:
    """Text with the detected tax spans marked (escaped piece by piece)."""
    content = str(value or "")
    chosen = sorted(
        (int(s[0]), int(s[1]))
        for s in spans or []
        if field is None or (len(s) > 2 and s[2] == field)
    )
    out, at = [], 0
    for start, end in chosen:
        if start < at or end > len(content):
            continue
        out.append(escape(content[at:start]))
        out.append(Markup('<mark class="tax">{}</mark>').format(content[start:end]))
        at = end
    out.append(escape(content[at:]))
    return Markup("").join(out)


def check_parts(value: Any, masked: Any, suspects: Any) -> list[dict[str, Any]]:
    """A checked text cut into plain, masked ("auto" or "manual") and suspect pieces.

    Offsets are code points, as the services count them; overlapping or out-of-range
    entries are skipped rather than shown wrongly. A suspect piece carries its number.
    """
    content = str(value or "")
    marks = [(int(m[0]), int(m[1]), str(m[2]), None) for m in masked or []]
    marks += [(int(s[0]), int(s[1]), "suspect", n) for n, s in enumerate(suspects or [])]
    parts: list[dict[str, Any]] = []
    at = 0
    for start, end, kind, number in sorted(marks, key=lambda m: (m[0], m[1])):
        if start < at or end > len(content) or start >= end:
            continue
        if start > at:
            parts.append({"kind": None, "text": content[at:start], "n": None})
        parts.append({"kind": kind, "text": content[start:end], "n": number})
        at = end
    if at < len(content):
        parts.append({"kind": None, "text": content[at:], "n": None})
    return parts


def zip_titles(ids: Any, cases: dict[str, Any], fallback: str) -> list[tuple[str, str]]:
    """(case id, title) options for a select."""
    return [(i, cases[i].get("title") or fallback) for i in ids]


def zip_org_names(ids: Any, orgs: dict[str, Any]) -> list[tuple[str, str]]:
    """(organization id, name) options for a select."""
    return [(i, orgs[i]["name"]) for i in ids]


def zip_labels(values: Any, t: Any, prefix: str) -> list[tuple[str, str]]:
    """(value, label) options for a select, labels from the catalog under ``prefix``."""
    return [(v, t(f"{prefix}{v}")) for v in values]


def purpose_options(purposes: Any, t: Any) -> list[tuple[str, str]]:
    """(purpose, label) options for a select."""
    return [(p, t(f"purpose.{p}")) for p in purposes]


def field_id(name: str) -> str:
    """An HTML id for a form field name."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def static_versions() -> dict[str, str]:
    """A content hash per static file, so a changed asset is fetched again."""
    return {p.name: sha256_hex(p.read_bytes())[:10] for p in STATIC_DIR.iterdir() if p.is_file()}


def build_environment(translate: Any) -> Environment:
    """Autoescaping environment over the shared and per-domain templates."""
    domain_loaders = {d: FileSystemLoader(WEB_DIR / d / "templates") for d in DOMAINS}
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES_DIR), PrefixLoader(domain_loaders)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = static_versions()
    env.filters.update(
        wareki_datetime=wareki_datetime,
        wareki_date=wareki_date,
        wareki_range=wareki_range,
        tax_parts=tax_parts,
        field_id=field_id,
        highlight=highlight,
        check_parts=check_parts,
        zip_titles=zip_titles,
        purpose_options=purpose_options,
        zip_org_names=zip_org_names,
        zip_labels=zip_labels,
    )
    env.globals["static_url"] = lambda name: f"/static/{name}?v={versions.get(name, '0')}"
    env.globals["_translate"] = translate
    # The one placeholder of masked tax data, as the API, Word copies and the CLI show it.
    env.globals["tax_placeholder"] = TAX_PLACEHOLDER
    return env
