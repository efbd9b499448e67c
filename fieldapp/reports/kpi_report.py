"""KPI report for evaluators: the evaluation's measures, each with its numerator and denominator.

Order follows the questions the 2024 evaluation asked: how fast the IDVA visit came, whether
speed and time of day go with acceptance of support, what referrals were made, and how cases
ended. Each chart sits beside the table of the same figures (n, of d, %), and each statistical
test is written out in plain words, with a caution when bands are small. The last page restates
the definitions (tracker v1, KPI section), so a reader never has to guess what a figure means.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table, TableStyle

from fieldapp.reports import theme
from fieldapp.reports.charts import bar_chart
from fieldapp.reports.kpi_data import (
    CHI_SQUARE_TESTS,
    HOUR_BANDS,
    HOUR_LABELS,
    REFERRAL_DECISIONS,
    REFERRAL_LABELS,
    TIME_BANDS,
    Fraction,
    chi_square_words,
    figures,
    fraction,
    fractions,
    period_text,
)
from fieldapp.reports.labels import BAND_SHORT, OUTCOME_MEANINGS, label
from fieldapp.reports.layout import (
    PageSetup,
    build_pdf,
    data_table,
    frame_width,
    gap,
    kv_table,
    section,
    title_block,
)
from fieldapp.reports.safe import safe_para

HEADLINES = (
    ("within_24h", "IDVA visit within 24 hours", "visits with an IDVA visit"),
    ("idva_support_accepted", "IDVA support accepted", "offers decided"),
    ("prosecution_support_accepted", "Support for prosecution accepted", "offers decided"),
    ("positive_outcomes", "Positive police outcome", "cases with an outcome"),
)


class KpiReportInput(BaseModel):
    """``kpis`` is a fieldapp.tracker.kpi.KpiReport (or a dict of the same shape)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    kpis: Any
    printed_by: Annotated[str, Field(min_length=1, max_length=120)]
    printed_at: datetime
    filters: str = "All tracker rows"
    period: str = ""
    title: str = "Operation Provide: performance measures"


def _frac_row(name: str, f: Fraction) -> list[Any]:
    return [name, f.n, f.d, f.pct_text]


def _frac_table(first: str, rows: list[list[Any]], width: float, *,
                n_head: str = "Accepted", d_head: str = "Out of") -> Table:
    return data_table([first, n_head, d_head, "%"], rows,
                      [width * 0.52, width * 0.16, width * 0.16, width * 0.16], numeric=[1, 2, 3])


def _cover(data: dict[str, Any], inp: KpiReportInput, width: float) -> list[Flowable]:
    codes = data.get("positive_outcome_codes") or ("1", "1A", "2", "3", "4", "6", "7", "8")
    rows = [
        ("Data period", inp.period or period_text(data)),
        ("Filters", inp.filters),
        ("Visits (tracker rows)", f"{int(data.get('visits', 0)):,}"),
        ("Awaiting IDVA visit", f"{int(data.get('visits_without_idva_visit') or 0):,}"),
        ("Positive outcome codes", ", ".join(str(c) for c in codes)),
    ]
    heads = [fraction(data.get(key)) for key, _, _ in HEADLINES]
    tiles = Table(
        [[safe_para(f.pct_text, theme.FIGURE) for f in heads],
         [safe_para(name, theme.CELL_BOLD) for _, name, _ in HEADLINES],
         [safe_para(f"{f.n:,} of {f.d:,} {what}", theme.FIGURE_NOTE)
          for f, (_, _, what) in zip(heads, HEADLINES, strict=True)]],
        colWidths=[width / 4] * 4, hAlign="LEFT")
    tiles.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), theme.BODY_STYLE.fontName, 9),
        ("LINEABOVE", (0, 0), (-1, 0), 2, theme.NAVY),
        ("BACKGROUND", (0, 0), (-1, -1), theme.ZEBRA),
        ("LINEAFTER", (0, 0), (-2, -1), 1, theme.WHITE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, 0), 9),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 9),
    ]))
    table = _frac_table("Measure", [_frac_row(name, fraction(data.get(key)))
                                    for key, name, _ in HEADLINES], width, n_head="Met")
    chart = bar_chart(
        title="The four measures at a glance", categories=[name for _, name, _ in HEADLINES],
        series=[("Headline", [f.pct for f in heads])], width=width, height=60 * mm,
        horizontal=True, y_label="% of the denominator (see the table above)")
    return [
        *title_block(inp.title, "Joint police and IDVA response to domestic abuse · "
                                "figures from the tracker (v1)"),
        kv_table(rows, width, label_width=45 * mm),
        gap(6), tiles, gap(2),
        section("Headline measures"),
        table,
        gap(2),
        safe_para("Every percentage is shown with its numerator (Met) and denominator (Out of), "
                  "rounded to one decimal place. 'n/a' means nobody was in the denominator. "
                  "Definitions are on the last page.", theme.SMALL),
        gap(6),
        chart,
    ]


def _band_labels(fracs: dict[str, Fraction], names: dict[str, str]) -> list[str]:
    return [f"{names.get(k, k)}\n{f.n:,} of {f.d:,}" for k, f in fracs.items()]


def _test_note(data: dict[str, Any], key: str) -> list[Flowable]:
    """One chi-square result: what was compared, the statistics, and what they mean."""
    tests = data.get("chi_square") or {}
    if key not in tests:
        return []
    stats, reading = chi_square_words(tests.get(key))
    return [KeepTogether([
        safe_para(f"Statistical test: {CHI_SQUARE_TESTS.get(key, key)}", theme.LABEL),
        safe_para(stats, theme.SMALL),
        safe_para(reading, theme.BODY_STYLE),
    ])]


def _speed(data: dict[str, Any], width: float) -> list[Flowable]:
    counts = data.get("visits_by_time_band") or {}
    total = sum(int(counts.get(b, 0)) for b in TIME_BANDS)
    shares = [Fraction(int(counts.get(b, 0)), total, round(100 * int(counts.get(b, 0)) / total, 1)
                       if total else None) for b in TIME_BANDS]
    visit_chart = bar_chart(
        title="Time from police visit to IDVA visit", categories=[BAND_SHORT[b] for b in TIME_BANDS],
        series=[("Visits", [s.n for s in shares])], width=width, height=58 * mm, percent=False,
        labels=[[f"{s.n:,} ({s.pct_text})" for s in shares]], y_label="IDVA visits",
        x_label="Time from police visit to IDVA visit")
    visit_table = _frac_table("Time to IDVA visit", [_frac_row(label(b), s) for b, s in
                                                     zip(TIME_BANDS, shares, strict=True)],
                              width, n_head="Visits", d_head="Out of")
    accepted = fractions(data, "idva_support_accepted_by_time_band", TIME_BANDS)
    accept_chart = bar_chart(
        title="IDVA support accepted, by time to IDVA visit",
        categories=_band_labels(accepted, BAND_SHORT),
        series=[("IDVA support accepted", [f.pct for f in accepted.values()])], width=width,
        height=62 * mm, y_label="% accepted", x_label="Time from police visit to IDVA visit")
    accept_table = _frac_table("Time to IDVA visit", [_frac_row(label(b), f)
                                                      for b, f in accepted.items()], width)
    return [
        PageBreak(),
        section("Speed of the IDVA visit"),
        safe_para("The service aims for an IDVA visit within 24 hours of the police visit. "
                  "Bands count real elapsed hours.", theme.BODY_STYLE),
        KeepTogether([visit_chart, gap(2), visit_table]),
        KeepTogether([section("Acceptance of IDVA support by speed of visit"), accept_chart,
                      gap(2), accept_table]),
        gap(2),
        *_test_note(data, "idva_support_by_time_band"),
    ]


def _time_of_day(data: dict[str, Any], width: float) -> list[Flowable]:
    idva = fractions(data, "idva_support_accepted_by_hour_band", HOUR_BANDS)
    pros = fractions(data, "prosecution_support_accepted_by_hour_band", HOUR_BANDS)
    chart = bar_chart(
        title="Support accepted, by time of day of the IDVA visit",
        categories=[HOUR_LABELS[h] for h in HOUR_BANDS],
        series=[("IDVA support", [idva[h].pct for h in HOUR_BANDS]),
                ("Support for prosecution", [pros[h].pct for h in HOUR_BANDS])],
        width=width, height=80 * mm, y_label="% accepted",
        x_label="Time of day of the IDVA visit (UK time)")
    rows = [[HOUR_LABELS[h], idva[h].n, idva[h].d, idva[h].pct_text, pros[h].n, pros[h].d,
             pros[h].pct_text] for h in HOUR_BANDS]
    w = width * 0.22
    table = data_table(["Time of day", "IDVA accepted", "Out of", "%", "Prosecution accepted",
                        "Out of", "%"], rows,
                       [w] + [(width - w) / 6] * 6, numeric=range(1, 7))
    return [
        PageBreak(),
        section("Acceptance by time of day"),
        safe_para("The evaluation found that acceptance of both kinds of support fell as the "
                  "day went on. Bands use the UK local hour of the IDVA visit.", theme.BODY_STYLE),
        KeepTogether([chart, gap(2), table]),
        gap(2),
        *_test_note(data, "idva_support_by_hour_band"),
        gap(1),
        *_test_note(data, "prosecution_support_by_hour_band"),
    ]


def _referrals(data: dict[str, Any], width: float) -> list[Flowable]:
    refs: dict[str, dict[str, int]] = data.get("referrals") or {}
    if not refs:
        return []
    names = [REFERRAL_LABELS.get(k, label(k)) for k in refs]
    series = [(d.capitalize() if d != "OFFERED" else "Offered, no decision",
               [float(refs[k].get(d, 0)) for k in refs]) for d in REFERRAL_DECISIONS]
    chart = bar_chart(title="Referrals, by service and decision", categories=names, series=series,
                      width=width, height=max(70 * mm, (26 * len(refs) + 50)), percent=False,
                      horizontal=True, y_label="Visits")
    rows = [[n, *(refs[k].get(d, 0) for d in REFERRAL_DECISIONS),
             sum(refs[k].get(d, 0) for d in REFERRAL_DECISIONS)] for n, k in zip(names, refs,
                                                                                 strict=True)]
    table = data_table(["Referral to", "Offered, no decision", "Accepted", "Declined", "Total"],
                       rows, [width * 0.36] + [width * 0.16] * 4, numeric=range(1, 5))
    return [PageBreak(), section("Referrals"),
            safe_para("Referrals discussed at the visit, by the service referred to. A referral "
                      "still marked as offered had no decision recorded yet.", theme.BODY_STYLE),
            KeepTogether([chart, gap(2), table])]


def _outcomes(data: dict[str, Any], width: float) -> list[Flowable]:
    by_q = fractions(data, "positive_outcomes_by_quarter")
    by_bcu = fractions(data, "positive_outcomes_by_bcu")
    grid: dict[str, dict[str, Any]] = data.get("positive_outcomes_by_quarter_and_bcu") or {}
    bcus = [b for b in by_bcu if by_bcu[b].d] or list(by_bcu)
    out: list[Flowable] = [
        PageBreak(), section("Positive police outcomes"),
        safe_para("A positive outcome is a case closed with one of the outcome codes listed on "
                  "the last page, out of the cases that have an outcome code.", theme.BODY_STYLE)]
    if by_q:
        # The evaluation's chart: each quarter's rate, one bar per BCU with outcomes.
        series = [(label(b), [fraction((grid.get(q) or {}).get(b)).pct for q in by_q])
                  for b in bcus]
        if len(bcus) > 1:
            series.insert(0, ("All BCUs", [f.pct for f in by_q.values()]))
        out.append(KeepTogether([
            bar_chart(title="Positive outcomes, by financial quarter and BCU",
                      categories=_band_labels(by_q, {}), series=series, width=width,
                      y_label="% positive", x_label="Financial quarter (April to March); "
                      "under each quarter: positive of all outcomes"),
            gap(2),
            _frac_table("Financial quarter (all BCUs)",
                        [_frac_row(q, f) for q, f in by_q.items()], width, n_head="Positive")]))
    if by_bcu:
        out.append(gap(4))
        out.append(KeepTogether([
            bar_chart(title="Positive outcomes, by BCU",
                      categories=_band_labels(by_bcu, {k: label(k) for k in by_bcu}),
                      series=[("Positive outcomes", [f.pct for f in by_bcu.values()])],
                      width=width, height=62 * mm, y_label="% positive",
                      x_label="Basic command unit (n/a: no outcomes recorded)"),
            gap(2),
            _frac_table("BCU", [_frac_row(label(b), f) for b, f in by_bcu.items()], width,
                        n_head="Positive")]))
    if len({b for per_bcu in grid.values() for b in per_bcu}) > 1:  # else it repeats the above
        rows = [[q, label(b), fraction(v).n, fraction(v).d, fraction(v).pct_text]
                for q, per_bcu in grid.items() for b, v in per_bcu.items()]
        out += [section("Positive outcomes by quarter and BCU"),
                data_table(["Financial quarter", "BCU", "Positive", "Out of", "%"], rows,
                           [width * 0.3, width * 0.22] + [width * 0.16] * 3, numeric=[2, 3, 4])]
    return out


def _definitions(data: dict[str, Any], width: float) -> list[Flowable]:
    codes = ", ".join(str(c) for c in (data.get("positive_outcome_codes") or ()))
    items = [
        ("Visits", "One tracker row is one visit record; the count is the number of rows "
                   "that match the filters."),
        ("IDVA visit within 24 hours", "Visits whose IDVA visit came no more than 24 hours "
         "after the police visit, out of all visits that have had an IDVA visit. Hours are real "
         "elapsed time, so a clock change does not add or remove an hour."),
        ("Time bands", "Within 24 hours: 0 to 24 hours inclusive. 24 hours to 1 week: more than "
         "24 and up to 168 hours. Over 1 week: more than 168 hours."),
        ("Support accepted", "For IDVA support and, separately, support for prosecution: "
         "offers accepted, out of offers accepted, declined or left undecided. Visits where "
         "support was not offered, or nothing was recorded, are left out of both numbers."),
        ("Time of day", "The UK local hour of the IDVA visit, in five bands: 00:00-08:00, "
         "08:00-12:00, 12:00-16:00, 16:00-20:00 and 20:00-24:00."),
        ("Referrals", "For each service, how many visits recorded the referral as offered "
         "(no decision yet), accepted or declined. Blank means no referral was discussed."),
        ("Positive outcome", "Cases whose Home Office outcome code is in the positive set "
         f"({codes or 'none configured'}; meanings below), out of cases that have an outcome "
         "code. Cases still under investigation have no code and are not counted."),
        ("Financial quarter", "The UK financial year runs from April to March: Q1 is April to "
         "June. The quarter is that of the police visit."),
        ("Percentages", "Rounded half up to one decimal place, always shown with their "
         "numerator and denominator."),
        ("Chi-square test", "Pearson's test of whether the share accepting support differs "
         "between bands more than chance would explain. A p-value below 0.05 is the usual sign "
         "of a real difference; with small bands (expected counts under 5) the test is less "
         "reliable. It cannot show cause: a later visit may differ in other ways too."),
    ]
    code_rows = [(f"Code {c}", OUTCOME_MEANINGS.get(str(c).upper(), "Unknown code"))
                 for c in (data.get("positive_outcome_codes") or ())]
    out: list[Flowable] = [PageBreak(), section("Definitions"),
                           kv_table(items, width, label_width=48 * mm)]
    if code_rows:
        out += [safe_para("Outcome codes counted as positive", theme.H2),
                kv_table(code_rows, width, label_width=48 * mm)]
    return out


def render_kpi_report(inp: KpiReportInput, *, encrypt: str | None = None) -> bytes:
    """The KPI report PDF; ``encrypt`` is a password the reader will need to open it."""
    setup = PageSetup(title="Performance measures", printed_by=inp.printed_by,
                      printed_at=inp.printed_at, encrypt=encrypt)
    width = frame_width(setup)
    data = figures(inp.kpis)
    story: list[Flowable] = [
        *_cover(data, inp, width),
        *_speed(data, width),
        *_time_of_day(data, width),
        *_referrals(data, width),
        *_outcomes(data, width),
        *_definitions(data, width),
    ]
    return build_pdf(story, setup)
