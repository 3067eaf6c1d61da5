"""Schemathesis over the three APIs, in process, as a coordinator and as a member.

Every built-in check runs on every answer (each is enabled by default, as the CLI's
``--checks all``); positive and negative data; the run is bounded (a few examples per
operation, kind of data and caller, derandomized) so that it fits in CI in about a minute.
The figures (examples, statuses) are printed; ``-s`` shows them.
"""

from __future__ import annotations

import http.client
import time
from collections import Counter
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from agenda.demo import seed_agenda
from minutes.demo import seed_minutes
from tests.helpers import PASSWORD, auth, seed_people, token_for

EXAMPLES = 6  # per operation, mode and caller: about 1,000 calls per caller
RULE_REFUSAL = "Schema-valid request rejected"
SERVICES = ("identity", "agenda", "minutes")
# A sign-out, a password change or a TOTP switch would end the caller's own run early.
SELF_ENDING = {
    ("DELETE", "/session"),
    ("PUT", "/me/password"),
    ("POST", "/me/totp"),
    ("DELETE", "/me/totp"),
}


def _known_ids(client: Any, token: str, seeded: dict[str, str]) -> dict[str, str]:
    """Real ids for path parameters, so that some calls reach existing records."""
    me = client.get("/identity/me", headers=auth(token)).json()
    cases = client.get("/agenda/cases", headers=auth(token)).json()
    case_id = (cases.get("items") or [{}])[0].get("id") if isinstance(cases, dict) else None
    ids = {"member_id": me["id"], "meeting_id": seeded["shien_meeting"]}
    if case_id:
        ids["case_id"] = case_id
    return ids


def _strategy(operation: Any, mode: GenerationMode, token: str, ids: dict[str, str]) -> Any:
    # Each case carries the caller's token; negative data also sends the Authorization header
    # missing or malformed (the declared bearer scheme), which is where most 401s come from.
    free = operation.as_strategy(generation_mode=mode, headers=auth(token))
    names = {p.name for p in operation.path_parameters}
    if not names or not names <= ids.keys():
        return free
    known = operation.as_strategy(
        generation_mode=mode, headers=auth(token), path_parameters={n: ids[n] for n in names}
    )
    return st.one_of(free, known)


class Run:
    """What one caller's run saw."""

    def __init__(self) -> None:
        self.examples = self.unsatisfiable = self.unsendable = self.rule_refusals = 0
        self.statuses: Counter[int] = Counter()
        self.failures: dict[str, list[str]] = {}

    def record(self, label: str, error: BaseException, status: int) -> None:
        failures = error.exceptions if isinstance(error, FailureGroup) else [error]
        for failure in failures:
            title = failure.title if isinstance(failure, Failure) else type(failure).__name__
            if title == RULE_REFUSAL and status in (400, 422):
                # The schema cannot say every rule (a cursor's content, a text check, an
                # end before a start across fields): such a refusal is a documented problem.
                self.rule_refusals += 1
                continue
            text = " ".join(str(failure).split())[:400]
            self.failures.setdefault(title, []).append(f"{label} → {status}: {text}")


def _fuzz(schema: Any, service: str, token: str, ids: dict[str, str], run: Run) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SELF_ENDING:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=_strategy(operation, mode, token, ids))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                try:
                    response = case.call()
                except (requests.exceptions.InvalidURL, http.client.InvalidURL):
                    run.unsendable += 1  # a control character in a path: no client sends it
                    return
                except Exception as error:  # raised in process: the server would answer 500
                    run.statuses[500] += 1
                    run.record(f"{service} {operation.label}", error, 500)
                    return
                run.examples += 1
                run.statuses[response.status_code] += 1
                try:
                    case.validate_response(response)
                except (Failure, FailureGroup) as error:
                    run.record(f"{service} {operation.label}", error, response.status_code)

            try:
                call()
            except Unsatisfiable:
                run.unsatisfiable += 1  # no invalid data exists (an operation without input)


@pytest.fixture
def demo(suite):
    """The demo's people, cases, meetings and minutes, with a non-demo password."""
    people = seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
    seeded = seed_agenda(suite.client, people, password=PASSWORD)
    seed_minutes(suite.client, people, seeded["shien_meeting"], password=PASSWORD)
    return seeded


@pytest.mark.parametrize("login", ["demo-coordinator", "demo-member-1"])
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(suite, demo, login):
    token = token_for(suite.client, login)
    ids = _known_ids(suite.client, token, demo)
    run, started = Run(), time.monotonic()
    for service in SERVICES:
        schema = schemathesis.openapi.from_asgi(f"/{service}/openapi.json", suite.suite.app)
        _fuzz(schema, service, token, ids, run)
    print(
        f"\n{login}: {run.examples} examples in {time.monotonic() - started:.0f} s, "
        f"statuses {dict(sorted(run.statuses.items()))}; {run.rule_refusals} rule refusals "
        f"(400/422 to schema-valid data), {run.unsatisfiable} operations without invalid "
        f"input, {run.unsendable} unsendable paths"
    )
    for title, where in sorted(run.failures.items()):
        print(f"  {title}: {len(where)}\n    " + "\n    ".join(sorted(set(where))))
    assert not [s for s in run.statuses if s >= 500], run.statuses
    assert run.failures == {}
