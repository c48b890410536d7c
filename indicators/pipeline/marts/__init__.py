"""Marts: the tables the app reads, computed once at build time from the loaded extracts.

Each module in this package declares
    TABLES: dict[str, tuple]        mart table -> key columns (declared checks: unique, not null)
    NOT_NULL: dict[str, tuple]      mart table -> columns that must never be null
    def build(con) -> None          create its tables from the base tables already in `con`
    def checks(con) -> list[str]    its own checks (coverage, reconciliation …); empty when sound
Modules run in MODULE_NAMES order, so a later mart may read an earlier one.
"""

from __future__ import annotations

from importlib import import_module

MODULE_NAMES = ("neighbours", "aggregates", "fiscal")  # neighbours first: aggregates reads its table


def modules(names: tuple[str, ...] = MODULE_NAMES):
    return [import_module(f"{__name__}.{name}") for name in names]


def create_tables(con, frames: dict) -> None:
    """Create one table per DataFrame in `frames` (names come from the mart modules' own declarations)."""
    for name, frame in frames.items():
        con.register("incoming", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
        con.unregister("incoming")


def build_all(con, names: tuple[str, ...] = MODULE_NAMES, log=print) -> None:
    """Create every mart table in `con` (after the extracts are loaded)."""
    for module in modules(names):
        log(f"mart {module.__name__.rsplit('.', 1)[-1]} ...")
        module.build(con)


def declared_checks(con, module) -> list[str]:
    """Unique keys and non-null columns of one module's tables."""
    failures = []
    for table, key in getattr(module, "TABLES", {}).items():
        columns = ", ".join(f'"{c}"' for c in key)
        duplicates = con.execute(
            f'SELECT count(*) FROM (SELECT {columns} FROM "{table}" GROUP BY ALL HAVING count(*) > 1)'
        ).fetchone()[0]
        if duplicates:
            failures.append(f"{table}: {duplicates} duplicated keys ({', '.join(key)})")
        for column in (*key, *getattr(module, "NOT_NULL", {}).get(table, ())):
            nulls = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL').fetchone()[0]
            if nulls:
                failures.append(f"{table}: {nulls} rows with no {column}")
    return failures


def check_all(con, names: tuple[str, ...] = MODULE_NAMES) -> list[str]:
    """Every mart's declared checks and its own checks; an empty list means the marts are sound."""
    failures = []
    for module in modules(names):
        failures += declared_checks(con, module) + module.checks(con)
    return failures
