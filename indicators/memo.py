"""Process-wide memoisation of warehouse reads and derived tables, keyed by the database in use.

Results live in module-level caches (not Streamlit caches, which any client can clear). The key includes the active
database path, so tests on a fixture database never see the warehouse's answers. Memoised results are shared: callers
must not mutate them.
"""

from __future__ import annotations

import functools
import threading

from indicators import db

_MEMOISED = []


def per_database(function):
    """Memoise `function` on the active database as well as its (hashable) arguments.

    Concurrent callers of the same uncomputed key wait for the one computing it instead of repeating the work (many
    sessions opening the same page at once, or the warm-up thread racing the first visitor). Exceptions are not kept.
    """
    store: dict = {}
    locks: dict = {}
    guard = threading.Lock()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        key = (str(db._active_path), args, frozenset(kwargs.items()) if kwargs else None)
        try:
            return store[key]
        except KeyError:
            pass
        with guard:
            lock = locks.setdefault(key, threading.RLock())
        with lock:
            if key not in store:
                store[key] = function(*args, **kwargs)
            return store[key]

    def cache_clear() -> None:
        with guard:
            store.clear()
            locks.clear()

    wrapper.cache_clear = cache_clear
    _MEMOISED.append(wrapper)
    return wrapper


def clear() -> None:
    """Forget every memoised result (after a warehouse rebuild, or in tests)."""
    for function in _MEMOISED:
        function.cache_clear()
