"""Values read from a link's query string, checked: one from an allow-list, a list from an allow-list, a number in a
range. Pure (the pages' URL parser in ui/state.py and the embeds' in indicators/views/embed.py both use these)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def chosen(raw: str | None, allowed: Iterable[T], default: T) -> tuple[T, bool]:
    """(the allowed option whose text is `raw`, True), or (`default`, whether `raw` was given and refused)."""
    if raw is None:
        return default, False
    for option in allowed:
        if str(option) == raw:
            return option, False
    return default, True


def listed(raw: str | None, allowed: Iterable[T], *, trim: bool = False) -> tuple[list[T], list[str], int]:
    """Comma-separated items from a link: (the allowed ones in the order given, without repeats; the rejected ones;
    how many items were given). Empty items are skipped; `trim` also strips spaces around each item."""
    items = [i.strip() if trim else i for i in (raw or "").split(",")]
    items = [i for i in items if i]
    by_text = {str(a): a for a in allowed}
    kept = list(dict.fromkeys(by_text[i] for i in items if i in by_text))
    return kept, [i for i in items if i not in by_text], len(items)


def bounded_number(raw: str | None, low: float, high: float) -> float | None:
    """A number from a link: None for no value ('' or None); else a finite number from `low` to `high`.

    Raises ValueError for anything else."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        number = float(str(raw).strip())
    except ValueError:
        raise ValueError(f"{str(raw)[:20]!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{number:g} is not between {low:g} and {high:g}")
    return number
