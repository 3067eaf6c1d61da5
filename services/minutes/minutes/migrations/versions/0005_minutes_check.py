"""minutes check: the content hash of the last clean check (承認前確認), by whom and when

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import kasane_shared.db


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("checked_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("checked_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_column("checked_at")
        batch_op.drop_column("checked_by")
        batch_op.drop_column("checked_hash")
