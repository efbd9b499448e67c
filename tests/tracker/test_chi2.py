"""fieldapp.tracker.chi2 against SciPy's chi2_contingency (SciPy is a test dependency only)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from fieldapp.tracker.chi2 import chi2_contingency, chi2_sf


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 5, 8, 13, 40])
@pytest.mark.parametrize("x", [1e-9, 0.01, 0.5, 1.0, 3.84, 7.5, 20.0, 90.0, 400.0, 1500.0])
def test_survival_function_matches_scipy(x, dof):
    ours, theirs = chi2_sf(x, dof), float(stats.chi2.sf(x, dof))
    assert math.isclose(ours, theirs, rel_tol=1e-11, abs_tol=1e-300), (ours, theirs)


def test_survival_function_edges():
    assert chi2_sf(0.0, 3) == 1.0 and chi2_sf(-1.0, 1) == 1.0
    assert chi2_sf(1e6, 2) == 0.0  # underflows to zero, never inf or nan
    with pytest.raises(ValueError):
        chi2_sf(1.0, 0)


tables = st.integers(2, 6).flatmap(lambda rows: st.integers(2, 4).flatmap(
    lambda cols: st.lists(st.lists(st.integers(1, 400), min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows)))


@settings(max_examples=150, deadline=None)
@given(tables)
def test_contingency_matches_scipy_on_random_tables(table):
    ours, theirs = chi2_contingency(table), stats.chi2_contingency(table)
    assert ours.dof == theirs.dof
    assert math.isclose(ours.statistic, theirs.statistic, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(ours.pvalue, theirs.pvalue, rel_tol=1e-9, abs_tol=1e-15)
    assert math.isclose(ours.min_expected, float(theirs.expected_freq.min()), rel_tol=1e-12)


def test_yates_correction_on_a_two_by_two_table():
    table = [[12, 5], [9, 14]]
    ours, theirs = chi2_contingency(table), stats.chi2_contingency(table)
    assert ours.dof == 1
    assert math.isclose(ours.statistic, theirs.statistic, rel_tol=1e-12)
    assert math.isclose(ours.pvalue, theirs.pvalue, rel_tol=1e-12)
    close = [[10, 10], [10, 11]]  # every |observed - expected| under 0.5: statistic 0
    assert chi2_contingency(close).statistic == stats.chi2_contingency(close).statistic == 0.0


@pytest.mark.parametrize("table", [[[1, 2]], [[1, 2], [3]], [[0, 0], [1, 2]], [[1, -1], [2, 2]]])
def test_refuses_what_scipy_refuses_or_cannot_test(table):
    with pytest.raises(ValueError):
        chi2_contingency(table)
