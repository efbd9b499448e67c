"""Pearson's chi-square test of independence for the KPI report, in plain Python.

Why not SciPy: ``scipy.stats.chi2_contingency`` was the only use of SciPy and NumPy in the
app, and the two are about 100 MB of the desktop bundle (installer/fieldapp.spec: 330 MB with
them, under the 250 MB limit without). The test is arithmetic plus the chi-square survival
function, and for the integer degrees of freedom a contingency table has, that function is a
finite sum of elementary terms (Abramowitz and Stegun 26.4.4 and 26.4.5): nothing to iterate
or truncate. This reproduces ``chi2_contingency`` with SciPy's defaults (Yates' continuity
correction only when dof is 1); tests/tracker/test_chi2.py checks it against SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Contingency:
    statistic: float
    pvalue: float
    dof: int
    expected_freq: tuple[tuple[float, ...], ...]

    @property
    def min_expected(self) -> float:
        return min(min(row) for row in self.expected_freq)


def chi2_sf(x: float, dof: int) -> float:
    """P(X > x) for X chi-square with ``dof`` (a positive integer) degrees of freedom.

    With h = x/2: even dof, exp(-h) * sum_{j<dof/2} h^j / j!; odd dof,
    erfc(sqrt(h)) + exp(-h) * sum_{j=1}^{(dof-1)/2} h^(j-1/2) / Gamma(j+1/2). Each term is
    taken through logarithms so a large x underflows to 0 instead of overflowing.
    """
    if dof < 1:
        raise ValueError("degrees of freedom must be a positive integer")
    if x <= 0:
        return 1.0
    h = x / 2
    log_h = math.log(h)
    if dof % 2 == 0:
        return math.fsum(math.exp(j * log_h - h - math.lgamma(j + 1)) for j in range(dof // 2))
    tail = math.fsum(math.exp((j - 0.5) * log_h - h - math.lgamma(j + 0.5))
                     for j in range(1, (dof - 1) // 2 + 1))
    return min(1.0, math.erfc(math.sqrt(h)) + tail)


def chi2_contingency(observed: Sequence[Sequence[int | float]]) -> Contingency:
    """The test of independence of a table of counts (rows x columns, at least 2 x 2).

    Raises ValueError for a ragged or negative table, or a zero row or column total (an
    expected frequency of zero), as SciPy does.
    """
    table = [[float(cell) for cell in row] for row in observed]
    if len(table) < 2 or len({len(row) for row in table}) != 1 or len(table[0]) < 2:
        raise ValueError("the table needs at least two rows and two columns of equal length")
    if any(cell < 0 or not math.isfinite(cell) for row in table for cell in row):
        raise ValueError("counts must be finite and not negative")
    rows = [math.fsum(row) for row in table]
    cols = [math.fsum(col) for col in zip(*table, strict=True)]
    total = math.fsum(rows)
    expected = tuple(tuple(r * c / total for c in cols) for r in rows) if total else ()
    if not total or any(e == 0 for row in expected for e in row):
        raise ValueError("an expected frequency is zero: a row or column total is zero")
    dof = (len(rows) - 1) * (len(cols) - 1)
    terms = []
    for obs_row, exp_row in zip(table, expected, strict=True):
        for o, e in zip(obs_row, exp_row, strict=True):
            diff = o - e
            if dof == 1:  # Yates: move each count up to 0.5 towards its expected value
                diff = math.copysign(max(abs(diff) - 0.5, 0.0), diff)
            terms.append(diff * diff / e)
    statistic = math.fsum(terms)
    return Contingency(statistic=statistic, pvalue=chi2_sf(statistic, dof), dof=dof,
                       expected_freq=expected)
