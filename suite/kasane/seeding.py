"""Seed many cases fast (benchmarks, pilots): ``kasane seed cases --count N``.

The cases go through agenda's own service layer (``agenda.cases.seeding``) with a real
coordinator's token, so they are sealed, wrapped and audited exactly as cases made through
the API; identity is reached in process. Each batch is one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from agenda.cases.schemas import CaseCreate
from agenda.cases.seeding import create_cases
from agenda.keys.service import KeyContext
from kasane_shared.auth.deps import Caller
from kasane_shared.errors import KasaneError

ISSUES = ("8050", "hikikomori", "young_carer", "poverty", "isolation", "dementia", "debt")


def synthetic_case(n: int, status: str = "closed") -> CaseCreate:
    """A fictional case numbered ``n`` (text the redactor scans, one tax note)."""
    return CaseCreate(
        title=f"架空の事例 {n:05d}",
        summary=f"{60 + n % 30}代の親と{20 + n % 30}代の子の世帯。近所づきあいは少ない。",
        notes=f"訪問記録 {n}: 本人は軽自動車税の滞納があると話した。見守りを継続する。" * 2,
        tax_notes="住民税非課税世帯" if n % 3 == 0 else "",
        issues=[ISSUES[n % len(ISSUES)]],
        status=status,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class SeedReport:
    """How many cases were written and how long it took."""

    cases: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Seeding throughput."""
        return self.cases / self.seconds if self.seconds else 0.0


def _caller(suite: Any, login: str, password: str) -> Caller:
    http = suite.agenda.state.identity.http
    response = http.post("/identity/session", json={"login": login, "password": password})
    if response.status_code != 200:
        raise KasaneError(
            401,
            "invalid_credentials",
            "事務局としてログインできません。",
            "Cannot sign in as the coordinator.",
        )
    token = response.json()["access_token"]
    return Caller(suite.agenda.state.token_verifier.verify(token), token)


def _batches(total: int, size: int, make: Callable[[int], CaseCreate]) -> Iterator[list[Any]]:
    for start in range(0, total, size):
        yield [make(n) for n in range(start, min(total, start + size))]


def seed_cases(
    suite: Any,
    login: str,
    password: str,
    count: int,
    *,
    make: Callable[[int], CaseCreate] = synthetic_case,
    batch: int = 250,
) -> SeedReport:
    """Write ``count`` cases as ``login`` (a coordinator), ``batch`` per transaction."""
    started = time.perf_counter()
    caller, signed_in = _caller(suite, login, password), time.monotonic()
    db, identity = suite.agenda.state.db, suite.agenda.state.identity
    for bodies in _batches(count, batch, make):
        if time.monotonic() - signed_in > 120:  # access tokens live a few minutes
            caller, signed_in = _caller(suite, login, password), time.monotonic()
        with db.session() as session:
            create_cases(KeyContext(session, identity, caller), bodies)
    return SeedReport(count, time.perf_counter() - started)
