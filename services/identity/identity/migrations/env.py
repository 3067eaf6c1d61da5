"""Alembic environment of the identity database."""

from alembic import context

import identity.custody.models  # noqa: F401 - register tables
import identity.drafts.models  # noqa: F401
import identity.members.models  # noqa: F401
import identity.oauth.models  # noqa: F401
import identity.organizations.models  # noqa: F401
import identity.pledges.models  # noqa: F401
import identity.sessions.models  # noqa: F401
import identity.signing.models  # noqa: F401
from identity.base import Base
from kasane_shared.db import run_migrations_online

run_migrations_online(context, Base.metadata)
