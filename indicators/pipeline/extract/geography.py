"""Geography: LAD -> ITL / combined-authority lookups, the area register, Core City regions, code changes and maps.

Tables (no observations):
    lad_lookup           one row per local authority district (361, LAD 2024 codes) with ITL 2025, country and
                         May-2025 CA
    areas                every area the project uses (UK, UKX, countries, ITL1/2/3, LADs, combined authorities,
                         city regions)
    city_region_members  the city region of each of the ten Core Cities, one row per member council
    code_changes         area-code changes the project has to bridge (old code -> new code, and which one the
                         project keeps)

write_files() also writes simplified map boundaries to data/boundaries (lad, itl1 and city_regions GeoJSON).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from indicators.data.paths import REFERENCE_DIR
from indicators.pipeline.spec import ExtractError, Source, project_area_code, read_sheet, require_columns

ITL_LOOKUP = "ons_geography_lookups/LAD24_LAU125_ITL325_ITL225_ITL125_UK_LU.csv"
CA_LOOKUP = "ons_geography_lookups/LAD25_CAUTH25_EN_LU.csv"
REGION_LOOKUP = "ons_lad_region_lookup/LAD24_to_RGN24_April_2024_lookup.csv"
LAD_BOUNDARIES = "ons_boundaries_buc/LAD_May_2023_UK_BUC.geojson"
COUNTRY_BOUNDARIES = "ons_boundaries_buc/Countries_Dec_2022_UK_BUC.geojson"
CITY_REGIONS = "ons_subregional_productivity/labourproductivitycityregions_jun2024.xls"
CITY_REGION_SHEET = "Geography Lookup"

SOURCES = [
    Source(
        source_id="ons_lad_itl_lookup_jan2025",
        publisher="Office for National Statistics (Open Geography Portal)",
        title=(
            "Local Authority District (December 2024) to LAU1 to ITL3 to ITL2 to ITL1 (January 2025) Lookup in the UK"
        ),
        release="LAD (Dec 2024) to LAU1 to ITL3 to ITL2 to ITL1 (Jan 2025) Lookup in the UK",
        release_date="2025-01",
        vintage="Jan 2025",
        raw_files=ITL_LOOKUP,
        url="https://geoportal.statistics.gov.uk/",
        notes=(
            "Release month as named by ONS; exact day not stated in the file. LADs use 2024 codes, ITLs the 2025 codes."
        ),
    ),
    Source(
        source_id="ons_lad_cauth_lookup_may2025",
        publisher="Office for National Statistics (Open Geography Portal)",
        title="Local Authority District to Combined Authority (May 2025) Lookup in EN",
        release="LAD to Combined Authority (May 2025) Lookup in England",
        release_date="2025-05",
        vintage="May 2025",
        raw_files=CA_LOOKUP,
        url="https://geoportal.statistics.gov.uk/",
        notes="Uses LAD 2025 codes: Sheffield E08000039 and Barnsley E08000038 are remapped to E08000019 / E08000016.",
    ),
    Source(
        source_id="ons_lad_region_lookup_apr2024",
        publisher="Office for National Statistics (Open Geography Portal)",
        title="Local Authority District to Region (April 2024) Lookup in EN",
        release="LAD to Region (April 2024) Lookup in England",
        release_date="2024-04",
        vintage="Apr 2024",
        raw_files=REGION_LOOKUP,
        url="https://geoportal.statistics.gov.uk/",
        notes="England only; a Welsh, Scottish or Northern Irish council's region is its nation (as in ONS tables).",
    ),
    Source(
        source_id="ons_lad_boundaries_buc_may2023",
        publisher="Office for National Statistics (Open Geography Portal)",
        title="Local Authority Districts (May 2023) Boundaries UK BUC",
        release="Local Authority Districts (May 2023) Boundaries UK BUC",
        release_date="2023-05",
        vintage="May 2023",
        raw_files=f"{LAD_BOUNDARIES};{COUNTRY_BOUNDARIES}",
        url="https://geoportal.statistics.gov.uk/",
        notes=(
            "Ultra-generalised (500 m) clipped boundaries; LAD May 2023 codes equal the LAD 2024 codes. Countries from "
            "Countries (December 2022) UK BUC. Contains OS data (c) Crown copyright and database right 2023. "
            "Maps in data/boundaries are further simplified for display (coverage-preserving, ~3 km). Councils' land "
            "areas (lad_land_areas, for population density in the statistical neighbours) are computed from these "
            "polygons: approximate, as they are generalised to about 500 m."
        ),
    ),
    Source(
        source_id="ons_productivity_city_region_lookup_jun2024",
        publisher="Office for National Statistics",
        title="Subregional productivity: labour productivity indices by city region, 'Geography Lookup' sheet",
        release="Subregional productivity in the UK: June 2024",
        release_date="2024-06",
        vintage="Jun 2024",
        raw_files=CITY_REGIONS,
        url="https://www.ons.gov.uk/economy/economicoutputandproductivity/productivitymeasures/datasets/",
        notes="Used only for city-region membership (Cardiff Capital Region, Glasgow City Region) and old CA codes.",
    ),
]

INDICATORS: list = []

TABLES = {
    "lad_lookup": ("lad_code",),
    "areas": ("area_code",),
    "city_region_members": ("city_region_code", "lad_code"),
    "code_changes": ("old_code", "new_code"),
    "lad_regions": ("lad_code",),
    "lad_land_areas": ("lad_code",),
}

AREA_TYPES = (
    "uk",
    "uk_less_extra_regio",
    "country",
    "itl1",
    "itl2",
    "itl3",
    "lad",
    "combined_authority",
    "city_region",
)

# Identifiers, not statistics: the UK totals' codes as used in ONS regional accounts.
UK_AREAS = [("K02000001", "United Kingdom", "uk"), ("UKX", "UK less Extra-Regio", "uk_less_extra_regio")]

# Code changes no lookup file here records (documented in ons_geography_lookups/PROVENANCE.md and core_cities.csv).
DOCUMENTED_CHANGES = [
    (
        "S12000046",
        "S12000049",
        "Glasgow City",
        "2018",
        "Scottish council code change (boundary change, 2018/19)",
        "S12000049",
    ),
]
# Year each derived change took effect (identifiers' dates, documented in PROVENANCE.md).
CA_CHANGE_YEAR = "2024"
LAD_CHANGE_YEAR = "2025"

LAD_COLUMNS = [
    "lad_code",
    "lad_name",
    "itl3_code",
    "itl3_name",
    "itl2_code",
    "itl2_name",
    "itl1_code",
    "itl1_name",
    "country_code",
    "ca_code",
    "ca_name",
]
MEMBER_COLUMNS = ["city", "city_region_code", "city_region_name", "lad_code", "lad_name", "definition_source"]
CHANGE_COLUMNS = ["old_code", "new_code", "area_name", "effective", "note", "project_code"]

# Map simplification (EPSG:27700 metres): coverage tolerance and the smallest island part kept (the largest part of
# each district is always kept).
CRS_PROJECTED = "EPSG:27700"
CRS_OUTPUT = "EPSG:4326"
SIMPLIFY_TOLERANCE_M = 3000
MIN_PART_AREA_M2 = 10_000_000
COORD_DP = 3


# --- readers ---------------------------------------------------------------------------------------------------


def read_csv_table(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read an ONS lookup CSV (UTF-8 with BOM) as text; every listed column must exist and be filled."""
    if not path.exists():
        raise ExtractError(path, "file not found")
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    require_columns(frame, columns, path)
    frame = frame[columns].apply(lambda col: col.str.strip())
    for offset, values in enumerate(frame.itertuples(index=False)):
        blanks = [c for c, v in zip(columns, values) if not v]
        if blanks:
            raise ExtractError(path, f"blank {blanks}", row=offset + 2)  # line 1 is the header
    return frame


def read_itl_lookup(path: Path) -> pd.DataFrame:
    """ONS LAD24 -> LAU1 -> ITL3/2/1 (2025) lookup, one row per LAU1."""
    cols = [
        "ITL125CD",
        "ITL125NM",
        "ITL225CD",
        "ITL225NM",
        "ITL325CD",
        "ITL325NM",
        "LAU125CD",
        "LAU125NM",
        "LAD24CD",
        "LAD24NM",
    ]
    return read_csv_table(path, cols)


def read_ca_lookup(path: Path) -> pd.DataFrame:
    """ONS LAD25 -> Combined Authority (May 2025) lookup, England."""
    frame = read_csv_table(path, ["LAD25CD", "LAD25NM", "CAUTH25CD", "CAUTH25NM"])
    duplicated = frame["LAD25CD"].duplicated()
    if duplicated.any():
        raise ExtractError(
            path, f"LAD {frame.loc[duplicated, 'LAD25CD'].iloc[0]} in two CAs", row=int(duplicated.idxmax()) + 2
        )
    return frame


def read_city_region_lookup(path: Path) -> pd.DataFrame:
    """The 'Geography Lookup' sheet of the ONS Jun 2024 city-region productivity workbook (LAD23 -> city region)."""
    frame = read_sheet(path, CITY_REGION_SHEET, header_row=1, dtype=str)
    cols = ["LAD23CD", "LAD23NM", "CRCD", "CRNM", "Country"]
    require_columns(frame, cols, path, CITY_REGION_SHEET)
    frame = frame[cols]
    for offset, values in enumerate(frame.itertuples(index=False)):
        if any(not isinstance(v, str) or not v.strip() for v in values):
            raise ExtractError(path, f"incomplete lookup row {list(values)}", sheet=CITY_REGION_SHEET, row=offset + 2)
    return frame.apply(lambda col: col.str.strip())


def read_countries(path: Path) -> pd.DataFrame:
    """Country codes and names from the ONS Countries (Dec 2022) BUC GeoJSON properties."""
    features = _read_geojson_features(path)
    rows = []
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        if not props.get("CTRY22CD") or not props.get("CTRY22NM"):
            raise ExtractError(path, f"feature without CTRY22CD/CTRY22NM: {props}", row=number)
        rows.append((props["CTRY22CD"], props["CTRY22NM"]))
    frame = pd.DataFrame(rows, columns=["country_code", "country_name"])
    if sorted(frame["country_code"].str[0]) != ["E", "N", "S", "W"]:
        raise ExtractError(path, f"expected the four UK countries, found {list(frame['country_code'])}")
    return frame


def _read_geojson_features(path: Path) -> list[dict]:
    """The feature list of a GeoJSON file; errors name the file."""
    if not path.exists():
        raise ExtractError(path, "file not found")
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ExtractError(path, f"not a GeoJSON FeatureCollection ({exc})") from None
    return features


def read_core_cities(path: Path) -> pd.DataFrame:
    """The ten Core Cities with their council code and the city region each sits in (project reference table)."""
    frame = read_csv_table(path, ["city", "lad_code", "city_region_name"])
    if len(frame) != 10:
        raise ExtractError(path, f"expected 10 Core Cities, found {len(frame)}")
    return frame


# --- builders --------------------------------------------------------------------------------------------------


def lad25_code_changes(itl: pd.DataFrame, ca: pd.DataFrame, ca_path: Path) -> pd.DataFrame:
    """LAD25 codes absent from the LAD24 lookup, matched to their LAD24 code by name (Sheffield, Barnsley)."""
    lad24 = itl.drop_duplicates("LAD24CD").set_index("LAD24NM")["LAD24CD"]
    rows = []
    for offset, rec in ca.iterrows():
        if rec["LAD25CD"] in set(lad24):
            continue
        if rec["LAD25NM"] not in lad24.index:
            raise ExtractError(
                ca_path, f"LAD25 code {rec['LAD25CD']} ({rec['LAD25NM']}) matches no LAD24 code", row=offset + 2
            )
        old = lad24[rec["LAD25NM"]]
        note = (
            "LAD25 code after an April 2025 boundary change; the project keeps the LAD24 code "
            f"(remap {rec['LAD25CD']}->{old})"
        )
        rows.append((old, rec["LAD25CD"], rec["LAD25NM"], LAD_CHANGE_YEAR, note, old))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def ca_code_changes(ca: pd.DataFrame, city_regions: pd.DataFrame, lad_remap: dict, path: Path) -> pd.DataFrame:
    """Combined-authority codes in the Jun 2024 city-region lookup that the May 2025 lookup replaced (North East)."""
    ca_by_lad = ca.assign(lad=ca["LAD25CD"].replace(lad_remap)).set_index("lad")
    old = city_regions[city_regions["CRCD"].str.startswith("E47") & ~city_regions["CRCD"].isin(set(ca["CAUTH25CD"]))]
    rows = []
    for (code, name), group in old.groupby(["CRCD", "CRNM"], sort=True):
        successors = ca_by_lad.reindex(group["LAD23CD"])[["CAUTH25CD", "CAUTH25NM"]].drop_duplicates()
        if len(successors) != 1 or successors["CAUTH25CD"].isna().any():
            raise ExtractError(path, f"{code} {name}: members do not map to one May-2025 CA", sheet=CITY_REGION_SHEET)
        new_code, new_name = successors.iloc[0]
        note = (
            f"replaced by the {new_name} combined authority ({new_code}); old code still used in the Jun 2024 "
            "productivity release"
        )
        rows.append((code, new_code, name, CA_CHANGE_YEAR, note, new_code))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def build_code_changes(lad_changes: pd.DataFrame, ca_changes: pd.DataFrame) -> pd.DataFrame:
    """All code changes: documented constants plus those derived from the lookups."""
    documented = pd.DataFrame(DOCUMENTED_CHANGES, columns=CHANGE_COLUMNS)
    return pd.concat([documented, lad_changes, ca_changes], ignore_index=True)


def one_row_per_lad(itl: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Collapse the LAU1-level lookup to LADs; a LAD split across ITL3s keeps its 'mainland' LAU1 (North Ayrshire)."""
    rows = []
    for code, group in itl.groupby("LAD24CD", sort=True):
        if group["ITL325CD"].nunique() > 1:
            group = group[group["LAU125NM"].str.lower().str.endswith("mainland")]
            if len(group) != 1:
                raise ExtractError(path, f"LAD {code} spans several ITL3s and has no single 'mainland' LAU1")
        rows.append(group.iloc[0])
    return pd.DataFrame(rows).reset_index(drop=True)


def build_lad_lookup(
    itl: pd.DataFrame, ca: pd.DataFrame, countries: pd.DataFrame, lad_remap: dict, path: Path
) -> pd.DataFrame:
    """One row per LAD: ITL 2025 hierarchy, country, and May 2025 combined authority (blank if none)."""
    lads = one_row_per_lad(itl, path)
    country_by_letter = dict(zip(countries["country_code"].str[0], countries["country_code"]))
    ca_by_lad = ca.assign(lad=ca["LAD25CD"].replace(lad_remap)).set_index("lad")
    unmatched = sorted(set(ca_by_lad.index) - set(lads["LAD24CD"]))
    if unmatched:
        raise ExtractError(path, f"CA lookup LADs not in the ITL lookup: {unmatched}")
    frame = pd.DataFrame(
        {
            "lad_code": lads["LAD24CD"],
            "lad_name": lads["LAD24NM"],
            "itl3_code": lads["ITL325CD"],
            "itl3_name": lads["ITL325NM"],
            "itl2_code": lads["ITL225CD"],
            "itl2_name": lads["ITL225NM"],
            "itl1_code": lads["ITL125CD"],
            "itl1_name": lads["ITL125NM"],
            "country_code": lads["LAD24CD"].str[0].map(country_by_letter),
            "ca_code": lads["LAD24CD"].map(ca_by_lad["CAUTH25CD"]).fillna(""),
            "ca_name": lads["LAD24CD"].map(ca_by_lad["CAUTH25NM"]).fillna(""),
        }
    )
    if frame["country_code"].isna().any():
        raise ExtractError(
            path, f"LAD codes with no country: {list(frame.loc[frame['country_code'].isna(), 'lad_code'])}"
        )
    return frame[LAD_COLUMNS]


def build_lad_regions(lad: pd.DataFrame, regions: pd.DataFrame, countries: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Each council's English region (E12 code), or its nation outside England: the benchmark ONS tables publish."""
    english = regions.set_index("LAD24CD")
    frame = lad[["lad_code", "country_code"]].merge(countries, on="country_code")
    in_england = frame["lad_code"].str.startswith("E")
    missing = sorted(set(frame.loc[in_england, "lad_code"]) - set(english.index))
    if missing:
        raise ExtractError(path, f"English councils with no region: {missing}")
    frame["region_code"] = frame["lad_code"].map(english["RGN24CD"]).where(in_england, frame["country_code"])
    frame["region_name"] = frame["lad_code"].map(english["RGN24NM"]).where(in_england, frame["country_name"])
    return frame[["lad_code", "region_code", "region_name"]].sort_values("lad_code").reset_index(drop=True)


def build_city_region_members(
    cities: pd.DataFrame, lad: pd.DataFrame, city_regions: pd.DataFrame, cr_path: Path
) -> pd.DataFrame:
    """Each Core City's region: its May-2025 CA in England, else its city region in the ONS Jun 2024 lookup."""
    names = lad.set_index("lad_code")["lad_name"]
    rows = []
    for city in cities.itertuples(index=False):
        if city.lad_code not in names.index:
            raise ExtractError(cr_path, f"Core City {city.city} code {city.lad_code} is not a LAD24 code")
        ca_code = lad.set_index("lad_code").at[city.lad_code, "ca_code"]
        if ca_code:
            members = lad[lad["ca_code"] == ca_code]
            code, name = ca_code, members["ca_name"].iloc[0]
            source = "ONS LAD to Combined Authority (May 2025) lookup"
            lad_codes = list(members["lad_code"])
        else:
            members = city_regions[city_regions["CRNM"] == city.city_region_name]
            if city.lad_code not in set(members["LAD23CD"]):
                message = f"no city region '{city.city_region_name}' containing {city.lad_code}"
                raise ExtractError(cr_path, message, sheet=CITY_REGION_SHEET)
            gss = members["CRCD"].iloc[0]
            code = gss if gss.lower() != "not available" else project_area_code(city.city_region_name)
            name = city.city_region_name
            source = "ONS Subregional productivity (Jun 2024), city regions workbook 'Geography Lookup' sheet"
            lad_codes = list(members["LAD23CD"])
        missing = [c for c in lad_codes if c not in names.index]
        if missing:
            raise ExtractError(cr_path, f"{name} members not in the LAD24 lookup: {missing}")
        rows += [(city.city, code, name, c, names[c], source) for c in sorted(lad_codes)]
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS)


def build_areas(lad: pd.DataFrame, ca: pd.DataFrame, countries: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The register of every area the project uses, with its type."""
    parts = [pd.DataFrame(UK_AREAS, columns=["area_code", "area_name", "area_type"])]
    parts.append(
        countries.rename(columns={"country_code": "area_code", "country_name": "area_name"}).assign(area_type="country")
    )
    for level in ("itl1", "itl2", "itl3", "lad"):
        sub = lad[[f"{level}_code", f"{level}_name"]].drop_duplicates()
        parts.append(sub.set_axis(["area_code", "area_name"], axis=1).assign(area_type=level))
    cas = ca[["CAUTH25CD", "CAUTH25NM"]].drop_duplicates().set_axis(["area_code", "area_name"], axis=1)
    parts.append(cas.assign(area_type="combined_authority"))
    regions = members[["city_region_code", "city_region_name"]].drop_duplicates()
    regions = regions[~regions["city_region_code"].isin(set(cas["area_code"]))]
    parts.append(regions.set_axis(["area_code", "area_name"], axis=1).assign(area_type="city_region"))
    return pd.concat(parts, ignore_index=True)[["area_code", "area_name", "area_type"]]


def build_tables(raw_dir: Path, reference_dir: Path = REFERENCE_DIR) -> dict[str, pd.DataFrame]:
    """Read the lookups and build the geography tables."""
    itl_path, ca_path, cr_path = raw_dir / ITL_LOOKUP, raw_dir / CA_LOOKUP, raw_dir / CITY_REGIONS
    itl, ca = read_itl_lookup(itl_path), read_ca_lookup(ca_path)
    city_regions = read_city_region_lookup(cr_path)
    countries = read_countries(raw_dir / COUNTRY_BOUNDARIES)
    cities = read_core_cities(reference_dir / "core_cities.csv")
    lad_changes = lad25_code_changes(itl, ca, ca_path)
    lad_remap = dict(zip(lad_changes["new_code"], lad_changes["old_code"]))
    lad = build_lad_lookup(itl, ca, countries, lad_remap, itl_path)
    members = build_city_region_members(cities, lad, city_regions, cr_path)
    return {
        "lad_lookup": lad,
        "areas": build_areas(lad, ca, countries, members),
        "city_region_members": members,
        "code_changes": build_code_changes(lad_changes, ca_code_changes(ca, city_regions, lad_remap, cr_path)),
        "lad_regions": build_lad_regions(
            lad,
            read_csv_table(raw_dir / REGION_LOOKUP, ["LAD24CD", "RGN24CD", "RGN24NM"]),
            countries,
            raw_dir / REGION_LOOKUP,
        ),
        "lad_land_areas": land_areas(read_lad_boundaries(raw_dir / LAD_BOUNDARIES, set(lad["lad_code"]))),
    }


def extract(raw_dir: Path, reference_dir: Path = REFERENCE_DIR) -> dict[str, pd.DataFrame]:
    """The geography tables (non-observation extracts)."""
    return build_tables(raw_dir, reference_dir)


# --- boundaries ------------------------------------------------------------------------------------------------


def read_lad_boundaries(path: Path, lad_codes: set[str]):
    """LAD May 2023 BUC polygons (made valid) in British National Grid, checked against the LAD lookup."""
    import geopandas as gpd

    if not path.exists():
        raise ExtractError(path, "file not found")
    frame = gpd.read_file(path)
    require_columns(frame, ["LAD23CD", "geometry"], path)
    codes = set(frame["LAD23CD"])
    if codes != lad_codes or frame["LAD23CD"].duplicated().any():
        missing, extra = sorted(lad_codes - codes)[:5], sorted(codes - lad_codes)[:5]
        raise ExtractError(path, f"LAD codes differ from the lookup: missing {missing}, extra {extra}")
    frame = frame[["LAD23CD", "geometry"]].rename(columns={"LAD23CD": "area_code"})
    frame["geometry"] = frame.geometry.make_valid(method="structure", keep_collapsed=False)  # North Somerset is invalid
    return frame.sort_values("area_code").reset_index(drop=True).to_crs(CRS_PROJECTED)


def land_areas(lads) -> pd.DataFrame:
    """Each council's area in km² from its clipped (coastline) boundary in British National Grid: an approximation
    (the BUC polygons are generalised to about 500 m), used only to tell dense councils from sparse ones."""
    return pd.DataFrame(
        {
            "lad_code": lads["area_code"],
            "area_km2": (lads.geometry.area / 1e6).round(1),
            "method": "computed from ONS LAD (May 2023) BUC boundaries, British National Grid",
        }
    )


def _drop_small_parts(geometry):
    """Remove island parts below MIN_PART_AREA_M2, always keeping the largest part."""
    import shapely

    parts = sorted(shapely.get_parts(geometry), key=lambda p: -p.area)
    kept = [parts[0]] + [p for p in parts[1:] if p.area >= MIN_PART_AREA_M2]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)


def simplify_lads(lads):
    """Coverage-preserving simplification (shared borders stay matched), then drop small islands."""
    out = lads.copy()
    out["geometry"] = out.geometry.simplify_coverage(SIMPLIFY_TOLERANCE_M)
    out["geometry"] = [_drop_small_parts(g) for g in out.geometry]
    return out


def dissolve(lads, groups: pd.DataFrame):
    """Union simplified LADs (projected CRS) into the areas of `groups` (area_code, area_name, lad_code)."""
    import geopandas as gpd
    import shapely

    geometry = lads.set_index("area_code").geometry
    records = []
    for (code, name), group in groups.groupby(["area_code", "area_name"], sort=True):
        union = shapely.union_all(geometry.loc[sorted(group["lad_code"])].values)
        records.append({"area_code": code, "area_name": name, "geometry": union})
    return gpd.GeoDataFrame(records, geometry="geometry", crs=lads.crs)


def to_output(frame):
    """WGS84, snapped to a COORD_DP grid, exterior rings clockwise: the order D3 and Plotly's SVG maps read as "inside"
    (anticlockwise rings fill the rest of the globe there). RFC 7946 asks parsers to accept either order."""
    import shapely

    out = frame.to_crs(CRS_OUTPUT)
    snapped = shapely.set_precision(out.geometry.values, 10.0**-COORD_DP)
    out["geometry"] = shapely.orient_polygons(snapped, exterior_cw=True)
    return out


def _rounded(coords):
    """Nested coordinate tuples -> lists of rounded floats."""
    if isinstance(coords[0], (int, float)):
        return [round(float(c), COORD_DP) for c in coords]
    return [_rounded(c) for c in coords]


def geojson_text(frame, properties: list[str]) -> str:
    """Compact, deterministic GeoJSON FeatureCollection (features in the frame's order)."""
    from shapely.geometry import mapping

    features = []
    for row in frame.itertuples(index=False):
        geom = mapping(row.geometry)
        features.append(
            {
                "type": "Feature",
                "properties": {p: getattr(row, p) for p in properties},
                "geometry": {"type": geom["type"], "coordinates": _rounded(geom["coordinates"])},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"), ensure_ascii=False)


# Plotly's SVG maps load a world base map (coastlines, land…) from its CDN even when it is hidden; the maps point
# Plotly at this empty one on our own server instead (our own boundaries are the base map), so no request leaves it.
BLANK_BASE_MAP = {
    "type": "Topology",
    "arcs": [],
    "objects": {
        name: {"type": "GeometryCollection", "geometries": []}
        for name in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
    },
}


def build_boundaries(raw_dir: Path, reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """The three simplified boundary files as GeoJSON text and the empty base map, keyed by file name."""
    tables = build_tables(raw_dir, reference_dir)
    lad = tables["lad_lookup"]
    lads = simplify_lads(read_lad_boundaries(raw_dir / LAD_BOUNDARIES, set(lad["lad_code"])))
    lad_out = lads.merge(lad[["lad_code", "lad_name"]].set_axis(["area_code", "area_name"], axis=1), on="area_code")
    itl1_groups = lad[["itl1_code", "itl1_name", "lad_code"]].set_axis(["area_code", "area_name", "lad_code"], axis=1)
    members = tables["city_region_members"]
    cr_groups = members[["city_region_code", "city_region_name", "lad_code"]]
    cr_groups = cr_groups.set_axis(["area_code", "area_name", "lad_code"], axis=1)
    cities = members[["city_region_code", "city"]].drop_duplicates().rename(columns={"city_region_code": "area_code"})
    regions = dissolve(lads, cr_groups).merge(cities, on="area_code")
    return {
        "lad.geojson": geojson_text(to_output(lad_out), ["area_code", "area_name"]),
        "itl1.geojson": geojson_text(to_output(dissolve(lads, itl1_groups)), ["area_code", "area_name"]),
        "city_regions.geojson": geojson_text(to_output(regions), ["area_code", "area_name", "city"]),
        "world_110m.json": json.dumps(BLANK_BASE_MAP, separators=(",", ":")),
    }


def write_files(raw_dir: Path, data_dir: Path) -> list[Path]:
    """Write simplified LAD, ITL1 and Core City region boundaries and the empty base map to data_dir/boundaries."""
    out_dir = data_dir / "boundaries"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build_boundaries(raw_dir).items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
