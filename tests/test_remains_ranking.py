"""Families' words and anthropologists' findings meet in shared concepts (Arabic and English), and
each feature's likelihood ratio moves a candidate the way the evidence says."""

from __future__ import annotations

import numpy as np
import pytest

from athar.dental import parse_chart
from athar.remains.build import persons_from_rows
from athar.remains.ranking import Body, Ranker, SiteFacts, top_indices
from athar.remains.vocabulary import absent_mark_concepts, clothing_concepts, mark_concepts


@pytest.mark.parametrize(
    "family",
    ["broke his left arm", "كسر في اليد اليسرى", "انكسرت ذراعه اليسرى", "Fractured LEFT forearm"],
)
def test_family_words_for_a_broken_left_arm_meet_a_healed_left_radius(family: str) -> None:
    body = mark_concepts("healed fracture of the left radius")
    assert body == {"fracture:arm:left"}
    assert mark_concepts(family) == body


def test_implant_words_in_both_languages() -> None:
    assert mark_concepts("بلاتين في الفخذ اليمنى") == {"implant:leg:right"}
    assert mark_concepts("metal plate on the right femur") == {"implant:leg:right"}


def test_clothing_synonyms_and_colours_across_languages() -> None:
    english = clothing_concepts("red shirt, blue jeans, wedding ring")
    arabic = clothing_concepts("قميص أحمر وبنطال جينز أزرق ومحبس")
    assert english == arabic == {"shirt", "shirt:red", "trousers", "trousers:blue", "ring"}


def test_text_outside_the_vocabulary_gives_no_concepts() -> None:
    assert mark_concepts("he was kind and funny") == frozenset()
    assert clothing_concepts("") == frozenset()


def _persons(rows: list[dict]):
    return persons_from_rows([{"key": str(i), **r} for i, r in enumerate(rows)], {"Homs": 0, "Aleppo": 1})


def _body(**values) -> Body:
    base = dict(
        case_id="C1", site=SiteFacts(None, None, -1), sex=None, age_min=None, age_max=None,
        stature_min_cm=None, stature_max_cm=None, recovery_year=None, dental=None,
    )  # fmt: skip
    return Body(**{**base, **values})


def _filler(n: int = 40) -> list[dict]:
    rng = np.random.default_rng(1)
    return [
        {
            "sex": "M",
            "birth_date": str(int(rng.integers(1960, 2000))),
            "event_date": "2013",
            "height_cm": "170",
        }
        for _ in range(n)
    ]


def test_age_at_death_is_carried_through_the_sites_period_of_use() -> None:
    persons = _persons([{"birth_date": "1982", "event_date": "2012"}, *_filler()])
    ranker = Ranker(persons)
    body = dict(age_min=36, age_max=40)
    with_period = ranker.feature_vectors(_body(site=SiteFacts(2012, 2019, -1), **body))["age"][0]
    without = ranker.feature_vectors(_body(site=SiteFacts(2012, 2012, -1), **body))["age"][0]
    assert with_period > 0 > without


def test_excluding_dental_discrepancy_drops_a_candidate_below_an_explainable_one() -> None:
    rows = [{"dental": "36M"}, {"dental": "16F"}, *_filler()]
    ranker = Ranker(_persons(rows))
    body = _body(dental=parse_chart("16C 46F", post_mortem=True))
    dental = ranker.feature_vectors(body)["dental"]
    assert dental[0] <= -4  # a tooth lost in life is on the body
    assert -1 < dental[1] < 0  # the filling was crowned later
    assert dental[2] == 0  # nothing known


def test_concordant_rare_mark_ranks_its_person_first_and_explains_why() -> None:
    rows = [
        *_filler(),
        {"sex": "M", "marks": "كسر في اليد اليسرى", "birth_date": "1980", "event_date": "2013"},
    ]
    ranker = Ranker(_persons(rows))
    body = _body(sex="M", marks=mark_concepts("healed fracture of the left radius"))
    best = ranker.rank(body, top=3)[0]
    assert best.key == str(len(rows) - 1)
    assert best.features["marks"] > 1 and best.score == pytest.approx(sum(best.features.values()), abs=1e-3)


def test_other_side_mark_counts_against() -> None:
    ranker = Ranker(_persons([{"marks": "broke his right arm"}, *_filler()]))
    body = _body(marks=mark_concepts("healed fracture of the left ulna"))
    assert ranker.feature_vectors(body)["marks"][0] < 0


def test_sex_disagreement_counts_against_and_unknown_counts_nothing() -> None:
    ranker = Ranker(_persons([{"sex": "F"}, {"sex": ""}, *_filler()]))
    sex = ranker.feature_vectors(_body(sex="M"))["sex"]
    assert sex[0] < 0 and sex[1] == 0 and sex[2] > 0


def test_disappearance_after_the_site_closed_counts_against() -> None:
    ranker = Ranker(_persons([{"event_date": "2019"}, {"event_date": "2012"}, *_filler()]))
    date = ranker.feature_vectors(_body(site=SiteFacts(2011, 2014, -1), recovery_year=2020))["date"]
    assert date[0] < 0 < date[1]


def test_top_indices_agree_with_a_full_sort() -> None:
    scores = np.random.default_rng(5).normal(size=50_000).astype(np.float32)
    assert list(top_indices(scores, 10)) == list(np.argsort(-scores, kind="stable")[:10])


@pytest.mark.parametrize(
    "finding",
    [
        "no healed fracture of the left arm",
        "left forearm intact",
        "لا كسور في الذراع اليسرى",
        "complete skeleton, no healed fractures",
    ],
)
def test_an_examined_arm_without_the_familys_fracture_counts_against(finding: str) -> None:
    """ "Broke his left arm" against a left arm examined and found without a healed fracture."""
    assert mark_concepts(finding) == frozenset()  # a negated finding is not a mark
    rows = [{"marks": "broke his left arm"}, {"marks": "broke his right leg"}, *_filler()]
    ranker = Ranker(_persons(rows))
    body = _body(marks=mark_concepts(finding), absent_marks=absent_mark_concepts(finding))
    marks = ranker.feature_vectors(body)["marks"]
    assert marks[0] < 0
    assert marks[2] == 0  # a family that said nothing of marks is not touched
    whole_skeleton = "skeleton" in finding
    assert bool(marks[1] < 0) is whole_skeleton  # the right leg counts against only if it was examined


def test_an_absence_on_one_side_says_nothing_of_the_other_or_of_an_unsaid_side() -> None:
    rows = [{"marks": "broke his right arm"}, {"marks": "broke his arm"}, *_filler()]
    ranker = Ranker(_persons(rows))
    finding = "no fracture of the left radius"
    body = _body(absent_marks=absent_mark_concepts(finding))
    assert absent_mark_concepts(finding) == {"fracture:arm:left"}
    marks = ranker.feature_vectors(body)["marks"]
    assert marks[0] == 0 and marks[1] == 0


def test_a_found_mark_and_an_examined_absence_read_from_one_description() -> None:
    text = "healed fracture of the right tibia; no fracture of the left arm"
    assert mark_concepts(text) == {"fracture:leg:right"}
    assert absent_mark_concepts(text) == {"fracture:arm:left"}
