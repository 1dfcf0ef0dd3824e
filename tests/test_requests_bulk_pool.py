"""A large bulk import ranks its candidates in a pool of forked worker processes when cores are idle
(`athar.requests.ranking`): the candidates are those of ranking in the importing process, in the
order of the file's rows; a small import, one core, busy cores or an empty file start no pool; a row
quarantined mid-file is still counted (read = stored + quarantined)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from athar.demo import import_synthetic_lists
from athar.exports import current_records
from athar.requests import ranking
from athar.requests.bulk import import_requests
from athar.requests.intake import rank_candidates, rank_many
from athar.search import PersonIndex
from athar.store import open_store
from athar.synth import generate
from tests.conftest import built_once
from tests.test_requests_support import people_with_latin_names, request_form, test_cipher, write_request_file
from tests.test_search_freshness import BULK_COLUMNS

COLUMNS = (*BULK_COLUMNS, "preferred_channel")


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return built_once(
        tmp_path_factory, "bulk-pool-lists", lambda folder: generate(folder, persons=400, seed=13)
    )


@pytest.fixture(scope="module")
def people(lists) -> list[dict]:
    return people_with_latin_names(lists)


@pytest.fixture(scope="module")
def records(lists, tmp_path_factory) -> list[dict]:
    engine = open_store(str(tmp_path_factory.mktemp("bulk_pool") / "athar.db"))
    import_synthetic_lists(engine, lists)
    out = list(current_records(engine))
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def index(records) -> PersonIndex:
    return PersonIndex.from_records(records)


def _file(path, people: list[dict], bad: tuple[int, ...] = ()):
    """One request per person; the rows numbered in ``bad`` refused (a bad phone)."""
    return write_request_file(path, people, COLUMNS, prefix="P", seed=5, refused=bad)


def _sought(people: list[dict]) -> list[tuple[dict, str | None]]:
    rng = random.Random(9)
    out = []
    for i, p in enumerate(people):
        form = request_form(p, p, rng, script="latin" if i % 2 else "ar")
        record = {k: form[k] for k in ("given_name", "father_name", "family_name", "mother_name", "sex")}
        out.append(({**record, "birth_date": form["birth_date"]}, None))
    return out


def test_the_pool_ranks_as_one_process_and_as_one_request_at_a_time(index, people, monkeypatch) -> None:
    monkeypatch.setattr(ranking, "MIN_TASK", 7)  # many slices, answered out of order by two workers
    sought = _sought(people[:120])
    pooled = ranking.in_slices(index, rank_many, sought, workers=2)
    assert pooled == ranking.in_slices(index, rank_many, sought, workers=0)
    assert pooled == [rank_candidates(index, record, exclude) for record, exclude in sought]
    assert sum(bool(c) for c in pooled) > 100


def test_an_import_ranked_in_a_pool_stores_what_one_process_stores_in_the_file_order(
    store, index, people, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(ranking, "MIN_TASK", 5)
    path = _file(tmp_path / "r.csv", people[:60], bad=(17, 41))
    cipher = test_cipher()
    pooled = import_requests(store, path, "Pool Org", cipher, index, workers=2)
    alone = import_requests(store, path, "Alone Org", cipher, index, workers=0)
    for result in (pooled, alone):
        assert (result.read, result.stored, result.quarantined, result.new) == (60, 58, 2, 58)
        assert result.read == result.stored + result.quarantined
        assert [r["request_id"] for r in result.requests] == [
            f"P-{i}" for i in range(60) if i not in (17, 41)
        ]
    assert [r["candidates"] for r in pooled.requests] == [r["candidates"] for r in alone.requests]
    assert sum(bool(r["candidates"]) for r in pooled.requests) > 50


def test_a_small_import_one_core_busy_cores_or_an_empty_file_start_no_pool(
    store, index, people, tmp_path, monkeypatch
) -> None:
    assert ranking.pool_workers(ranking.POOL_ROWS - 1, cores=8, load=0.0) == 0
    assert ranking.pool_workers(ranking.POOL_ROWS, cores=1, load=0.0) == 0
    assert ranking.pool_workers(ranking.POOL_ROWS, cores=2, load=0.2) == 2
    assert ranking.pool_workers(ranking.POOL_ROWS, cores=2, load=0.4) == 2  # a little other work
    assert ranking.pool_workers(ranking.POOL_ROWS, cores=2, load=1.0) == 0  # one core busy elsewhere
    assert ranking.pool_workers(ranking.POOL_ROWS, cores=2, load=4.0) == 0
    assert ranking.pool_workers(ranking.POOL_ROWS, cores=8, load=4.0) == 4  # four cores busy elsewhere
    assert ranking.pool_workers(10**6, cores=64, load=0.0) == ranking.MAX_WORKERS

    def no_pool(*_args):
        raise AssertionError("a pool was started")

    monkeypatch.setattr(ranking.multiprocessing, "get_context", no_pool)
    cipher = test_cipher()
    small = import_requests(store, _file(tmp_path / "small.csv", people[:12], bad=(5,)), "Org", cipher, index)
    assert (small.read, small.stored, small.quarantined) == (12, 11, 1)
    assert all(r["candidates"] for r in small.requests)
    empty = import_requests(store, _file(tmp_path / "empty.csv", []), "Org", cipher, index, workers=2)
    assert (empty.read, empty.stored, empty.quarantined, empty.requests) == (0, 0, 0, [])


def test_busy_cores_are_read_from_the_machines_cpu_time_now(tmp_path, monkeypatch) -> None:
    stat = tmp_path / "stat"
    stat.write_text(
        "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\n"
        "intr 1 2 3\n"
    )
    assert ranking._cpu_times(str(stat)) == (2, 150, 1000)
    assert ranking._cpu_times(str(tmp_path / "absent")) is None
    # one core of two busy over the sample: 100 of 200 ticks
    samples = iter([(2, 150, 1000), (2, 250, 1200)])
    monkeypatch.setattr(ranking, "_cpu_times", lambda: next(samples))
    assert ranking.busy_cores(sample=0) == 1.0
    # no /proc/stat: the one-minute load average, less this process
    monkeypatch.setattr(ranking, "_cpu_times", lambda: None)
    monkeypatch.setattr(ranking.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert ranking.busy_cores() == 0.5
    monkeypatch.setattr(ranking.os, "getloadavg", lambda: (0.3, 1.0, 1.0))
    assert ranking.busy_cores() == 0.0


def test_warming_learns_the_commonest_names_before_workers_fork(records) -> None:
    """The workers share what the importer learnt of the names most records hold, instead of each
    learning them afresh; the others are learnt on first use, with the same results."""
    fresh = PersonIndex.from_records(records)
    held = fresh.vocab_held.sum(axis=1)
    fresh.warm(common_names=3)
    learnt = set(np.flatnonzero(fresh.vocab_table._ready).tolist())
    assert len(learnt) == 3 and min(held[list(learnt)]) >= sorted(held)[-3]
    cold = PersonIndex.from_records(records)
    every = np.arange(len(cold.vocab))
    for name in ("محمد", "ahmad", "الخطيب"):
        assert (
            fresh.vocab_table.similarities(name, every).tolist()
            == cold.vocab_table.similarities(name, every).tolist()
        )
