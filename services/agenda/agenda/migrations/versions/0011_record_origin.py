"""record origin: a MAC column on every sealed table, and the list of records sealed before

A sealed record's ``origin_mac`` is agenda's MAC (rows key, from identity) over its header
and ciphertexts (``kasane_shared.record_origin``). A migration cannot reach that key, so
this revision lists the sealed records that exist now; agenda checks and MACs exactly those
once, on its first request that holds its keys (``agenda.integrity.origin``). A record
missing from this list never gets a MAC later: it does not open.

Revision ID: 0011_record_origin
Revises: 0010_entitlement_row_macs
Create Date: 2026-11-30 21:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0011_record_origin"
down_revision = "0010_entitlement_row_macs"
branch_labels = None
depends_on = None

TABLES = (
    "cases",
    "consents",
    "case_status_changes",
    "plans",
    "meetings",
    "agenda_items",
    "meeting_notes",
)


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("origin_mac", sa.String(64), nullable=True))
    op.create_table(
        "record_origin_backfill",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
    )
    for table in TABLES:
        op.execute(
            f"INSERT INTO record_origin_backfill (table_name, row_id) SELECT '{table}', id "
            f"FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("record_origin_backfill")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("origin_mac")
