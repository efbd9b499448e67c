"""Offers: drop ix_offers_visit_id, which the unique (visit_id, offer_type, target) index
already covers (it leads with visit_id, so every lookup by visit, and the foreign key's, use it).

Visit ids are random, so each offer's entry in that second index went to a random page: a
100,000-row tracker import wrote 400,000 of them, rewriting and re-encrypting most of the
index on every batch, for no query.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_offers_visit_id", table_name="offers")


def downgrade() -> None:
    op.create_index("ix_offers_visit_id", "offers", ["visit_id"], unique=False)
