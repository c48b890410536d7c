"""Pages only draw: every page imports Streamlit, its own view (indicators.views.<page>) and ui, nothing else, so
every number and sentence on screen is computed in its view (ARCHITECTURE.md)."""

import ast
from pathlib import Path

import pytest

PAGES = Path(__file__).resolve().parents[1] / "pages"
PAGE_NAMES = sorted(path.stem for path in PAGES.glob("*.py"))
EXCEPTIONS: dict[str, set[str]] = {}  # page -> modules it may still import beyond the rule (none today)


def imported_modules(source: str) -> set[str]:
    """Every module a file imports, as written: 'streamlit', 'indicators.views.map', 'ui.render'."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found.update(
                f"{module}.{alias.name}" if module in ("indicators.views", "ui") else module for alias in node.names
            )
    return found


def allowed(page: str) -> set[str]:
    """What a page may import: Streamlit, its own view and ui's state and rendering."""
    return {"streamlit", f"indicators.views.{page}", "ui", "ui.render", "ui.state"}


def test_every_page_is_checked():
    assert PAGE_NAMES == [
        "case_studies",
        "city_profile",
        "claims_check",
        "compare",
        "data_and_methods",
        "embed",
        "european_peers",
        "indicator_explorer",
        "map",
        "overview",
        "productivity_gap",
        "revisions",
        "tax_and_spend",
    ]


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_imports_only_streamlit_its_view_and_ui(page):
    imports = imported_modules((PAGES / f"{page}.py").read_text())
    assert f"indicators.views.{page}" in imports, f"pages/{page}.py does not read from its view"
    extra = imports - allowed(page) - EXCEPTIONS.get(page, set())
    assert not extra, f"pages/{page}.py imports {sorted(extra)}: pages import streamlit, their view and ui only"


@pytest.mark.parametrize(
    "source, extra",
    [
        ("import streamlit as st\nfrom indicators.views import map as view\nfrom ui import render, state\n", set()),
        ("from indicators.analysis import measures\nfrom indicators.views import map\n", {"indicators.analysis"}),
        ("from indicators.views import compare\n", {"indicators.views.compare"}),
        ("import pandas as pd\nfrom indicators.views import map\n", {"pandas"}),
        ("from ui import render, labels\nfrom indicators.views import map\n", {"ui.labels"}),
    ],
)
def test_the_check_catches_other_imports(source, extra):
    assert imported_modules(source) - allowed("map") == extra
