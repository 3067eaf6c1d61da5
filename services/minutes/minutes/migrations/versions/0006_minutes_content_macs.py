"""minutes content MACs: list the versions whose content or check hash is still unkeyed

The approved version's ``content_hash`` and the check's ``checked_hash`` become MACs under
the minutes' rows key, which only identity hands over; a migration may run where identity
is out of reach (split mode's ``kasane db upgrade`` container), so this revision records
which versions carry a hash now, and the minutes service replaces exactly those by their
MACs once, on its first request (``minutes.integrity.backfill``). A version missing from
this list never gets a MAC later.

Revision ID: 0006_minutes_content_macs
Revises: 0005
Create Date: 2026-12-11 09:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0006_minutes_content_macs"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minutes_integrity_backfill",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("row_id", sa.String(64), primary_key=True),
    )
    op.execute(
        "INSERT INTO minutes_integrity_backfill (table_name, row_id) SELECT 'minutes', id "
        "FROM minutes WHERE content_hash IS NOT NULL OR checked_hash IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("minutes_integrity_backfill")
