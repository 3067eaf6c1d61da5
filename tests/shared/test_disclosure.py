"""The one rule of what a caller without a pledge is shown: label for title, 403 for content."""

from __future__ import annotations

import pytest

from kasane_shared.auth.deps import Caller
from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.disclosure import Disclosure, kind_label, no_pledge
from kasane_shared.errors import KasaneError


class Identity:
    """Answers pledges per kind and counts the questions."""

    def __init__(self, pledged: set[str]) -> None:
        self.pledged, self.asked = pledged, []

    def has_pledge(self, token: str, member_id: str, kind: str) -> bool:
        self.asked.append((token, member_id, kind))
        return kind in self.pledged


def _caller() -> Caller:
    claims = TokenClaims(
        subject="m1",
        organization_id=None,
        roles=("member",),
        session_id="s",
        scopes=(),
        expires_at=0,
        token_id="t",
    )
    return Caller(claims, "token")


@pytest.mark.parametrize(
    ("pledged", "kind", "title"),
    [
        ({"shien"}, "shien", "12月の会議"),
        ({"shien"}, "jusou", "重層的支援会議"),
        (set(), "shien", "支援会議"),
        ({"jusou"}, "jusou", "12月の会議"),
    ],
)
def test_title_or_kind_label_and_refusal(pledged, kind, title):
    identity = Identity(pledged)
    disclosure = Disclosure(identity, _caller())
    assert disclosure.title(kind, "12月の会議") == title
    if kind in pledged:
        disclosure.require_content(kind)
    else:
        with pytest.raises(KasaneError) as refused:
            disclosure.require_content(kind, "export")
        error = refused.value
        assert error.status == 403 and error.code == "no_pledge"
        assert kind_label(kind) in error.ja and "誓約書" in error.ja
    # Identity is asked once per kind per request, with the caller's own token and id.
    assert identity.asked == [("token", "m1", kind)]


def test_every_action_has_its_own_words():
    reasons = {no_pledge("shien", a).ja for a in ("read", "comment", "confirm", "export")}
    assert len(reasons) == 4 and all(r.startswith("支援会議の誓約書") for r in reasons)
