"""keyed audit chain: a MAC per entry; anchors of the other services' chains

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing entries keep no MAC: the first keyed entry's hash chains over them.
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("entry_mac", sa.String(64), nullable=True))
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("service", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("keyed_from", sa.Integer(), nullable=True),
        sa.Column("anchored_at", sa.String(32), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_anchors_service_seq", "audit_anchors", ["service", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_anchors_service_seq", "audit_anchors")
    op.drop_table("audit_anchors")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("entry_mac")
