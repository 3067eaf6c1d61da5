"""Tombstones of records destroyed by retention.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kasane_shared.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shredded_records",
        sa.Column("record_type", sa.String(32), primary_key=True),
        sa.Column("record_id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=False, index=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("period_years", sa.Integer, nullable=False),
        sa.Column("closed_on", sa.Date, nullable=False),
        sa.Column("shredded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shredded_records")
