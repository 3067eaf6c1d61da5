"""Alembic environment of the minutes database."""

from alembic import context

import minutes.integrity.models  # noqa: F401 - register tables
import minutes.meeting_minutes.models  # noqa: F401 - register tables

from minutes.base import Base
from kasane_shared.db import run_migrations_online

run_migrations_online(context, Base.metadata)
