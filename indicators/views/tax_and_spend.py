"""Tax and spend: what the page draws for the chosen area, the Core Cities and the Total Place view, read from the
fiscal mart through indicators.fiscal (every figure below region level is an ESTIMATE).

Each part is computed once per process for every visitor who asks for the same year, geography and keys; the page
reads its controls, calls tax_spend_page and draws the tables, figures and sentences returned here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators import fiscal
from indicators.data import geography
from indicators.data.memo import per_database
from indicators.data.provenance import releases_for, source_line
from indicators.domain import formatting
from indicators.domain.areas import CORE_CITY_REGIONS, CORE_COUNCILS
from indicators.domain.fiscal import (
    AREA_TYPE_LABELS,
    EXPENDITURE_GROUPS,
    GROUP_LABELS,
    KEY_LABELS,
    KEY_OPTIONS,
    KEYS,
    REVENUE_GROUPS,
    SHARED_MARK,
    axis_room,
    check_options,
    claimed_text,
    function_keys,
    function_label,
    group_title,
    keys_text,
    range_text,
)
from indicators.exports.figures import HIGHLIGHT, PALETTE

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


def method_keys_markdown() -> str:
    """Every key and what it means, as a Markdown list for the method section."""
    return "**Keys.**\n" + "\n".join(f"- *{KEY_LABELS[k]}*: {v}" for k, v in KEYS.items())


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


# ------------------------------------------------------------------------------------------------ figures


def gap_figure(gap: dict) -> go.Figure:
    """The Core Cities' estimate with its range over every key combination as error bars, beside the claim."""
    fig = go.Figure()
    estimate = f"Estimate {gap['year']}"
    fig.add_bar(
        x=[estimate],
        y=[gap["estimate_gbp_bn"]],
        name="Estimate (chosen keys)",
        marker_color=PALETTE[0],
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [gap["above_gbp_bn"]],
            "arrayminus": [gap["below_gbp_bn"]],
            "color": "#333",
        },
        customdata=[formatting.gbp_bn(gap["estimate_gbp_bn"])],
        cliponaxis=False,
        hovertemplate="%{x}: %{customdata}<extra>estimate</extra>",
    )
    # the label sits above the range's whisker, outside the bar, so it never sits on the bar or the error bar
    fig.add_annotation(
        x=estimate,
        y=gap["max_gbp_bn"],
        yanchor="bottom",
        showarrow=False,
        text=f"{formatting.gbp_bn(gap['estimate_gbp_bn'])} (range "
        f"{range_text(gap['min_gbp_bn'], gap['max_gbp_bn'], formatting.gbp_bn)})",
    )
    claimed = gap["claimed_gbp_bn"]
    if claimed is not None:
        fig.add_bar(
            x=["As claimed (c.2016)"],
            y=[claimed],
            name="As claimed",
            marker_color=HIGHLIGHT,
            marker_pattern_shape="/",
            text=[f"{claimed_text(claimed)} (claimed)"],
            textposition="outside",
            cliponaxis=False,
            customdata=[claimed_text(claimed)],
            hovertemplate="%{x}: %{customdata}<extra>claim</extra>",
        )
    fig.update_yaxes(**formatting.axis("£"), ticksuffix="bn")
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.15})
    return fig


SPENDING_SERIES = (  # spending_mark -> legend name and bar pattern ('/' marks the region's own figure)
    (SHARED_MARK, f"Spending: region's, {SHARED_MARK}", "/"),
    ("partly by councils' own data", "Spending: partly councils' own data", ""),
    ("sum of the places", "Spending: the places together", ""),
    ("official", "Spending: official (ONS CRPSF)", ""),
)


def per_resident_figure(table: pd.DataFrame, shared: dict[str, bool]) -> go.Figure:
    """Taxes raised and public spending per resident of every place, their total and the official regions and UK,
    the spending bars patterned by how they were shared out (per_resident_frame)."""
    frame = per_resident_frame(table, shared)
    hover = formatting.hover("£ per resident")
    fig = go.Figure()
    fig.add_bar(
        y=frame["label"],
        x=frame["revenue_per_head_gbp"],
        orientation="h",
        name="Taxes raised",
        marker_color=PALETTE[0],
        offsetgroup="taxes",
        customdata=frame["area_code"],
        text=[formatting.gbp(v) for v in frame["revenue_per_head_gbp"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y} (%{customdata}): " + hover + "<extra>taxes raised</extra>",
    )
    for mark, name, pattern in SPENDING_SERIES:
        part = frame[frame["spending_mark"] == mark]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"],
            x=part["expenditure_per_head_gbp"],
            orientation="h",
            name=name,
            marker={
                "color": PALETTE[4],
                "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "#ffffff", "solidity": 0.35},
            },
            offsetgroup="spending",
            customdata=part["area_code"],
            text=[formatting.gbp(v) for v in part["expenditure_per_head_gbp"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y} (%{customdata}): " + hover + f"<extra>{mark}</extra>",
        )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=frame["label"].tolist())
    fig.update_xaxes(
        title_text="£ per resident a year",
        **formatting.axis("£ per resident"),
        range=axis_room([*frame["revenue_per_head_gbp"], *frame["expenditure_per_head_gbp"]], 0.5),
    )
    fig.update_layout(height=1200, barmode="group", legend={"orientation": "h", "y": -0.06})
    return fig


def total_place_figure(place: dict) -> go.Figure:
    """Identifiable public spending in the place by function, in COFOG order (from fiscal.total_place_view)."""
    functions = total_place_rows(place)
    values = [f["value_gbp_m"] for f in place["functions"]]
    fig = go.Figure(
        go.Bar(
            y=functions["Function"],
            x=values,
            orientation="h",
            marker_color=PALETTE[4],
            text=functions["Identifiable spending (estimate)"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: " + formatting.hover("£ million") + "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="£ million (estimate)", **formatting.axis("£ million"), range=axis_room(values, 0.3))
    return fig
