"""Streamlit-side helpers shared by the pages: URL-backed controls and chart rendering (no SQL, no arithmetic)."""
