from athar.places import lookup
from athar.places.custody import CUSTODY_PLACE_IDS, custody_of
from athar.places.gazetteer import read_rows


def test_every_place_of_custody_is_a_facility_of_the_gazetteer():
    """A typo in an id would silently make a branch a place like any other."""
    facilities = {row["place_id"] for row in read_rows() if row["kind"] == "facility"}
    assert CUSTODY_PLACE_IDS.issubset(facilities)


def test_branches_prisons_and_the_military_hospitals_are_custody_and_other_places_are_not():
    assert custody_of(lookup("سجن صيدنايا").place_id) == "held"
    assert custody_of(lookup("Mezzeh 601 Military Hospital").place_id) == "held"
    assert custody_of(lookup("Aleppo University Hospital").place_id) == "free"
    assert custody_of(lookup("Nasib Border Crossing").place_id) == "free"  # a returnee's crossing
    assert custody_of(lookup("Homs").place_id) == "free"
    assert custody_of(None) is None
