"""The review page's explanation scores every reading of a pair in one query on SQL compiled once
(`athar.linkage.pair_scoring`): exactly what Splink's `score_pair` gave, one reading against one
reading, as `explain` scored before."""

from __future__ import annotations

import shutil
from itertools import islice

import pytest

from athar.linkage import explain as explain_module
from athar.linkage.explain import explain
from athar.linkage.features import name_readings
from athar.linkage.pair_scoring import PairScorer
from athar.linkage.review import WHY_LIKELY_SIBLINGS, open_tasks
from athar.linkage.store_io import latest_run
from athar.store import open_store
from athar.store.records import current_records
from tests.test_linkage_run import linked_db, lists  # noqa: F401  (the same linked store, built once)


@pytest.fixture
def store_copy(linked_db, tmp_path):  # noqa: F811
    path = tmp_path / "athar.db"
    shutil.copy(linked_db, path)
    engine = open_store(str(path))
    yield engine
    engine.dispose()


def _by_score_pair(linker, lefts: list[dict], rights: list[dict]) -> dict:
    """The old path: Splink's `score_pair`, once for each reading of the left against each of the right."""
    return {
        (left["unique_id"], right["unique_id"]): linker.inference.score_pair(
            left, right, include_found_by_blocking_rules=True
        ).as_record_list()[0]
        for left in lefts
        for right in rights
    }


def _read_otherwise(engine, left: str, right: str) -> bool:
    return any(step["comparison"] == "name_order" for step in explain(engine, left, right)["steps"])


def _pairs(engine) -> list[tuple[str, str]]:
    """Review tasks (a likely brother and sister among them, and two whose names were best read in
    another order), pairs of records whose names both read two ways, and pairs no blocking rule would
    have put together."""
    tasks = open_tasks(engine, limit=100_000)
    chosen = [(t["left"], t["right"]) for t in tasks[:3]]
    chosen += [(t["left"], t["right"]) for t in tasks if t["why"] == WHY_LIKELY_SIBLINGS][:1]
    pairs = ((t["left"], t["right"]) for t in tasks)
    chosen += islice((pair for pair in pairs if _read_otherwise(engine, *pair)), 2)
    roles = latest_run(engine).name_roles
    records = sorted(current_records(engine), key=lambda r: (r["source"], r["record_id"]))
    refs = [f"{r['source']}:{r['record_id']}" for r in records]
    either_way = [ref for ref, r in zip(refs, records, strict=True) if name_readings(r, roles)[1]]
    chosen += list(zip(either_way[0:4:2], either_way[1:4:2], strict=True))
    chosen.append((refs[1], refs[-8]))
    return list(dict.fromkeys(chosen))  # each once: a pair explained again comes from the cache


def test_explain_gives_what_scoring_each_reading_alone_gave(store_copy, monkeypatch):
    pairs = _pairs(store_copy)
    fast = [explain(store_copy, left, right) for left, right in pairs]

    compared: list[dict] = []
    one_query = PairScorer.score

    def by_score_pair(self, lefts, rights):
        old = _by_score_pair(self._linker, lefts, rights)
        assert one_query(self, lefts, rights) == old  # every column of every reading's scored row
        compared.append(old)
        return old

    monkeypatch.setattr(PairScorer, "score", by_score_pair)
    for scorer in explain_module._scorers.values():
        scorer.explained.clear()
    assert [explain(store_copy, left, right) for left, right in pairs] == fast
    assert len(compared) == len(pairs)
    # the pairs covered what there is to cover: both names read two ways, a pair no blocking rule
    # finds, a reading kept that is not the first, a pair kept apart as siblings
    assert any(len(scored) == 4 for scored in compared)
    assert any(not row["found_by_blocking_rules"] for scored in compared for row in scored.values())
    assert any(step["comparison"] == "name_order" for result in fast for step in result["steps"])
    assert any(result["kept_apart_as_siblings"] for result in fast)


def test_rows_with_other_columns_get_a_query_of_their_own(store_copy, monkeypatch):
    seen: list[tuple[list[dict], list[dict]]] = []
    one_query = PairScorer.score

    def keeping_the_rows(self, lefts, rights):
        seen.append((lefts, rights))
        return one_query(self, lefts, rights)

    monkeypatch.setattr(PairScorer, "score", keeping_the_rows)
    task = open_tasks(store_copy, limit=1)[0]
    explain(store_copy, task["left"], task["right"])
    scorer = next(iter(explain_module._scorers.values()))
    lefts, rights = seen[0]
    # without the term frequencies Splink reads the values' frequencies elsewhere: another query
    bare = [[{k: v for k, v in row.items() if not k.startswith("tf_")} for row in rows] for rows in seen[0]]
    assert one_query(scorer.pairs, *bare) == _by_score_pair(scorer.linker, *bare)
    assert one_query(scorer.pairs, lefts, rights) == _by_score_pair(scorer.linker, lefts, rights)
    with pytest.raises(ValueError, match="same columns"):
        one_query(scorer.pairs, lefts, bare[1])


def test_reviewers_opening_pairs_at_once_each_get_their_own_pairs_explanation(store_copy):
    """The one query reads its rows from two tables of fixed names on the scorer's connection: web
    workers explaining different pairs at once must not read each other's rows."""
    from concurrent.futures import ThreadPoolExecutor

    pairs = [(t["left"], t["right"]) for t in open_tasks(store_copy, limit=16)]
    alone = [explain(store_copy, left, right) for left, right in pairs]
    for scorer in explain_module._scorers.values():
        scorer.explained.clear()
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda pair: explain(store_copy, *pair), pairs))
    assert together == alone
    assert len({result["match_weight"] for result in alone}) > 1
