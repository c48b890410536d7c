"""ui.render's figure cache: built once per definition, rebuilt for another, bounded, forgotten with the memo."""

import plotly.graph_objects as go

from indicators import memo
from ui import render


def test_a_cached_figure_is_built_once_per_definition_and_styled():
    memo.clear()
    calls = []

    def build(value):
        def figure():
            calls.append(value)
            return go.Figure(go.Bar(x=["a"], y=[value]))
        return figure

    first = render.styled_figure(build(1), "Title", "definition", "£", cache=("chart", "E08000025", 2022))
    again = render.styled_figure(build(1), "Title", "definition", "£", cache=("chart", "E08000025", 2022))
    other = render.styled_figure(build(2), "Title", "definition", "£", cache=("chart", "E08000035", 2022))
    assert first is again and calls == [1, 2]
    assert list(other.data[0].y) == [2] and list(first.data[0].y) == [1]
    assert first.layout.title.text == "Title<br><sup>definition</sup>" and first.layout.yaxis.title.text == "£"
    renamed = render.styled_figure(build(1), "Another title", "definition", "£", cache=("chart", "E08000025", 2022))
    assert renamed is not first and calls == [1, 2, 1]  # the title is part of the key
    memo.clear()
    render.styled_figure(build(1), "Title", "definition", "£", cache=("chart", "E08000025", 2022))
    assert calls == [1, 2, 1, 1]  # forgotten with the rest of the memo (e.g. after a rebuild)


def test_the_cache_keeps_only_the_most_recent_figures(monkeypatch):
    memo.clear()
    monkeypatch.setattr(render, "FIGURES_KEPT", 3)
    for n in range(5):
        render.styled_figure(lambda: go.Figure(), "T", "s", None, cache=(n,))
    store = render._figure_store()
    assert [key[0] for key in store] == [(2,), (3,), (4,)]


def test_without_a_cache_the_figure_is_styled_in_place():
    fig = go.Figure()
    assert render.styled_figure(fig, "T", "s", None, cache=None) is fig and fig.layout.title.text == "T<br><sup>s</sup>"


def test_memoised_functions_keep_a_bounded_number_of_results(monkeypatch):
    """A visitor walking through every definition cannot grow a memo without limit: the least recent go first."""
    monkeypatch.setattr(memo, "MAX_ENTRIES", 3)
    calls = []

    @memo.per_database
    def square(x):
        calls.append(x)
        return x * x

    assert [square(x) for x in (1, 2, 3, 1, 4)] == [1, 4, 9, 1, 16]
    assert square.cache_size() == 3 and calls == [1, 2, 3, 4]
    square(2)  # 2 was the least recently used when 4 arrived, so it is computed again
    assert calls == [1, 2, 3, 4, 2]
