"""case lists that do not grow with history: page index, the current plan's dates on cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_plan_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("plan_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("monitoring_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_review_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_cases_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_cases_monitoring_on", ["monitoring_on"], unique=False)
        batch_op.create_index("ix_cases_next_review_on", ["next_review_on"], unique=False)
    _copy_current_plans()


def _copy_current_plans() -> None:
    """Each case gets its newest plan version's status and dates."""
    conn = op.get_bind()
    plans = sa.table(
        "plans",
        sa.column("id", sa.String),
        sa.column("case_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("status", sa.String),
        sa.column("monitoring_on", sa.Date),
        sa.column("role_dues", sa.JSON),
    )
    cases = sa.table(
        "cases",
        sa.column("id", sa.String),
        sa.column("current_plan_id", sa.String),
        sa.column("plan_status", sa.String),
        sa.column("monitoring_on", sa.Date),
        sa.column("next_review_on", sa.Date),
    )
    newest: dict[str, object] = {}
    for plan in conn.execute(sa.select(plans).order_by(plans.c.case_id, plans.c.version)):
        newest[plan.case_id] = plan
    for case_id, plan in newest.items():
        dues = [date.fromisoformat(d) for d in (plan.role_dues or [])]  # type: ignore[attr-defined]
        conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(
                current_plan_id=plan.id,  # type: ignore[attr-defined]
                plan_status=plan.status,  # type: ignore[attr-defined]
                monitoring_on=plan.monitoring_on,  # type: ignore[attr-defined]
                next_review_on=min(dues, default=None),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_next_review_on")
        batch_op.drop_index("ix_cases_monitoring_on")
        batch_op.drop_index("ix_cases_created_at_id")
        batch_op.drop_column("next_review_on")
        batch_op.drop_column("monitoring_on")
        batch_op.drop_column("plan_status")
        batch_op.drop_column("current_plan_id")
