"""Which official releases stand behind a set of indicators (for "how was this calculated?"), and the one way a
source line names them."""

from __future__ import annotations

from indicators.data.db import query
from indicators.data.memo import per_database


def releases_for(indicator_ids: list[str]) -> list[dict]:
    """One row per indicator: its name, unit and the release it comes from (publisher, title, release, date)."""
    return _releases(tuple(indicator_ids))


@per_database
def _releases(indicator_ids: tuple[str, ...]) -> list[dict]:
    frame = query(
        """SELECT c.indicator_id, c.name, c.unit, s.publisher, s.title, s.release, s.release_date, s.vintage
           FROM catalog c JOIN sources s USING (source_id)
           WHERE list_contains(?, c.indicator_id) ORDER BY c.indicator_id""",
        [list(indicator_ids)],
    )
    return frame.to_dict("records")


def sources_text(releases: list[dict]) -> str:
    """'Source: <publisher>, <title> (<release>); …' naming each release once, in the order given ('' for none).

    `releases`: rows with publisher, title and release (provenance or sources table rows)."""
    named = dict.fromkeys(f"{row['publisher']}, {row['title']} ({row['release']})" for row in releases)
    return "Source: " + "; ".join(named) if named else ""


def source_line(indicator_ids: list[str]) -> str:
    """A chart source line for indicators: 'Source: ONS, <title> (<release>); …'."""
    return sources_text(releases_for(indicator_ids))
