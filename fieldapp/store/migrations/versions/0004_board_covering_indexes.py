"""The board's indexes hold every column its filters and search test, so a search is tested on
index entries (no table row read per case) and a page stops at its last match.

ix_cases_board_by_time (every case by police visit time; leads with the column of the
ix_cases_police_visit_at it replaces, so whatever used that still can) and ix_cases_board_pending
(the same, partial: cases awaiting their first IDVA visit only; replaces ix_cases_board). The
partial index keeps the tracker import's cost where it was: most imported cases have been
visited, so they add one wide entry here instead of three narrow ones before. ix_cases_bcu (three
values, used by the board's BCU filter only, now tested on the board indexes) is dropped.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Every column the board's filters test (services/queries.py, _where).
_TESTED = ["police_visit_at", "first_idva_visit_at", "police_ref", "pseudonym", "allocated_to",
           "bcu", "status"]


def upgrade() -> None:
    op.drop_index("ix_cases_board", table_name="cases")
    op.drop_index("ix_cases_police_visit_at", table_name="cases")
    op.drop_index("ix_cases_bcu", table_name="cases")
    op.create_index("ix_cases_board_by_time", "cases", _TESTED, unique=False)
    op.create_index("ix_cases_board_pending", "cases", _TESTED, unique=False,
                    sqlite_where=sa.text("first_idva_visit_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_cases_board_pending", table_name="cases")
    op.drop_index("ix_cases_board_by_time", table_name="cases")
    op.create_index("ix_cases_bcu", "cases", ["bcu"], unique=False)
    op.create_index("ix_cases_police_visit_at", "cases", ["police_visit_at"], unique=False)
    op.create_index("ix_cases_board", "cases", ["first_idva_visit_at", "police_visit_at"],
                    unique=False)
