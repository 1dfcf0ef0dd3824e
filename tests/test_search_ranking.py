"""Ranking on a small hand-made index of synthetic people: fathers, birth years, unlinked records."""

import pytest

from athar.ingest import import_file
from athar.search import FAMILY_THRESHOLD, PersonIndex, family_answer, search
from athar.search.index import unlinked_person_id
from athar.search.query import resolve_reference
from athar.store import open_store
from athar.synth import generate


def rec(pid, full, father=None, born=None, mother=None, sex="M", **extra):
    return {
        "person_id": pid,
        "source": "test",
        "record_id": pid,
        "full_name": full,
        "father_name": father,
        "birth_date": born,
        "mother_name": mother,
        "sex": sex,
        **extra,
    }


@pytest.fixture(scope="module")
def index():
    return PersonIndex.from_records(
        [
            # brothers: sons of Ali Al-Ahmad and Fatima
            rec("P-1", "محمد علي الأحمد", born="1980", mother="فاطمة"),
            rec("P-2", "محمود علي الأحمد", born="1983", mother="فاطمة"),
            rec("P-3", "أحمد علي الأحمد", born="1986", mother="فاطمة"),
            # a cousin and namesake of P-1: another father
            rec("P-4", "محمد حسن الأحمد", born="1981", mother="خديجة"),
            # namesakes with the same father's name, told apart only by the birth year
            rec("P-5", "Omar Khaled Al-Hamwi", born="1975"),
            rec("P-6", "Omar Khaled Al-Hamwi", born="1995"),
            # one person, two records in two scripts
            rec("P-7", "Yasser Saleh Qabbani", born="1990-04-02"),
            rec("P-7", "ياسر صالح القباني", born="1990"),
            # many unrelated people with the commonest given name
            *(rec(f"P-{100 + i}", f"محمد {f} {fam}") for i, (f, fam) in enumerate(_fillers())),
        ]
    )


def _fillers():
    fathers = ["خالد", "سعيد", "ياسين", "عمر", "بكري"]
    families = ["الحلبي", "الشامي", "العلي", "الحسن", "الزعبي", "المصري"]
    return [(f, fam) for f in fathers for fam in families]


def top(found):
    return found[0].person_id if found else None


def test_given_name_picks_the_brother_among_siblings(index):
    assert top(search(index, "Mahmoud Ali Al-Ahmad")) == "P-2"
    assert top(search(index, "Ahmad Al-Ahmad", father="Ali")) == "P-3"


def test_father_name_ranks_the_right_namesake_first(index):
    assert top(search(index, "Mohammad Al-Ahmad", father="Hasan")) == "P-4"
    assert top(search(index, "Mohammad Al-Ahmad", father="Ali")) == "P-1"


def test_a_wrong_father_lowers_the_score_below_the_family_threshold(index):
    right = search(index, "Mahmoud Al-Ahmad", father="Ali")
    wrong = search(index, "Mahmoud Al-Ahmad", father="Youssef")
    assert top(right) == "P-2" and right[0].score >= FAMILY_THRESHOLD
    wrong_score = max((m.score for m in wrong if m.person_id == "P-2"), default=0.0)
    assert wrong_score < right[0].score
    assert wrong_score < FAMILY_THRESHOLD
    assert "father's name: different" in next(m for m in wrong if m.person_id == "P-2").reasons


def test_birth_year_tells_namesakes_apart(index):
    assert top(search(index, "Omar Khaled Al-Hamwi", born=1995)) == "P-6"
    assert top(search(index, "عمر خالد الحموي", born=1976)) == "P-5"


def test_birth_year_near_adds_and_far_subtracts(index):
    def score(born):
        return next(m.score for m in search(index, "Yasser Qabbani", born=born) if m.person_id == "P-7")

    assert score(1991) > score(None) > score(1960)


def test_mother_name_adds_evidence(index):
    without = search(index, "Mohammad Al-Ahmad")
    with_mother = search(index, "Mohammad Al-Ahmad", mother="Fatima")
    assert top(with_mother) == "P-1"
    assert with_mother[0].score > next(m.score for m in without if m.person_id == "P-1")


def test_a_person_is_listed_once_with_the_best_of_their_records(index):
    found = search(index, "Yasser Saleh Al-Qabbani", born=1990)
    assert [m.person_id for m in found].count("P-7") == 1
    assert top(found) == "P-7" and found[0].score >= FAMILY_THRESHOLD


def test_a_common_given_name_with_a_family_name_scores_only_that_family(index):
    found = search(index, "محمد الزعبي", limit=50)
    assert all(m.score < 0.5 for m in found[5:])
    assert {m.person_id for m in found[:5]} == {f"P-{100 + i}" for i in range(4, 30, 6)}


def test_unlinked_records_are_searchable_before_linkage(tmp_path):
    generate(tmp_path / "lists", persons=60, seed=5)
    engine = open_store(str(tmp_path / "athar.db"))
    try:
        import_file(engine, tmp_path / "lists" / "detention.csv", "detention")
        index = PersonIndex.build(engine)
    finally:
        engine.dispose()
    assert all(pid.startswith("record:detention:") for pid in index.person_ids.tolist())
    entry = next(e for e, parts in enumerate(index.entry_parts) if parts[0] >= 0 and parts[3] >= 0)
    first = str(index.person_ids[index.entry_person[entry]])
    given, family = (index.vocab[i] for i in index.entry_parts[entry][[0, 3]])
    found = search(index, f"{given} {family}")
    assert first in [m.person_id for m in found]
    answer = family_answer([m for m in found if m.person_id == first], threshold=0.0)
    assert answer.case_reference.startswith("U-") and "detention" not in answer.case_reference
    assert resolve_reference(index, answer.case_reference) == first
    assert unlinked_person_id("detention", first.rsplit(":", 1)[1]) == first


def test_a_family_name_is_found_with_or_without_its_sheikh_title():
    index = PersonIndex.from_records(
        [
            rec("P-1", "زبير حمزة الشيخ", family_name="الشيخ زبير", given_name="حمزة", father_name="حسين"),
            rec("P-2", "Hamza Hussein Zubair"),
        ]
    )
    found = search(index, "Hamza Al-Sheikh Zubair", father="Hussein")
    assert {m.person_id for m in found if m.score >= FAMILY_THRESHOLD} == {"P-1", "P-2"}
