"""The saved search index follows the store: tracing requests (one at a time or a bulk file) add
their records' entries to it without a rebuild, and it then answers as an index built afresh;
any other change rebuilds it; a failed or concurrent save never leaves a broken index."""

from __future__ import annotations

import csv
import logging
import random
import threading

import pytest

from athar.demo import import_synthetic_lists
from athar.ingest import import_file
from athar.requests.bulk import import_requests
from athar.requests.intake import submit_request
from athar.search import PersonIndex, search
from athar.search.index import unlinked_person_id
from athar.search.service import load_index
from athar.synth import generate
from athar.web.search_state import IndexHolder
from tests.conftest import built_once
from tests.test_requests_support import people_with_latin_names, request_form, test_cipher

BULK_COLUMNS = (
    "request_id",
    "given_name",
    "father_name",
    "family_name",
    "mother_name",
    "sex",
    "birth_date",
    "requester_name",
    "requester_relationship",
    "requester_phone",
    "requester_email",
    "circumstances",
)


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return built_once(
        tmp_path_factory, "freshness-lists", lambda folder: generate(folder, persons=100, seed=21)
    )


@pytest.fixture(scope="module")
def people(lists) -> list[dict]:
    return people_with_latin_names(lists)


@pytest.fixture
def filled(store, lists):
    """A store (SQLite or PostgreSQL) holding the synthetic lists."""
    import_synthetic_lists(store, lists)
    return store


def _content(index: PersonIndex) -> tuple:
    """What an index holds, whatever order it numbered things in: each person's entries as names,
    and each name's shares."""
    vocab = index.vocab
    persons = {}
    for p, person_id in enumerate(index.person_ids.tolist()):
        lo, hi = int(index.person_start[p]), int(index.person_start[p + 1])
        persons[person_id] = sorted(
            (
                tuple(vocab[v] if v >= 0 else "" for v in index.entry_parts[e].tolist()),
                int(index.entry_year[e]),
                int(index.entry_sex[e]),
            )
            for e in range(lo, hi)
        )
    shares = {v: index.vocab_share[i].tolist() for i, v in enumerate(vocab)}
    return persons, shares, index.part_agreement.tolist()


def _answers(index: PersonIndex, people: list[dict]) -> list:
    out = []
    for i, p in enumerate(people):
        s = "ar" if i % 2 else "latin"
        out.append(
            search(index, f"{p[f'given_name_{s}']} {p[f'family_name_{s}']}", born=int(p["birth_date"][:4]))
        )
        out.append(
            search(index, p[f"given_name_{s}"], father=p[f"father_name_{s}"], mother=p[f"mother_name_{s}"])
        )
    return out


def _bulk_file(path, people: list[dict], rng: random.Random):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, BULK_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for i, p in enumerate(people):
            form = request_form(p, people[-1 - i], rng, script="latin" if i % 2 else "ar")
            writer.writerow({**form, "request_id": f"B-{i}", "circumstances": "taken_from_home"})
    return path


def test_requests_extend_the_saved_index_which_answers_as_one_built_afresh(
    filled, people, tmp_path, caplog
) -> None:
    path = tmp_path / "athar.search.npz"
    before = load_index(filled, path)
    holder = IndexHolder(filled)  # the web app's index, kept in memory
    assert holder.get() is not None
    rng, cipher = random.Random(4), test_cipher()
    sought = people[:5]
    singles = [
        submit_request(filled, request_form(p, people[-1], rng, script=s), "Org A", cipher, before)
        for p, s in ((sought[0], "ar"), (sought[1], "latin"))
    ]
    bulk = import_requests(filled, _bulk_file(tmp_path / "r.csv", sought[2:], rng), "Org B", cipher, before)
    assert bulk.new == 3

    with caplog.at_level(logging.INFO, logger="athar.search.service"):
        extended = load_index(filled, path)
    assert [r.message for r in caplog.records] == [f"search index extended to {len(before) + 5} persons"]
    fresh = PersonIndex.build(filled)
    assert extended.meta["fingerprint"] == fresh.meta["fingerprint"]
    assert _content(extended) == _content(fresh)
    assert _content(PersonIndex.load(path)) == _content(fresh)
    answers = _answers(fresh, people[:40])
    assert sum(bool(a) for a in answers) > 60
    assert _answers(extended, people[:40]) == answers
    assert _answers(holder.get(), people[:40]) == answers
    assert (holder.builds, holder.extensions) == (1, 1)
    # each request's sought person is found as the request's own record
    found = {m.person_id for a in _answers(extended, sought) for m in a}
    own = [unlinked_person_id("tracing requests: Org A", r.request_id) for r in singles]
    own += [unlinked_person_id("tracing requests: Org B", r["request_id"]) for r in bulk.requests]
    assert set(own) <= found


def test_a_record_replaced_by_a_new_version_rebuilds_the_index(filled, lists, tmp_path) -> None:
    path = tmp_path / "athar.search.npz"
    before = load_index(filled, path)
    holder = IndexHolder(filled)
    holder.get()
    with (lists / "returnees.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    changed = tmp_path / "returnees.csv"
    rows[1][rows[0].index("full_name")] += "a"
    with changed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:2])
    assert import_file(filled, changed, "returnees", user="test").new_versions == 1

    after = load_index(filled, path)
    assert len(after) == len(before)
    assert _content(after) == _content(PersonIndex.build(filled))
    holder.get()
    assert (holder.builds, holder.extensions) == (2, 0)


def _small_index(people: list[dict], start: int, n: int) -> PersonIndex:
    parts = ("given_name", "father_name", "family_name", "mother_name")
    return PersonIndex.from_records(
        {"record_id": str(i), "person_id": f"P-{i}", **{c: people[i][f"{c}_latin"] for c in parts}}
        for i in range(start, start + n)
    )


def test_a_failed_save_leaves_the_old_index_whole_and_no_temporary_file(
    people, tmp_path, monkeypatch
) -> None:
    path = tmp_path / "athar.search.npz"
    old, new = _small_index(people, 0, 30), _small_index(people, 30, 40)
    old.save(path)

    def interrupted(file, **arrays) -> None:
        file.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr("athar.search.index.np.savez", interrupted)
    with pytest.raises(OSError, match="disk full"):
        new.save(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert PersonIndex.load(path).person_ids.tolist() == old.person_ids.tolist()


def test_concurrent_saves_leave_one_whole_index(people, tmp_path) -> None:
    path = tmp_path / "athar.search.npz"
    indexes = [_small_index(people, 0, 30), _small_index(people, 30, 40)]
    start = threading.Barrier(len(indexes))

    def save_often(index: PersonIndex) -> None:
        start.wait()
        for _ in range(5):
            index.save(path)

    threads = [threading.Thread(target=save_often, args=(index,)) for index in indexes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    saved = PersonIndex.load(path).person_ids.tolist()
    assert saved in [index.person_ids.tolist() for index in indexes]
