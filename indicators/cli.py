"""Argument parsing for `python -m indicators`; each command prints text or JSON and exits non-zero on bad input."""

from __future__ import annotations

import argparse
import json
import sys

from indicators.data.versions import WarehouseUnavailable
from indicators.domain.definition import BASIS_KEYS, DEFAULT, GEOGRAPHY_KEYS, Definition
from indicators.domain.measure_spec import MEASURES
from indicators.domain.productivity import BASES


class _Parser(argparse.ArgumentParser):
    """argparse that fails with one line listing the valid choices, not a usage dump."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build(args) -> int:
    from indicators.pipeline.load import build_warehouse
    from indicators.pipeline.package import build_package

    build_package(warehouse=build_warehouse())
    return 0


def _package(args) -> int:
    from pathlib import Path

    from indicators.pipeline.package import build_package

    build_package(Path(args.out) if args.out else None)
    return 0


def _check(args) -> int:
    """Verify and query the current warehouse exactly as serving opens it (the container's health check)."""
    from indicators.data import db

    try:
        report = db.health()
    except WarehouseUnavailable as exc:
        print(f"check failed: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    if args.json:
        print_json(report)
        return 0
    inputs = {
        True: "inputs unchanged since the build",
        False: "the extracts or build code changed since the build",
        None: "inputs not checked (no extracts here)",
    }[report["inputs_current"]]
    known = report["known"]
    print(
        f"ok {report['file']} sha256 {report['sha256'][:16]} built {report['built_at']} from {report['releases']} "
        f"releases (latest {report['latest_release']}); {report['observations']:,} observations; "
        f"{known['indicator_id']} {known['area_code']} {known['period']} = {known['value']:,}; "
        f"memory_limit {report['memory_limit']}, threads {report['threads']}; {inputs}"
    )
    return 0


def _check_parser() -> argparse.ArgumentParser:
    check = _Parser(
        prog="python -m indicators check",
        description="verify the current warehouse (SHA-256), open it as serving does and query it",
    )
    check.add_argument("--json", action="store_true")
    return check


def _extract(args) -> int:
    from indicators.pipeline.extracts import run_extract

    run_extract(only=args.only)
    return 0


def _gap(args) -> int:
    from indicators.analysis import productivity

    result = productivity.gap(Definition(args.area, args.geography, args.basis, args.benchmark, args.year))
    if args.json:
        print_json(result.to_dict())
    else:
        shortfall = "shortfall" if result.gap_gbp >= 0 else "surplus"
        print(
            f"{result.area_name} ({result.area_code}), {BASES[result.basis].label} {result.year}: "
            f"{result.value:,.2f} vs {result.benchmark_name} {result.benchmark_value:,.2f} "
            f"({result.gap_pct:+.1f}%; £{abs(result.gap_gbp) / 1e9:,.2f}bn a year {shortfall})\n"
            f"  {result.area_name}: {result.method}; {result.benchmark_name}: {result.benchmark_method}"
            + (f"\n  coverage: {result.coverage_note}" if result.coverage_note else "")
        )
    return 0


def _claims(args) -> int:
    from indicators.analysis.claims import claims_check, format_value

    results = claims_check(eur_per_gbp=args.eur_per_gbp)
    if args.json:
        print_json(results)
    else:
        for row in results:
            counts = row["holds_on_k_of_n"]
            extra = ""
            if counts is not None:
                low, high = (format_value(row["range"][end], row["unit"]) for end in ("min", "max"))
                extra = f"; holds on {counts['k']} of {counts['n']}, range {low} to {high} ({counts['period']})"
            rate = (
                "" if row["fx"] is None else f"; £1 = €{row['fx']['eur_per_gbp']:.4f} (ECB {row['fx']['year']} average)"
            )
            print(
                f"{row['claim_id']}: claimed {row['claimed']:g} {row['unit']} (describes {row['period_described']}); "
                f"primary {format_value(row['primary_value'], row['unit'])} [{row['verdict_code']}]{extra}{rate}"
            )
    return 0


def _reconcile(args) -> int:
    from indicators.data import aggregates

    table = aggregates.reconciliation()
    shown = table[table["difference_pct"].abs() > args.above]
    if args.measure:
        shown = shown[shown["measure_id"] == args.measure]
    if args.json:
        print_json(shown.to_dict("records"))
    else:
        for row in shown.itertuples():
            status = (
                "explained: " + row.explained if row.explained else ("within" if row.within_tolerance else "OUTSIDE")
            )
            print(
                f"{row.area_code:<24} {row.area_name[:30]:<30} {row.measure_id:<14} {row.period:<8} published "
                f"{row.published_value:>14,.2f} derived {row.derived_value:>14,.2f} ({row.difference_pct:+.2f}%; "
                f"tolerance ±{row.tolerance_pct:g}%; {status})"
            )
        print(
            f"{len(shown):,} of {len(table):,} published figures differ from their derivation by more than "
            f"{args.above}%"
        )
    return 0


def _fiscal(args) -> int:
    from indicators.analysis import fiscal

    options = {group: getattr(args, group) for group in fiscal.KEY_OPTIONS if getattr(args, group)}
    rows = fiscal.balance_rows(args.year, options=options)
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            members = f" ({row['coverage']})" if row.get("coverage") else ""
            print(f"{row['area_code']:<26} {row['area_name'][:34]:<34} net £{row['net_balance_gbp_bn']:.1f}bn{members}")
    return 0


def _chart(args) -> int:
    """One chart's data, rebuilt from link parameters exactly as the dashboard's "Data JSON" button gives it."""
    from indicators.views import embed as embeds

    query = {name: value for name, value in (_pair(p) for p in args.param)}
    for name in embeds.DEFINITION_PARAMS:
        value = getattr(args, name)
        if value is not None:
            query[name] = str(value)
    try:
        built = embeds.build(args.chart_id, query, args.base_url)
    except embeds.NoChart as problem:
        known = f" Charts: {', '.join(sorted(embeds.CHARTS))}." if args.chart_id not in embeds.CHARTS else ""
        raise ValueError(f"{problem}{known}") from None
    if built.refused:
        print(
            f"warning: ignored {', '.join(built.refused)} (not valid choices; the defaults are used)", file=sys.stderr
        )
    if args.json:
        print_json(embeds.document(built))
    else:
        sys.stdout.write(embeds.csv_bytes(built).decode("utf-8-sig"))
    return 0


def _pair(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise ValueError(f"--param {text!r}: write it as name=value, e.g. measure=gva_per_head")
    return name, value


def _briefing(args) -> int:
    from pathlib import Path

    from indicators.exports import briefing

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in briefing.FORMATS:
        raise ValueError(f"--out must end in .pptx or .pdf, not {out.name!r}")
    sections = [s.strip() for s in args.sections.split(",") if s.strip()] if args.sections else briefing.SECTIONS
    definition = Definition(args.area, args.geography, args.basis, args.benchmark, args.year)
    data = briefing.build_pack(args.area, sections, fmt, definition)
    out.write_bytes(data)
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0


def _prepare_packs(args) -> int:
    from indicators.analysis import measures
    from indicators.exports import briefing

    briefing.prepare_packs(measures.core_city_codes("lad"), args.formats.split(","))
    return 0


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"invalid year {text!r}: use four digits, e.g. 2022")
    return int(text)


BENCHMARK_HELP = "uk, uk-ex-london, core-cities, neighbours (the council's statistical neighbours) or an area code"


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="python -m indicators", description="Core Cities indicators")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser(
        "build", help="build a checked warehouse from the committed extracts, switch to it, write its data package"
    ).set_defaults(run=_build)
    package = commands.add_parser(
        "package",
        help="write the open data package (Frictionless) of the current warehouse, by default to data/package/",
    )
    package.add_argument("--out", help="folder to write (replaced whole once the new package has passed its checks)")
    package.set_defaults(run=_package)
    check = commands.add_parser("check", help="verify and query the current warehouse as serving does (exit 1 if not)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=_check)
    extract = commands.add_parser("extract", help="re-extract data/extracts from ../shared/data/raw")
    extract.add_argument("--only", help="one extract module")
    extract.set_defaults(run=_extract)

    gap = commands.add_parser("gap", help="an area's productivity gap on a stated definition")
    gap.add_argument("--area", required=True, help="ONS area code: local authority, city region or ITL1")
    gap.add_argument("--basis", choices=BASIS_KEYS, default=DEFAULT.basis)
    gap.add_argument("--geography", choices=GEOGRAPHY_KEYS, default=DEFAULT.geography)
    gap.add_argument("--benchmark", default=DEFAULT.benchmark, help=BENCHMARK_HELP)
    gap.add_argument("--year", type=_year, help="data year (default: latest with data)")
    gap.add_argument("--json", action="store_true")
    gap.set_defaults(run=_gap)

    chart = commands.add_parser(
        "chart", help="one chart's data (CSV, or JSON with its metadata) as the dashboard's Data buttons give it"
    )
    chart.add_argument("chart_id", metavar="CHART", help="a chart id, e.g. gap-series (a wrong one lists them all)")
    chart.add_argument("--area", help="ONS code of a local authority (the sidebar's Area)")
    chart.add_argument("--geo", choices=GEOGRAPHY_KEYS, help="geography")
    chart.add_argument("--basis", choices=BASIS_KEYS)
    chart.add_argument("--bench", help=BENCHMARK_HELP)
    chart.add_argument("--year", type=_year, help="data year (default: latest with data)")
    chart.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE", help="a page parameter, e.g. measure=gva_per_head"
    )
    chart.add_argument("--base-url", default="", help="the dashboard's address, for the view URL (e.g. https://…)")
    chart.add_argument("--json", action="store_true")
    chart.set_defaults(run=_chart)

    briefing = commands.add_parser("briefing", help="a briefing pack (PowerPoint or PDF) for an area")
    briefing.add_argument("--area", required=True, help="ONS code of a local authority or Core City region")
    briefing.add_argument("--out", required=True, help="output file; .pptx or .pdf decides the format")
    briefing.add_argument(
        "--sections", help="comma-separated: headline,productivity,tax_spend,peers,claims,case_studies"
    )
    briefing.add_argument("--basis", choices=BASIS_KEYS, default=DEFAULT.basis)
    briefing.add_argument("--geography", choices=GEOGRAPHY_KEYS, default=DEFAULT.geography)
    briefing.add_argument("--benchmark", default=DEFAULT.benchmark, help=BENCHMARK_HELP)
    briefing.add_argument("--year", type=_year, help="data year (default: latest with data)")
    briefing.set_defaults(run=_briefing)

    packs = commands.add_parser(
        "prepare-packs",
        help="build the ten Core Cities' briefing packs on the default "
        "definition once, kept under the data version (served without computing)",
    )
    packs.add_argument("--formats", default=",".join(("pptx", "pdf")), help="comma-separated: pptx,pdf")
    packs.set_defaults(run=_prepare_packs)
    claims = commands.add_parser("claims", help="each published claim tested on the period it describes")
    claims.add_argument(
        "--eur-per-gbp",
        type=float,
        metavar="RATE",
        help="your own € per £ (0.1 to 10), shown beside the European verdicts, which use the ECB's "
        "annual average for the data year; an override, never the verdict",
    )
    claims.add_argument("--json", action="store_true")
    claims.set_defaults(run=_claims)

    reconcile = commands.add_parser("reconcile", help="published figures beside the same figures derived from members")
    reconcile.add_argument(
        "--above", type=float, default=0.1, help="show differences larger than this (%%, default 0.1)"
    )
    reconcile.add_argument(
        "--measure", choices=sorted(MEASURES), metavar="MEASURE", help="one measure, e.g. gva_per_hour"
    )
    reconcile.add_argument("--json", action="store_true")
    reconcile.set_defaults(run=_reconcile)

    from indicators.analysis.fiscal import KEY_OPTIONS

    fiscal = commands.add_parser("fiscal", help="estimated taxes, spending and net fiscal balance by area")
    fiscal.add_argument("--year", help="financial year, e.g. 2024-25 (default: latest)")
    fiscal.add_argument("--json", action="store_true")
    for group, keys in KEY_OPTIONS.items():
        held = "; held = kept at region/nation level, in no council" if "held" in keys else ""
        fiscal.add_argument(
            f"--{group.replace('_', '-')}",
            dest=group,
            choices=keys,
            help=f"key for {group.replace('_', ' ')} (default {keys[0]}{held})",
        )
    fiscal.set_defaults(run=_fiscal)
    return root


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:  # the health check: skip building the full parser (it imports pandas and the app)
        return _check(_check_parser().parse_args(argv[1:]))
    from indicators.pipeline.spec import BuildError, ExtractError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (BuildError, ExtractError, WarehouseUnavailable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def print_json(payload) -> None:
    """Print a JSON document the same way for every command."""
    print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
