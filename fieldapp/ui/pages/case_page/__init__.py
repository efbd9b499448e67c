"""The case page: one scrollable form per case, split into sections by what is recorded."""

from fieldapp.ui.pages.case_page.page import CasePage

__all__ = ["CasePage"]
