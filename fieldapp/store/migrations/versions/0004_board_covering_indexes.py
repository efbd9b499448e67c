"""The board's two indexes hold every column its filters and search test, so a search is tested
on index entries (no table row read per case) and stops at the page's last match.

ix_cases_board (pending cases, by police visit time) gains the tested columns;
ix_cases_police_visit_at is replaced by ix_cases_board_by_time, which leads with the same column
(so whatever used it still can) and holds the same columns; ix_cases_bcu (three values, used by
the board's BCU filter only, now tested on the board indexes) is dropped. Fewer index entries per
case than before for the tracker import to write.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Every column the board's filters test (services/queries.py, _filtered); pending cases first.
_TESTED = ["police_ref", "pseudonym", "allocated_to", "bcu", "status"]
BOARD = ["first_idva_visit_at", "police_visit_at", *_TESTED]
BY_TIME = ["police_visit_at", "first_idva_visit_at", *_TESTED]


def upgrade() -> None:
    op.drop_index("ix_cases_board", table_name="cases")
    op.drop_index("ix_cases_police_visit_at", table_name="cases")
    op.drop_index("ix_cases_bcu", table_name="cases")
    op.create_index("ix_cases_board", "cases", BOARD, unique=False)
    op.create_index("ix_cases_board_by_time", "cases", BY_TIME, unique=False)


def downgrade() -> None:
    op.drop_index("ix_cases_board_by_time", table_name="cases")
    op.drop_index("ix_cases_board", table_name="cases")
    op.create_index("ix_cases_bcu", "cases", ["bcu"], unique=False)
    op.create_index("ix_cases_police_visit_at", "cases", ["police_visit_at"], unique=False)
    op.create_index("ix_cases_board", "cases", ["first_idva_visit_at", "police_visit_at"],
                    unique=False)
