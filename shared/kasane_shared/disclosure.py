"""What a caller may be shown of a meeting without a pledge: trust rule 1, decided here only.

A caller without a valid, unrevoked pledge (誓約書) for a meeting's conference kind sees the
meeting's time, place and kind, nothing else: its title reads as the kind label (支援会議 /
重層的支援会議), and whatever else is linked to the meeting (minutes and their Word copy,
items and their purposes, case ids, attendees, approver, content hash, comments) is refused
with a 403 that says why, rather than trimmed. Agenda and minutes both ask this module;
identity answers whether the pledge is valid now, once per kind per request.
"""

from __future__ import annotations

from typing import Protocol

from kasane_shared.auth.deps import Caller
from kasane_shared.errors import KasaneError

KIND_LABELS = {"shien": "支援会議", "jusou": "重層的支援会議"}
KIND_LABELS_EN = {"shien": "support conference", "jusou": "multi-layered support conference"}

# What the refused caller was about to do, as the reason says it.
ACTIONS = {
    "read": ("閲覧できません", "cannot be read"),
    "comment": ("コメントできません", "cannot be commented on"),
    "confirm": ("確認できません", "cannot be confirmed"),
    "export": ("Word で書き出せません", "cannot be exported"),
}


class PledgeLookup(Protocol):
    """The one question asked of identity (``IdentityClient.has_pledge``)."""

    def has_pledge(self, token: str, member_id: str, kind: str) -> bool:
        """Whether the caller holds a valid pledge for ``kind`` now."""
        ...


def kind_label(kind: str) -> str:
    """「支援会議」 for ``shien``: what stands in for a title the caller may not read."""
    return KIND_LABELS.get(kind, "会議")


def may_see_content(pledged: bool) -> bool:
    """The rule itself: content (and the title) only with a valid pledge for the meeting's kind."""
    return pledged


def no_pledge(kind: str, action: str = "read") -> KasaneError:
    """The 403 for a caller without a valid pledge: Japanese first, says what to do."""
    ja, en = ACTIONS.get(action, ACTIONS["read"])
    return KasaneError(
        403,
        "no_pledge",
        f"{kind_label(kind)}の誓約書が未提出（または期限切れ・撤回済み）のため、"
        f"この会議の内容は{ja}。日時と場所のみ確認できます。誓約書を提出してください。",
        f"Without a valid pledge for the {KIND_LABELS_EN.get(kind, 'conference')}, "
        f"this meeting's content {en}; only its time and place are shown. Sign the pledge.",
    )


class Disclosure:
    """One request's answers for one caller: may they see a meeting's content, by kind."""

    def __init__(self, identity: PledgeLookup, caller: Caller) -> None:
        self.identity, self.caller = identity, caller
        self._pledged: dict[str, bool] = {}

    def may_see_content(self, kind: str) -> bool:
        """Whether the caller may see content of a meeting of ``kind`` (asked once per kind)."""
        if kind not in self._pledged:
            self._pledged[kind] = may_see_content(
                self.identity.has_pledge(self.caller.token, self.caller.id, kind)
            )
        return self._pledged[kind]

    def learn(self, kind: str, pledged: bool) -> None:
        """Identity's answer for ``kind`` given with another call (a view's gated unwrap)."""
        self._pledged[kind] = may_see_content(pledged)

    def title(self, kind: str, title: str | None) -> str | None:
        """The meeting's title where the caller may read it, else the kind label."""
        return title if self.may_see_content(kind) else kind_label(kind)

    def require_content(self, kind: str, action: str = "read") -> None:
        """Refuse (403 ``no_pledge``) a caller who may not see this meeting's content."""
        if not self.may_see_content(kind):
            raise no_pledge(kind, action)
