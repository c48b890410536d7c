"""European peers: GDP per resident 2021 of the Core Cities' city regions beside Eurostat metro regions.

Euros are converted at the European Central Bank's 2021 annual average rate; the break-even rate is shown as a
sensitivity, and a rate the user states replaces the ECB rate only as a labelled override.
"""

import plotly.graph_objects as go
import streamlit as st

from indicators import international
from indicators import reference_views as views
from indicators.data.provenance import releases_for, sources_text
from indicators.domain import formatting
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("European peers")
st.markdown(
    "GDP per resident in 2021: each Core City region (sum of member councils' GDP ÷ their residents) beside Eurostat "
    "metropolitan regions, converted to pounds at the **European Central Bank's 2021 annual average rate**. Eurostat "
    "gives **GDP per resident, not productivity** (GVA per worker or per hour). **This is the project's own "
    "calculation**, not an official comparison — read the limits below."
)

options = views.peer_options()
state.page_list_param(
    "peers",
    list(options),
    list(international.HEADLINE_PEERS),
    "peers_select",
    limit=None,
    trim=True,
    notice="Ignored the link's unknown Eurostat metro codes {rejected}; they are not in the data.",
)
state.page_number_param(
    "eur",
    international.RATE_MIN,
    international.RATE_MAX,
    "peers_eur",
    notice="Ignored the link's exchange rate {raw}: not a number between {low:g} and {high:g} euros per pound. "
    "The ECB rate is used.",
)

left, right = st.columns([3, 2])
codes = left.multiselect(
    "European peers (Eurostat metro regions)",
    list(options),
    format_func=options.get,
    key="peers_select",
    help="Any Eurostat metropolitan region; the default is the four named in "
    "Core Cities UK's Whole Place Leadership (2016).",
)
rate = right.number_input(
    "Override the exchange rate, € per £ (optional)",
    min_value=international.RATE_MIN,
    max_value=international.RATE_MAX,
    step=0.01,
    format="%.4f",
    key="peers_eur",
    placeholder="none: the ECB 2021 average",
    help="Leave empty to convert at the European Central Bank's 2021 annual average (the mean of "
    "the year's daily reference rates). A rate you state replaces it in the charts and figures "
    "below, labelled as your override.",
)
render.sync_param("peers", ",".join(codes))
render.sync_param("eur", "" if rate is None else f"{rate:g}")

if not codes:
    st.warning("Choose at least one European peer.")
    st.stop()

provenance = international.provenance()
others = [r for r in provenance["releases"] if not r.get("indicator_id")]  # Eurostat and the ECB
source = sources_text(releases_for(["gdp_current", "population"]) + others) + ". Project's own calculation."
definition = (
    "GDP at current market prices per resident, 2021 (not productivity) · Core City regions (council-based) "
    "vs Eurostat metro regions (NUTS3-based) · project's own calculation"
)

try:
    used = views.peer_rate(rate)
    bars = views.peer_bars(codes, rate)
    break_even = views.break_even_table(codes)
except ValueError as problem:
    st.warning(f"That comparison can't be made: {problem}")
    st.stop()

combined = bars[bars["group"] == "Core Cities combined"].iloc[0]
chosen = international.chosen_area(state.current().area)
rate_shown = international.rate_text(used["eur_per_gbp"], 4 if used["basis"] == "ecb" else None)
cols = st.columns(2)
cols[0].metric(
    "Core Cities combined",
    formatting.gbp(combined["gdp_per_head_gbp"]),
    help=f"GDP per resident {international.PEER_YEAR} of the ten Core City regions together: Σ GDP ÷ "
    "Σ residents of all their member councils.",
)
cols[1].metric(
    "Exchange rate used",
    rate_shown + ("" if used["basis"] == "ecb" else " (your override)"),
    help=used["label"] + ". " + used["source"],
)
if used["basis"] == "stated":
    st.warning(
        f"Converted at **your stated rate** of {rate_shown} — an assumption, not data. "
        f"The ECB's 2021 annual average is {international.rate_text(used['ecb']['eur_per_gbp'])}; clear the box "
        "to use it."
    )

STYLE = {
    "Core City region": (render.PALETTE[0], ""),
    "Core Cities combined": (render.PALETTE[2], "x"),
    "European peer": (render.PALETTE[1], "/"),
}
TEXT_COLOUR = "#111111"  # labels outside the bars: the theme's text colour, dark on white
GBP = "£ per resident"


def _label(code, name):
    """A bar's label, wrapped for a phone; the chosen area's Core City region in bold with a marker."""
    label = international.wrap_label(name)
    return f"<b>▶ {label}</b>" if code == chosen["region_code"] else label


def _bar_figure(frame):
    fig = go.Figure()
    for group, (colour, pattern) in STYLE.items():
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        fig.add_bar(
            y=[_label(c, n) for c, n in zip(part["area_code"], part["area_name"])],
            x=part["gdp_per_head_gbp"],
            orientation="h",
            name=group,
            marker_color=colour,
            marker_pattern_shape=pattern,
            text=[formatting.gbp(v) for v in part["gdp_per_head_gbp"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": TEXT_COLOUR},
            customdata=part["area_code"],
            hovertemplate="%{y} (%{customdata})<br>GDP per resident: "
            + formatting.hover("£")
            + "<extra>"
            + group
            + "</extra>",
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text="£ per resident",
        range=international.bar_range(frame["gdp_per_head_gbp"].tolist()),
        **formatting.axis(GBP),
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.12}, height=max(420, 40 * len(frame) + 160))
    return fig


st.markdown(chosen["sentence"] + (" Its bar is marked ▶ in bold." if chosen["region_code"] else ""))
depends = (tuple(codes), rate, chosen["region_code"])  # everything the two charts are drawn from
render.chart(
    lambda: _bar_figure(bars),
    cache=depends,
    title=f"GDP per resident 2021, £ ({used['chart_label']})",
    subtitle=definition,
    source=source + (" Exchange rate: your stated override." if used["basis"] == "stated" else ""),
    table=lambda: international.peer_chart_table(bars, used["eur_per_gbp"]),
    key="peers-gbp",
    period=str(international.PEER_YEAR),
)

peers = bars[bars["group"] == "European peer"]
st.markdown(
    "**Each peer against the Core Cities' city regions combined, "
    + ("at the ECB 2021 average**" if used["basis"] == "ecb" else "at your stated rate (override)**")
    + ": how far its GDP per resident is above (+) or below (−) theirs"
)
rows = peers.to_dict("records")
for start in range(0, len(rows), 2):  # two to a row: a name and its figure never cut off on a laptop
    cols = st.columns(2)
    for col, row in zip(cols, rows[start : start + 2]):
        col.metric(
            row["area_name"],
            formatting.percent(row["premium_pct"], signed=True),
            help=f"{row['area_name']}: GDP per resident {international.euro(row['gdp_per_head_eur'])} "
            f"({formatting.gbp(row['gdp_per_head_gbp'])} at {rate_shown}) against the Core Cities combined "
            f"{formatting.gbp(combined['gdp_per_head_gbp'])}. Break-even rate: "
            f"{international.rate_text(row['break_even_eur_per_gbp'], 3)} (the peer is ahead whenever £1 "
            "buys fewer euros than this).",
        )

ecb_shown = international.rate_text(used["ecb"]["eur_per_gbp"])


def break_even_figure() -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=[international.wrap_label(f"{n} ({c})") for n, c in zip(break_even["metro_name"], break_even["country"])],
            x=break_even["break_even_eur_per_gbp"],
            orientation="h",
            marker_color=render.PALETTE[1],
            customdata=break_even["metro_code"],  # one series: no hatching
            text=[international.euro(v, 2) for v in break_even["break_even_eur_per_gbp"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": TEXT_COLOUR},
            hovertemplate="%{y} (%{customdata})<br>level with the Core Cities at £1 = €%{x:.3f}"
            "<extra>break-even rate</extra>",
        )
    )
    fig.add_vline(
        x=used["ecb"]["eur_per_gbp"],
        line_dash="dash",
        line_color=render.PALETTE[7],
        layer="below",
        annotation_text=f"ECB 2021 average, {ecb_shown}",
        annotation_position="top",
    )
    if used["basis"] == "stated":
        fig.add_vline(
            x=used["eur_per_gbp"],
            line_dash="dot",
            line_color=render.HIGHLIGHT,
            layer="below",
            annotation_text=f"your rate, {rate_shown}",
            annotation_position="bottom",
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text="Break-even rate, € per £",
        range=international.bar_range(
            [*break_even["break_even_eur_per_gbp"], used["ecb"]["eur_per_gbp"], used["eur_per_gbp"]]
        ),  # the rate lines stay in view
        tickprefix="€",
        tickformat=",.1f",
    )
    fig.update_layout(height=max(380, 40 * len(break_even) + 220))
    return fig


render.chart(
    break_even_figure,
    cache=depends,
    title="Sensitivity: break-even exchange rate for each peer (€ per £)",
    subtitle="Peer GDP per resident (€) ÷ Core Cities' city regions combined GDP per resident (£), 2021; "
    "a peer is ahead whenever £1 buys fewer euros than its bar",
    source=source,
    table=lambda: international.break_even_chart_table(codes),
    key="peers-break-even",
    period=str(international.PEER_YEAR),
)

st.info(f"**Limits.** {international.LIMITS}", icon="⚠️")
render.how_calculated(provenance, key="peers-how")
