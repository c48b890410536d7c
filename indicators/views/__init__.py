"""One module per page: what the page draws, computed from the indicators (data, domain arithmetic, exports) and
returned ready to show — tiles' texts, charts with their captions and tables, sentences. Pages read their controls,
call their view and hand the result to Streamlit (via ui); no Streamlit import here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.exports.charts import Captions


@dataclass(frozen=True)
class Tile:
    """A metric tile: its label and value as shown, the tooltip, and an optional delta with the gap (per cent) and
    polarity that colour it."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    gap: float | None = None
    polarity: str = "neutral"


@dataclass(frozen=True)
class Chart:
    """A chart as a page shows it: a function building the figure (called once per `cache` tuple), its captions, the
    table alternative (or a function returning it) and a note under it."""

    figure: Callable[[], go.Figure]
    captions: Captions
    cache: tuple
    table: pd.DataFrame | Callable[[], pd.DataFrame]
    note: str | None = None
    unit: str = ""
    period: str = ""
    y_title: str | None = None

    def args(self) -> dict:
        """The keyword arguments of ui.render.chart (the page adds the key and any selection setting)."""
        return {
            "fig": self.figure,
            "cache": self.cache,
            "title": self.captions.title,
            "subtitle": self.captions.subtitle,
            "source": self.captions.source,
            "table": self.table,
            "note": self.note,
            "unit": self.unit,
            "period": self.period,
            "y_title": self.y_title,
        }
