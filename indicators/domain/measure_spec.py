"""What each measure is and how its figure is formed from the observations (pure data; no database, no Streamlit).

The build (`indicators.pipeline.marts.aggregates`) reads these specifications to compute every area's figure once;
the app (`indicators.analysis.measures`) reads them for names, units and polarity.

A measure is one of three kinds:
- ``sum``: a total (population, GVA, jobs …); an aggregate is the sum over its members.
- ``ratio``: Σ numerator ÷ Σ denominator over members (never an average of ratios).
- ``rate``: published for each area and not aggregatable (median pay, employment rate …); where no figure is
  published for an aggregate, its benchmark is the median of its member councils, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

WEEKS_PER_YEAR = 52  # ONS hours are average weekly hours; annual hours = weekly hours × 52
KINDS = ("sum", "ratio", "rate")


@dataclass(frozen=True)
class Part:
    """One observation series and the factor that puts it in the measure's unit."""

    indicator_id: str
    scale: float = 1.0


@dataclass(frozen=True)
class Form:
    """How one area's figure is read from its own observations.

    value: the figure as published (a ratio, a total or a rate), if the release publishes it;
    numerator, denominator: the totals behind a ratio (the numerator defaults to value × denominator).
    A form with no value computes it as numerator ÷ denominator.
    """

    value: Part | None = None
    numerator: Part | None = None
    denominator: Part | None = None

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(p.indicator_id for p in (self.value, self.numerator, self.denominator) if p)


@dataclass(frozen=True)
class Measure:
    """One comparable measure.

    council: how a council's figure is formed (None: not published for councils).
    published: how an area above council level reads a figure its release publishes (None: nothing published).
    denominator_period: 'same', or 'start_year' to divide a financial/tax-year total by the population of the
        calendar year it starts in.
    tolerance_pct: how far a figure derived from councils may differ from the published one (reconciliation check).
    """

    id: str
    name: str
    unit: str
    polarity: str
    kind: str
    definition: str
    council: Form | None
    published: Form | None = None
    denominator_period: str = "same"
    tolerance_pct: float = 0.5
    tolerance_reason: str = "rounding of the published totals"
    basis: str | None = None

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        ids = (self.council.indicator_ids if self.council else ()) + (
            self.published.indicator_ids if self.published else ()
        )
        return tuple(dict.fromkeys(ids))

    @property
    def intensive(self) -> bool:
        """True for per-something measures (comparable between areas of different size)."""
        return self.kind != "sum"


_HOURS = Part("hours_worked", WEEKS_PER_YEAR)
_SMOOTHING = (
    "ONS divides smoothed GVA by smoothed jobs or hours and rounds to £0.1 an hour or £0.1 a job; councils "
    "here are weighted by the published, unsmoothed jobs or hours, the only weights published"
)


def _rate(id_: str, name: str, unit: str, polarity: str, definition: str) -> Measure:
    return Measure(id_, name, unit, polarity, "rate", definition, Form(value=Part(id_)), Form(value=Part(id_)))


def _total(id_: str, name: str, unit: str, polarity: str, definition: str, published: str | None = None) -> Measure:
    return Measure(
        id_,
        name,
        unit,
        polarity,
        "sum",
        definition,
        Form(value=Part(id_)),
        Form(value=Part(published)) if published else None,
        tolerance_pct=0.1,
        tolerance_reason="published totals are rounded (to £1m, a job or a person)",
    )


MEASURES: dict[str, Measure] = {
    m.id: m
    for m in [
        Measure(
            "gva_per_hour",
            "GVA per hour worked",
            "£ per hour",
            "higher_is_better",
            "ratio",
            f"GVA (current prices, smoothed) per hour worked; an aggregate is Σ(GVA per hour × weekly hours × "
            f"{WEEKS_PER_YEAR}) ÷ Σ(weekly hours × {WEEKS_PER_YEAR}) over its member councils where ONS publishes "
            "no figure",
            Form(value=Part("gva_per_hour"), denominator=_HOURS),
            Form(value=Part("gva_per_hour"), denominator=_HOURS),
            tolerance_pct=2.0,
            tolerance_reason=_SMOOTHING,
            basis="hour",
        ),
        Measure(
            "gva_per_job",
            "GVA per filled job",
            "£ per filled job",
            "higher_is_better",
            "ratio",
            "GVA (current prices, smoothed) per filled job; an aggregate is Σ(GVA per job × filled jobs) ÷ "
            "Σ filled jobs over its member councils where ONS publishes no figure",
            Form(value=Part("gva_per_job"), denominator=Part("filled_jobs")),
            Form(value=Part("gva_per_job"), denominator=Part("filled_jobs")),
            tolerance_pct=2.0,
            tolerance_reason=_SMOOTHING,
            basis="job",
        ),
        Measure(
            "gva_per_head",
            "GVA per head",
            "£ per resident",
            "higher_is_better",
            "ratio",
            "GVA (current basic prices, £m × 1,000,000) ÷ resident population (mid-year); an aggregate is Σ GVA ÷ Σ "
            "population over its member councils where ONS publishes no figure",
            Form(numerator=Part("gva_current", 1e6), denominator=Part("population")),
            Form(
                value=Part("itl_gva_per_head"),
                numerator=Part("itl_gva_current", 1e6),
                denominator=Part("itl_population"),
            ),
            basis="head",
        ),
        Measure(
            "gdp_per_head",
            "GDP per head",
            "£ per resident",
            "higher_is_better",
            "ratio",
            "GDP (current market prices, £m × 1,000,000) ÷ resident population, same year",
            Form(value=Part("gdp_per_head"), numerator=Part("gdp_current", 1e6), denominator=Part("population")),
        ),
        Measure(
            "jobs_per_resident",
            "Filled jobs per resident",
            "jobs per resident",
            "higher_is_better",
            "ratio",
            "Filled jobs (workplace) ÷ resident population, same year",
            Form(numerator=Part("filled_jobs"), denominator=Part("population")),
        ),
        Measure(
            "income_tax_per_head",
            "Income tax per head",
            "£ per resident",
            "higher_is_better",
            "ratio",
            "HMRC income tax liabilities of residents (£m × 1,000,000) ÷ resident population of the tax year's first "
            "calendar year",
            Form(numerator=Part("income_tax", 1e6), denominator=Part("population")),
            denominator_period="start_year",
        ),
        Measure(
            "council_tax_per_head",
            "Council tax receipts per head",
            "£ per resident",
            "neutral",
            "ratio",
            "Council tax collected (£m × 1,000,000) ÷ resident population of the financial year's first calendar year",
            Form(numerator=Part("council_tax_receipts", 1e6), denominator=Part("population")),
            denominator_period="start_year",
        ),
        _total(
            "population",
            "Resident population",
            "persons",
            "neutral",
            "ONS mid-year resident population; an aggregate sums its member councils where ONS publishes no figure",
            published="itl_population",
        ),
        _total(
            "gva_current",
            "GVA (current prices)",
            "£ million",
            "higher_is_better",
            "Balanced GVA at current basic prices; an aggregate sums its member councils where ONS publishes no figure",
            published="itl_gva_current",
        ),
        _total(
            "gdp_current",
            "GDP (current prices)",
            "£ million",
            "higher_is_better",
            "GDP at current market prices, summed over member councils",
        ),
        _total(
            "filled_jobs",
            "Filled jobs",
            "filled jobs",
            "neutral",
            "Filled jobs (workplace); an aggregate sums its member councils where ONS publishes no figure",
            published="filled_jobs",
        ),
        _total(
            "income_tax",
            "Income tax liabilities",
            "£ million",
            "neutral",
            "HMRC Survey of Personal Incomes: income tax liabilities of residents, summed over member councils",
        ),
        _total(
            "council_tax_receipts",
            "Council tax receipts",
            "£ million",
            "neutral",
            "Council tax collected by billing authorities; an aggregate sums its member councils where no total is "
            "published",
            published="council_tax_receipts",
        ),
        _rate(
            "median_annual_pay_workplace",
            "Median annual pay (workplace)",
            "£",
            "higher_is_better",
            "ASHE median gross annual pay of full-time employees working in the area",
        ),
        _rate(
            "median_annual_pay_residence",
            "Median annual pay (residence)",
            "£",
            "higher_is_better",
            "ASHE median gross annual pay of full-time employees living in the area",
        ),
        _rate(
            "employment_rate",
            "Employment rate, 16–64",
            "%",
            "higher_is_better",
            "Annual Population Survey employment rate, aged 16 to 64",
        ),
        _rate(
            "unemployment_rate",
            "Unemployment rate (modelled)",
            "%",
            "lower_is_better",
            "Modelled unemployment rate, aged 16 and over",
        ),
        _rate("gdhi_per_head", "GDHI per head", "£", "higher_is_better", "Gross disposable household income per head"),
        _rate(
            "level3_qualifications",
            "Qualified to level 3 or above",
            "%",
            "higher_is_better",
            "Share of people aged 16 to 64 qualified to NVQ level 3 or above",
        ),
        Measure(
            "gva_per_hour_jun2025",
            "GVA per hour worked (June 2025 release)",
            "£ per hour",
            "higher_is_better",
            "ratio",
            "GVA per hour worked as published in ONS Subregional Productivity June 2025 (combined authorities; a later "
            "vintage with revised GVA, never mixed with the June 2024 figures)",
            None,
            Form(value=Part("gva_per_hour_jun2025"), denominator=Part("hours_worked_jun2025", WEEKS_PER_YEAR)),
        ),
        Measure(
            "gva_per_job_jun2025",
            "GVA per filled job (June 2025 release)",
            "£ per filled job",
            "higher_is_better",
            "ratio",
            "GVA per filled job as published in ONS Subregional Productivity June 2025 (combined authorities; a "
            "later vintage, never mixed with the June 2024 figures)",
            None,
            Form(value=Part("gva_per_job_jun2025"), denominator=Part("filled_jobs_jun2025")),
        ),
    ]
}
BASIS_MEASURE = {"head": "gva_per_head", "job": "gva_per_job", "hour": "gva_per_hour"}
LATER_VINTAGE = {"gva_per_hour": "gva_per_hour_jun2025", "gva_per_job": "gva_per_job_jun2025"}


def measure(measure_id: str) -> Measure:
    """The measure with this id; ValueError naming the valid ids otherwise."""
    if measure_id not in MEASURES:
        raise ValueError(f"unknown measure {measure_id!r}; valid: {', '.join(MEASURES)}")
    return MEASURES[measure_id]


def start_year(period: str) -> int:
    """Calendar year a period starts in: '2022' → 2022, '2023-24' → 2023, 'Oct 2022-Sep 2023' → 2022."""
    for token in str(period).replace("-", " ").split():
        if token.isdigit() and len(token) == 4:
            return int(token)
    raise ValueError(f"period {period!r} has no year")
