"""Safety flags, conflicts and field history: a case's safety-critical flags (do not contact,
do not visit, risk grade, MARAC referral), the operation each safety-critical field was last set
by (the ``base`` the next change is sealed with), the conflicts the hub's operations replay to,
and the values later ones replaced. New tables only: nothing existing is rewritten.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_flags",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("do_not_contact", sa.Boolean(), nullable=True),
        sa.Column("do_not_visit", sa.Boolean(), nullable=True),
        sa.Column("risk_grade", sa.String(length=10), nullable=True),
        sa.Column("marac_referral", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.String(length=27), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "field_versions",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "field"),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("conflict_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("sides", sa.Text(), nullable=False),
        sa.Column("in_force", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.String(length=27), nullable=False),
        sa.Column("resolved_at", sa.String(length=27), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id"),
    )
    op.create_index("ix_sync_conflicts_case_id", "sync_conflicts", ["case_id"], unique=False)
    op.create_table(
        "field_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("replaced_by", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_field_history_case_id", "field_history", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_field_history_case_id", table_name="field_history")
    op.drop_table("field_history")
    op.drop_index("ix_sync_conflicts_case_id", table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_table("field_versions")
    op.drop_table("case_flags")
