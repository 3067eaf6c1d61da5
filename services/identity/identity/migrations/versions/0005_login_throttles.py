"""login throttles: pauses per account, per known browser and per address

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 15:00:00
"""

import uuid

from alembic import op
import sqlalchemy as sa

import kasane_shared.db
from kasane_shared.crypto.digests import sha256_hex

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("member_id", sa.String(32), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_until", kasane_shared.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_login_throttles_member_id", "login_throttles", ["member_id"])
    # A pause from the old hard lock carries over as an account pause; nothing else moves.
    bind = op.get_bind()
    members = sa.table(
        "members",
        sa.column("id", sa.String),
        sa.column("failed_logins", sa.Integer),
        sa.column("locked_until", kasane_shared.db.UTCDateTime(timezone=True)),
    )
    locked = bind.execute(
        sa.select(members.c.id, members.c.failed_logins, members.c.locked_until).where(
            members.c.locked_until.is_not(None)
        )
    ).all()
    throttles = sa.table(
        "login_throttles",
        sa.column("id", sa.String),
        sa.column("key", sa.String),
        sa.column("scope", sa.String),
        sa.column("member_id", sa.String),
        sa.column("failures", sa.Integer),
        sa.column("last_failure_at", kasane_shared.db.UTCDateTime(timezone=True)),
        sa.column("paused_until", kasane_shared.db.UTCDateTime(timezone=True)),
    )
    for member_id, failures, until in locked:
        op.bulk_insert(
            throttles,
            [
                {
                    "id": uuid.uuid4().hex,
                    "key": sha256_hex(f"account:{member_id}".encode()),
                    "scope": "account",
                    "member_id": member_id,
                    "failures": failures or 0,
                    "last_failure_at": until,
                    "paused_until": until,
                }
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_login_throttles_member_id", "login_throttles")
    op.drop_table("login_throttles")
