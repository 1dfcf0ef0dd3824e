"""One reading of a name: linkage, the search and name_similarity read a full name the same ways."""

import numpy as np
import pytest

from athar.linkage.features import name_readings
from athar.names import compare
from athar.names.evidence import (
    PART_WEIGHTS,
    evidence,
    evidence_array,
    probability,
    probability_array,
)
from athar.names.reading import COMPARISON, LINKAGE, SEARCH, ReadingKind, readings
from athar.search import query
from athar.synth.pairs import name_corpus

# Names with every kind of reading: unmarked (either order), two words (no family name?), a
# compound or a title at the head, محمد and the word after it, marked family-first (comma,
# capitals, article), bin.
HAND_PICKED = (
    "Haddad Hamzah Amr",
    "Naeem Ahmad Nafea Tarek",
    "هاله عمر",
    "Muhammed Hatem",
    "حمزة الحداد",
    "Mohammed Kheir Ahmad El-Dorra",
    "محمد خير أحمد الحلبي",
    "Mhd Khair",
    "عبد الرحمن عمار الشيخ سفيان",
    "Nour Eddin Ayham Ammar Al Ali",
    "Hajj Mahdi Ahmad Izzat",
    "Shiekh Anis Samer Ali",
    "HADDAD, Hamza Amr",
    "AL-JASEM, Mohammed Khalil Mahmood",
    "ALHAMOUD Mhd Abd al-Rahman",
    "Al-Hassan Rasha Abdallah",
    "Muhammad ibn Said",
    "العلي",
    "Ali",
    "",
)
NAMES = (*HAND_PICKED, *name_corpus(3000, seed=11))


def _by_kind(full: str, policy, roles=None) -> dict[ReadingKind, tuple]:
    return {r.kind: r.parts for r in readings(full, roles, policy)}


@pytest.mark.parametrize("full", NAMES[:40])
def test_the_three_consumers_read_each_kind_into_the_same_parts(full):
    linkage = _by_kind(full, LINKAGE, {})
    search = _by_kind(full, SEARCH)
    comparison = _by_kind(full, COMPARISON)
    for a, b in ((linkage, search), (linkage, comparison), (search, comparison)):
        for kind in a.keys() & b.keys():
            assert a[kind] == b[kind], (full, kind)


def test_the_three_consumers_agree_on_synthetic_names():
    disagreements = []
    for full in NAMES:
        linkage = _by_kind(full, LINKAGE, {})
        search = _by_kind(full, SEARCH)
        comparison = _by_kind(full, COMPARISON)
        for a, b in ((linkage, search), (linkage, comparison), (search, comparison)):
            disagreements += [(full, k) for k in a.keys() & b.keys() if a[k] != b[k]]
    assert disagreements == []


def test_each_consumer_enumerates_what_athar_names_gives_it():
    """No consumer reads a name its own way: the readings each one scores are the API's."""
    for full in NAMES:
        ours = readings(full, policy=COMPARISON)
        flat = compare._readings(full)
        assert [tuple(flat[i : i + 4]) for i in range(0, len(flat), 5)] == [r.parts for r in ours]
        assert [flat[i + 4] for i in range(0, len(flat), 5)] == [-r.log_odds for r in ours]

        ours = readings(full, policy=SEARCH)
        assert [(p[:4], odds) for p, odds in query.readings(full)] == [
            (r.parts, r.log_odds) for r in ours if any(r.parts)
        ]

        ours = readings(full, {}, LINKAGE)
        taken, others = name_readings({"full_name": full}, {})
        assert [taken, *(parts for parts, _odds in others)] == [r.parts for r in ours]


def test_a_compound_or_a_title_at_the_head_is_the_whole_family_name_when_read_family_first():
    for full, parts in (
        ("عبد الرحمن عمار الحلبي", ("عمار", "الحلبي", None, "عبدالرحمن")),
        ("Nour Eddin Ayham Ammar", ("ayham", "ammar", None, "nouraldin")),
        ("Hajj Mahdi Ahmad Izzat", ("ahmad", "izzat", None, "hajmahdi")),
    ):
        for policy, roles in ((LINKAGE, {}), (SEARCH, None), (COMPARISON, None)):
            assert _by_kind(full, policy, roles)[ReadingKind.FAMILY_FIRST] == parts


def test_each_consumer_keeps_its_own_weights():
    full = "محمد خير أحمد الحلبي"
    comparison = {r.kind: r.log_odds for r in readings(full, policy=COMPARISON)}
    assert comparison == {
        ReadingKind.PARSED: 0.0,
        ReadingKind.FAMILY_FIRST: -2.0,
        ReadingKind.COMPOUND_FAMILY: -0.7,
        ReadingKind.COMPOUND_GIVEN: -0.5,
    }
    assert {r.log_odds for r in readings(full, policy=SEARCH)[1:]} == {-1.0}
    # linkage reads the compound only where the roles know it, and weighs the orders by the roles
    assert ReadingKind.COMPOUND_GIVEN not in _by_kind(full, LINKAGE, {})
    roles = {compare.name_key("محمد خير"): -3.0, compare.name_key("الحلبي"): 3.0}
    by_roles = {r.kind: r.log_odds for r in readings(full, roles, LINKAGE)}
    assert by_roles[ReadingKind.COMPOUND_GIVEN] == 0.0
    assert by_roles[ReadingKind.FAMILY_FIRST] < -2.0


def test_linkage_reads_a_father_named_muhammad_and_the_next_word_as_one_name_where_the_roles_know_it():
    """A register writes the father محمد خير in its column; a family's report writes the whole name,
    and the parse reads محمد as the father and خير as the grandfather (-7 bits against the register)."""
    full = "جاد محمد خير سويد"
    assert ReadingKind.COMPOUND_FATHER not in _by_kind(full, LINKAGE, {})
    roles = {compare.name_key("محمد خير"): -3.0}
    assert _by_kind(full, LINKAGE, roles)[ReadingKind.COMPOUND_FATHER] == ("جاد", "محمد خير", None, "سويد")
    # a Latin report meets the register's key through its own compound
    latin = _by_kind("Jad Mohammad Khair Suid", LINKAGE, roles)
    assert latin[ReadingKind.COMPOUND_FATHER][1] == "mohammad khair"
    # a father who is not Muhammad is read as before
    assert ReadingKind.COMPOUND_FATHER not in _by_kind("جاد أحمد خير سويد", LINKAGE, roles)
    # the other consumers do not read it
    assert ReadingKind.COMPOUND_FATHER not in {r.kind for r in readings(full, roles, COMPARISON)}


def test_a_name_with_connectors_has_one_reading():
    for policy in (LINKAGE, SEARCH, COMPARISON):
        assert [r.kind for r in readings("Muhammad ibn Said bin Ali", {}, policy)] == [ReadingKind.PARSED]


def test_the_numpy_evidence_is_the_plain_one():
    similarities = np.linspace(0.0, 1.0, 101)
    for agree, disagree in PART_WEIGHTS:
        plain = [evidence(float(s), agree, disagree) for s in similarities]
        assert evidence_array(similarities, agree, disagree).tolist() == pytest.approx(plain, abs=1e-12)
    assert evidence_array(np.array([-1.0]), 3.0, 7.0).tolist() == [0.0]  # nothing to compare
    totals = np.linspace(-12.0, 12.0, 49)
    assert probability_array(totals).tolist() == pytest.approx([probability(float(t)) for t in totals])
    assert probability(0.0) == 0.5


def test_the_shortcut_for_the_first_word_agrees_with_normalizing_the_rest():
    """reading._first_word_alone saves normalizing the rest of most names: it must only ever say
    what reading._head_words would."""
    from athar.names.chain import parse_parts
    from athar.names.reading import _Chain, _first_word_alone, _head_words, written_words

    checked = 0
    for full in NAMES:
        words = written_words(_Chain(*parse_parts(full)))
        if words and _first_word_alone(full.split(), tuple(words)):
            assert _head_words(full.split(), words[1:]) == 1, full
            checked += 1
    assert checked > len(NAMES) // 2
