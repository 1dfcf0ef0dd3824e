"""A request names the sought person in separate fields (given, father's, family name): it is
ranked on those fields as they are given, not also on other readings of their joined chain, which
read the father's name as the given name; a name typed as one text is still read every way."""

from __future__ import annotations

from athar.requests.intake import rank_candidates, rank_many
from athar.search import PersonIndex
from athar.search.query import query_readings, readings


def _person(person_id: str, given: str, father: str, grandfather: str | None, family: str) -> dict:
    return {
        "person_id": person_id,
        "source": "test",
        "record_id": person_id,
        "given_name": given,
        "father_name": father,
        "grandfather_name": grandfather,
        "family_name": family,
        "sex": "M",
    }


# عاصي son of محمد, of the الخطيب family; and محمد son of محمد son of الخطيب, of the عاصي family:
# the chain "عاصي محمد الخطيب" read family name first, with محمد as the father, names him.
SOUGHT = _person("P-SOUGHT", "عاصي", "محمد", None, "الخطيب")
OTHER = _person("P-OTHER", "محمد", "محمد", "الخطيب", "عاصي")
FIELDS = {"given_name": "عاصي", "father_name": "محمد", "family_name": "الخطيب"}
TYPED = {"full_name": "عاصي محمد الخطيب"}


def test_a_name_in_fields_is_read_as_the_fields_say() -> None:
    text = "عاصي محمد الخطيب"
    every = readings(text, "محمد")
    assert len(every) > 1
    assert query_readings(text, "محمد", structured=True) == every[:1]
    assert query_readings(text, "محمد") == every
    (parts, log_odds), *_ = every
    assert parts[0] == "عاصي" and log_odds == 0  # the parse: given name first, as the form has it


def test_the_fathers_namesake_is_no_candidate_for_a_request_in_fields() -> None:
    index = PersonIndex.from_records([OTHER, SOUGHT])
    by_fields = rank_candidates(index, FIELDS)
    assert [c["person_id"] for c in by_fields] == ["P-SOUGHT"]
    typed = rank_candidates(index, TYPED)
    assert {c["person_id"] for c in typed} == {"P-SOUGHT", "P-OTHER"}  # read family name first too
    assert rank_many(index, [(FIELDS, None), (TYPED, None)]) == [by_fields, typed]
