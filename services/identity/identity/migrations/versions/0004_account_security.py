"""account security: forced password change, TOTP recovery codes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("totp_recovery_hashes", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("totp_recovery_hashes")
