"""Claims check: each published claim tested on the period it describes, on a primary definition declared in advance."""

import plotly.graph_objects as go
import streamlit as st

from indicators import claims
from indicators import reference_views as views
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Claims check")
st.markdown(
    "Headline figures from Core Cities UK's *Whole Place Leadership* (2016) and related publications, each tested "
    "**on the period it describes** — a 2016 publication describes the latest data then available, not today's — and "
    "on a **primary definition chosen, with its reason, before the result was computed**. A claim *holds* when the "
    f"primary definition is within ±{claims.TOLERANCE_PCT:g}% of the claimed value. Beside each verdict: the range over "
    "every definition tried for that period, and on how many of them the claim would hold."
)


@st.cache_data(show_spinner=False, max_entries=8)
def _check(eur_per_gbp):
    """Disposable speed-up only (claims_check takes several seconds); recomputed if the cache is cleared."""
    return claims.claims_check(eur_per_gbp)


if "claims_eur" not in st.session_state:  # seeded once per session from the link's eur=, validated
    try:
        st.session_state["claims_eur"] = views.parse_rate(st.query_params.get("eur"))
    except ValueError:
        st.info(f"Ignored the link's exchange rate {state.shown(st.query_params.get('eur'))}: not a number between "
                f"{views.RATE_MIN:g} and {views.RATE_MAX:g} euros per pound. The European claims use the ECB rate.",
                icon="ℹ️")
        st.session_state["claims_eur"] = None
rate = st.number_input("Your own exchange rate, € per £ (optional, shown beside the European verdicts)",
                       min_value=views.RATE_MIN, max_value=views.RATE_MAX, step=0.01, format="%.4f", key="claims_eur",
                       placeholder="none: the ECB rate only",
                       help="The European claims are converted at the European Central Bank's annual average rate for "
                       "the data year. A rate you state is shown beside that verdict, labelled as yours; it never "
                       "changes the verdict.")
render.sync_param("eur", "" if rate is None else f"{rate:g}")

with st.spinner("Recomputing every claim from the warehouse…"):
    try:
        results = _check(rate)
    except ValueError as problem:
        st.warning(f"The claims can't be recomputed: {problem}")
        st.stop()

st.markdown(views.claim_summary_text(results))

table = views.claims_table(results)
st.header("All claims")
st.dataframe(
    table, hide_index=True, width="stretch", key="claims-table",
    column_config={
        "claimed": st.column_config.NumberColumn("Claimed", format="%.1f"),
        "period_described": st.column_config.TextColumn("Period the claim describes"),
        "primary_value": st.column_config.NumberColumn("Primary definition", format="%.1f"),
        "primary_period": st.column_config.TextColumn("Data period"),
        "verdict": st.column_config.TextColumn("Verdict", width="large"),
        "holds_on": st.column_config.TextColumn("Holds on k of n", help="Definitions tried for the data period on "
                                                f"which the claim is within ±{claims.TOLERANCE_PCT:g}%"),
        "range_min": st.column_config.NumberColumn("Range: lowest", format="%.1f"),
        "range_max": st.column_config.NumberColumn("Range: highest", format="%.1f"),
        "primary_definition": st.column_config.TextColumn("Primary definition", width="large"),
        "fx_eur_per_gbp": st.column_config.NumberColumn("€ per £ used", format="%.4f"),
    },
)
render.downloads(table, "claims-check", "claims-table")

st.header("One claim in detail")
by_id = {r["claim_id"]: r for r in results}
numeric = views.numeric_claims(results)
ids = list(by_id)
default = numeric[0] if numeric else ids[0]
if "claims_pick" not in st.session_state:
    raw = st.query_params.get("claim")
    if raw is not None and raw not in by_id:
        st.info(f"Ignored the link's claim={state.shown(raw)}: not a known claim, so {default} is shown.", icon="ℹ️")
    st.session_state["claims_pick"] = raw if raw in by_id else default
claim_id = st.selectbox("Claim", ids, key="claims_pick",
                        format_func=lambda c: f"{by_id[c]['claim']} ({by_id[c]['claimed']:g} {by_id[c]['unit']})")
render.sync_param("claim", claim_id)
result = by_id[claim_id]
row = table[table["claim_id"] == claim_id].iloc[0]

st.markdown(f"**{result['claim']}** — {result['claimed']:g} {result['unit']} · *{result['source']}*")
cols = st.columns(4)
cols[0].metric("As claimed", claims.format_value(result["claimed"], result["unit"]), help=result["unit"])
cols[1].metric(f"Primary definition ({result['primary_period'] or '—'})",
               claims.format_value(result["primary_value"], result["unit"]),
               help=result["primary_definition"] or "no recomputation")
cols[2].metric("Holds on", row["holds_on"] or "—", help=f"Definitions tried for {result['primary_period']} on which the "
               f"claim is within ±{claims.TOLERANCE_PCT:g}%" if result["holds_on_k_of_n"] else "nothing to count")
cols[3].metric("Range over those definitions",
               "—" if result["range"] is None else f"{claims.format_value(result['range']['min'], result['unit'])} to "
               f"{claims.format_value(result['range']['max'], result['unit'])}")
st.markdown(f"**Verdict:** {result['verdict']}")
st.markdown(f"**Period the claim describes: {result['period_described']}.** {result['period_reason']}")
st.markdown(f"**Primary definition{'' if result['primary_definition'] is None else ': ' + result['primary_definition']}.** "
            f"{result['primary_reason']}")
if result["fx"]:
    fx = result["fx"]
    st.info(f"**Exchange rate.** Converted at the European Central Bank's {fx['year']} annual average, £1 = "
            f"€{fx['eur_per_gbp']:.4f} (mean of {fx['days']} daily reference rates; {fx['source']}). "
            f"**Sensitivity:** the claimed premium would hold exactly at £1 = €{fx['break_even_eur_per_gbp']:.3f}"
            + (f"; at your stated rate of €{fx['stated_eur_per_gbp']:g} see the rows marked 'Your stated rate'."
               if fx["stated_eur_per_gbp"] is not None else ".") + f" {fx['measure_note']}", icon="💱")

comparison = views.claim_comparison(result)
if claim_id in numeric:
    shown = comparison[comparison["value"].notna()]
    patterns = {"As claimed": "/", "Primary definition": "x", "Context": "."}
    colours = [render.HIGHLIGHT if label == "As claimed" else render.PALETTE[2] if label == "Primary definition"
               else render.MUTED if label == "Context" else render.PALETTE[0] for label in shown["label"]]
    fig = go.Figure(go.Bar(
        y=[f"{label} ({period})" for label, period in zip(shown["label"], shown["period"])], x=shown["value"],
        orientation="h", customdata=shown["definition"], marker_color=colours,
        marker_pattern_shape=[patterns.get(label, "") for label in shown["label"]],
        text=[claims.format_value(v, result["unit"]) for v in shown["value"]],
        textposition="auto", hovertemplate="%{customdata}: %{x:,.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=result["unit"])
    fig.update_layout(height=max(380, 40 * len(shown) + 200))
    render.chart(fig, title=f"Claimed vs recomputed: {result['claim']}",
                 subtitle=f"Period described: {result['period_described']}; hatched: the claim; crossed: the primary "
                 "definition; dotted: context (other periods or your stated rate, never counted)",
                 source="Source: " + result["source"] + "; recomputations from the official releases listed under "
                 "Data and methods" + (f" and {result['fx']['source']}" if result["fx"] else "") +
                 ". Project's own calculation.", table=comparison, key="claims-chart")
    st.markdown("\n".join(f"- **{label} ({period}):** {text}" + ("" if value != value or value is None
                                                                 else f" — {claims.format_value(value, result['unit'])}")
                          for label, period, text, value in zip(comparison["label"], comparison["period"],
                                                                comparison["definition"], comparison["value"])))
else:
    st.info("The official data held here can't test this claim (see the reason above).", icon="ℹ️")

method = claims.method()
render.how_calculated({"method": method["method"], "limits": method["limits"]}, key="claims-how")
