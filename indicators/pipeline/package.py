"""The open data package: a built warehouse as a Frictionless Data Package (https://datapackage.org, v2).

    python -m indicators package [--out DIR]      (also written by `python -m indicators build`)

Layout of the package folder (`data/package/` by default; built, not committed):
    datapackage.json            title, licences, sources with their releases, the data version, every resource
    csv/<resource>.csv          one CSV per table (the observations one per source): the package's resources
    parquet/<resource>.parquet  the same rows, typed, as Parquet (named in each resource's `parquet` property)
Each table has a Table Schema declared here (types, descriptions with units, primary and foreign keys). Every table is
checked against its own schema before anything is published: the field types, required fields, a unique primary key,
foreign keys that resolve. A table that breaks its schema fails the build with the table, field and first offending
row named, and the previous package stays in place: the new one is written to a temporary folder beside the target and
swapped in with a rename.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from indicators.data import versions
from indicators.data.paths import DATA_DIR, WAREHOUSE_POINTER
from indicators.domain.measure_spec import MEASURES
from indicators.pipeline.spec import BuildError

PACKAGE_DIR = DATA_DIR / "package"
PACKAGE_NAME = "core-cities-indicators"
PROFILES = "https://datapackage.org/profiles/2.0"
DUCKDB_TYPES = {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "boolean": "BOOLEAN"}
# Where each licence the sources name can be read (matched on the start of the sources table's licence text).
LICENCES = (
    (
        "Open Government Licence v3.0",
        {
            "name": "OGL-UK-3.0",
            "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        },
    ),
    ("Eurostat", {"path": "https://ec.europa.eu/eurostat/about-us/policies/copyright"}),
    ("ECB", {"path": "https://www.ecb.europa.eu/services/disclaimer/html/index.en.html"}),
    ("quoted facts", None),  # facts quoted from a report with attribution (its row in sources): no licence to link
)
GBP_M = "£ million (current prices)"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, number, integer or boolean
    description: str


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str  # the referenced table (a resource of the same name)
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    by_source: bool = False  # one resource per source_id (observations-<source_id>)


COMMON = {
    "area_code": ("string", "ONS (GSS) code of the area, or the project's code for an area ONS gives none"),
    "area_name": ("string", "Name of the area"),
    "lad_code": ("string", "ONS (GSS) code of the local authority district (council)"),
    "lad_name": ("string", "Name of the local authority district"),
    "region_code": ("string", "ITL1 code of the region or nation (TLC … TLN)"),
    "period": ("string", "Period the figure refers to: a calendar year (2023) or a financial year (2023-24)"),
    "source_id": ("string", "The official release the row comes from (sources.source_id)"),
    "indicator_id": ("string", "Indicator identifier (catalog.indicator_id)"),
    "item": ("string", "Revenue (rev_*) or spending (exp_*) group of the country and regional public sector finances"),
    "key": ("string", "The key a regional group is shared out by (population, gva, hmrc_income_tax, …)"),
    "value_gbp_m": ("number", f"Amount, {GBP_M}"),
    "members_expected": ("integer", "Members (councils or areas) the area is made of"),
    "members_present": ("integer", "Members with a figure for the period"),
}


def fields(*specs: str | tuple[str, str, str]) -> tuple[Field, ...]:
    """Fields from names found in COMMON, or (name, type, description)."""
    return tuple(Field(spec, *COMMON[spec]) if isinstance(spec, str) else Field(*spec) for spec in specs)


def _measure_units() -> str:
    return "; ".join(f"{m.id}: {m.unit}" for m in MEASURES.values())


def fk(fields_: str | tuple[str, ...], table: str, reference: str | tuple[str, ...] | None = None) -> ForeignKey:
    local = (fields_,) if isinstance(fields_, str) else fields_
    target = local if reference is None else ((reference,) if isinstance(reference, str) else reference)
    return ForeignKey(local, table, target)


FISCAL = "Estimate, not an official statistic: CRPSF regional figures shared out to councils by a key. "
TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        "Sources",
        "One row per official release read, with its publisher, release date, vintage and licence.",
        fields(
            "source_id",
            ("publisher", "string", "Publisher of the release"),
            ("title", "string", "Title of the dataset"),
            ("release", "string", "The release (edition) read"),
            ("release_date", "string", "Release date: YYYY-MM-DD, or YYYY-MM / YYYY where only those are known"),
            ("vintage", "string", "Short name of the vintage"),
            ("raw_files", "string", "The official files read"),
            ("licence", "string", "Licence or reuse terms of the release"),
            ("url", "string", "Where the release is published"),
            ("notes", "string", "Notes on how the release was read"),
        ),
        ("source_id",),
    ),
    Table(
        "catalog",
        "Indicator catalogue",
        "Every indicator: name, unit, polarity, definition, source release and caveats.",
        fields(
            "indicator_id",
            ("name", "string", "Name of the indicator"),
            ("unit", "string", "Unit of the indicator's values (the unit column of the observations)"),
            ("polarity", "string", "Whether higher is better, worse or neither"),
            ("definition", "string", "Definition"),
            "source_id",
            ("period_type", "string", "Calendar year, financial year or another period type"),
            ("caveats", "string", "Caveats"),
            ("topic", "string", "Topic"),
        ),
        ("indicator_id",),
        (fk("source_id", "sources"),),
    ),
    Table(
        "areas",
        "Areas",
        "Every area with published figures: councils, ITL regions, combined authorities, city regions, nations, UK.",
        fields("area_code", "area_name", ("area_type", "string", "lad, itl1, itl2, itl3, city_region, …")),
        ("area_code",),
    ),
    Table(
        "lad_lookup",
        "Councils and their regions",
        "Each local authority district with its ITL3, ITL2 and ITL1 regions, country and combined authority.",
        fields(
            "lad_code",
            "lad_name",
            ("itl3_code", "string", "ITL3 code"),
            ("itl3_name", "string", "ITL3 name"),
            ("itl2_code", "string", "ITL2 code"),
            ("itl2_name", "string", "ITL2 name"),
            ("itl1_code", "string", "ITL1 code"),
            ("itl1_name", "string", "ITL1 name"),
            ("country_code", "string", "Country code"),
            ("ca_code", "string", "Combined authority code (empty: none)"),
            ("ca_name", "string", "Combined authority name"),
        ),
        ("lad_code",),
        (fk("lad_code", "areas", "area_code"),),
    ),
    Table(
        "core_cities",
        "The Core Cities",
        "The ten Core Cities: council, region and city region.",
        fields(
            ("city", "string", "City"),
            "lad_name",
            "lad_code",
            ("nation_or_region", "string", "Nation or English region"),
            ("itl1_code", "string", "ITL1 code"),
            ("city_region_name", "string", "City region name"),
            ("note", "string", "Note"),
            "source_id",
        ),
        ("city",),
        (fk("lad_code", "areas", "area_code"), fk("source_id", "sources")),
    ),
    Table(
        "city_region_members",
        "City region members",
        "The councils that make up each Core City's city region.",
        fields(
            ("city", "string", "Core City (core_cities.city)"),
            ("city_region_code", "string", "Code of the city region"),
            ("city_region_name", "string", "Name of the city region"),
            "lad_code",
            "lad_name",
            ("definition_source", "string", "Where the membership comes from"),
        ),
        ("city_region_code", "lad_code"),
        (
            fk("city", "core_cities"),
            fk("city_region_code", "areas", "area_code"),
            fk("lad_code", "areas", "area_code"),
        ),
    ),
    Table(
        "mart_areas",
        "Areas the aggregates cover",
        "Every area the dashboard shows or compares against, what its members are and whether they make it up exactly.",
        fields(
            "area_code",
            "area_name",
            ("level", "string", "Level: lad, itl1, itl2, itl3, city_region, combined_authority, core_cities, …"),
            ("member_level", "string", "Level of the area's members"),
            ("members", "integer", "Number of members"),
            ("membership_exact", "boolean", "True when the members make the area up exactly (not a best fit)"),
        ),
        ("area_code",),
    ),
    Table(
        "mart_members",
        "Area memberships",
        "Which councils (or areas) make up each area of the aggregates.",
        fields(
            ("area_code", "string", "The area (mart_areas.area_code)"),
            ("member_code", "string", "A member of it (mart_areas.area_code)"),
        ),
        ("area_code", "member_code"),
        (fk("area_code", "mart_areas"), fk("member_code", "mart_areas", "area_code")),
    ),
    Table(
        "observations",
        "Observations",
        "The official figures, one row per area, indicator and period.",
        fields(
            "area_code",
            "area_name",
            "indicator_id",
            "period",
            ("value", "number", "The figure, in the unit of the unit column"),
            ("unit", "string", "Unit of value (the catalogue's unit for the indicator)"),
            "source_id",
        ),
        ("area_code", "indicator_id", "period"),
        (fk("indicator_id", "catalog"), fk("source_id", "sources")),
        by_source=True,
    ),
    Table(
        "aggregates",
        "Aggregates",
        "Every area × measure × period the dashboard can show: the published figure where a release publishes one, "
        "else derived from the members (Σ numerator ÷ Σ denominator), with its coverage.",
        fields(
            ("area_code", "string", "The area (mart_areas.area_code)"),
            "area_name",
            ("level", "string", "Level of the area"),
            ("measure_id", "string", "The measure"),
            "period",
            ("year", "integer", "Calendar year the period starts in"),
            ("value", "number", f"The figure, in its measure's unit ({_measure_units()})"),
            ("numerator", "number", "Sum of the members' numerators (derived figures)"),
            ("denominator", "number", "Sum of the members' denominators (derived figures)"),
            ("method", "string", "published, derived or median"),
            ("published_as", "string", "Whose published figure stands in for the area"),
            ("member_level", "string", "Level of the members summed"),
            "members_expected",
            "members_present",
            ("councils_expected", "integer", "Councils the area is made of"),
            ("councils_present", "integer", "Councils with a figure"),
            ("coverage_complete", "boolean", "True when every member has a figure"),
            ("missing_members", "string", "Members without a figure"),
            ("coverage_note", "string", "Coverage note"),
            ("source_id", "string", "The releases the figure comes from (source_id values joined by ';')"),
        ),
        ("area_code", "measure_id", "period"),
        (fk("area_code", "mart_areas"),),
    ),
    Table(
        "reconciliation",
        "Reconciliation",
        "Every area with both a published and a derived figure: the difference and the measure's tolerance.",
        fields(
            ("area_code", "string", "The area (mart_areas.area_code)"),
            "area_name",
            ("level", "string", "Level of the area"),
            ("measure_id", "string", "The measure"),
            "period",
            ("published_value", "number", "Published figure, in the measure's unit"),
            ("published_as", "string", "Whose published figure"),
            ("derived_value", "number", "Figure derived from the members, in the measure's unit"),
            "members_expected",
            "members_present",
            ("difference", "number", "derived_value − published_value, in the measure's unit"),
            ("difference_pct", "number", "Difference as a percentage of the published figure (%)"),
            ("coverage_complete", "boolean", "True when every member has a figure"),
            ("tolerance_pct", "number", "The measure's stated tolerance (%)"),
            ("tolerance_reason", "string", "Why the tolerance is what it is"),
            ("explained", "string", "A structural cause of the difference found in the data (then not checked)"),
            ("checked", "boolean", "True when the difference is held to the tolerance"),
            ("within_tolerance", "boolean", "True when the difference is within the tolerance"),
        ),
        ("area_code", "measure_id", "period"),
        (fk(("area_code", "measure_id", "period"), "aggregates"), fk("area_code", "mart_areas")),
    ),
    Table(
        "fiscal_areas",
        "Tax and spend estimate areas",
        FISCAL + "Each area estimated, with its population and members.",
        fields(
            "period",
            ("area_code", "string", "The area (mart_areas.area_code)"),
            "area_name",
            ("area_type", "string", "lad, city_region or core_cities"),
            ("population", "number", "Population base of the financial year (persons)"),
            "members_expected",
            "members_present",
            ("members_missing", "string", "Members without an estimate (';'-separated)"),
        ),
        ("period", "area_code"),
        (fk("area_code", "mart_areas"),),
    ),
    Table(
        "fiscal_items",
        "Tax and spend estimates",
        FISCAL + "£m of each revenue and spending group for an area under each key.",
        fields("period", "area_code", "item", "key", "value_gbp_m"),
        ("period", "area_code", "item", "key"),
        (fk(("period", "area_code"), "fiscal_areas"),),
    ),
    Table(
        "fiscal_ranges",
        "Tax and spend estimate ranges",
        FISCAL + "Lowest, highest and default net balance (spending − revenue) over every combination of keys.",
        fields(
            "period",
            "area_code",
            ("min_gbp_m", "number", f"Lowest net balance, {GBP_M}"),
            ("max_gbp_m", "number", f"Highest net balance, {GBP_M}"),
            ("default_gbp_m", "number", f"Net balance under the default keys, {GBP_M}"),
            ("min_options", "string", "The key of each group giving the lowest (JSON object)"),
            ("max_options", "string", "The key of each group giving the highest (JSON object)"),
            ("combinations", "integer", "Number of key combinations"),
        ),
        ("period", "area_code"),
        (fk(("period", "area_code"), "fiscal_areas"),),
    ),
    Table(
        "fiscal_key_notes",
        "Tax and spend keys",
        FISCAL + "The data period each key used in each region, and the councils that took a population share.",
        fields(
            "period",
            "key",
            "region_code",
            ("key_period", "string", "Period of the key's data"),
            ("population_period", "string", "Period of the population estimates"),
            ("lads", "integer", "Councils in the region"),
            ("fallback_lads", "string", "Councils shared out by population instead (';'-separated codes)"),
        ),
        ("period", "key", "region_code"),
        (fk("region_code", "areas", "area_code"),),
    ),
    Table(
        "fiscal_population",
        "Tax and spend population base",
        FISCAL + "Each council's population base for the financial year.",
        fields(
            "period",
            "lad_code",
            ("itl1_code", "string", "ITL1 region of the council"),
            ("mye_period", "string", "Year of the ONS mid-year estimate used"),
            ("mye_population", "number", "ONS mid-year population estimate (persons)"),
            ("population", "number", "Population base: CRPSF's regional population shared by the estimates (persons)"),
            ("crpsf_population", "number", "CRPSF's population of the region (persons)"),
        ),
        ("period", "lad_code"),
        (fk("lad_code", "areas", "area_code"),),
    ),
    Table(
        "fiscal_regional_items",
        "Regional public sector finances",
        "The official CRPSF revenue and spending of each group by region (the totals the estimates share out).",
        fields("period", "region_code", "item", "value_gbp_m"),
        ("period", "region_code", "item"),
        (fk("region_code", "areas", "area_code"),),
    ),
    Table(
        "fiscal_held",
        "Revenue held at region level",
        "North Sea oil and gas revenue held at region or nation level (not shared to councils).",
        fields("period", "region_code", "item", "value_gbp_m"),
        ("period", "region_code", "item"),
        (fk("region_code", "areas", "area_code"),),
    ),
    Table(
        "place_indicators",
        "Place indicators",
        "The subnational indicators: theme, definition, unit, period and coverage.",
        fields(
            "indicator_id",
            ("sheet", "string", "Sheet of the release"),
            ("theme", "string", "Theme"),
            ("name", "string", "Name"),
            ("definition", "string", "Definition"),
            ("unit", "string", "Unit of the indicator's values in place_observations"),
            ("polarity", "string", "Whether higher is better, worse or neither"),
            ("period", "string", "Period the figures refer to"),
            ("coverage", "string", "Coverage"),
            ("geographies", "string", "Geographies published"),
            ("source", "string", "Original source named by the release"),
            ("source_detail", "string", "Detail of the original source"),
            ("caveats", "string", "Caveats"),
            ("has_confidence_limits", "boolean", "True when confidence limits are published"),
            "source_id",
        ),
        ("indicator_id",),
        (fk("source_id", "sources"),),
    ),
    Table(
        "place_observations",
        "Place observations",
        "The subnational indicators' figures, one row per indicator and area.",
        fields(
            ("indicator_id", "string", "The indicator (place_indicators.indicator_id)"),
            "area_code",
            "area_name",
            ("geography_level", "string", "Geography level"),
            ("value", "number", "The figure, in the indicator's unit (place_indicators.unit)"),
            ("ci_lower", "number", "Lower 95% confidence limit, same unit"),
            ("ci_upper", "number", "Upper 95% confidence limit, same unit"),
            ("marker", "string", "Marker published with the figure"),
            ("status", "string", "Status"),
            ("accuracy", "string", "Accuracy"),
            ("note", "string", "Note"),
        ),
        ("indicator_id", "area_code"),
        (fk("indicator_id", "place_indicators"),),
    ),
    Table(
        "eurostat_metros",
        "European metropolitan regions",
        "Eurostat GDP and population by metropolitan region.",
        fields(
            ("metro_code", "string", "Eurostat metropolitan region code"),
            ("metro_name", "string", "Name"),
            ("country", "string", "Country (ISO 3166 alpha-2)"),
            ("is_capital", "boolean", "True for a capital city's region"),
            ("gdp_eur", "integer", "GDP at current market prices, € (euros)"),
            ("population", "integer", "Population on 1 January (persons)"),
            ("period", "integer", "Year"),
            "source_id",
        ),
        ("metro_code",),
        (fk("source_id", "sources"),),
    ),
    Table(
        "fx_rates",
        "Exchange rates",
        "ECB euro reference rates, annual averages of the daily rates.",
        fields(
            ("year", "integer", "Year"),
            ("currency", "string", "Currency (ISO 4217)"),
            ("currency_per_eur", "number", "Units of the currency per euro (annual average)"),
            ("eur_per_currency", "number", "Euros per unit of the currency"),
            ("days", "integer", "Days with a reference rate"),
            ("first_date", "string", "First date averaged (YYYY-MM-DD)"),
            ("last_date", "string", "Last date averaged (YYYY-MM-DD)"),
            "source_id",
        ),
        ("year", "currency"),
        (fk("source_id", "sources"),),
    ),
)


# ---- building


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def current_warehouse(pointer: Path = WAREHOUSE_POINTER) -> Path:
    """The checked build the pointer names (verified by size and SHA-256)."""
    recorded = versions.read_pointer(Path(pointer))
    if recorded is None or recorded.current is None:
        raise BuildError(f"no warehouse has been built at {pointer} (run: python -m indicators build)")
    problem = versions.verify(Path(pointer).parent, recorded.current)
    if problem:
        raise BuildError(f"the current warehouse {recorded.current.file} {problem}")
    return Path(pointer).parent / recorded.current.file


class _Builder:
    """Stages each table from the attached warehouse (`w`), checks it against its schema, writes its files."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, log):
        self.con, self.folder, self.log = con, folder, log
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_catalog = 'w' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
        self.columns: dict[str, list[str]] = {}
        for table, column in rows:
            self.columns.setdefault(table, []).append(column)
        self.source_ids: set[str] = set()

    def present(self, table: Table) -> tuple[Field, ...]:
        """The declared fields the warehouse table has; a column it has that is not declared fails the build."""
        have = self.columns[table.name]
        undeclared = [c for c in have if c not in {f.name for f in table.fields}]
        if undeclared:
            raise BuildError(f"package: table {table.name}: column {undeclared[0]} has no declared field (package.py)")
        missing = [f.name for f in table.fields if f.name not in have]
        if missing:
            self.log(f"package: table {table.name} has no {', '.join(missing)}: left out")
        return tuple(f for f in table.fields if f.name in have)

    def schema(self, table: Table, present: tuple[Field, ...], packaged: set[str]) -> dict:
        names = {f.name for f in present}
        key = list(table.primary_key) if set(table.primary_key) <= names else []
        foreign = [
            {"fields": list(k.fields), "reference": {"resource": k.table, "fields": list(k.reference)}}
            for k in table.foreign_keys
            if set(k.fields) <= names and k.table in packaged and set(k.reference) <= set(self.columns[k.table])
        ]
        described = [
            {"name": f.name, "type": f.type, "description": f.description}
            | ({"constraints": {"required": True}} if f.name in key else {})
            for f in present
        ]
        schema = {"$schema": f"{PROFILES}/tableschema.json", "fields": described, "missingValues": [""]}
        if key:
            schema["primaryKey"] = key
        if foreign:
            schema["foreignKeys"] = foreign
        return schema

    def stage(self, table: Table, present: tuple[Field, ...], source_id: str | None) -> int:
        """Copy the table's rows (one source's, for a table by source) into `staged`, numbered in file order."""
        columns = ", ".join(_quoted(f.name) for f in present)
        order = ", ".join(_quoted(c) for c in table.primary_key if c in {f.name for f in present}) or columns
        where = "WHERE source_id = ?" if source_id is not None else ""
        source = _quoted(table.name)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE staged AS SELECT row_number() OVER (ORDER BY {order}) AS row_number, "
            f"{columns} FROM w.{source} {where}",
            [source_id] if source_id is not None else [],
        )
        return self.con.execute("SELECT count(*) FROM staged").fetchone()[0]

    def _first(self, sql: str) -> tuple | None:
        return self.con.execute(sql).fetchone()

    def check(self, resource: str, schema: dict) -> None:
        """Types, required fields, a unique primary key and foreign keys that resolve; the first breach raises."""
        where = f"package: table {resource}"
        for field in schema["fields"]:
            name, kind = _quoted(field["name"]), DUCKDB_TYPES[field["type"]]
            if kind != "VARCHAR":
                bad = self._first(
                    f"SELECT row_number, {name} FROM staged WHERE {name} IS NOT NULL "
                    f"AND TRY_CAST(CAST({name} AS VARCHAR) AS {kind}) IS NULL ORDER BY row_number LIMIT 1"
                )
                if bad:
                    raise BuildError(f"{where}, field {field['name']}, row {bad[0]}: {bad[1]!r} is not {field['type']}")
            if field.get("constraints", {}).get("required"):
                bad = self._first(
                    f"SELECT row_number FROM staged WHERE {name} IS NULL OR CAST({name} AS VARCHAR) = '' "
                    "ORDER BY row_number LIMIT 1"
                )
                if bad:
                    raise BuildError(f"{where}, field {field['name']}, row {bad[0]}: required but empty")
        key = schema.get("primaryKey", [])
        if key:
            columns = ", ".join(_quoted(c) for c in key)
            bad = self._first(
                f"SELECT min(row_number), max(row_number), {columns} FROM staged GROUP BY {columns} "
                "HAVING count(*) > 1 ORDER BY 1 LIMIT 1"
            )
            if bad:
                values = ", ".join(f"{c}={v!r}" for c, v in zip(key, bad[2:], strict=True))
                raise BuildError(
                    f"{where}, primary key ({', '.join(key)}), row {bad[1]}: ({values}) repeats row {bad[0]}"
                )
        for foreign in schema.get("foreignKeys", []):
            local, target = foreign["fields"], foreign["reference"]
            match = " AND ".join(
                f"CAST(t.{_quoted(r)} AS VARCHAR) = CAST(s.{_quoted(f)} AS VARCHAR)"
                for f, r in zip(local, target["fields"], strict=True)
            )
            all_null = " AND ".join(f"s.{_quoted(f)} IS NULL" for f in local)
            columns = ", ".join(f"s.{_quoted(f)}" for f in local)
            bad = self._first(
                f"SELECT s.row_number, {columns} FROM staged s WHERE NOT ({all_null}) AND NOT EXISTS "
                f"(SELECT 1 FROM w.{_quoted(target['resource'])} t WHERE {match}) ORDER BY 1 LIMIT 1"
            )
            if bad:
                values = ", ".join(f"{c}={v!r}" for c, v in zip(local, bad[1:], strict=True))
                raise BuildError(
                    f"{where}, foreign key ({', '.join(local)}) -> {target['resource']}, row {bad[0]}: "
                    f"({values}) is not in {target['resource']}"
                )

    def write(self, resource: str, schema: dict) -> tuple[Path, Path]:
        """The staged rows as csv/<resource>.csv and parquet/<resource>.parquet, typed as the schema says."""
        columns = ", ".join(
            f"CAST({_quoted(f['name'])} AS {DUCKDB_TYPES[f['type']]}) AS {_quoted(f['name'])}" for f in schema["fields"]
        )
        csv, parquet = self.folder / "csv" / f"{resource}.csv", self.folder / "parquet" / f"{resource}.parquet"
        rows = f"SELECT {columns} FROM staged ORDER BY row_number"
        csv_file, parquet_file = _literal(csv), _literal(parquet)
        self.con.execute(f"COPY ({rows}) TO {csv_file} (FORMAT csv, HEADER true)")
        self.con.execute(f"COPY ({rows}) TO {parquet_file} (FORMAT parquet, COMPRESSION zstd)")
        if "source_id" in {f["name"] for f in schema["fields"]}:
            for (ids,) in self.con.execute(
                "SELECT DISTINCT source_id FROM staged WHERE source_id IS NOT NULL"
            ).fetchall():
                self.source_ids.update(ids.split(";"))
        return csv, parquet


def _resource(name: str, csv: Path, parquet: Path, folder: Path, table: Table, schema: dict, rows: int) -> dict:
    """One table's resource: its CSV file, with the Parquet file of the same rows and schema beside it."""
    return {
        "name": name,
        "type": "table",
        "path": csv.relative_to(folder).as_posix(),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": table.title,
        "description": table.description,
        "bytes": csv.stat().st_size,
        "hash": f"sha256:{versions.sha256_of(csv)}",
        "rows": rows,  # (not in the standard) the row count, for a reader's check
        # (not in the standard) the same rows as Parquet, typed as the schema says. A resource of its own would have
        # frictionless read every row again, about eight times slower than the CSV (some 15 minutes in all).
        "parquet": {
            "path": parquet.relative_to(folder).as_posix(),
            "mediatype": "application/vnd.apache.parquet",
            "bytes": parquet.stat().st_size,
            "hash": f"sha256:{versions.sha256_of(parquet)}",
        },
        "schema": schema,
    }


def _licence(text: str) -> dict | None:
    for start, licence in LICENCES:
        if text.startswith(start):
            return None if licence is None else licence | {"title": text}
    raise BuildError(f"package: no licence link known for {text!r} (add it to LICENCES in package.py)")


def _source(row: dict) -> dict:
    entry = {"title": f"{row['publisher']}: {row['title']}", "version": row.get("release") or row.get("vintage")}
    entry |= {"path": row["url"]} if row.get("url") else {}
    entry |= {k: row[k] for k in ("source_id", "publisher", "release", "release_date", "vintage") if row.get(k)}
    return entry


def _descriptor(con: duckdb.DuckDBPyConnection, resources: list[dict], source_ids: set[str]) -> dict:
    info = con.execute("SELECT data_version, built_at FROM w.build_info").fetchone()
    cursor = con.execute("SELECT * FROM w.sources ORDER BY publisher, source_id")
    names = [d[0] for d in cursor.description]
    sources = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    used = [s for s in sources if s["source_id"] in source_ids]
    licences = {}
    for source in used:
        licence = _licence(source.get("licence") or "")
        if licence:
            licences.setdefault(licence["path"], licence)
    by_id = {s["source_id"]: s for s in used}
    for resource in resources:  # a table by source names its release and its licence
        source = by_id.get(resource.pop("_source_id", None))
        licence = _licence(source.get("licence") or "") if source else None
        if source:
            resource["sources"] = [_source(source)]
        if licence:
            resource["licenses"] = [licence]
    return {
        "$schema": f"{PROFILES}/datapackage.json",
        "name": PACKAGE_NAME,
        "title": "Core Cities economic indicators: open data package",
        "description": (
            "The figures behind the Core Cities dashboard, as built into its warehouse from the official releases "
            "listed under sources: observations by release, the indicator catalogue, areas and their members, the "
            "aggregates and their reconciliation with published figures, the tax and spend estimates with their "
            "keys, the subnational indicators, and the European comparison. Each table is a CSV file and a Parquet "
            "file with the same rows; the tax and spend tables are estimates, not official statistics."
        ),
        "version": info[0],
        "created": info[1],
        "licenses": list(licences.values()),
        "sources": [_source(s) for s in used],
        "resources": resources,
    }


def _swap(built: Path, out: Path) -> None:
    """Put the built folder at `out`: the old package is renamed aside, the new one renamed in, the old deleted."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(built, out)
    shutil.rmtree(old, ignore_errors=True)


def build_package(out: Path | None = None, warehouse: Path | None = None, log=print) -> Path:
    """Write the open data package of `warehouse` (default: the current build) to `out` (default data/package/).

    Everything is written to a temporary folder beside `out` and checked first; a table that breaks its schema raises
    BuildError naming the table, field and row, and the previous package stays as it was."""
    started = time.perf_counter()
    out = Path(out) if out is not None else PACKAGE_DIR
    warehouse = Path(warehouse) if warehouse is not None else current_warehouse()
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.with_name(f".{out.name}.build-{os.getpid()}")
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "csv").mkdir(parents=True)
    (folder / "parquet").mkdir()
    con = duckdb.connect()
    try:
        attached = _literal(warehouse)
        con.execute(f"ATTACH {attached} AS w (READ_ONLY)")
        builder = _Builder(con, folder, log)
        for needed in ("build_info", "sources"):
            if needed not in builder.columns:
                raise BuildError(f"package: the warehouse {warehouse.name} has no {needed} table (rebuild it)")
        packaged = {t.name for t in TABLES if t.name in builder.columns}
        resources: list[dict] = []
        for table in TABLES:
            if table.name not in packaged:
                log(f"package: the warehouse has no table {table.name}: left out")
                continue
            present = builder.present(table)
            schema = builder.schema(table, present, packaged)
            if table.by_source:
                parts = [
                    r[0] for r in con.execute(f"SELECT DISTINCT source_id FROM w.{table.name} ORDER BY 1").fetchall()
                ]
            else:
                parts = [None]
            for source_id in parts:
                name = table.name if source_id is None else f"{table.name}-{source_id}"
                rows = builder.stage(table, present, source_id)
                builder.check(name, schema)
                resource = _resource(name, *builder.write(name, schema), folder, table, schema, rows)
                resources.append(resource | ({} if source_id is None else {"_source_id": source_id}))
        descriptor = _descriptor(con, resources, builder.source_ids)
        (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    except BaseException:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    con.close()
    _swap(folder, out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(
        f"package: {out} ({len(resources)} resources, {size / 1e6:.1f} MB, version {descriptor['version']}) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m indicators.pipeline.package", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help=f"folder to write (default {PACKAGE_DIR})")
    args = parser.parse_args(argv)
    try:
        build_package(args.out)
    except (BuildError, versions.WarehouseUnavailable, duckdb.Error, OSError) as exc:
        print(f"package failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
