"""Audit entries as an auditor reads them: names for events, targets and details, no codes."""

from __future__ import annotations

from typing import Any

from kasane_shared.audit_names import (
    detail_label,
    event_name,
    outcome_name,
    target_kind,
    value_text,
)
from web.audit.service import TABLE_KINDS
from web.core.templates import wareki_date, wareki_datetime

# Detail keys whose values are ids of things an auditor knows by name.
ID_DETAILS = {"meeting_id": "meeting", "case_id": "case", "minutes_id": "minutes"}
PEOPLE_DETAILS = ("member_id", "members", "actor_id")
HIDDEN_DETAILS = ("start", "end")  # character offsets: meaningless to a reader


class Labeller:
    """Turns one page of entries into rows of words, in the reader's language."""

    def __init__(
        self, t: Any, lang: str, names: dict[str, str], related: dict[str, dict[str, Any]]
    ) -> None:
        self.t, self.lang, self.names, self.related = t, lang, names, related

    def meeting(self, facts: dict[str, Any] | None) -> str:
        """「会議 令和8年12月22日（火） 支援会議」."""
        if not facts or not facts.get("starts_at"):
            return self.t("audit.t_meeting_unknown")
        return self.t(
            "audit.t_meeting",
            day=wareki_date(facts["starts_at"]),
            kind=self.t(f"kind.{facts.get('conference_kind', 'shien')}"),
        )

    def case(self, facts: dict[str, Any] | None) -> str:
        """「事例 R8-0012」, or the day it was opened where cases carry no number."""
        if not facts:
            return self.t("audit.t_case_unknown")
        if facts.get("number"):
            return self.t("audit.t_case", number=facts["number"])
        return self.t("audit.t_case_opened", day=wareki_date(facts.get("opened_on")))

    def _minutes(self, facts: dict[str, Any]) -> str:
        meeting = self.related.get(f"meeting:{facts.get('meeting_id')}")
        return self.t(
            "audit.t_minutes", version=facts.get("version", "?"), meeting=self.meeting(meeting)
        )

    def target(self, entry: dict[str, Any]) -> str:
        """The target as the auditor knows it (no case content, no internal id)."""
        kind, target_id = entry.get("target_type"), entry.get("target_id")
        if not kind:
            return ""
        if not target_id:  # e.g. the case list: the kind is the whole target
            return target_kind(kind, self.lang)
        facts = entry.get("target") or self.related.get(f"{kind}:{target_id}") or {}
        word = target_kind(kind, self.lang)
        if kind == "meeting":
            return self.meeting(facts)
        if kind == "case":
            return self.case(facts or None)
        if kind == "agenda_item" and facts:
            return self.t("audit.t_item", n=facts.get("position", "?"), meeting=self.meeting(facts))
        if kind in ("consent", "plan") and facts:
            return f"{word}（{self.case(facts)}）"
        if kind in ("minutes", "minutes_item", "comment") and facts:
            return (
                f"{word}（{self._minutes(facts)}）" if kind != "minutes" else self._minutes(facts)
            )
        if kind == "pledge_template" and facts:
            return self.t(
                "audit.t_template",
                kind=self.t(f"kind.{facts['conference_kind']}"),
                version=facts["version"],
            )
        name = facts.get("name") or (self.names.get(target_id or "") if kind == "member" else None)
        if name:
            extra = facts.get("conference_kind")
            return f"{word} {name}" + (f"（{self.t(f'kind.{extra}')}）" if extra else "")
        if kind == "kek" and target_id:
            return self.t("audit.t_kek", n=target_id)
        if kind in ("oauth_client",) and target_id:
            return f"{word} {target_id}"
        return word

    def _records(self, value: list[Any]) -> str:
        """Which records' keys were opened (or refused), and why a refusal happened."""
        labels: dict[str, None] = {}
        for item in value:
            if not isinstance(item, dict):
                continue
            kind = TABLE_KINDS.get(str(item.get("table")))
            label = (
                self.target({"target_type": kind, "target_id": item.get("record_id")})
                if kind
                else self.t("audit.t_tax_part")
            )
            if item.get("reason"):
                label += self.t("audit.t_reason", reason=value_text(item["reason"], self.lang))
            labels[label] = None
        return self.t("audit.t_records", n=len(value), records="、".join(labels))

    def _detail_value(self, key: str, value: Any) -> str:
        if key in ("opened", "refused") and isinstance(value, list):
            return self._records(value)
        if key == "refused" and isinstance(value, dict):  # refusals counted by reason
            return "、".join(
                self.t("audit.t_count", what=value_text(reason, self.lang), n=n)
                for reason, n in value.items()
            )
        if key in ID_DETAILS and isinstance(value, str):
            facts = self.related.get(f"{ID_DETAILS[key]}:{value}")
            if key == "meeting_id":
                return self.meeting(facts)
            if key == "case_id":
                return self.case(facts)
            return self._minutes(facts) if facts else self.t("audit.t_unknown")
        if key in PEOPLE_DETAILS:
            ids = value if isinstance(value, list) else [value]
            return "、".join(self.names.get(str(i), self.t("audit.t_unknown")) for i in ids)
        if key in ("scope", "scopes") and isinstance(value, str):  # space-separated codes
            return value_text(value.split(), self.lang)
        if key == "purpose" and isinstance(value, str):
            try:
                return self.t(f"purpose.{value}")
            except KeyError:
                return value_text(value, self.lang)
        if key in ("since", "until") and isinstance(value, str):
            return wareki_datetime(value)
        if key == "action" and isinstance(value, str):
            return event_name(value.rstrip("."), self.lang)
        if key == "target_type" and isinstance(value, str):
            return target_kind(value, self.lang)
        return value_text(value, self.lang)

    def details(self, entry: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, value) pairs."""
        pairs = []
        details = entry.get("details") or {}
        for key, value in details.items():
            if key in HIDDEN_DETAILS or value in (None, "", [], {}):
                continue
            if key == "target_id":
                kind = details.get("target_type")
                pairs.append(
                    (
                        detail_label(key, self.lang),
                        self.target({"target_type": kind, "target_id": value}),
                    )
                )
                continue
            pairs.append((detail_label(key, self.lang), self._detail_value(key, value)))
        return pairs

    def actor(self, actor: str | None) -> str:
        """A person's name; a service acting as itself reads as that service."""
        if not actor:
            return "—"
        if actor.startswith("client:"):
            return f"{target_kind('oauth_client', self.lang)} {actor.split(':', 1)[1]}"
        return self.names.get(actor, self.t("audit.t_unknown"))

    def row(self, entry: dict[str, Any]) -> dict[str, Any]:
        """One entry in words."""
        actor = entry.get("actor_id")
        return {
            "when": wareki_datetime(entry["recorded_at"]),
            "recorded_at": entry["recorded_at"],
            "service": self.t(f"service.{entry['service']}"),
            "seq": entry["seq"],
            "actor": self.actor(actor),
            "actor_id": actor or "",
            "event": event_name(entry["action"], self.lang),
            "target": self.target(entry),
            "target_type": entry.get("target_type") or "",
            "target_id": entry.get("target_id") or "",
            "outcome": outcome_name(entry["outcome"], self.lang),
            "ok": entry["outcome"] == "ok",
            "details": self.details(entry),
        }
