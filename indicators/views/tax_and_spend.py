"""Tax and spend: what the page draws for the chosen area, the Core Cities and the Total Place view, read from the
fiscal mart through indicators.analysis.fiscal (every figure below region level is an ESTIMATE).

Each part is computed once per process for every visitor who asks for the same year, geography and keys; the page
reads its controls, calls tax_spend_page and draws the tables, figures and sentences returned here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.analysis import fiscal
from indicators.data import catalog, geography
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for, source_line, sources_text
from indicators.domain import formatting
from indicators.domain.areas import CORE_CITY_REGIONS, CORE_COUNCILS
from indicators.domain.fiscal import (
    AREA_TYPE_LABELS,
    EXPENDITURE_GROUPS,
    GEOGRAPHY_LABELS,
    GROUP_LABELS,
    KEY_LABELS,
    KEY_OPTIONS,
    KEYS,
    REVENUE_GROUPS,
    SHARED_MARK,
    area_spending_caveat,
    balance_sentence,
    check_options,
    claimed_text,
    function_keys,
    function_label,
    group_title,
    keys_text,
    range_text,
    total_place_functions,
)
from indicators.exports import charts
from indicators.exports.charts import Captions
from indicators.views import Chart, Tile

FISCAL_INDICATORS = [
    "rev_total",
    "exp_total",
    "crpsf_population",
    "population",
    "income_tax",
    "filled_jobs",
    "gdhi_per_head",
    "gva_current",
    "council_tax_receipts",
]
FISCAL_LEVELS = {"council": CORE_COUNCILS, "city-region": CORE_CITY_REGIONS}


@dataclass(frozen=True)
class KeyChoice:
    """One switchable group as the page offers it: its keys (default first), the widget's label and its help."""

    group: str
    keys: tuple[str, ...]
    label: str
    help: str


def key_choices() -> list[tuple[str, list[KeyChoice]]]:
    """The switchable groups, taxes first then spending function by function, under their headings."""
    sides = (("Taxes", REVENUE_GROUPS), ("Spending, function by function", EXPENDITURE_GROUPS))
    return [
        (
            side,
            [
                KeyChoice(
                    group,
                    KEY_OPTIONS[group],
                    f"{group_title(group)} shared by",
                    "; ".join(f"{KEY_LABELS[k]}: {KEYS[k]}" for k in KEY_OPTIONS[group]),
                )
                for group in groups
                if group in KEY_OPTIONS
            ],
        )
        for side, groups in sides
    ]


def level_text(geography_key: str) -> str:
    """'ten councils' or 'ten city regions'."""
    return "ten councils" if geography_key == "council" else "ten city regions"


def chart_label(geography_key: str, year: str, options: dict[str, str]) -> str:
    """The charts' subtitle: 'Estimate · ten councils · 2024-25 · default keys'."""
    return f"Estimate · {level_text(geography_key)} · {year} · {keys_text(options)}"


def source() -> str:
    """The charts' source line: the releases read, and that the apportionment is the project's own estimate."""
    return source_line(FISCAL_INDICATORS) + ". Apportionment below region level is the project's own estimate."


def combinations_text(estimate: dict) -> str:
    """How many key combinations an area's range covers, in words ('4,608', or 'all' when not known)."""
    return formatting.number(estimate["combinations"]) if estimate["combinations"] else "all"


def years() -> list[str]:
    """The financial years with estimates, oldest first (empty without public sector finance data)."""
    return fiscal.fiscal_years()


def key_label(key: str) -> str | None:
    """A key's name as the options show it ('population', 'jobs' ...)."""
    return KEY_LABELS.get(key)


def geography_label(geography_key: str) -> str:
    """'council area' or 'city region'."""
    return GEOGRAPHY_LABELS[geography_key]


def sign_convention() -> str:
    """Which way round spending − taxes is read (the method's own sentence)."""
    return fiscal.method()["sign_convention"]


def method_paragraphs() -> list[str]:
    """The method section as Markdown paragraphs: summary, formula, population, North Sea, sign convention, every
    key and what it means, caveats."""
    method = fiscal.method()
    return [
        f"**{method['label']}.** {method['summary']}",
        f"**Formula.** {method['formula']}",
        f"**Population.** {method['population']}",
        f"**North Sea.** {method['north_sea']}",
        f"**Sign convention.** {method['sign_convention']}",
        "**Keys.**\n" + "\n".join(f"- *{KEY_LABELS[k]}*: {v}" for k, v in KEYS.items()),
        f"**Caveats.** {method['caveats']}",
    ]


# ------------------------------------------------------------------------------------------------ what is shown


@dataclass(frozen=True)
class AreaPanel:
    """The chosen area's estimate as the page shows it: a heading, then either why there is none (`missing`) or a
    caption, two rows of four tiles (totals, then per resident), a sentence to quote and the spending caveat."""

    heading: str
    missing: str | None = None
    caption: str = ""
    totals: tuple[Tile, ...] = ()
    per_resident: tuple[Tile, ...] = ()
    sentence: str = ""
    caveat: str = ""


def area_panel(estimate: dict, geography_key: str) -> AreaPanel:
    """The chosen area's panel from fiscal.area_estimate() (`estimate`) on the geography."""
    where = geography_label(geography_key)
    if not estimate["available"]:
        return AreaPanel(
            heading=f"{estimate['name']}: estimated taxes and spending",
            missing=f"No tax and spend estimate for {estimate['name']} on the {where} geography. {estimate['reason']}.",
        )
    signs = sign_convention()
    combinations = combinations_text(estimate)
    caveat = area_spending_caveat(estimate)
    return AreaPanel(
        heading=f"{estimate['name']}: estimated taxes and spending, {estimate['year']}",
        caption=f"Estimate for the area chosen in the sidebar ({estimate['fiscal_code']}, {where}"
        + (f", resting on {estimate['coverage']}" if estimate["coverage"] else "")
        + f") · {estimate['keys_text']} (change them below). {signs}",
        totals=(
            Tile(
                "Taxes raised",
                formatting.gbp_millions(estimate["revenue_gbp_m"]),
                help="Every group of taxes shared out from the region's official figure by its key.",
            ),
            Tile(
                "Public spending",
                formatting.gbp_millions(estimate["expenditure_gbp_m"]),
                help="Total managed expenditure shared out from the region's official figure, function by "
                "function. " + caveat,
            ),
            Tile("Spending − taxes", formatting.gbp_millions(estimate["net_balance_gbp_m"]), help=signs),
            Tile(
                "Range over all keys",
                range_text(estimate["min_gbp_m"], estimate["max_gbp_m"], formatting.gbp_millions),
                help=f"Lowest and highest spending − taxes over all {combinations} combinations of "
                "apportionment keys, North Sea and spending keys included.",
            ),
        ),
        per_resident=(
            Tile("Taxes per resident", formatting.gbp(estimate["revenue_per_head_gbp"])),
            Tile("Spending per resident", formatting.gbp(estimate["expenditure_per_head_gbp"]), help=caveat),
            Tile(
                "Net per resident",
                formatting.gbp(estimate["net_balance_per_head_gbp"]),
                help="Spending − taxes per resident. " + signs,
            ),
            Tile(
                "Range per resident",
                range_text(estimate["min_per_head_gbp"], estimate["max_per_head_gbp"], formatting.gbp),
                help=f"Lowest and highest spending − taxes per resident over all {combinations} combinations "
                "of apportionment keys.",
            ),
        ),
        sentence=balance_sentence(estimate),
        caveat=caveat,
    )


@dataclass(frozen=True)
class CoreCitiesPanel:
    """The Core Cities' headline as the page shows it: heading, caption, four tiles, the notes under them and what
    was claimed (Markdown, None without a claim)."""

    heading: str
    caption: str
    tiles: tuple[Tile, ...]
    notes: str
    claimed: str | None


def core_cities_panel(gap: dict, geography_key: str, label: str) -> CoreCitiesPanel:
    """The Core Cities' panel from headline() (`gap`); `label` is the charts' subtitle (chart_label), the estimate's
    tooltip."""
    claimed = gap["claimed_gbp_bn"]
    return CoreCitiesPanel(
        heading=f"The Core Cities' estimated net fiscal balance, {gap['year']}",
        caption=gap["sign_convention"]
        + " Geography follows the sidebar: "
        + level_text(geography_key)
        + f", resting on {gap['coverage']}.",
        tiles=(
            Tile("Estimated spending − taxes", formatting.gbp_bn(gap["estimate_gbp_bn"]), help=label),
            Tile(
                "Range across all keys",
                range_text(gap["min_gbp_bn"], gap["max_gbp_bn"], formatting.gbp_bn),
                help=f"Minimum and maximum over all {formatting.number(gap['combinations'])} combinations of "
                "apportionment keys, North Sea and spending keys included.",
            ),
            Tile("Estimated taxes raised", formatting.gbp_bn(gap["revenue_gbp_bn"])),
            Tile("Estimated public spending", formatting.gbp_bn(gap["expenditure_gbp_bn"])),
        ),
        notes=" ".join(note for note in (gap["spending_note"], gap["north_sea_note"]) if note),
        claimed=None
        if claimed is None
        else f"**As claimed:** {claimed_text(claimed)} a year ({gap['claim'].get('publication', '')}, "
        f"{gap['claim'].get('period_as_stated', '')}, method not stated).",
    )


@dataclass(frozen=True)
class TotalPlacePanel:
    """The Total Place view as the page shows it: heading, why another area is shown (None otherwise), the tiles
    (the claimed count first, when there is one), the caption, the explanation and the note on the claim."""

    heading: str
    fallback: str | None
    tiles: tuple[Tile, ...]
    caption: str
    explanation: str
    claim_note: str | None


def total_place_panel(place: dict) -> TotalPlacePanel:
    """The Total Place panel from fiscal.total_place_view() (`place`)."""
    stated = place.get("claim") or {}
    claimed = (
        (
            Tile(
                f"Total Place count ({stated.get('period_as_stated', '')})",
                claimed_text(float(stated["value"])),
                help=stated.get("publication"),
            ),
        )
        if stated
        else ()
    )
    return TotalPlacePanel(
        heading=f"Total Place view: {place['area_name']}",
        fallback=place["fallback_reason"] or None,
        tiles=claimed
        + (
            Tile(
                "Identifiable spending (CRA)",
                formatting.gbp_millions(place["identifiable_total_gbp_m"]),
                help=f"HM Treasury CRA identifiable spending, {place['cra_year']}, shared out from the "
                "region by population (estimate).",
            ),
            Tile(
                "Total spending (CRPSF)",
                formatting.gbp_millions(place["crpsf_total_expenditure_gbp_m"]),
                help=f"ONS CRPSF total managed expenditure, {place['crpsf_year']}, shared out from the "
                "region by population (estimate).",
            ),
        ),
        caption=f"Estimates: identifiable spending {place['cra_year']} (HM Treasury CRA), total managed expenditure "
        f"{place['crpsf_year']} (ONS CRPSF), both shared out from the region by population."
        + (f" {place['year_note']}" if place.get("year_note") else ""),
        explanation=place["explanation"],
        claim_note=place.get("claim_note") or None,
    )


# ------------------------------------------------------------------------------------------------ charts

GAP_Y_TITLE = "£bn a year (positive = spending exceeds taxes)"


def gap_chart(gap: dict, label: str, depends: tuple) -> Chart:
    """The Core Cities' estimate with its range, beside the claim; `label` is chart_label(), `depends` everything
    the figure is drawn from (year, geography, keys)."""
    captions = Captions("Core Cities: estimated spending minus taxes (£bn a year)", label, source())
    return Chart(
        lambda: charts.tax_spend_gap_bars(gap, captions=captions),
        captions,
        cache=depends,
        table=lambda: gap_table(gap),
        y_title=GAP_Y_TITLE,
    )


def per_resident_chart(view: dict, label: str, depends: tuple) -> Chart:
    """Taxes and spending per resident of the places beside the official regions (tax_spend_page()'s `view`), with
    the caveat on shared spending as its note."""
    table, caveat = view["table"], view["caveat"]
    captions = Captions(f"Taxes raised and public spending per resident, {view['gap']['year']} (£)", label, source())
    return Chart(
        lambda: charts.tax_spend_per_resident_bars(per_resident_frame(table, caveat["shared"]), captions=captions),
        captions,
        cache=depends,
        table=lambda: per_resident_table(table, caveat["shared"]),
        note=caveat["text"],
    )


def total_place_chart(place: dict, depends: tuple) -> Chart:
    """Identifiable spending in the place by function (fiscal.total_place_view()); `depends`: area, geography,
    year."""
    captions = Captions(
        f"{place['area_name']}: identifiable public spending by function, {place['cra_year']} (estimate)",
        f"£ million · HM Treasury CRA ({place['edition']}) regional identifiable spending shared by population · "
        "estimate",
        total_place_source(place["edition"]),
    )
    return Chart(
        lambda: charts.total_place_bars(total_place_functions(place), captions=captions),
        captions,
        cache=depends,
        table=lambda: total_place_rows(place),
        note="Shared out from the region by population, so per resident every function is the region's figure.",
    )


def total_place_source(editions: str) -> str:
    """The Total Place chart's source line, naming the CRA edition(s) its figures come from (e.g. 'CRA 2020')."""
    used = [row for row in catalog.sources().to_dict("records") if row["vintage"] in editions.split(", ")]
    cra = sources_text(used).removeprefix("Source: ") or "HM Treasury, Country and Regional Analysis"
    return f"Source: {cra}; ONS mid-year population. Project's own estimate."


def tax_spend_page(area_code: str, geography_key: str, year: str, options_items: tuple[tuple[str, str], ...]) -> dict:
    """Everything the Tax and spend page draws for one area, year, geography and set of keys (`options_items`: the
    keys as sorted (group, key) pairs), each part computed once per process for every visitor who asks for it.

    Returns tax_spend_view()'s table and gap, plus caveat (fiscal.shared_spending for the Core Cities shown),
    estimate (fiscal.area_estimate) and total_place (fiscal.total_place_view).
    """
    return {
        **_core_cities_tax_spend(geography_key, year, options_items),
        **_area_tax_spend(area_code, geography_key, year, options_items),
    }


@per_database(max_entries=64)
def _core_cities_tax_spend(geography_key: str, year: str, options_items: tuple) -> dict:
    options = dict(options_items)
    view = tax_spend_view(year, geography_key, options)
    return {**view, "caveat": fiscal.shared_spending(year, options, place_names(view["table"]))}


@per_database(max_entries=128)
def _area_tax_spend(area_code: str, geography_key: str, year: str, options_items: tuple) -> dict:
    return {
        "estimate": fiscal.area_estimate(area_code, geography_key, year, **dict(options_items)),
        "total_place": fiscal.total_place_view(area_code, geography_key, year),
    }


def tax_spend_view(year: str | None, geography_key: str, options: dict[str, str]) -> dict:
    """The Core Cities part of the page for one year, geography and set of keys: their table and their headline.

    Returns {"table": DataFrame, "gap": dict}. The table holds the ten Core Cities (councils or city regions, with a
    'city' column), their total, then the official CRPSF UK, England and ITL1 rows and any North Sea revenue held at
    region/nation level, with 'basis' = 'estimate', 'official CRPSF' or 'held at region/nation level' and 'keys'
    (the keys in words; columns as fiscal.balance_rows). The gap dict is headline()'s."""
    if geography_key not in FISCAL_LEVELS:
        raise ValueError(f"unknown geography {geography_key!r}; valid: {', '.join(FISCAL_LEVELS)}")
    options = check_options(**options)
    cities = geography.core_cities()
    column = "lad_code" if geography_key == "council" else "city_region_code"
    city_of = dict(zip(cities[column], cities["city"]))
    rows = pd.DataFrame(fiscal.balance_rows(year, [*city_of, FISCAL_LEVELS[geography_key]], options))
    chosen = rows[rows["area_code"].isin(list(city_of))].copy()
    chosen["city"] = chosen["area_code"].map(city_of)
    total = rows[rows["area_code"] == FISCAL_LEVELS[geography_key]].assign(city="Core Cities")
    official = rows[rows["area_type"].isin(["region", "country"])].assign(city="")
    held = rows[rows["area_type"] == "north_sea_held"].assign(city="")
    table = pd.concat([chosen.sort_values("city"), total, official, held], ignore_index=True)
    table["basis"] = [
        "held at region/nation level" if t == "north_sea_held" else "estimate" if e else "official CRPSF"
        for t, e in zip(table["area_type"], table["estimate"])
    ]
    table["keys"] = [
        keys_text(o) if isinstance(o, dict) else "official figures (no keys)" for o in table["key_options"]
    ]
    table["key_options"] = table["key_options"].astype(str)
    table = table.drop(columns=[c for c in ("sensitivity_net_balance_gbp", "items_gbp") if c in table])
    return {"table": table, "gap": headline(str(total["year"].iloc[0]), geography_key, options)}


def headline(year: str, geography_key: str, options: dict[str, str]) -> dict:
    """The Core Cities' estimated spending − taxes on a geography (fiscal.core_cities_gap, the headline everywhere) as
    the gap chart and its metrics show it.

    Returns year, estimate_gbp_bn (net balance = spending − taxes), min_gbp_bn / max_gbp_bn (range over every key
    combination), below_gbp_bn / above_gbp_bn (distances from the estimate to the range ends, for error bars),
    combinations, min_options, max_options, revenue_gbp_bn, expenditure_gbp_bn, population, members,
    members_expected, coverage, claimed_gbp_bn and claim (the £53bn claim), spending_note, north_sea_note, notes,
    sign_convention.
    """
    found = fiscal.core_cities_gap(year, **options)
    part = found["councils" if geography_key == "council" else "city_regions"]
    spread, estimate, stated = part["sensitivity"], part["net_balance_gbp_bn"], found["claim"]
    return {
        "year": found["year"],
        "estimate_gbp_bn": estimate,
        "min_gbp_bn": spread["min_gbp_bn"],
        "max_gbp_bn": spread["max_gbp_bn"],
        "below_gbp_bn": estimate - spread["min_gbp_bn"],
        "above_gbp_bn": spread["max_gbp_bn"] - estimate,
        "combinations": spread["combinations"],
        "min_options": spread["min_options"],
        "max_options": spread["max_options"],
        "revenue_gbp_bn": part["revenue_gbp_bn"],
        "expenditure_gbp_bn": part["expenditure_gbp_bn"],
        "population": part["population"],
        "members": part["members"],
        "members_expected": part["members_expected"],
        "coverage": part["coverage"],
        "claim": stated,
        "claimed_gbp_bn": float(stated["value"]) if stated.get("value") is not None else None,
        "spending_note": found["spending_note"],
        "north_sea_note": fiscal.north_sea_note(found["year"], options),
        "notes": found["notes"],
        "sign_convention": found["sign_convention"],
    }


@per_database
def fiscal_provenance() -> dict:
    """Formula, assumptions and releases behind the tax-and-spend estimates (for 'How was this calculated?')."""
    method = fiscal.method()
    return {
        "formula": method["formula"],
        "method": " ".join([method["summary"], method["population"], method["aggregates"]]),
        "assumptions": " ".join(
            [method["sign_convention"], method["expenditure"], method["years"], method["north_sea"]]
        ),
        "limits": method["caveats"] + " " + method["sensitivity"],
        "releases": releases_for(FISCAL_INDICATORS) + fiscal.key_releases(),
    }


# ------------------------------------------------------------------------------------------------ tables


def key_rows(options: dict[str, str]) -> pd.DataFrame:
    """Every group of taxes and spending function with the key in use, whether it is the default, the alternatives
    and why, in plain English (one row each)."""
    options = check_options(**options)
    rows = []
    for entry in function_keys():
        used = options.get(entry["group"], entry["default"])
        rows.append(
            {
                "Taxes or spending": "taxes" if entry["side"] == "revenue" else "spending",
                "Group": GROUP_LABELS[entry["group"]],
                "Shared out by": KEY_LABELS[used],
                "Default?": "yes" if used == entry["default"] else "no",
                "Alternatives": ", ".join(KEY_LABELS[k] for k in entry["keys"] if k != used) or "none (fixed)",
                "Why": entry["why"].replace("CRPSF exp_total", "CRPSF total spending"),
            }
        )  # no raw ids on screen
    return pd.DataFrame(rows)


def key_table_markdown(options: dict[str, str]) -> str:
    """key_rows() as a Markdown table (drawn as text: no data-grid component for the browser to load)."""
    table = key_rows(options)
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns)
    return "\n".join([header, *("| " + " | ".join(map(str, row)) + " |" for row in table.itertuples(index=False))])


def place_names(table: pd.DataFrame) -> dict[str, str]:
    """The Core Cities' places in the Tax and spend table (tax_spend_view()["table"]), code -> name:
    the city for a council ('Leeds'), the city region's own name for a city region ('West Yorkshire')."""
    places = table[(table["basis"] == "estimate") & table["area_type"].isin(["lad", "city_region"])]
    return {
        code: (city if kind == "lad" else name)
        for code, city, name, kind in zip(places["area_code"], places["city"], places["area_name"], places["area_type"])
    }


def per_resident_frame(table: pd.DataFrame, shared: dict[str, bool]) -> pd.DataFrame:
    """The per-resident chart's rows: estimates for the places and their total, then the official regions and UK.

    Args: the Tax and spend table (tax_spend_view()["table"]); shared_spending()["shared"].
    Returns: label, area_code, basis ('estimate' or 'official CRPSF'), revenue_, expenditure_ and
        net_balance_per_head_gbp, spending_mark (SHARED_MARK, 'partly by councils' own data', 'sum of the places'
        or 'official'), in the table's order; rows without residents (North Sea revenue kept) are left out.
    """
    rows = table[table["population"].notna() & table["basis"].isin(["estimate", "official CRPSF"])]
    out = []
    for r in rows.to_dict("records"):
        estimate = r["basis"] == "estimate"
        if not estimate:
            label, mark = f"{r['area_name']} (official)", "official"
        else:
            place = (
                f"{r['city']}: {r['area_name']}"
                if r["area_type"] == "city_region" and r.get("city")
                else r.get("city")
                if r["area_type"] == "lad" and r.get("city")
                else r["area_name"]
            )
            label = f"{place} (estimate)"
            mark = (
                "sum of the places"
                if r["area_code"] not in shared
                else (SHARED_MARK if shared[r["area_code"]] else "partly by councils' own data")
            )
        out.append(
            {
                "label": label,
                "area_code": r["area_code"],
                "basis": r["basis"],
                "revenue_per_head_gbp": r["revenue_per_head_gbp"],
                "expenditure_per_head_gbp": r["expenditure_per_head_gbp"],
                "net_balance_per_head_gbp": r["net_balance_per_head_gbp"],
                "spending_mark": mark,
            }
        )
    return pd.DataFrame(out)


def per_resident_table(table: pd.DataFrame, shared: dict[str, bool]) -> pd.DataFrame:
    """The Tax and spend table as a briefing prints it: plain-English headers, £ in briefing style, 'not available'
    with the reason where a figure has none, and which spending figures are the region's (shared by population)."""
    no_residents = formatting.not_available("revenue kept at region/nation level has no residents")
    rows = []
    for r in table.to_dict("records"):
        estimate, held = r["basis"] == "estimate", r["area_type"] == "north_sea_held"
        per_head = (lambda v: no_residents) if held else (lambda v: formatting.gbp(v))
        if held:
            spending = "no spending (a revenue line)"
        elif not estimate:
            spending = "official CRPSF figure"
        elif r["area_code"] in shared:
            spending = f"the region's ({SHARED_MARK})" if shared[r["area_code"]] else "partly by councils' own data"
        else:
            spending = "sum of the places above"
        rows.append(
            {
                "Area": r["area_name"],
                "Core City": r.get("city") or "—",
                "Area code": r["area_code"],
                "Area type": AREA_TYPE_LABELS.get(r["area_type"], r["area_type"]),
                "Figures are": {"estimate": "estimate", "official CRPSF": "official (ONS CRPSF)"}.get(
                    r["basis"], "official, not in any council"
                ),
                "Financial year": r["year"],
                "Residents": no_residents if held else formatting.number(r["population"]),
                "Taxes raised": formatting.gbp_millions(r["revenue_gbp"] / 1e6),
                "Public spending": formatting.gbp_millions(r["expenditure_gbp"] / 1e6),
                "Spending − taxes": formatting.gbp_millions(r["net_balance_gbp"] / 1e6),
                "Taxes per resident": per_head(r["revenue_per_head_gbp"]),
                "Spending per resident": per_head(r["expenditure_per_head_gbp"]),
                "Spending per resident is": spending,
                "Spending − taxes per resident": no_residents
                if held
                else formatting.gbp(r["net_balance_per_head_gbp"]),
                "Keys": r["keys"],
            }
        )
    return pd.DataFrame(rows)


def gap_table(gap: dict) -> pd.DataFrame:
    """The Core Cities gap chart's data as a briefing prints it (tax_spend_view()["gap"])."""
    rows = [
        {
            "Figure": f"Estimate {gap['year']} (chosen keys)",
            "Spending − taxes": formatting.gbp_bn(gap["estimate_gbp_bn"]),
            "Range over all keys": range_text(gap["min_gbp_bn"], gap["max_gbp_bn"], formatting.gbp_bn),
            "Key combinations": formatting.number(gap["combinations"]),
            "Rests on": gap.get("coverage") or "—",
            "Basis": "estimate",
        }
    ]
    if gap.get("claimed_gbp_bn") is not None:
        rows.append(
            {
                "Figure": "As claimed",
                "Spending − taxes": claimed_text(gap["claimed_gbp_bn"]),
                "Range over all keys": formatting.not_available("the claim gives no range"),
                "Key combinations": formatting.not_available("method not stated"),
                "Rests on": "—",
                "Basis": "claim, method not stated",
            }
        )
    return pd.DataFrame(rows)


def total_place_rows(place: dict) -> pd.DataFrame:
    """The Total Place chart's data as a briefing prints it: function, identifiable spending, how it was shared."""
    return pd.DataFrame(
        [
            {
                "Function": function_label(f["cofog_function"]),
                "Identifiable spending (estimate)": formatting.gbp_millions(f["value_gbp_m"]),
                "Financial year": place["cra_year"],
                "Shared out from the region by": "population",
            }
            for f in place["functions"]
        ]
    )
