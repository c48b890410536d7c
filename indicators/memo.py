"""Process-wide memoisation of warehouse reads and derived tables, keyed by the database in use.

Results live in module-level caches (not Streamlit caches, which any client can clear). The key includes the active
database path, so tests on a fixture database never see the warehouse's answers. Memoised results are shared: callers
must not mutate them.
"""

from __future__ import annotations

import functools

from indicators import db

_MEMOISED = []


def per_database(function):
    """functools.cache keyed on the active database as well as the (hashable) arguments."""
    cached = functools.cache(lambda path, *args, **kwargs: function(*args, **kwargs))

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return cached(str(db._active_path), *args, **kwargs)

    wrapper.cache_clear = cached.cache_clear
    _MEMOISED.append(wrapper)
    return wrapper


def clear() -> None:
    """Forget every memoised result (after a warehouse rebuild, or in tests)."""
    for function in _MEMOISED:
        function.cache_clear()
