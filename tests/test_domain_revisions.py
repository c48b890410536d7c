"""The rules for a revision between two vintages, on hand-computed values (indicators/domain/revisions.py)."""

import math

import pytest

from indicators.domain import revisions as rules


def test_tolerance_is_half_a_unit_in_the_last_published_place():
    assert rules.tolerance(1) == pytest.approx(0.05)
    assert rules.tolerance(0) == pytest.approx(0.5)
    assert rules.tolerance(2) == pytest.approx(0.005)


@pytest.mark.parametrize(
    ("old", "new", "decimals", "change", "change_pct", "revised"),
    [
        # 39.7 (1 d.p.) then 40.97 (2 d.p.): +1.27, 1.27 / 39.7 = 3.1990 %
        (39.7, 40.97, 1, 1.27, 3.198992, True),
        # 34.2 then 34.24: within the 0.05 a 1 d.p. figure can hide
        (34.2, 34.24, 1, 0.04, 0.116959, False),
        # exactly on the edge: 34.25 rounds to 34.3 or 34.2 depending on the true value, so it is not a revision
        (34.2, 34.25, 1, 0.05, 0.146199, False),
        (34.2, 34.26, 1, 0.06, 0.175439, True),
        # whole numbers: 1,000 then 1,001 filled jobs is a revision of 0.1 %
        (1000.0, 1001.0, 0, 1.0, 0.1, True),
        # a fall is negative
        (32.03, 32.0, 1, -0.03, -0.093662, False),
        (80.0, 60.0, 1, -20.0, -25.0, True),
    ],
)
def test_revision_hand_computed(old, new, decimals, change, change_pct, revised):
    found = rules.revision(old, new, decimals)
    assert found.change == pytest.approx(change)
    assert found.change_pct == pytest.approx(change_pct, abs=1e-6)
    assert found.revised is revised


def test_revision_from_zero_has_no_percentage_and_missing_values_are_refused():
    assert rules.revision(0.0, 2.0, 0) == rules.Revision(2.0, None, True)
    with pytest.raises(ValueError, match="missing"):
        rules.revision(math.nan, 2.0, 1)


def test_summary_counts_and_picks_the_largest_move_by_size_keeping_its_sign():
    moves = [
        rules.revision(39.7, 40.97, 1),  # +3.199 %
        rules.revision(34.2, 34.24, 1),  # not revised
        rules.revision(80.0, 60.0, 1),  # −25 %
        rules.revision(0.0, 1.0, 0),  # revised, no percentage
    ]
    found = rules.summarise(moves)
    assert (found.compared, found.revised) == (4, 3)
    assert found.largest_pct == pytest.approx(-25.0)
    assert rules.summarise([]) == rules.Summary(0, 0, None)
    assert rules.summarise([rules.revision(1.0, 1.01, 1)]).largest_pct is None  # nothing revised: no largest move


def test_gap_then_and_now_in_points():
    # Then: 36.6 against 39.7 → −7.8086 %; now 38.58 against 40.97 → −5.8335 %; moved +1.9750 points
    found = rules.gap_move(36.6, 39.7, 38.58, 40.97)
    assert found.old_gap_pct == pytest.approx((36.6 / 39.7 - 1) * 100) == pytest.approx(-7.808564, abs=1e-6)
    assert found.new_gap_pct == pytest.approx(-5.833537, abs=1e-6)
    assert found.change_points == pytest.approx(1.975027, abs=1e-6)


def test_a_source_line_cites_the_releases_it_names():
    releases = {"a": "Release A (June 2024)", "b": "Release B", "c": ""}
    assert rules.cited("Source: ONS, Title (Release A (June 2024))", releases) == ["a"]
    assert rules.cited("Source: ONS, Title (Release C)", releases) == []


def test_note_text_says_which_way_the_revision_runs():
    assert rules.note_text("X, Jun 2024", True, "40", "12", "+3.1%") == (
        "Revised since X, Jun 2024: of the 40 figures both releases hold, 12 changed, largest +3.1% (see Revisions)"
    )
    since = rules.note_text("X, Jun 2025", False, "40", "12", "+3.1%")
    assert since.startswith("Since revised in X, Jun 2025: of the 40")


def test_pairs_are_declared_once_with_distinct_ids_and_an_unknown_id_names_the_valid_ones():
    ids = [p.pair_id for p in rules.PAIRS]
    assert len(ids) == len(set(ids))
    assert rules.pair("productivity-2024-2025").new_source == "ons_productivity_jun2025"
    with pytest.raises(ValueError, match="unknown vintage pair 'nope'; valid: productivity-2024-2025"):
        rules.pair("nope")
    for declared in rules.PAIRS:
        assert declared.old_source != declared.new_source
        assert declared.table == "cra" or declared.measures, declared.pair_id


def test_cra_pairs_run_from_the_older_edition_to_the_newer_at_the_extracts_precision():
    cra = [p for p in rules.PAIRS if p.table == "cra"]
    assert [(p.old_source, p.new_source) for p in cra] == [
        ("hmt_cra_2016", "hmt_cra_2020"),
        ("hmt_cra_2020", "hmt_cra_2025"),
        ("hmt_cra_2016", "hmt_cra_2025"),
    ]
    assert {p.cra_decimals for p in cra} == {3}  # £ million to 3 places: the workbooks' £ thousand
    assert [p.note.startswith("The two editions publish no financial year in common") for p in cra] == [
        False,
        True,
        True,
    ]
