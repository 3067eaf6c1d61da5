"""pledge blocks: an admin's revocation holds until an admin lifts it

Revision ID: 0007_pledge_blocks
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""

from alembic import op
import sqlalchemy as sa

import kasane_shared.db

revision = "0007_pledge_blocks"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pledge_blocks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("conference_kind", sa.String(length=8), nullable=False),
        sa.Column("pledge_id", sa.String(length=32), nullable=False),
        sa.Column("blocked_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_by", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("lifted_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=32), nullable=True),
        sa.Column("lift_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["pledge_id"], ["pledges.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pledge_blocks_member_id", "pledge_blocks", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_pledge_blocks_member_id", "pledge_blocks")
    op.drop_table("pledge_blocks")
