"""Incremental linkage: a new list into a linked store, scored alone with the saved model.

The base store (built once per run) holds three of the four synthetic lists, the families' reports
short of their last rows, linked in full. Tests copy it, add a list and link again. The last tests
are of the feature cache the full run left beside it (`athar.linkage.feature_cache`).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, select, update
from typer.testing import CliRunner

from athar.cli import app
from athar.exports import current_records
from athar.ingest import import_file
from athar.linkage import features, steps, store_io
from athar.linkage.config import FeatureConfig
from athar.linkage.engines import db_api_for
from athar.linkage.explain import explain
from athar.linkage.feature_cache import KEPT_COLUMNS, FeatureCache, cache_for, rows_digest
from athar.linkage.review import record_judgement
from athar.linkage.run import LinkOptions, link
from athar.linkage.staleness import GROWTH_LIMIT, changed_sources, stale_reasons
from athar.linkage.store_io import SavedRun
from athar.store import open_store
from athar.store.tables import LinkPair, PersonEvent, Record, ReviewTask, Source
from athar.synth import generate
from tests.conftest import built_once

LATE_ROWS = 150  # the families' reports held back as a later list
runner = CliRunner()


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The linkage tests' lists (shared with tests/test_linkage_run.py; read only)."""
    return built_once(tmp_path_factory, "linkage-lists", lambda out: generate(out, persons=800, seed=7))


@pytest.fixture(scope="module")
def base(lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """families (less its last LATE_ROWS rows), detention and returnees, linked in full; and the held
    back rows as families_late.csv (built once per run; copy the store)."""

    def build(folder: Path) -> None:
        with (lists / "families.csv").open(encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        for name, part in (("families", rows[:-LATE_ROWS]), ("families_late", rows[-LATE_ROWS:])):
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(header)
                writer.writerows(part)
        engine = open_store(str(folder / "athar.db"))
        import_file(engine, folder / "families.csv", "families", kind="family_report")
        import_file(engine, lists / "detention.csv", "detention", kind="detention_register")
        import_file(engine, lists / "returnees.csv", "returnees", kind="returnee_registration")
        link(engine, LinkOptions(user="test"))
        engine.dispose()

    return built_once(tmp_path_factory, "incremental-base", build)


@pytest.fixture
def db(base: Path, tmp_path: Path) -> str:
    path = tmp_path / "athar.db"
    shutil.copy(base / "athar.db", path)
    return str(path)


@pytest.fixture
def engine(db: str):
    engine = open_store(db)
    yield engine
    engine.dispose()


def person_of(engine) -> dict[tuple[str, str], str]:
    return {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}


def partition(assignment: dict) -> set[frozenset]:
    groups: dict = {}
    for key, group in assignment.items():
        groups.setdefault(group, set()).add(key)
    return {frozenset(members) for members in groups.values()}


def rescored_in_full_with_the_saved_model(engine) -> set[frozenset]:
    """Persons as a full run would make them without retraining: every pair of the store blocked and
    scored with the newest run's model, config and name roles, clustered the same way."""
    saved = store_io.latest_run(engine)
    assert saved is not None and saved.model is not None
    loaded = dataclasses.replace(steps.load(engine, full=True, config=saved.config), roles=saved.name_roles)
    features = steps.make_features(loaded)
    shares = steps.term_frequencies(features, saved.model, saved.config)
    scored = steps.score(
        functools.partial(db_api_for, "duckdb", None), loaded, features, saved.model, 0.05, shares
    )
    with engine.connect() as conn:
        judgements = store_io.latest_judgements(conn)
    clustered = steps.cluster_records(loaded, features, scored, judgements, {}, 0.9, saved.config.siblings)
    return {frozenset(members) for members in clustered.clusters.values()}


def add_late_list(engine, base: Path) -> None:
    import_file(engine, base / "families_late.csv", "families_late", kind="family_report")


def test_a_new_list_is_scored_alone_and_its_persons_equal_a_full_rescoring(engine, base):
    add_late_list(engine, base)
    summary = link(engine, LinkOptions(user="test"))
    assert summary.mode == "incremental" and summary.new_records == LATE_ROWS
    assert summary.model_stale == []
    # only pairs with a new record were scored
    with engine.connect() as conn:
        scored = conn.execute(
            select(LinkPair.left_source, LinkPair.right_source).where(LinkPair.run_id == summary.run_id)
        ).all()
    assert scored and all("families_late" in pair for pair in scored)
    assert len(scored) == summary.pairs_scored
    # The same persons as scoring every pair of the store with the same model. (Old pairs keep the
    # scores they were given; a new list can change the name frequencies and name roles they were
    # scored with, but on this store not enough to move any pair across the threshold.)
    assert partition(person_of(engine)) == rescored_in_full_with_the_saved_model(engine)


def test_under_a_block_limit_a_new_list_is_blocked_as_a_full_rescoring_blocks_it(engine, base):
    """A block is counted over every row, new and old, so a new record in a block grown past the
    limit is left out of that rule's pairs as a full run leaves it out."""
    from athar.linkage.config import BlockingConfig, LinkConfig

    by_default = link(engine, LinkOptions(user="test", full=True))
    limited = link(engine, LinkOptions(user="test", full=True, config=LinkConfig(blocking=BlockingConfig(3))))
    assert limited.pairs_scored < by_default.pairs_scored  # a limit of 3 takes pairs away on this store
    add_late_list(engine, base)
    summary = link(engine, LinkOptions(user="test"))
    assert summary.mode == "incremental" and summary.new_records == LATE_ROWS
    assert partition(person_of(engine)) == rescored_in_full_with_the_saved_model(engine)


def test_person_ids_stay_and_new_records_join_persons_or_become_new_ones(engine, base):
    before = person_of(engine)
    add_late_list(engine, base)
    summary = link(engine, LinkOptions(user="test"))
    after = person_of(engine)
    with engine.connect() as conn:
        events = conn.execute(
            select(PersonEvent.person_id, PersonEvent.kind).where(PersonEvent.run_id == summary.run_id)
        ).all()
    merged = {pid for pid, kind in events if kind == "merged"}
    assert not [kind for _pid, kind in events if kind in ("split", "retired")]
    old_persons: dict[str, set[str]] = {}
    for key, pid in before.items():
        old_persons.setdefault(pid, set()).add(after[key])
    # each old person's records are still together, under its own id unless it was merged
    assert all(len(now) == 1 for now in old_persons.values())
    assert all(now == {pid} for pid, now in old_persons.items() if pid not in merged)
    assert len(merged) == summary.merges
    new_keys = [k for k in after if k[0] == "families_late"]
    joined = [k for k in new_keys if after[k] in old_persons]
    fresh = {after[k] for k in new_keys} - old_persons.keys()
    assert joined and fresh  # the late list holds people already listed and people not yet
    assert len(fresh) == summary.persons_created


def test_a_list_of_a_kind_the_model_never_saw_makes_it_stale_and_full_retrains(engine, db, lists):
    import_file(engine, lists / "morgue.csv", "morgue", kind="hospital_or_morgue")
    summary = link(engine, LinkOptions(user="test"))
    assert summary.mode == "incremental"
    assert len(summary.model_stale) == 1
    assert "'hospital_or_morgue'" in summary.model_stale[0] and "morgue" in summary.model_stale[0]

    # what the incremental run decided is explained with the model it used, also after a retrain
    persons = person_of(engine)
    late, kept = None, None
    for key, pid in persons.items():
        if key[0] == "morgue":
            mates = [k for k, p in persons.items() if p == pid and k[0] != "morgue"]
            if mates:
                late, kept = key, mates[0]
                break
    assert late is not None and kept is not None
    refs = (f"{late[0]}:{late[1]}", f"{kept[0]}:{kept[1]}")
    old = explain(engine, *refs)
    assert old["run_id"] == summary.run_id

    result = runner.invoke(app, ["link", "--full", "--json", "--db", db], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    full = json.loads(result.stdout)
    assert full["mode"] == "full" and full["model_stale"] == []
    assert explain(engine, *refs)["run_id"] == full["run_id"]
    # and with the retrained model's own weights: the pair it scored highest adds up to its score
    pair = (LinkPair.left_source, LinkPair.left_record_id, LinkPair.right_source, LinkPair.right_record_id)
    with engine.connect() as conn:
        *best, weight = conn.execute(
            select(*pair, LinkPair.match_weight)
            .where(LinkPair.run_id == full["run_id"])
            .order_by(LinkPair.match_weight.desc())
        ).first()
    best_refs = (f"{best[0]}:{best[1]}", f"{best[2]}:{best[3]}")
    assert explain(engine, *best_refs)["match_weight"] == pytest.approx(weight, abs=0.01)
    assert explain(engine, *refs, run_id=summary.run_id) == old
    again = runner.invoke(app, ["explain", *refs, "--run", str(summary.run_id), "--json", "--db", db])
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["match_weight"] == old["match_weight"]

    # the retrained model has seen the morgue's kind: the next run is incremental and not stale
    after = link(engine, LinkOptions(user="test"))
    assert after.mode == "incremental" and after.model_stale == [] and after.new_records == 0


def test_link_on_the_command_line_says_the_model_is_stale_and_how_to_retrain(engine, db, lists):
    import_file(engine, lists / "morgue.csv", "morgue", kind="hospital_or_morgue")
    result = runner.invoke(app, ["link", "--db", db], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "incremental run" in result.stdout
    assert "the model is stale" in result.stderr and "athar link --full" in result.stderr


def test_a_list_whose_kind_changed_has_its_records_scored_again(engine):
    with engine.begin() as conn:
        conn.execute(update(Source).where(Source.name == "detention").values(kind="hospital_or_morgue"))
    detention = sum(1 for r in current_records(engine) if r["source"] == "detention")
    summary = link(engine, LinkOptions(user="test"))
    assert summary.mode == "incremental" and summary.new_records == detention
    assert any("'hospital_or_morgue'" in reason for reason in summary.model_stale)
    # the detention register's pairs were all scored again, as a morgue's deaths
    with engine.connect() as conn:
        rows = conn.execute(select(LinkPair.run_id, LinkPair.left_source, LinkPair.right_source)).all()
    assert all(run == summary.run_id for run, left, right in rows if "detention" in (left, right))


def saved(summary: dict, run_id: int = 3) -> SavedRun:
    return SavedRun(run_id, {"comparisons": []}, summary)


def test_the_store_growing_beyond_the_limit_makes_the_model_stale():
    run = saved({"mode": "full", "records": 1000, "model_source_kinds": ["family_report"]})
    kinds = {"families": "family_report"}
    assert stale_reasons(run, kinds, int(1000 * (1 + GROWTH_LIMIT)), "1") == []
    (reason,) = stale_reasons(run, kinds, int(1000 * (1 + GROWTH_LIMIT)) + 1, "1")
    assert "1,501 records" in reason and "1,000" in reason and "run 3" in reason


def test_an_incremental_run_carries_what_its_model_was_trained_on():
    run = saved(
        {
            "mode": "incremental",
            "records": 5000,
            "model_run_id": 1,
            "model_records": 1000,
            "model_source_kinds": ["family_report"],
            "model_athar_version": "0.9",
        }
    )
    reasons = stale_reasons(run, {"families": "family_report", "log": "hospital_or_morgue"}, 5000, "1.0")
    assert len(reasons) == 3
    assert "run 1" in reasons[0] and "'hospital_or_morgue'" in reasons[0] and "log is" in reasons[0]
    assert "5,000 records" in reasons[1]
    assert "Athar 0.9" in reasons[2]


def test_a_run_saved_before_provenance_was_kept_is_judged_on_what_it_says():
    # a full run of an older Athar: its records and version stand for the model's; kinds unknown
    assert stale_reasons(saved({"mode": "full", "records": 100}), {"a": "other"}, 120, "1") == []
    # an older incremental run says nothing of its model: nothing to judge by
    assert stale_reasons(saved({"mode": "incremental", "records": 100}), {"a": "other"}, 900, "1") == []


def test_only_sources_that_existed_with_another_kind_count_as_changed():
    before = {"a": "family_report", "b": "other"}
    assert changed_sources(before, {"a": "family_report", "b": "hospital_or_morgue", "c": "other"}) == {"b"}
    assert changed_sources({}, {"a": "other"}) == set()


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_new_version_of_a_record_is_scored_again_and_only_changed_memberships_move(store, lists, tmp_path):
    """On SQLite and PostgreSQL: the stored pairs of a record's older version are dropped (each by its
    pair of records) and its new version scored; every current record keeps one membership."""
    with (lists / "families.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    rows = rows[:300]
    import_file(store, write_rows(tmp_path / "families.csv", header, rows), "families", kind="family_report")
    link(store, LinkOptions(user="test"))
    with store.connect() as conn:
        paired = conn.execute(
            select(LinkPair.left_source, LinkPair.left_record_id).order_by(
                LinkPair.match_probability.desc(), LinkPair.left_record_id
            )
        ).all()
    changed_id = next(r for s, r in paired if s == "families")
    changed = [list(row) for row in rows]
    place = header.index("birth_place")
    for row in changed:
        if row[0] == changed_id:
            row[place] = "Palmyra"
    import_file(
        store, write_rows(tmp_path / "families2.csv", header, changed), "families", kind="family_report"
    )

    summary = link(store, LinkOptions(user="test"))
    assert summary.mode == "incremental" and summary.new_records == 1
    with store.connect() as conn:
        pairs = conn.execute(
            select(
                LinkPair.run_id,
                LinkPair.left_source,
                LinkPair.left_record_id,
                LinkPair.right_source,
                LinkPair.right_record_id,
            )
        ).all()
    touching = [p for p in pairs if ("families", changed_id) in ((p[1], p[2]), (p[3], p[4]))]
    assert touching and all(p[0] == summary.run_id for p in touching)
    assert len(pairs) == len({p[1:] for p in pairs})  # no pair kept twice
    persons = person_of(store)
    assert len(persons) == len(rows) and all(persons.values())


def test_judgements_since_the_last_run_move_the_persons_they_touch_as_clustering_everything_would(
    engine, db, tmp_path
):
    """An incremental run clusters again only what a change can reach: here two judgements and no
    new record. It gives the persons that clustering every record gives (a run with another review
    band does that) and writes the same review tasks."""
    before = person_of(engine)
    groups: dict[str, list] = {}
    for key, pid in sorted(before.items()):
        groups.setdefault(pid, []).append(key)
    a, b = next(g for g in groups.values() if len(g) >= 2)[:2]
    c, d = [g[0] for g in groups.values() if len(g) == 1][:2]
    for left, right, decision in ((a, b, "different"), (c, d, "same")):
        record_judgement(engine, f"{left[0]}:{left[1]}", f"{right[0]}:{right[1]}", decision, "test")
    engine.dispose()  # the judgements written from SQLite's log into the file copied
    whole_db = tmp_path / "whole.db"
    shutil.copy(db, whole_db)
    whole = open_store(str(whole_db))

    summary = link(engine, LinkOptions(user="test"))
    everything = link(whole, LinkOptions(user="test", review_high=0.9699))
    with engine.connect() as conn:
        saved = store_io.latest_run(engine)
    assert saved is not None and 0 < saved.summary["records_clustered"] < summary.records
    assert summary.mode == everything.mode == "incremental" and summary.new_records == 0
    after = person_of(engine)
    assert after[a] != after[b] and after[c] == after[d]
    assert partition(after) == partition(person_of(whole))
    assert summary.persons == everything.persons == len(set(after.values()))
    # untouched persons keep their ids; the review queue is the same (one pair may cross 0.9699)
    assert sum(after[k] == pid for k, pid in before.items()) >= len(before) - 4
    with engine.connect() as conn, whole.connect() as other:
        queue = {t[:4] for t in conn.execute(_tasks(summary.run_id))}
        full_queue = {t[:4] for t in other.execute(_tasks(everything.run_id))}
    whole.dispose()
    assert len(queue ^ full_queue) <= 1 and summary.review_tasks == len(queue)


def _tasks(run_id: int):
    return select(
        ReviewTask.left_source,
        ReviewTask.left_record_id,
        ReviewTask.right_source,
        ReviewTask.right_record_id,
        ReviewTask.priority,
    ).where(ReviewTask.run_id == run_id)


def test_the_records_a_change_reaches_go_through_sure_pairs_same_judgements_and_old_persons():
    keys = [("a", str(i)) for i in range(8)]
    a = dict(enumerate(keys))
    pairs = {(a[0], a[1]): (0.95, 5.0), (a[2], a[3]): (0.5, 0.0), (a[4], a[5]): (0.99, 7.0)}
    members = {a[1]: "P-1", a[6]: "P-1", a[7]: "P-2", ("gone", "x"): "P-3", a[5]: "P-3"}
    # a pair at the threshold, then the person the record was in
    assert steps.touched_records(keys, pairs, [], 0.9, members, {a[0]}) == {a[0], a[1], a[6]}
    # a record no longer current reaches the rest of its person, and what they are paired with
    assert steps.touched_records(keys, pairs, [], 0.9, members, {("gone", "x")}) == {a[4], a[5]}
    # a pair below the threshold reaches nothing; a reviewer's "same" does
    assert steps.touched_records(keys, pairs, [], 0.9, members, {a[3]}) == {a[3]}
    assert steps.touched_records(keys, pairs, [(a[2], a[3])], 0.9, members, {a[3]}) == {a[2], a[3]}


# -- the feature cache ------------------------------------------------------------------------------


def copied(base: Path, to: Path, with_cache: bool = True) -> str:
    shutil.copy(base / "athar.db", to / "athar.db")
    if with_cache:
        shutil.copytree(base / "athar.linkage-features", to / "athar.linkage-features")
    return str(to / "athar.db")


def changed_store(base: Path, folder: Path, with_cache: bool) -> str:
    """The base store with a late list added and one report imported again with another birth place
    (a new version of it)."""
    folder.mkdir()
    db = copied(base, folder, with_cache)
    engine = open_store(db)
    import_file(engine, base / "families_late.csv", "families_late", kind="family_report")
    with (base / "families.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    place = header.index("birth_place")
    rows[5][place] = "Palmyra" if rows[5][place] != "Palmyra" else "Homs"
    import_file(engine, write_rows(folder / "families2.csv", header, rows), "families", kind="family_report")
    engine.dispose()
    return db


def test_a_full_run_leaves_every_records_rows_beside_the_store(base):
    engine = open_store(str(base / "athar.db"))
    cache = cache_for(engine)
    assert cache is not None and cache.folder == base / "athar.linkage-features"
    loaded = steps.load(engine, full=False, cache=cache)
    engine.dispose()
    assert loaded.cached is not None
    # the rows of every record were kept, and so no record's values need reading
    assert set(loaded.cached["content_hash"]) == set(loaded.content_hashes)
    assert len(loaded.records) == 0


def test_a_new_version_is_read_and_made_anew_and_the_rows_equal_those_made_without_cache(base, tmp_path):
    db = changed_store(base, tmp_path / "s", with_cache=True)
    engine = open_store(db)
    cache = cache_for(engine)
    loaded = steps.load(engine, full=False, cache=cache)
    # only the late list's records and the new version are read: the cache lacks their versions
    assert set(zip(loaded.records["source"], loaded.records["record_id"], strict=True)) == loaded.new_keys
    assert len(loaded.new_keys) == LATE_ROWS + 1
    with_cache = steps.make_features(loaded)
    without = steps.make_features(steps.load(engine, full=False, cache=None))
    pd.testing.assert_frame_equal(with_cache.readings, without.readings)
    pd.testing.assert_frame_equal(with_cache.records, without.records)
    assert with_cache.name_counts == without.name_counts
    # the new version's row holds its new birth place, not the cached one of the old version
    with engine.connect() as conn:
        versions = conn.execute(select(Record.record_id, Record.birth_place).where(Record.version == 2)).all()
    engine.dispose()
    ((record_id, place),) = versions
    row = with_cache.records.iloc[loaded.keys.index(("families", record_id))]
    assert row["birth_place_id"] is not None and row["birth_place_id"] == _place_id(place)
    # the rows made were added: the next run reads no record's values
    engine = open_store(db)
    again = steps.load(engine, full=False, cache=cache)
    engine.dispose()
    assert len(again.records) == 0


def _place_id(text: str) -> str | None:
    return features.default_place_lookup()(text)[0]


def test_an_incremental_run_with_the_cache_makes_the_persons_it_makes_without(base, tmp_path):
    cached_db = changed_store(base, tmp_path / "cached", with_cache=True)
    plain_db = changed_store(base, tmp_path / "plain", with_cache=False)
    results = []
    for db, use in ((cached_db, True), (plain_db, False)):
        engine = open_store(db)
        summary = link(engine, LinkOptions(user="test", feature_cache=use))
        assert summary.mode == "incremental" and summary.new_records == LATE_ROWS + 1
        results.append(_persons(engine))
        engine.dispose()
    assert results[0] == results[1]


def _persons(engine) -> set[frozenset]:
    groups: dict = {}
    for r in current_records(engine):
        groups.setdefault(r["person_id"], set()).add((r["source"], r["record_id"]))
    return {frozenset(g) for g in groups.values()}


def test_other_roles_config_or_rows_find_nothing_and_their_files_are_removed(tmp_path):
    cache = FeatureCache(tmp_path / "c")
    digest = rows_digest({"ahmad": -1.0}, FeatureConfig())
    assert rows_digest({"ahmad": -0.5}, FeatureConfig()) != digest
    assert rows_digest({"ahmad": -1.0}, FeatureConfig(rare_name_pair_limit=30)) != digest
    row = {
        **dict.fromkeys(KEPT_COLUMNS),
        "content_hash": "h1",
        "reading": 0,
        "reading_bits": 0.0,
        "given_key": "ahmd",
        "birth_year": 1980,
    }
    cache.add(digest, pd.DataFrame([row]))
    cache.add(digest, pd.DataFrame([{**row, "content_hash": "h2", "birth_year": None}]))
    kept = cache.read(digest)
    assert kept is not None
    assert kept["content_hash"].tolist() == ["h1", "h2"] or kept["content_hash"].tolist() == ["h2", "h1"]
    assert sorted(kept["birth_year"].tolist(), key=str) == sorted([1980, pd.NA], key=str)
    assert kept["father_key"].tolist() == [None, None]
    other = rows_digest({"ahmad": -1.0}, FeatureConfig(role_min_count=3))
    assert cache.read(other) is None
    assert list(cache.folder.iterdir()) == []  # made under another digest: removed


def _cache_row(content_hash: str) -> dict:
    return {
        **dict.fromkeys(KEPT_COLUMNS),
        "content_hash": content_hash,
        "reading": 0,
        "reading_bits": 0.0,
        "given_key": "ahmd",
    }


def test_rows_written_in_the_background_replace_the_old_before_the_folder_is_read(tmp_path):
    cache = FeatureCache(tmp_path / "c")
    digest = rows_digest({}, FeatureConfig())
    cache.add(digest, pd.DataFrame([_cache_row("old")]))
    cache.replace_later(digest, pd.DataFrame([_cache_row("new")]))
    kept = cache.read(digest)  # waits for the write
    assert kept is not None and kept["content_hash"].tolist() == ["new"]
    assert len(list(cache.folder.glob("*.parquet"))) == 1


def test_a_background_write_that_cannot_write_leaves_a_warning_and_another_error_is_raised(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("")
    cache = FeatureCache(blocked / "c")  # a folder under a file: mkdir fails
    digest = rows_digest({}, FeatureConfig())
    with caplog.at_level(logging.WARNING, logger="athar.linkage.feature_cache"):
        cache.replace_later(digest, pd.DataFrame([_cache_row("h")]))
        cache.wait()
    assert "feature cache not written" in caplog.text
    broken = FeatureCache(tmp_path / "d")
    broken.replace_later(digest, pd.DataFrame([{"content_hash": "h"}]))  # without the kept columns
    with pytest.raises(KeyError):
        broken.wait()
    broken.wait()  # raised once


def test_only_a_sqlite_store_on_disk_keeps_a_cache(tmp_path):
    assert cache_for(create_engine("sqlite://")) is None
    assert cache_for(create_engine("postgresql+psycopg://athar@localhost/athar")) is None
    found = cache_for(create_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    assert found is not None and found.folder == tmp_path / "x.linkage-features"


def test_a_run_with_nothing_new_to_score_is_explained_with_the_shares_its_model_scored_with(engine):
    """A run that scores nothing keeps its predecessor's model, and explain reads the newest run's
    term frequencies: with none kept, Splink counted them in the two rows explained, where every
    name is in every row, and a pair stored at 26 bits was explained at 7.5."""
    pair = (LinkPair.left_source, LinkPair.left_record_id, LinkPair.right_source, LinkPair.right_record_id)
    with engine.connect() as conn:
        *best, weight = conn.execute(
            select(*pair, LinkPair.match_weight).order_by(LinkPair.match_weight.desc())
        ).first()
    refs = (f"{best[0]}:{best[1]}", f"{best[2]}:{best[3]}")
    again = link(engine, LinkOptions(user="test"))
    assert again.mode == "incremental" and again.pairs_scored == 0
    explained = explain(engine, *refs)
    assert explained["run_id"] == again.run_id
    assert explained["match_weight"] == pytest.approx(weight, abs=0.01)
    names = [s for s in explained["steps"] if s["comparison"].startswith("tf_") and s["match_weight"]]
    assert names  # the names' frequencies are weighed, as when the pair was scored
