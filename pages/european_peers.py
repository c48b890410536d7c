"""European peers: GDP per resident 2021 of the Core Cities' city regions beside Eurostat metro regions.

Euros are converted at the European Central Bank's 2021 annual average rate; the break-even rate is shown as a
sensitivity, and a rate the user states replaces the ECB rate only as a labelled override.
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
    "metropolitan regions, converted to pounds at the **European Central Bank's 2021 annual average rate**. Eurostat "
    "gives **GDP per resident, not productivity** (GVA per worker or per hour). **This is the project's own "
    "calculation**, not an official comparison — read the limits below."
)

options = views.peer_options()
if "peers_select" not in st.session_state:
    chosen, rejected = views.parse_codes(st.query_params.get("peers"), list(options))
    if rejected:
        st.info(f"Ignored the link's unknown Eurostat metro codes {state.shown_list(rejected)}; they are not in the data.",
                icon="ℹ️")
    st.session_state["peers_select"] = chosen or list(international.HEADLINE_PEERS)
if "peers_eur" not in st.session_state:  # seeded once per session from the link's eur=, validated
    try:
        st.session_state["peers_eur"] = views.parse_rate(st.query_params.get("eur"))
    except ValueError:
        st.info(f"Ignored the link's exchange rate {state.shown(st.query_params.get('eur'))}: not a number between "
                f"{views.RATE_MIN:g} and {views.RATE_MAX:g} euros per pound. The ECB rate is used.", icon="ℹ️")
        st.session_state["peers_eur"] = None

left, right = st.columns([3, 2])
codes = left.multiselect("European peers (Eurostat metro regions)", list(options), format_func=options.get,
                         key="peers_select", help="Any Eurostat metropolitan region; the default is the four named in "
                         "Core Cities UK's Whole Place Leadership (2016).")
rate = right.number_input("Override the exchange rate, € per £ (optional)", min_value=views.RATE_MIN,
                          max_value=views.RATE_MAX, step=0.01, format="%.4f", key="peers_eur",
                          placeholder="none: the ECB 2021 average",
                          help="Leave empty to convert at the European Central Bank's 2021 annual average (the mean of "
                          "the year's daily reference rates). A rate you state replaces it in the charts and figures "
                          "below, labelled as your override.")
render.sync_param("peers", ",".join(codes))
render.sync_param("eur", "" if rate is None else f"{rate:g}")

if not codes:
    st.warning("Choose at least one European peer.")
    st.stop()

provenance = international.provenance()
others = [r for r in provenance["releases"] if not r.get("indicator_id")]  # Eurostat and the ECB
source = source_line(["gdp_current", "population"]) + "".join(
    f"; {r['publisher']}, {r['title']} ({r['release']})" for r in others) + ". Project's own calculation."
definition = ("GDP at current market prices per resident, 2021 (not productivity) · Core City regions (council-based) "
              "vs Eurostat metro regions (NUTS3-based) · project's own calculation")

try:
    used = views.peer_rate(rate)
    bars = views.peer_bars(codes, rate)
    break_even = views.break_even_table(codes)
except ValueError as problem:
    st.warning(f"That comparison can't be made: {problem}")
    st.stop()

combined = bars[bars["group"] == "Core Cities combined"].iloc[0]
cols = st.columns(2)
cols[0].metric("Core Cities' city regions combined, GDP per resident 2021", f"£{combined['gdp_per_head_gbp']:,.0f}",
               help="Σ GDP ÷ Σ residents of all member councils of the ten Core City regions.")
cols[1].metric("Exchange rate used", f"£1 = €{used['eur_per_gbp']:.4f}" if used["basis"] == "ecb"
               else f"£1 = €{used['eur_per_gbp']:g} (your override)", help=used["label"] + ". " + used["source"])
if used["basis"] == "stated":
    st.warning(f"Converted at **your stated rate** of £1 = €{used['eur_per_gbp']:g} — an assumption, not data. "
               f"The ECB's 2021 annual average is £1 = €{used['ecb']['eur_per_gbp']:.4f}; clear the box to use it.")

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


table = bars[["area_code", "area_name", "group", "gdp_per_head_gbp", "gdp_per_head_eur", "eur_per_gbp", "rate_basis",
              "premium_pct", "break_even_eur_per_gbp", "population"]]
render.chart(_bar_figure(bars, "gdp_per_head_gbp", "£{:,.0f}"), title=f"GDP per resident 2021, £ ({used['chart_label']})",
             subtitle=definition, source=source + (" Exchange rate: your stated override." if used["basis"] == "stated"
                                                   else ""), table=table, key="peers-gbp")

peers = bars[bars["group"] == "European peer"]
st.markdown("**Each peer against the Core Cities' city regions combined, "
            + ("at the ECB 2021 average**" if used["basis"] == "ecb" else "at your stated rate (override)**"))
cols = st.columns(min(4, len(peers)))
for i, row in enumerate(peers.to_dict("records")):
    cols[i % len(cols)].metric(f"{row['area_name']} vs Core Cities", f"{row['premium_pct']:+.1f}%".replace("-", "−"),
                               help=f"Break-even rate €{row['break_even_eur_per_gbp']:.3f} per £")

be_fig = go.Figure(go.Bar(
    y=[f"{n} ({c})" for n, c in zip(break_even["metro_name"], break_even["country"])], x=break_even["break_even_eur_per_gbp"],
    orientation="h", marker_color=render.PALETTE[1], marker_pattern_shape="/", customdata=break_even["metro_code"],
    text=[f"€{v:.2f}" for v in break_even["break_even_eur_per_gbp"]], textposition="outside", cliponaxis=False,
    hovertemplate="%{y} (%{customdata}): €%{x:.3f} per £<extra>break-even rate</extra>"))
be_fig.add_vline(x=used["ecb"]["eur_per_gbp"], line_dash="dash", line_color=render.PALETTE[7],
                 annotation_text=f"ECB 2021 average €{used['ecb']['eur_per_gbp']:.4f}", annotation_position="top")
if used["basis"] == "stated":
    be_fig.add_vline(x=used["eur_per_gbp"], line_dash="dot", line_color=render.HIGHLIGHT,
                     annotation_text=f"your rate €{used['eur_per_gbp']:g}", annotation_position="bottom")
be_fig.update_yaxes(autorange="reversed")
be_fig.update_xaxes(title_text="€ per £ at which the peer equals the Core Cities combined")
be_fig.update_layout(height=max(380, 40 * len(break_even) + 220))
render.chart(be_fig, title="Sensitivity: break-even exchange rate for each peer (€ per £)",
             subtitle="Peer GDP per resident (€) ÷ Core Cities' city regions combined GDP per resident (£), 2021; "
             "a peer is ahead whenever £1 buys fewer euros than its bar",
             source=source, table=break_even, key="peers-break-even")

st.info(f"**Limits.** {international.LIMITS}", icon="⚠️")
render.how_calculated(provenance, key="peers-how")
