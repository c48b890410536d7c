"""Pure domain arithmetic and rules: no I/O, no Streamlit, typed strictly (mypy --strict)."""
