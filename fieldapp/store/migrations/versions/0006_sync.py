"""Sync with the station hub: sealed push bundles, the hub's rev of each case held from it, and
the bundle that carries each outbox operation.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_bundles",
        sa.Column("bundle_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("header_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("op_count", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_at", sa.String(length=27), nullable=False),
        sa.Column("acked_at", sa.String(length=27), nullable=True),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("bundle_id"),
        sa.UniqueConstraint("seq"),
    )
    op.create_table(
        "sync_cases",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    # A nullable column: SQLite adds it in place (no table rebuild), existing rows read NULL.
    op.add_column("outbox", sa.Column("bundle_id", sa.String(length=36), nullable=True))
    op.create_index("ix_outbox_bundle_id", "outbox", ["bundle_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_bundle_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("bundle_id")
    op.drop_table("sync_cases")
    op.drop_table("sync_bundles")
