"""The batched candidate search (`athar.search.batch`) gives what one `search` per person gives."""

import csv
import random

import numpy as np
import pytest

from athar.demo import import_synthetic_lists
from athar.exports import current_records
from athar.search import PersonIndex, search
from athar.search.batch import Query, search_many
from athar.store import open_store
from athar.synth import generate
from tests.conftest import built_once
from tests.test_requests_support import people_with_latin_names


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return built_once(
        tmp_path_factory, "bulk-search-lists", lambda folder: generate(folder, persons=1500, seed=5)
    )


@pytest.fixture(scope="module")
def index(lists, tmp_path_factory) -> PersonIndex:
    """Half the records under their true person (several entries per person), half unlinked."""
    engine = open_store(str(tmp_path_factory.mktemp("bulk_search") / "athar.db"))
    import_synthetic_lists(engine, lists)
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        truth = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    records = []
    for i, record in enumerate(current_records(engine)):
        record = dict(record)
        record["person_id"] = truth.get((record["source"], record["record_id"])) if i % 2 else None
        records.append(record)
    engine.dispose()
    return PersonIndex.from_records(records)


def _queries(lists, n: int) -> list[Query]:
    """Other renderings of the synthetic people, as families write them: either script, with or
    without the father in the text, the mother, the birth year, the sex; some bare or misspelt."""
    people = people_with_latin_names(lists)
    rng = random.Random(3)
    out = []
    for i, p in enumerate(rng.sample(people, n)):
        s = "ar" if i % 2 else "latin"
        given, father, family = p[f"given_name_{s}"], p[f"father_name_{s}"], p[f"family_name_{s}"]
        year = int(p["birth_date"][:4]) if p["birth_date"][:4].isdigit() else None
        match i % 5:
            case 0:
                out.append(
                    Query(f"{given} {father} {family}", mother=p[f"mother_name_{s}"], born=year, sex=p["sex"])
                )
            case 1:
                out.append(Query(f"{given} {family}", father=father, born=year))
            case 2:
                out.append(Query(f"{family} {given}", sex=p["sex"]))
            case 3:
                out.append(Query(given))  # a bare given name: many candidates, ties at the cut
            case _:
                out.append(Query(f"{given[:-1]} {family}", mother=p[f"mother_name_{s}"], born=year))
    return out


def test_batch_gives_the_one_at_a_time_results_for_every_query(lists, index) -> None:
    queries = _queries(lists, 300)
    batched = search_many(index, queries, limit=11)
    single = [search(index, q.text, q.father, q.mother, q.born, 11, q.sex) for q in queries]
    assert sum(bool(m) for m in single) > 250  # the comparison is over real result lists
    mismatched = [(q, b, s) for q, b, s in zip(queries, batched, single, strict=True) if b != s]
    assert not mismatched, mismatched[:1]


def test_batch_keeps_the_order_of_its_queries_and_answers_empty_ones(lists, index) -> None:
    first, second = _queries(lists, 2)
    batched = search_many(index, [first, Query(""), second])
    assert batched == [
        search(index, first.text, first.father, first.mother, first.born, 10, first.sex),
        [],
        search(index, second.text, second.father, second.mother, second.born, 10, second.sex),
    ]
    assert batched[0] and batched[0] != batched[2]
    assert search_many(index, []) == []


def test_batch_of_one_equals_search_with_a_small_limit(lists, index) -> None:
    for q in _queries(lists, 20):
        assert search_many(index, [q], limit=3) == [
            search(index, q.text, q.father, q.mother, q.born, 3, q.sex)
        ]


def test_batch_gives_the_one_at_a_time_results_when_readings_are_narrowed(lists, index, monkeypatch) -> None:
    """With readings cut to a few candidates (`query.NARROW`, 300 at full size), the batch still
    narrows as `search` does."""
    from athar.search import query as search_query

    monkeypatch.setattr(search_query, "NARROW", 8)
    queries = _queries(lists, 100)
    single = [search(index, q.text, q.father, q.mother, q.born, 11, q.sex) for q in queries]
    assert search_many(index, queries, limit=11) == single


@pytest.mark.parametrize("n, top", [(1, 5), (2, 1), (1000, 10), (100_000, 50_000), (100_000, 10**12)])
def test_the_batch_finds_distinct_keys_as_numpy_does(n, top) -> None:
    """`_unique_inverse` (one sort of keys packed with their positions) is `np.unique` with the
    inverse, keys too large to pack included."""
    from athar.search.batch import _unique_inverse

    keys = np.random.default_rng(n).integers(0, top, n)
    unique, inverse = _unique_inverse(keys)
    expected, expected_inverse = np.unique(keys, return_inverse=True)
    assert unique.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.tolist()
