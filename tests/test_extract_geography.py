"""Geography extract: lookups, area register, Core City regions, code changes and simplified boundaries."""

import json

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from indicators.data.paths import EXTRACTS_DIR as EXTRACTS
from indicators.pipeline.extract import geography
from indicators.pipeline.spec import ExtractError
from tests.test_extract_labour_international_reference import CORE_CITIES

CORE_CITY_CODES = set(CORE_CITIES.values())


@pytest.fixture(scope="module")
def tables(raw_dir, reference_dir):
    return geography.extract(raw_dir, reference_dir)


@pytest.fixture(scope="module")
def core_cities(reference_dir):
    return pd.read_csv(reference_dir / "core_cities.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def boundaries(raw_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    paths = geography.write_files(raw_dir, out)
    return {p.name: p for p in paths}


def _features(path):
    return json.loads(path.read_text(encoding="utf-8"))["features"]


# --- lad_lookup -----------------------------------------------------------------------------------------------


def test_lad_lookup_has_361_unique_lads(tables):
    lad = tables["lad_lookup"]
    assert len(lad) == 361 and lad["lad_code"].is_unique
    assert list(lad.columns) == geography.LAD_COLUMNS
    # PROVENANCE (LAD May 2023 BUC): E 296, S 32, W 22, N 11
    assert lad["country_code"].value_counts().to_dict() == {
        "E92000001": 296,
        "S92000003": 32,
        "W92000004": 22,
        "N92000002": 11,
    }


def test_core_cities_itl_and_ca(tables, core_cities):
    lad = tables["lad_lookup"].set_index("lad_code")
    assert CORE_CITY_CODES <= set(lad.index)
    for city in core_cities.itertuples():
        assert lad.at[city.lad_code, "itl1_code"] == city.itl1_code, city.city
    # ITL3 and CA codes read off ons_geography_lookups/PROVENANCE.md
    expected = {
        "E08000025": ("TLG31", "E47000007"),
        "E06000023": ("TLK51", "E47000009"),
        "W06000015": ("TLL52", ""),
        "S12000049": ("TLM32", ""),
        "E08000035": ("TLE42", "E47000003"),
        "E08000012": ("TLD72", "E47000004"),
        "E08000003": ("TLD33", "E47000001"),
        "E08000021": ("TLC43", "E47000014"),
        "E06000018": ("TLF14", "E47000013"),
        "E08000019": ("TLE32", "E47000002"),
    }
    for code, (itl3, ca) in expected.items():
        assert (lad.at[code, "itl3_code"], lad.at[code, "ca_code"]) == (itl3, ca), code


def test_lad25_codes_remapped_to_lad24(tables):
    lad = tables["lad_lookup"].set_index("lad_code")
    assert not {"E08000038", "E08000039"} & set(lad.index)
    assert lad.at["E08000016", "ca_code"] == "E47000002"
    assert (lad["ca_code"] != "").sum() == 106  # every row of the May 2025 CA lookup matched


def test_split_lad_keeps_mainland_itl3(tables):
    lad = tables["lad_lookup"].set_index("lad_code")
    assert lad.at["S12000021", "itl3_code"] == "TLM93"  # North Ayrshire mainland, not Arran and Cumbrae


def test_itl1_matches_english_regions(tables, raw_dir):
    """ITL1 regions agree one-to-one with the ONS LAD24 -> region (April 2024) lookup for every English LAD."""
    regions = pd.read_csv(raw_dir / "ons_lad_region_lookup/LAD24_to_RGN24_April_2024_lookup.csv", encoding="utf-8-sig")
    lad = tables["lad_lookup"].set_index("lad_code")
    pairs = set(zip(regions["RGN24NM"], lad.loc[regions["LAD24CD"], "itl1_code"]))
    assert len(regions) == 296
    assert len(pairs) == 9 and len({r for r, _ in pairs}) == 9 and len({i for _, i in pairs}) == 9  # one-to-one
    assert ("West Midlands", "TLG") in pairs and ("London", "TLI") in pairs


# --- areas ----------------------------------------------------------------------------------------------------


def test_areas_register(tables):
    areas = tables["areas"]
    assert areas["area_code"].is_unique
    assert set(areas["area_type"]) == set(geography.AREA_TYPES)
    counts = areas["area_type"].value_counts().to_dict()
    assert counts == {
        "uk": 1,
        "uk_less_extra_regio": 1,
        "country": 4,
        "itl1": 12,
        "itl2": 46,
        "itl3": 182,
        "lad": 361,
        "combined_authority": 15,
        "city_region": 2,
    }
    by_code = areas.set_index("area_code")
    assert by_code.at["UKX", "area_name"] == "UK less Extra-Regio"
    assert by_code.at["E92000001", "area_name"] == "England"
    assert by_code.at["TLI", "area_name"] == "London"
    assert by_code.at["W42000001", "area_type"] == "city_region"
    assert by_code.at["CR_GLASGOW_CITY_REGION", "area_name"] == "Glasgow City Region"
    assert set(tables["lad_lookup"]["ca_code"]) - {""} <= set(by_code.index)


def test_project_area_code_rule():
    assert geography.project_area_code("Glasgow City Region") == "CR_GLASGOW_CITY_REGION"
    assert geography.project_area_code("Derry-Londonderry City Region") == "CR_DERRY_LONDONDERRY_CITY_REGION"


# --- city regions ---------------------------------------------------------------------------------------------


def test_city_region_codes_and_sizes(tables):
    members = tables["city_region_members"]
    assert not members.duplicated(["city_region_code", "lad_code"]).any()
    regions = members.groupby(["city", "city_region_code"]).size().to_dict()
    assert regions == {
        ("Birmingham", "E47000007"): 7,
        ("Bristol", "E47000009"): 3,
        ("Leeds", "E47000003"): 5,
        ("Liverpool", "E47000004"): 6,
        ("Manchester", "E47000001"): 10,
        ("Newcastle", "E47000014"): 7,
        ("Nottingham", "E47000013"): 17,
        ("Sheffield", "E47000002"): 4,
        ("Cardiff", "W42000001"): 10,
        ("Glasgow", "CR_GLASGOW_CITY_REGION"): 8,
    }
    own = members[members["lad_code"].isin(CORE_CITY_CODES)]
    assert len(own) == 10  # each city sits in its own region


@pytest.mark.parametrize("city", ["Cardiff", "Glasgow"])
def test_non_english_regions_match_core_cities_note(tables, core_cities, city):
    note = core_cities.set_index("city").at[city, "note"]
    named = {n.strip() for n in note.split(":", 1)[1].split(";")[0].split(",")}
    members = tables["city_region_members"]
    assert set(members.loc[members["city"] == city, "lad_name"]) == named


# --- code changes ---------------------------------------------------------------------------------------------


def test_code_changes(tables):
    changes = tables["code_changes"].set_index(["old_code", "new_code"])
    assert set(changes.index) == {
        ("S12000046", "S12000049"),
        ("E08000019", "E08000039"),
        ("E08000016", "E08000038"),
        ("E47000010", "E47000014"),
        ("E47000011", "E47000014"),
    }
    assert changes.loc[("E08000019", "E08000039"), "project_code"] == "E08000019"
    assert changes.loc[("E08000019", "E08000039"), "effective"] == "2025"
    assert changes.loc[("S12000046", "S12000049"), "project_code"] == "S12000049"
    assert changes.loc[("E47000011", "E47000014"), "effective"] == "2024"


# --- boundaries -----------------------------------------------------------------------------------------------


def test_lad_geojson(boundaries, tables):
    path = boundaries["lad.geojson"]
    assert path.stat().st_size <= 150 * 1024
    features = _features(path)
    assert [f["properties"]["area_code"] for f in features] == sorted(tables["lad_lookup"]["lad_code"])
    assert all(set(f["properties"]) == {"area_code", "area_name"} for f in features)
    geoms = {f["properties"]["area_code"]: shape(f["geometry"]) for f in features}
    assert all(g.is_valid and not g.is_empty and g.area > 0 for g in geoms.values())
    for small in ("E09000001", "E06000053"):  # City of London, Isles of Scilly
        assert geoms[small].area > 0
    assert geoms["E08000025"].contains(shapely.Point(-1.90, 52.48))  # Birmingham city centre


def test_itl1_and_city_region_geojson(boundaries, tables):
    itl1 = _features(boundaries["itl1.geojson"])
    assert sorted(f["properties"]["area_code"] for f in itl1) == sorted(tables["lad_lookup"]["itl1_code"].unique())
    lads = {f["properties"]["area_code"]: shape(f["geometry"]) for f in _features(boundaries["lad.geojson"])}
    regions = {
        f["properties"]["area_code"]: shape(f["geometry"]) for f in _features(boundaries["city_regions.geojson"])
    }
    members = tables["city_region_members"]
    assert set(regions) == set(members["city_region_code"])
    for code, geom in regions.items():
        assert geom.is_valid and not geom.is_empty
        inside = {c for c, g in lads.items() if geom.contains(g.representative_point())}
        assert inside == set(members.loc[members["city_region_code"] == code, "lad_code"]), code


def test_exterior_rings_run_clockwise_and_the_base_map_is_empty(boundaries):
    for name in ("lad.geojson", "itl1.geojson", "city_regions.geojson"):
        for feature in _features(boundaries[name]):
            polygons = shape(feature["geometry"])
            for polygon in getattr(polygons, "geoms", [polygons]):  # SVG maps fill anticlockwise rings inside-out
                assert not polygon.exterior.is_ccw, (name, feature["properties"]["area_code"])
    base = json.loads(boundaries["world_110m.json"].read_text())
    assert base["type"] == "Topology" and all(not o["geometries"] for o in base["objects"].values())


def test_boundaries_are_deterministic(boundaries, raw_dir):
    again = geography.build_boundaries(raw_dir)
    for name, path in boundaries.items():
        assert path.read_text(encoding="utf-8") == again[name], name


# --- malformed input ------------------------------------------------------------------------------------------


def test_blank_code_in_lookup_names_file_and_row(tmp_path):
    path = tmp_path / "lookup.csv"
    path.write_text(
        "\ufeffLAD25CD,LAD25NM,CAUTH25CD,CAUTH25NM,ObjectId\n"
        "E08000001,Bolton,E47000001,Greater Manchester,1\n"
        ",Bury,E47000001,Greater Manchester,2\n",
        encoding="utf-8",
    )
    with pytest.raises(ExtractError, match=r"lookup\.csv, row 3: blank \['LAD25CD'\]"):
        geography.read_ca_lookup(path)


def test_missing_column_in_itl_lookup(tmp_path):
    path = tmp_path / "itl.csv"
    path.write_text(
        "ITL125CD,ITL125NM,LAD24CD,LAD24NM\nTLC,North East (England),E06000001,Hartlepool\n", encoding="utf-8"
    )
    with pytest.raises(ExtractError, match=r"itl\.csv: missing columns"):
        geography.read_itl_lookup(path)


def test_incomplete_city_region_sheet_names_sheet_and_row(tmp_path):
    path = tmp_path / "cityregions.xlsx"
    frame = pd.DataFrame(
        {
            "LAD23CD": ["W06000015", "W06000022"],
            "LAD23NM": ["Cardiff", "Newport"],
            "CRCD": ["W42000001", None],
            "CRNM": ["Cardiff Capital Region", "Cardiff Capital Region"],
            "Country": ["Wales", "Wales"],
        }
    )
    frame.to_excel(path, sheet_name="Geography Lookup", index=False)
    with pytest.raises(ExtractError, match=r"cityregions\.xlsx, sheet 'Geography Lookup', row 3"):
        geography.read_city_region_lookup(path)


def test_lad_boundaries_must_match_lookup(tmp_path):
    path = tmp_path / "lad.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"LAD23CD": "E06000001"},
                        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ExtractError, match=r"lad\.geojson: LAD codes differ from the lookup"):
        geography.read_lad_boundaries(path, {"E06000001", "E06000002"})


def test_every_council_has_the_region_ons_tables_publish():
    """England: the ONS LAD-to-region lookup (Birmingham -> West Midlands); elsewhere the council's nation."""
    regions = pd.read_csv(EXTRACTS / "lad_regions.csv", dtype=str).set_index("lad_code")
    lads = pd.read_csv(EXTRACTS / "lad_lookup.csv", dtype=str)
    assert set(regions.index) == set(lads["lad_code"])
    assert regions.loc["E08000025", "region_code"] == "E12000005"
    assert regions.loc["E06000001", "region_name"] == "North East"
    assert regions.loc["W06000015", "region_code"] == "W92000004"
    assert regions.loc["S12000049", "region_code"] == "S92000003"
    assert regions["region_code"].str.match(r"^(E12|W92|S92|N92)").all()


def test_land_areas_cover_every_council_and_are_plausible():
    """Computed from the generalised boundaries: within a few per cent of the published areas (Birmingham 267.8 km²,
    County Durham 2,226 km², City of London 2.9 km² — ONS Standard Area Measurements, quoted here only as a check)."""
    areas = pd.read_csv(EXTRACTS / "lad_land_areas.csv").set_index("lad_code")["area_km2"]
    lads = pd.read_csv(EXTRACTS / "lad_lookup.csv", dtype=str)
    assert set(areas.index) == set(lads["lad_code"])
    assert areas["E08000025"] == pytest.approx(267.8, rel=0.03)
    assert areas["E06000047"] == pytest.approx(2226, rel=0.03)
    assert areas["E09000001"] == pytest.approx(2.9, rel=0.1)
    assert (areas > 0).all()
