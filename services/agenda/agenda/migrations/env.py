"""Alembic environment of the agenda database."""

from alembic import context

import agenda.cases.models  # noqa: F401 - register tables
import agenda.distribution.models  # noqa: F401
import agenda.integrity.models  # noqa: F401
import agenda.keys.models  # noqa: F401
import agenda.meetings.models  # noqa: F401
import agenda.plans.models  # noqa: F401
from agenda.base import Base
from kasane_shared.db import run_migrations_online

run_migrations_online(context, Base.metadata)
