"""Indexes for the board: pending cases by police visit time, and case search by pseudonym.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_board")
        batch_op.create_index("ix_cases_board", ["first_idva_visit_at", "police_visit_at"], unique=False)
