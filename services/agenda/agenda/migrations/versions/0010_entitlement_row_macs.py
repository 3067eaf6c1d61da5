"""entitlement rows: a MAC column on consents and attendees

The MACs need agenda's rows key, which only identity hands out (from the key provider); a
migration runs where neither is in reach, so this revision records which rows exist now,
and agenda MACs exactly those once, on its first request that holds its keys
(``agenda.integrity.backfill``). A row missing from this list never gets a MAC later.

Revision ID: 0010_entitlement_row_macs
Revises: 0009_sealed_titles
Create Date: 2026-11-30 19:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0010_entitlement_row_macs"
down_revision = "0009_sealed_titles"
branch_labels = None
depends_on = None

TABLES = ("consents", "attendees")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("row_mac", sa.String(64), nullable=True))
    op.create_table(
        "entitlement_row_backfill",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
    )
    for table in TABLES:
        op.execute(
            f"INSERT INTO entitlement_row_backfill (table_name, row_id) SELECT '{table}', id "
            f"FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("entitlement_row_backfill")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("row_mac")
