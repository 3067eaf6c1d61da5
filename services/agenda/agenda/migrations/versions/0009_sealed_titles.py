"""sealed titles: meeting titles and consent form references leave their plain columns

Revision ID: 0009_sealed_titles
Revises: 0008
Create Date: 2026-11-30 18:00:00.000000

Both are case content. A migration cannot reach identity's keys, so the plain values move
to ``unsealed_backlog`` and their columns are dropped (in place: other tables point at
these); the agenda service seals the backlog on its first request that reaches identity,
deletes it and rewrites the database file (VACUUM), so no page keeps the old text
(agenda.backlog).
"""

from alembic import op
import sqlalchemy as sa


revision = "0009_sealed_titles"
down_revision = "0008"
branch_labels = None
depends_on = None

MOVED = (("meetings", "title"), ("consents", "form_reference"))


def upgrade() -> None:
    op.create_table(
        "unsealed_backlog",
        sa.Column("record_table", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("record_table", "record_id", "field"),
    )
    for table, column in MOVED:
        op.execute(
            f"INSERT INTO unsealed_backlog (record_table, record_id, field, value) "
            f"SELECT '{table}', id, '{column}', {column} FROM {table} "
            f"WHERE {column} IS NOT NULL AND {column} != ''"
        )
    for table, column in MOVED:
        op.add_column(
            table, sa.Column("seal_version", sa.Integer(), nullable=False, server_default="1")
        )
        for name in ("sealed_fields", "escrow_wraps"):
            op.add_column(table, sa.Column(name, sa.JSON(), nullable=False, server_default="{}"))
        # Not a batch rebuild: the tables are parents of foreign keys, which SQLite (3.35+)
        # keeps in place on DROP COLUMN; VACUUM at the first seal frees the old pages.
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def downgrade() -> None:
    # Sealed values cannot come back without keys: the columns return empty (titles blank).
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_reference", sa.String(length=64), nullable=True))
        batch_op.drop_column("escrow_wraps")
        batch_op.drop_column("sealed_fields")
        batch_op.drop_column("seal_version")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.drop_column("escrow_wraps")
        batch_op.drop_column("sealed_fields")
        batch_op.drop_column("seal_version")
    op.drop_table("unsealed_backlog")
