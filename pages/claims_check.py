"""Claims check: each published claim beside what official data give under stated definitions."""

import plotly.graph_objects as go
import streamlit as st

from indicators import claims
from indicators import reference_views as views
from ui import render, state

state.ensure_frame()  # a deep link on a fresh server can run this file without app.py: rerun through the frame
st.title("Claims check")
st.markdown(
    "Headline figures from Core Cities UK's *Whole Place Leadership* (2016) and related publications, each beside what "
    "the official releases held here give on stated definitions. The publications do not state their methods, so every "
    "definition tried is shown, with the one closest to the claim."
)


@st.cache_data(show_spinner=False, max_entries=8)
def _check(eur_per_gbp):
    """Disposable speed-up only (claims_check takes several seconds); recomputed if the cache is cleared."""
    return claims.claims_check(eur_per_gbp)


state.seed_rate("claims_eur")
rate = st.number_input("Your exchange rate, € per £ (optional, for the European claims)", min_value=views.RATE_MIN,
                       max_value=views.RATE_MAX, step=0.01, format="%.4f", key="claims_eur",
                       placeholder="none stated: break-even rates only",
                       help="No official EUR/GBP rate is among the project's sources. Without one, the European claims are "
                       "reported as the exchange rate at which they would hold.")
render.sync_param("eur", "" if rate is None else f"{rate:g}")

with st.spinner("Recomputing every claim from the warehouse…"):
    try:
        results = _check(rate)
    except ValueError as problem:
        st.warning(f"The claims can't be recomputed: {problem}")
        st.stop()

table = views.claims_table(results)
st.subheader("All claims")
st.dataframe(
    table, hide_index=True, width="stretch", key="claims-table",
    column_config={
        "claimed": st.column_config.NumberColumn("Claimed", format="%.1f"),
        "recomputed": st.column_config.NumberColumn("Recomputed (first definition)", format="%.1f"),
        "closest_value": st.column_config.NumberColumn("Closest recomputation", format="%.1f"),
        "definition": st.column_config.TextColumn("Definition of the recomputation", width="large"),
        "closest_definition": st.column_config.TextColumn("Closest definition", width="large"),
        "verdict": st.column_config.TextColumn("Verdict", width="large"),
    },
)
render.downloads(table, "claims-check", "claims-table")

st.subheader("One claim in detail")
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

st.markdown(f"**{result['claim']}** — {result['claimed']:g} {result['unit']} · *{result['source']}*")
cols = st.columns(3)
cols[0].metric("As claimed", f"{result['claimed']:g}", help=result["unit"])
cols[1].metric("Recomputed (first definition)", "—" if result["recomputed"] is None else f"{result['recomputed']:,.1f}",
               help=result["definition"] or "no recomputation")
cols[2].metric("Closest definition", "—" if result["closest_value"] is None else f"{result['closest_value']:,.1f}",
               help=result["closest_definition"] or "no recomputation")
st.markdown(f"**Verdict:** {result['verdict']}")

comparison = views.claim_comparison(result)
if claim_id in numeric:
    shown = comparison[comparison["value"].notna()]
    fig = go.Figure(go.Bar(
        y=shown["label"], x=shown["value"], orientation="h", customdata=shown["definition"],
        marker_color=[render.HIGHLIGHT if label == "As claimed" else render.PALETTE[0] for label in shown["label"]],
        marker_pattern_shape=["/" if label == "As claimed" else "" for label in shown["label"]],
        text=[f"{v:,.1f}" + (" (claimed)" if label == "As claimed" else "") for v, label in zip(shown["value"], shown["label"])],
        textposition="auto", hovertemplate="%{customdata}: %{x:,.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=result["unit"])
    fig.update_layout(height=max(380, 40 * len(shown) + 200))
    render.chart(fig, title=f"Claimed vs recomputed: {result['claim']}", subtitle="Each bar is one definition (see the table "
                 "for the full wording); the hatched bar is the published claim", source="Source: " + result["source"] +
                 "; recomputations from the official releases listed under Data and methods. Project's own calculation.",
                 table=comparison, key="claims-chart")
    st.markdown("\n".join(f"- **{label}:** {text}" + ("" if value != value or value is None else f" — {value:,.2f}")
                          for label, text, value in zip(comparison["label"], comparison["definition"], comparison["value"])))
elif len(comparison) > 1:
    st.dataframe(comparison, hide_index=True, width="stretch", key="claims-alternatives")
else:
    st.info("The official data held here can't test this claim.", icon="ℹ️")

render.how_calculated({
    "method": "Each claim is recomputed on every definition the official releases allow (geography, basis, year, "
    "benchmark). The first definition listed is the headline recomputation; the closest is the one nearest the claim. "
    "A claim 'holds' if the closest definition is within 10% of it.",
    "limits": "The publications do not state their methods or years (mostly 'c.2016'); recomputations use the latest "
    "data unless a year is named. Tax and spend figures below region level are estimates (see Tax and spend).",
}, key="claims-how")
