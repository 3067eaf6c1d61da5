"""Ids from a caller's path never turn a service call into a call for something else."""

from __future__ import annotations

import pytest

from kasane_shared.service_client import _names_one_record


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("/meetings/3f2a9c/agenda", True),
        ("/meetings/3f2a9c", True),
        ("/meetings/./agenda", False),  # normalised to /meetings/agenda
        ("/meetings/..", False),
        ("/meetings/../cases", False),
        ("/meetings/a?b=1/agenda", False),  # the rest would become a query
        ("/meetings/a#b/agenda", False),
        ("/meetings/a%2Fb/agenda", False),
        ("/meetings/a\\b/agenda", False),
        ("/meetings/a\x00b/agenda", False),
        ("/meetings/a\nb/agenda", False),
    ],
)
def test_only_paths_that_stay_what_they_spell_are_sent(path, ok):
    assert _names_one_record(path) is ok
