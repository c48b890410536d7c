"""Process-wide memoisation of warehouse reads, keyed by the database in use, with a bound on every store.

Results live in module-level caches (not Streamlit caches, which any client can clear). The key includes the active
database path, so tests on a fixture database never see the warehouse's answers. Each function keeps at most
`MAX_ENTRIES` results (or the `max_entries` it is decorated with: smaller for large results keyed on visitor
choices), least recently used dropped first, so a visitor who walks through every definition cannot grow the process
without limit. Memoised results are shared: callers must not mutate them.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

from indicators.data import db

MAX_ENTRIES = 256
_MEMOISED = []


def per_database(function=None, *, max_entries: int = MAX_ENTRIES):
    """Memoise `function` on the active database as well as its (hashable) arguments, keeping the most recent
    `max_entries` results. Use as `@per_database` or `@per_database(max_entries=32)`.

    Concurrent callers of the same uncomputed key wait for the one computing it instead of repeating the work (many
    sessions opening the same page at once, or the warm-up thread racing the first visitor). Exceptions are not kept.
    """
    if function is None:
        return functools.partial(per_database, max_entries=max_entries)
    store: OrderedDict = OrderedDict()
    locks: dict = {}
    guard = threading.Lock()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        key = (str(db._active_path), args, frozenset(kwargs.items()) if kwargs else None)
        with guard:
            if key in store:
                store.move_to_end(key)
                return store[key]
            lock = locks.setdefault(key, threading.RLock())
        with lock:
            with guard:
                if key in store:
                    return store[key]
            try:
                result = function(*args, **kwargs)
                with guard:
                    store[key] = result
                    while len(store) > max_entries:
                        store.popitem(last=False)
            finally:
                with guard:
                    locks.pop(key, None)
            return result

    def cache_clear() -> None:
        with guard:
            store.clear()
            locks.clear()

    wrapper.cache_clear = cache_clear
    wrapper.cache_size = lambda: len(store)
    wrapper.max_entries = max_entries
    _MEMOISED.append(wrapper)
    return wrapper


def clear() -> None:
    """Forget every memoised result (after a warehouse rebuild, or in tests)."""
    for function in _MEMOISED:
        function.cache_clear()
