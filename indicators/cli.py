"""Argument parsing for `python -m indicators`; each command prints text or JSON and exits non-zero on bad input."""

from __future__ import annotations

import argparse
import json
import sys

from indicators.build.load import BuildError, build_warehouse
from indicators.build.spec import ExtractError


class _Parser(argparse.ArgumentParser):
    """argparse that fails with one line listing the valid choices, not a usage dump."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build(args) -> int:
    build_warehouse()
    return 0


def _extract(args) -> int:
    from indicators.build.extracts import run_extract

    run_extract(only=args.only)
    return 0


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="python -m indicators", description="Core Cities indicators")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("build", help="build data/warehouse.duckdb from the committed extracts").set_defaults(run=_build)
    extract = commands.add_parser("extract", help="re-extract data/extracts from ../shared/data/raw")
    extract.add_argument("--only", help="one extract module")
    extract.set_defaults(run=_extract)
    return root


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (BuildError, ExtractError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def print_json(payload) -> None:
    """Print a JSON document the same way for every command."""
    print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
