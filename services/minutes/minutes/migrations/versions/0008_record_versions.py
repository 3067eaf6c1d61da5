"""record versions: each sealed record's newest version, vouched for as a whole

``record_versions`` holds (table, record id) → newest seal version, and
``record_version_head`` one row with a sequence, the count and a keyed sum of the entries,
MAC'd under minutes's rows key (``kasane_shared.record_versions``): a restored older row with
its wraps no longer opens. A migration cannot reach that key, so this revision lists the
sealed records that exist now; minutes marks exactly those once (at their stored version,
where their origin MAC holds) on its first request (``minutes.integrity.origin``).

Revision ID: 0008_record_versions
Revises: 0007_record_origin
Create Date: 2026-11-30 21:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0008_record_versions"
down_revision = "0007_record_origin"
branch_labels = None
depends_on = None

TABLES = ("minutes_items", "tax_blocks", "comments", "correction_reasons")


def upgrade() -> None:
    op.create_table(
        "record_versions",
        sa.Column("record_table", sa.String(32), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "record_version_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.create_table(
        "record_version_backfill",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
    )
    for table in TABLES:
        op.execute(
            f"INSERT INTO record_version_backfill (table_name, row_id) SELECT '{table}', id "
            f"FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("record_version_backfill")
    op.drop_table("record_version_head")
    op.drop_table("record_versions")
