"""keyed audit chain: a MAC per entry

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing entries keep no MAC: the first keyed entry's hash chains over them.
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("entry_mac", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("entry_mac")
