"""Claims check: each published claim tested on the period it describes, on a primary definition declared in advance."""

import plotly.graph_objects as go
import streamlit as st

from indicators import claims, international
from indicators import reference_views as views
from indicators.domain import formatting
from ui import render, state

TEXT_COLOUR = "#111111"  # labels outside the bars: the theme's text colour, dark on white

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Claims check")
st.markdown(
    "Headline figures from Core Cities UK's *Whole Place Leadership* (2016) and related publications, each tested "
    "**on the period it describes** — a 2016 publication describes the latest data then available, not today's — and "
    "on a **primary definition chosen, with its reason, before the result was computed**. A claim *holds* when the "
    f"primary definition is within ±{claims.TOLERANCE_PCT:g}% of the claimed value. Beside each verdict: the range "
    "over every definition tried for that period, and on how many of them the claim would hold."
)


state.page_number_param(
    "eur",
    international.RATE_MIN,
    international.RATE_MAX,
    "claims_eur",
    notice="Ignored the link's exchange rate {raw}: not a number between {low:g} and {high:g} euros per pound. "
    "The European claims use the ECB rate.",
)
rate = st.number_input(
    "Your own exchange rate, € per £ (optional, shown beside the European verdicts)",
    min_value=international.RATE_MIN,
    max_value=international.RATE_MAX,
    step=0.01,
    format="%.4f",
    key="claims_eur",
    placeholder="none: the ECB rate only",
    help="The European claims are converted at the European Central Bank's annual average rate for "
    "the data year. A rate you state is shown beside that verdict, labelled as yours; it never "
    "changes the verdict.",
)
render.sync_param("eur", "" if rate is None else f"{rate:g}")

with st.spinner("Recomputing every claim from the warehouse…"):
    try:
        results = claims.claims_check(rate)
    except ValueError as problem:
        st.warning(f"The claims can't be recomputed: {problem}")
        st.stop()

st.markdown(views.claim_summary_text(results))

st.header("All claims")
listed = claims.overview(results)
for row in (r for r in listed if r["tested"]):
    with st.container(border=True):
        st.markdown(f"**{row['claim']}**")
        st.markdown(
            f"Verdict: **{row['verdict_short']}** · claimed {row['claimed']} for {row['period_described']} · "
            f"recomputed {row['recomputed']} for {row['data_period']} · range over the definitions tried "
            f"{row['range']}"
        )
        st.markdown(row["verdict"])
untested = [r for r in listed if not r["tested"]]
if untested:
    st.subheader("Claims the data held here cannot test")
    st.markdown(
        "\n".join(
            f"- **{r['claim']}**: {r['claimed']} ({r['period_described']}; *{r['source']}*). {r['verdict']}"
            for r in untested
        )
    )

table = claims.briefing_table(results)
with st.expander("Table: all claims, with downloads"):
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="claims-table",
        column_order=claims.TABLE_SHOWN,
        placeholder="",
        row_height=120,
        height=620,  # rows taller than 4rem wrap their text
        column_config={
            "Claim": st.column_config.TextColumn(width="large"),
            "Verdict": st.column_config.TextColumn(width="medium"),
            "Holds on (k of n)": st.column_config.TextColumn(
                help=f"Definitions tried for the data period on which the claim is within ±{claims.TOLERANCE_PCT:g}%"
            ),
            "Verdict in full": st.column_config.TextColumn(width="large"),
            "Primary definition": st.column_config.TextColumn(width="large"),
        },
    )
    render.downloads(
        table,
        "claims-check",
        "claims-table",
        title="Claims check: every claim tested on the period it describes",
        definition=f"Each claim against a primary definition declared in advance; it holds "
        f"within ±{claims.TOLERANCE_PCT:g}% of the claimed value. Range and 'holds on k of n' over the "
        "definitions tried for the same period.",
        period="each claim's own (see the period columns)",
        source="The publications named in the Source column; recomputations from the official releases "
        "listed under Data and methods (ONS, HM Treasury, Eurostat, European Central Bank). Project's own "
        "calculation.",
    )

st.header("One claim in detail")
by_id = {r["claim_id"]: r for r in results}
numeric = views.numeric_claims(results)
ids = list(by_id)
default = numeric[0] if numeric else ids[0]
state.page_param("claim", ids, default, widget_key="claims_pick")
claim_id = st.selectbox(
    "Claim",
    ids,
    key="claims_pick",
    format_func=lambda c: f"{by_id[c]['claim']} ({claims.claimed_text(by_id[c]['claimed'], by_id[c]['unit'])})",
)
render.sync_param("claim", claim_id)
result = by_id[claim_id]
shown = next(r for r in listed if r["claim_id"] == claim_id)

st.markdown(f"**{result['claim']}**: {shown['claimed']} · *{result['source']}*")
top, bottom = st.columns(2), st.columns(2)
top[0].metric(
    "As claimed",
    shown["claimed"],
    help=f"As published, in {claims.unit_words(result['unit'])}, describing {result['period_described']}",
)
top[1].metric(
    "Primary definition" + (f" ({result['primary_period']})" if result["primary_period"] else ""),
    shown["recomputed"],
    help=result["primary_definition"] or "No recomputation: the data held here cannot test this claim.",
)
bottom[0].metric(
    "Holds on",
    shown["holds_on"] or formatting.not_available(),
    help=f"Definitions tried for {result['primary_period']} on which the claim is within ±{claims.TOLERANCE_PCT:g}%"
    if result["holds_on_k_of_n"]
    else "Nothing to count: no definition could be computed.",
)
bottom[1].metric(
    "Range over those definitions",
    shown["range"] or formatting.not_available(),
    help="Lowest and highest value over the definitions counted in 'holds on'.",
)
st.markdown(f"**Verdict.** {result['verdict']}")
st.markdown(f"**Period the claim describes: {result['period_described']}.** {result['period_reason']}")
st.markdown(
    f"**Primary definition{'' if result['primary_definition'] is None else ': ' + result['primary_definition']}.** "
    f"{result['primary_reason']}"
)
if result["fx"]:
    fx = result["fx"]
    st.info(
        f"**Exchange rate.** Converted at the European Central Bank's {fx['year']} annual average, "
        f"{international.rate_text(fx['eur_per_gbp'])} (mean of {fx['days']} daily reference rates; {fx['source']}). "
        f"**Sensitivity:** the claimed premium would hold exactly at "
        f"{international.rate_text(fx['break_even_eur_per_gbp'], 3)}"
        + (
            f"; at your stated rate of {international.rate_text(fx['stated_eur_per_gbp'], None)} see the rows "
            "marked 'Context'."
            if fx["stated_eur_per_gbp"] is not None
            else "."
        )
        + f" {fx['measure_note']}",
        icon="💱",
    )

if claim_id in numeric:
    drawn = claims.comparison_chart(result)
    bars = drawn["bars"]
    patterns = {"As claimed": "/", "Primary definition": "x", "Context": "."}
    colours = [
        render.HIGHLIGHT
        if f == "As claimed"
        else render.PALETTE[2]
        if f == "Primary definition"
        else render.MUTED
        if f == "Context"
        else render.PALETTE[0]
        for f in bars["figure"]
    ]
    fig = go.Figure(
        go.Bar(
            y=bars["label"],
            x=bars["value"],
            orientation="h",
            customdata=bars["hover"],
            marker_color=colours,
            marker_pattern_shape=[patterns.get(f, "") for f in bars["figure"]],
            text=bars["text"],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": TEXT_COLOUR},
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=drawn["axis_title"],
        range=drawn["x_range"],
        tickvals=drawn["tickvals"],
        ticktext=drawn["ticktext"],
        zeroline=True,
    )
    fig.update_layout(height=max(380, 40 * len(bars) + 200))
    render.chart(
        fig,
        title=f"Claimed vs recomputed: {result['claim']}",
        subtitle=f"{claims.unit_words(result['unit'])} · period described: {result['period_described']} · "
        "hatched: the claim; crossed: the primary definition; dotted: context (other periods or your stated "
        "rate, never counted)",
        source="Source: " + result["source"] + "; recomputations from the official releases listed under "
        "Data and methods"
        + (f" and {result['fx']['source']}" if result["fx"] else "")
        + ". Project's own calculation.",
        table=claims.comparison_table(result),
        key="claims-chart",
        unit=claims.unit_words(result["unit"]),
        period=result["period_described"],
    )
    comparison = claims.comparison(result)
    st.markdown(
        "\n".join(
            f"- **{f} ({p}):** {d} — {v}"
            for f, p, d, v in zip(
                comparison["figure"], comparison["period"], comparison["definition"], comparison["printed"]
            )
        )
    )
else:
    st.info("The official data held here can't test this claim (see the reason above).", icon="ℹ️")

method = claims.method()
render.how_calculated({"method": method["method"], "limits": method["limits"]}, key="claims-how")
