"""Before the quick pass, a reading's candidates are narrowed by the sought parts they share (by the
postings alone): the persons sharing the most and the rarest parts are kept, whatever order the
index numbered them in, and the candidate set is the one the pairwise definition gives."""

import random

import numpy as np
import pytest

from athar.search import PersonIndex, search
from athar.search import query as search_query
from athar.search.index import FAMILY, FATHER, GIVEN, INDEXED_PARTS, MOTHER
from athar.search.query import _postings, matched_candidates, reading_persons, readings

FATHERS = ["خالد", "سعيد", "ياسين", "عمر", "بكري", "حسن", "صالح", "نزار", "وليد", "ماهر"]
FAMILIES = ["الأحمد", "الحموي", "القباني", "الشامي", "العلي", "الحلبي", "السيد", "النجار"]


def _records() -> list[dict]:
    """Forty men named محمد whose mother is فاطمة, of other fathers and families, and the one
    sought: محمد نزار القباني, mother فاطمة, born 1980."""
    rng = random.Random(7)
    out = []
    for i in range(40):
        out.append(
            {
                "person_id": f"P-{i}",
                "source": "test",
                "record_id": f"r{i}",
                "given_name": "محمد",
                "father_name": rng.choice(FATHERS[:7]),
                "family_name": rng.choice(FAMILIES[:5]),
                "mother_name": "فاطمة",
                "birth_date": str(rng.randrange(1950, 2000)),
                "sex": "M",
            }
        )
    out.append(
        {
            "person_id": "P-SOUGHT",
            "source": "test",
            "record_id": "sought",
            "given_name": "محمد",
            "father_name": "نزار",
            "family_name": "القباني",
            "mother_name": "فاطمة",
            "birth_date": "1980",
            "sex": "M",
        }
    )
    return out


def test_narrowing_keeps_the_person_sharing_the_most_sought_parts(monkeypatch) -> None:
    index = PersonIndex.from_records(_records())
    parts = readings("محمد نزار القباني", mother="فاطمة")[0][0]
    assert len(reading_persons(index, parts)) > 5  # forty share the given and the mother's name
    monkeypatch.setattr(search_query, "NARROW", 5)
    narrowed = reading_persons(index, parts, born=1980, sex="M")
    assert len(narrowed) == 5
    assert "P-SOUGHT" in index.person_ids[narrowed].tolist()
    found = search(index, "محمد نزار القباني", mother="فاطمة", born=1980, sex="M")
    assert found[0].person_id == "P-SOUGHT"


def test_narrowing_chooses_the_same_persons_in_an_index_numbered_otherwise(monkeypatch) -> None:
    """Many candidates tie on what they share; which are kept depends on who they are."""
    monkeypatch.setattr(search_query, "NARROW", 7)
    records = _records()
    one, other = PersonIndex.from_records(records), PersonIndex.from_records(records[::-1])
    for text, mother in (("محمد القباني", "فاطمة"), ("محمد عمر الأحمد", None), ("محمد", "فاطمة")):
        parts = readings(text, mother=mother)[0][0]
        kept = sorted(one.person_ids[reading_persons(one, parts)].tolist())
        assert len(kept) == 7
        assert kept == sorted(other.person_ids[reading_persons(other, parts)].tolist())
        assert search(one, text, mother=mother) == search(other, text, mother=mother)


def _titled_records() -> list[dict]:
    """Men whose family name is حميد with a sheikh/haj title or without, in both scripts."""
    families = ["الحاج حميد", "حميد", "الشيخ حميد", "Al-Haj Hamid", "Hamid", "القباني"]
    rng = random.Random(3)
    return [
        {
            "person_id": f"T-{i}",
            "source": "test",
            "record_id": f"t{i}",
            "given_name": rng.choice(["محمد", "Mohammed", "أحمد"]),
            "father_name": rng.choice(FATHERS[:4]),
            "family_name": families[i % len(families)],
            "mother_name": rng.choice(["فاطمة", "Fatima", "مريم"]),
        }
        for i in range(60)
    ]


@pytest.mark.parametrize(
    "records, text, mother",
    [
        (_records, "محمد نزار القباني", "فاطمة"),
        (_records, "محمد الحموي", None),
        (_titled_records, "محمد خالد حميد", None),
        (_titled_records, "Mohammed Saeed Al-Haj Hamid", "Fatima"),
        (_titled_records, "أحمد الشيخ حميد", "مريم"),
    ],
)
def test_candidates_share_two_sought_parts_one_of_them_the_given_or_family_name(
    records, text, mother
) -> None:
    """Found through the postings of name pairs, they are the entries of the pairwise definition
    (by each part's own postings), a titled family name under its untitled one too; so also in an
    index extended by half its records (the pair postings are derived again)."""
    half = len(records()) // 2
    extended = PersonIndex.from_records(records()[:half]).extended(records()[half:])
    for index in (PersonIndex.from_records(records()), extended):
        _check_pairwise(index, readings(text, mother=mother)[0][0])


def _check_pairwise(index: PersonIndex, parts: tuple) -> None:
    posting = {j: set(_postings(index, j, parts[j]).tolist()) for j in INDEXED_PARTS if parts[j]}
    expected = set()
    for e in range(index.entry_count):
        shared = {j for j, held in posting.items() if e in held}
        if len(shared) >= 2 and shared & {GIVEN, FAMILY}:
            expected.add(e)
    entries, flags = matched_candidates(index, parts)
    assert len(entries) == len(expected) > 0
    assert set(entries.tolist()) == expected
    bits = {GIVEN: 1, FATHER: 2, FAMILY: 4, MOTHER: 8}
    for e, f in zip(entries.tolist(), flags.tolist(), strict=True):
        assert f == sum(bit for j, bit in bits.items() if j in posting and e in posting[j])


def test_narrowing_that_stops_reading_early_keeps_whom_reading_everything_keeps(monkeypatch) -> None:
    """Once enough persons share rarer parts than any entry of an unread pair list could, the
    common pairs (the given and mother's name here) are not read: the persons kept are those every
    candidate ranked."""
    monkeypatch.setattr(search_query, "NARROW", 5)
    index = PersonIndex.from_records(_records())
    parts = readings("محمد نزار القباني", mother="فاطمة")[0][0]
    chunks = list(search_query._candidate_chunks(index, parts))
    read: list = []
    for entries, _flags, _unread in chunks:
        read.extend(entries.tolist())
    entries, flags = matched_candidates(index, parts)
    table = search_query._flag_evidence(index, parts)
    score = search_query._prescore(index, table, entries, flags, 1980, 1)
    best: dict[int, float] = {}
    for person, s in zip(index.entry_person[entries].tolist(), score.tolist(), strict=True):
        best[person] = max(best.get(person, -1e9), s)
    persons = np.array(sorted(best))
    values = np.array([best[p] for p in persons])
    everything = persons[search_query.top_rows(values, index.person_tiebreak[persons], 5)]
    consumed = []
    original = search_query._candidate_chunks

    def counted(*args):
        for chunk in original(*args):
            consumed.append(chunk)
            yield chunk

    monkeypatch.setattr(search_query, "_candidate_chunks", counted)
    kept = reading_persons(index, parts, born=1980, sex="M")
    assert kept.tolist() == everything.tolist()
    assert len(read) == len(entries)  # the chunks hold every candidate
    assert len(consumed) < len(chunks)  # and narrowing stopped before the last


def test_birth_year_evidence_by_table_is_the_stepwise_rule() -> None:
    diff = np.array([*range(0, 40), 9_999, 10_000])
    stepwise = np.select([diff == 0, diff <= 2, diff <= 5, diff <= 10], [0.8, 0.5, 0.0, -1.5], -3.0)
    assert search_query._year_evidence(diff).tolist() == stepwise.tolist()


@pytest.mark.parametrize("text", ["محمد", "Mohammed", "القباني", "محمد زززز"])
def test_a_reading_sharing_no_pair_falls_back_to_its_given_or_rarest_part(text) -> None:
    """Without a pair list, the candidates are the postings of the given name (or the rarest other
    part), gathered only then: the same entries as that part's postings."""
    index = PersonIndex.from_records(_records())
    parts = readings(text)[0][0]
    entries, flags = matched_candidates(index, parts)
    part = GIVEN if parts[GIVEN] else FAMILY
    assert entries.tolist() == _postings(index, part, parts[part]).tolist()
    assert len(entries) and (flags > 0).all()


@pytest.mark.parametrize("born, code", [(None, None), (1980, None), (1975, 1), (None, 2), (2001, 2)])
def test_narrowing_scores_by_lookup_tables_what_the_rule_gives(born, code) -> None:
    """`_prescore` reads the year's and sex's evidence from tables by year and sex code: the same
    figures, bit for bit, as the rule applied entry by entry."""
    index = PersonIndex.from_records(_records())
    parts = readings("محمد نزار القباني", mother="فاطمة")[0][0]
    entries, flags = matched_candidates(index, parts)
    table = search_query._flag_evidence(index, parts)
    expected = table[flags]
    if born:
        years = index.entry_year[entries].astype(np.int64)
        diff = np.abs(years - born)
        rule = np.select([diff == 0, diff <= 2, diff <= 5, diff <= 10], [0.8, 0.5, 0.0, -1.5], -3.0)
        expected = expected + np.where(years > 0, rule, 0.0)
    if code:
        expected = expected + np.where(index.entry_sex[entries] == 3 - code, search_query.SEX_CONFLICT, 0.0)
    got = search_query._prescore(index, table, entries, flags, born, code)
    assert got.tolist() == expected.tolist()
