"""case numbers per fiscal year, status changes with a sealed reason, consent corrections

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 15:00:00.000000
"""

from datetime import timedelta, timezone

from alembic import op
import sqlalchemy as sa
import kasane_shared.db


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
JST = timezone(timedelta(hours=9))


def _fiscal_year(moment) -> int:
    local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(JST)
    return local.year if local.month >= 4 else local.year - 1


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint("uq_cases_number", ["number"])
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("corrected_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("corrected_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("correction_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("replaced_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("corrects_id", sa.String(length=32), nullable=True))
    op.create_table(
        "case_counters",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fiscal_year"),
    )
    op.create_table(
        "case_status_changes",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seal_version", sa.Integer(), nullable=False),
        sa.Column("sealed_fields", sa.JSON(), nullable=False),
        sa.Column("escrow_wraps", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_status_changes_case_id"), ["case_id"], unique=False
        )
    # Number the cases already on file, in the order they were opened.
    conn = op.get_bind()
    cases = sa.table(
        "cases", sa.column("id"), sa.column("created_at", kasane_shared.db.UTCDateTime())
    )
    rows = conn.execute(sa.select(cases.c.id, cases.c.created_at).order_by("created_at", "id"))
    counters: dict[int, int] = {}
    for case_id, created_at in list(rows):
        year = _fiscal_year(created_at)
        counters[year] = counters.get(year, 0) + 1
        number = f"R{year - 2018}-{counters[year]:04d}"
        conn.execute(
            sa.text("UPDATE cases SET number = :n WHERE id = :i"), {"n": number, "i": case_id}
        )
    for year, last in counters.items():
        conn.execute(
            sa.text("INSERT INTO case_counters (fiscal_year, last) VALUES (:y, :l)"),
            {"y": year, "l": last},
        )


def downgrade() -> None:
    with op.batch_alter_table("consents", schema=None) as batch_op:
        for name in (
            "corrects_id",
            "replaced_by",
            "correction_reason",
            "corrected_by",
            "corrected_at",
            "withdrawal_reason",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("case_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_status_changes_case_id"))
    op.drop_table("case_status_changes")
    op.drop_table("case_counters")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_number", type_="unique")
        batch_op.drop_column("number")
