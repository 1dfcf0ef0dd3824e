"""Search over a linked store of synthetic people: across scripts and orders, family answers, audit."""

import csv
import json
import shutil
from collections import defaultdict

import pytest
from sqlalchemy import select

from athar.cli.search import run_search
from athar.demo import import_synthetic_lists
from athar.exports import current_records
from athar.linkage.run import LinkOptions, link
from athar.names import is_arabic
from athar.search import FAMILY_THRESHOLD, PersonIndex, family_answer, search
from athar.search.service import load_index
from athar.store import open_store
from athar.store.tables import AuditEntry
from athar.synth import generate
from tests.conftest import built_once


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    """Generated once per run for every xdist worker: read only."""
    return built_once(tmp_path_factory, "search-lists", lambda folder: generate(folder, persons=500, seed=11))


@pytest.fixture(scope="module")
def engine(lists, tmp_path_factory):
    """This worker's copy of a store linked once per run (searches write audit entries into it)."""

    def build(folder):
        engine = open_store(str(folder / "athar.db"))
        import_synthetic_lists(engine, lists)
        link(engine, LinkOptions(user="test"))
        engine.dispose()

    path = tmp_path_factory.mktemp("search_store") / "athar.db"
    shutil.copy(built_once(tmp_path_factory, "search-linked", build) / "athar.db", path)
    engine = open_store(str(path))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def index(engine):
    return PersonIndex.build(engine)


@pytest.fixture(scope="module")
def records(engine):
    return list(current_records(engine))


@pytest.fixture(scope="module")
def people(lists, records):
    """Each synthetic person held by the store: their persons.csv row, the ids linkage gave them,
    and the scripts their stored records are written in."""
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        truth = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    linked, scripts = defaultdict(set), defaultdict(set)
    for r in records:
        true = truth[(r["source"], r["record_id"])]
        linked[true].add(r["person_id"])
        name = r["full_name"] or r["given_name"] or ""
        scripts[true].add("ar" if is_arabic(name) else "latin" if name else "none")
    with (lists / "persons.csv").open(encoding="utf-8") as f:
        rows = [p for p in csv.DictReader(f) if p["person_id"] in linked]
    return [(p, linked[p["person_id"]], scripts[p["person_id"]]) for p in rows]


def top_hit_rate(index, people, script, query_script):
    held = [(p, ids) for p, ids, scripts in people if scripts == {script}]
    hits = 0
    for p, ids in held:
        text = f"{p[f'given_name_{query_script}']} {p[f'family_name_{query_script}']}"
        found = search(index, text, father=p[f"father_name_{query_script}"])
        hits += bool(found) and found[0].person_id in ids
    return hits / len(held), len(held)


def test_latin_spelling_finds_person_held_only_in_arabic(index, people):
    rate, n = top_hit_rate(index, people, "ar", "latin")
    assert n >= 50
    assert rate >= 0.9


def test_arabic_spelling_finds_person_held_only_in_latin(index, people):
    rate, n = top_hit_rate(index, people, "latin", "ar")
    assert n >= 30
    assert rate >= 0.85


def test_right_person_scores_above_the_family_threshold(index, people):
    p, ids, _ = next(x for x in people if x[2] == {"ar"})
    found = search(index, f"{p['given_name_latin']} {p['family_name_latin']}", father=p["father_name_latin"])
    assert found[0].person_id in ids
    assert found[0].score >= FAMILY_THRESHOLD


def test_family_name_first_finds_the_same_person(index, people):
    checked = 0
    for p, ids, scripts in people:
        if scripts != {"ar"} or checked >= 20:
            continue
        given_first = search(
            index, f"{p['given_name_latin']} {p['father_name_latin']} {p['family_name_latin']}"
        )
        family_first = search(
            index, f"{p['family_name_latin']} {p['given_name_latin']} {p['father_name_latin']}"
        )
        if given_first and given_first[0].person_id in ids:
            assert family_first[0].person_id == given_first[0].person_id
            checked += 1
    assert checked >= 10


def test_unknown_name_returns_nothing_above_the_family_threshold(index):
    found = search(index, "Xqzwv Plorkt", father="Brumfle")
    assert all(m.score < FAMILY_THRESHOLD for m in found)
    assert family_answer(found).possible_match is False


def test_family_answer_exposes_no_names_or_record_details(index, people, records):
    p, ids, _ = next(x for x in people if x[2] == {"ar"})
    found = search(index, f"{p['given_name_latin']} {p['family_name_latin']}", father=p["father_name_latin"])
    answer = family_answer(found)
    assert answer.possible_match is True
    assert answer.case_reference in ids
    said = json.dumps(answer.as_json(), ensure_ascii=False)
    assert set(answer.as_json()) == {"possible_match", "case_reference"}
    for r in records:
        for value in (r["full_name"], r["given_name"], r["family_name"], r["birth_date"], r["record_id"]):
            if value:
                assert value not in said


def test_saved_and_loaded_index_gives_identical_results(index, people, tmp_path):
    path = index.save(tmp_path / "index.npz")
    loaded = PersonIndex.load(path)
    assert loaded.meta["fingerprint"] == index.meta["fingerprint"]
    for p, _ids, _ in people[:60]:
        for script in ("latin", "ar"):
            args = (f"{p[f'given_name_{script}']} {p[f'family_name_{script}']}",)
            kwargs = {"father": p[f"father_name_{script}"], "born": int(p["birth_date"][:4])}
            assert search(loaded, *args, **kwargs) == search(index, *args, **kwargs)


def test_investigator_search_audits_each_person_shown(engine, people, capsys):
    p, _ids, _ = next(x for x in people if x[2] == {"ar"})
    db = engine.url.database
    with engine.connect() as conn:
        before = conn.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)).scalar() or 0
    status = run_search(
        db, f"{p['given_name_latin']} {p['family_name_latin']}", limit=3, json_out=True, user="inv1"
    )
    assert status == 0
    shown = json.loads(capsys.readouterr().out)["matches"]
    assert shown and shown[0]["records"]
    with engine.connect() as conn:
        entries = conn.execute(
            select(
                AuditEntry.target_id,
                AuditEntry.user_name,
                AuditEntry.action,
                AuditEntry.target_type,
                AuditEntry.client,
            ).where(AuditEntry.id > before)
        ).all()
    assert sorted(e.target_id for e in entries) == sorted(m["person_id"] for m in shown)
    assert {(e.user_name, e.action, e.target_type, e.client) for e in entries} == {
        ("inv1", "view_person", "person", "cli")
    }


def test_saved_index_is_reused_until_the_store_changes(engine, tmp_path):
    path = tmp_path / "index.npz"
    first = load_index(engine, path)
    assert path.exists()
    mtime = path.stat().st_mtime_ns
    again = load_index(engine, path)
    assert path.stat().st_mtime_ns == mtime
    assert len(again) == len(first)
