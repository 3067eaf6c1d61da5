"""Alembic environment of the agenda database."""

from alembic import context

from agenda.base import Base
from kasane_shared.db import run_migrations_online

run_migrations_online(context, Base.metadata)
