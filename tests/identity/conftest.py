"""Identity tests start from the demo organizations and people."""

from __future__ import annotations

import pytest

from kasane.demo import DemoIdentity
from tests.conftest import SuiteUnderTest
from tests.helpers import seed_people


@pytest.fixture
def people(suite: SuiteUnderTest) -> DemoIdentity:
    """Demo organizations and members, with a non-demo password."""
    return seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
