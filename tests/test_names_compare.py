"""Comparing names (issue 3, part 5)."""

import pytest

from athar.names import Level, compare_part, name_similarity, part_similarity

SAME_PERSON = [
    "محمد عبد الرحمن الحمود",
    "Mohammad Abdulrahman Al-Hamoud",
    "ALHAMOUD, Mhd Abd al-Rahman",
    "مجمد عبدالرحمن الحمود",
]


@pytest.mark.parametrize("other", SAME_PERSON[1:])
def test_renderings_of_one_person_score_high(other):
    assert name_similarity(SAME_PERSON[0], other) > 0.95


def test_a_sibling_scores_low():
    assert name_similarity("محمد عبد الرحمن الحمود", "أحمد عبد الرحمن الحمود") < 0.5


def test_a_different_father_is_strong_evidence_against():
    assert name_similarity("محمد عبد الرحمن الحمود", "Mohammad Khaled Al-Hamoud") < 0.5


def test_a_different_family_is_evidence_against():
    assert name_similarity("محمد عبد الرحمن الحمود", "محمد عبد الرحمن الشامي") < 0.6


def test_a_missing_grandfather_is_not_a_mismatch():
    assert name_similarity("محمد عبد الرحمن الحمود", "محمد عبد الرحمن حسن الحمود") > 0.95


def test_a_missing_father_is_not_a_mismatch():
    assert name_similarity("محمد عبد الرحمن الحمود", "Mohammad Al-Hamoud") > 0.9


def test_similarity_is_symmetric_and_bounded():
    a, b = "Ahmad bin Ali", "احمد علي الحسن"
    assert name_similarity(a, b) == pytest.approx(name_similarity(b, a))
    assert 0.0 <= name_similarity(a, b) <= 1.0


def test_blank_names_score_zero():
    assert name_similarity("", "محمد") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("أحمد", "احمد", Level.EXACT_NORMALIZED),
        ("محمد", "Mohammed", Level.EXACT_KEY),
        ("Al-Fallahi", "Al-Falahy", Level.EXACT_KEY),
        ("Hegazi", "Hijazi", Level.EXACT_KEY),
        ("Al-Nueimi", "Al-Naimi", Level.CLOSE_KEY),
        ("Tarabishi", "Trabishi", Level.SIMILAR_KEY),
        ("محمد", "خالد", Level.DIFFERENT),
        ("محمد", "", Level.NULL),
        (None, "Ali", Level.NULL),
    ],
)
def test_comparison_levels(a, b, level):
    assert compare_part(a, b) == level


def test_part_similarity_ranks_a_variant_above_another_name():
    assert part_similarity("Mohammed", "محمد") > part_similarity("Mahmoud", "محمد")
