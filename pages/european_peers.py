"""European peers: GDP per resident 2021 of the Core Cities' city regions beside Eurostat metro regions.

No official exchange rate is among the project's sources, so nothing is converted unless the user states a rate;
without one the page shows break-even rates only.
"""

import plotly.graph_objects as go
import streamlit as st

from indicators import international
from indicators import reference_views as views
from indicators.provenance import source_line
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("European peers")
st.markdown(
    "GDP per resident in 2021: each Core City region (sum of member councils' GDP ÷ their residents) beside Eurostat "
    "metropolitan regions. **This is the project's own calculation**, not an official comparison — read the limits below."
)

options = views.peer_options()
if "peers_select" not in st.session_state:
    chosen, rejected = views.parse_codes(st.query_params.get("peers"), list(options))
    if rejected:
        st.info(f"Ignored the link's unknown Eurostat metro codes {state.shown_list(rejected)}; they are not in the data.",
                icon="ℹ️")
    st.session_state["peers_select"] = chosen or list(international.HEADLINE_PEERS)
state.seed_rate("peers_eur")

left, right = st.columns([3, 2])
codes = left.multiselect("European peers (Eurostat metro regions)", list(options), format_func=options.get,
                         key="peers_select", help="Any Eurostat metropolitan region; the default is the four named in "
                         "Core Cities UK's Whole Place Leadership (2016).")
rate = right.number_input("Your exchange rate, € per £ (optional)", min_value=views.RATE_MIN, max_value=views.RATE_MAX,
                          step=0.01, format="%.4f", key="peers_eur", placeholder="none stated: break-even rates only",
                          help="The project's sources contain no official EUR/GBP rate, so none is assumed. State one to "
                          "convert the peers to pounds; leave empty to see the rate at which each peer would match.")
render.sync_param("peers", ",".join(codes))
render.sync_param("eur", "" if rate is None else f"{rate:g}")

if not codes:
    st.warning("Choose at least one European peer.")
    st.stop()

provenance = international.provenance()
eurostat = [r for r in provenance["releases"] if str(r.get("source_id", "")).startswith("eurostat")]
source = source_line(["gdp_current", "population"]) + "".join(
    f"; {r['publisher']}, {r['title']} ({r['release']})" for r in eurostat) + ". Project's own calculation."
definition = ("GDP at current market prices per resident, 2021 · Core City regions (council-based) vs Eurostat metro "
              "regions (NUTS3-based) · project's own calculation")

try:
    bars = views.peer_bars(codes, rate)
    break_even = views.break_even_table(codes)
except ValueError as problem:
    st.warning(f"That comparison can't be made: {problem}")
    st.stop()

home = bars[bars["group"] != "European peer"]
combined = bars[bars["group"] == "Core Cities combined"].iloc[0]
st.metric("Core Cities' city regions combined, GDP per resident 2021", f"£{combined['gdp_per_head_gbp']:,.0f}",
          help="Σ GDP ÷ Σ residents of all member councils of the ten Core City regions.")

STYLE = {"Core City region": (render.PALETTE[0], ""), "Core Cities combined": (render.PALETTE[2], "x"),
         "European peer": (render.PALETTE[1], "/")}


def _bar_figure(frame, value_column, text_format, x_title="£ per resident (GDP at current market prices)"):
    fig = go.Figure()
    for group, (colour, pattern) in STYLE.items():
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        fig.add_bar(y=part["area_name"], x=part[value_column], orientation="h", name=group, marker_color=colour,
                    marker_pattern_shape=pattern, text=[text_format.format(v) for v in part[value_column]],
                    textposition="outside" if pattern else "auto", cliponaxis=False, customdata=part["area_code"],
                    hovertemplate="%{y} (%{customdata}): " + text_format.replace("{:", "%{x:") + "<extra>" + group + "</extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=x_title)
    fig.update_layout(legend={"orientation": "h", "y": -0.12}, height=max(420, 32 * len(frame) + 160))
    return fig


if rate is not None:
    st.markdown(f"Peers converted to pounds at **your stated rate of £1 = €{rate:g}** (an assumption, not data).")
    table = bars[["area_code", "area_name", "group", "gdp_per_head_gbp", "gdp_per_head_eur", "break_even_eur_per_gbp",
                  "population"]]
    render.chart(_bar_figure(bars, "gdp_per_head_gbp", "£{:,.0f}"),
                 title=f"GDP per resident 2021, £ (peers at £1 = €{rate:g})", subtitle=definition, source=source,
                 table=table, key="peers-gbp")
else:
    st.markdown("No exchange rate stated, so the peers are **not converted**. The first chart shows the Core City "
                "regions in pounds; the second shows, for each peer, the rate at which the Core Cities' combined "
                "figure would equal it — if £1 buys fewer euros than that, the peer is ahead.")
    render.chart(_bar_figure(home, "gdp_per_head_gbp", "£{:,.0f}"), title="GDP per resident 2021, Core City regions (£)",
                 subtitle=definition, source=source,
                 table=home[["area_code", "area_name", "group", "gdp_per_head_gbp", "population"]], key="peers-home")

be_fig = go.Figure(go.Bar(
    y=[f"{n} ({c})" for n, c in zip(break_even["metro_name"], break_even["country"])], x=break_even["break_even_eur_per_gbp"],
    orientation="h", marker_color=render.PALETTE[1], marker_pattern_shape="/", customdata=break_even["metro_code"],
    text=[f"€{v:.2f}" for v in break_even["break_even_eur_per_gbp"]], textposition="outside", cliponaxis=False,
    hovertemplate="%{y} (%{customdata}): €%{x:.3f} per £<extra>break-even rate</extra>"))
if rate is not None:
    be_fig.add_vline(x=rate, line_dash="dash", line_color=render.PALETTE[7],
                     annotation_text=f"your rate €{rate:g}", annotation_position="top")
be_fig.update_yaxes(autorange="reversed")
be_fig.update_xaxes(title_text="€ per £ at which the peer equals the Core Cities combined")
be_fig.update_layout(height=max(380, 40 * len(break_even) + 220))
render.chart(be_fig, title="Break-even exchange rate for each peer (€ per £)",
             subtitle="Peer GDP per resident (€) ÷ Core Cities' city regions combined GDP per resident (£), 2021",
             source=source, table=break_even, key="peers-break-even")

if rate is not None:
    peers = bars[bars["group"] == "European peer"]
    st.markdown("**At your stated rate**")
    cols = st.columns(min(4, len(peers)))
    comparison = international.peer_comparison(codes, rate)
    for i, row in enumerate(comparison.to_dict("records")):
        cols[i % len(cols)].metric(f"{row['metro_name']} vs Core Cities", f"{row['premium_pct']:+.1f}%",
                                   help=f"Break-even rate €{row['break_even_eur_per_gbp']:.3f} per £")

st.info(f"**Limits.** {international.LIMITS}", icon="⚠️")
render.how_calculated(provenance, key="peers-how")
