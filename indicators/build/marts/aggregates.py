"""Aggregates mart (being written): every area × measure × period the app can show."""

TABLES: dict[str, tuple] = {}


def build(con) -> None:
    return None


def checks(con) -> list[str]:
    return []
