"""Refused operations and conflict resolution: ``ops.refused`` (why the hub refused an op from
a device whose role may not make it, e.g. an IDVA's allocation; NULL for every op received
before, none of which was refused) and ``conflicts.resolved_by``. Nullable columns added in
place on both backends; existing rows are kept as they are.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ops", sa.Column("refused", sa.String(length=40), nullable=True))
    op.add_column("conflicts", sa.Column("resolved_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflicts") as batch_op:
        batch_op.drop_column("resolved_by")
    with op.batch_alter_table("ops") as batch_op:
        batch_op.drop_column("refused")
