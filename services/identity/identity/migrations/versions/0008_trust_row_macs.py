"""trust rows: a MAC column on members, member keys, signing keys and login sessions

The MACs need identity's rows key, which only the key provider yields; a migration may run
where the provider is out of reach (split mode's ``kasane db upgrade`` container), so this
revision records which rows exist now, and identity MACs exactly those at its next start
(``identity.integrity.backfill``). A row missing from this list never gets a MAC later.

Revision ID: 0008_trust_row_macs
Revises: 0007_pledge_blocks
Create Date: 2026-12-10 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0008_trust_row_macs"
down_revision = "0007_pledge_blocks"
branch_labels = None
depends_on = None

# Table and primary-key column of each trust row.
TABLES = {
    "members": "id",
    "member_keys": "id",
    "signing_keys": "kid",
    "login_sessions": "id",
}


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("row_mac", sa.String(64), nullable=True))
    op.create_table(
        "trust_row_backfill",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
    )
    for table, key in TABLES.items():
        op.execute(
            f"INSERT INTO trust_row_backfill (table_name, row_id) SELECT '{table}', {key} "
            f"FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("trust_row_backfill")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("row_mac")
