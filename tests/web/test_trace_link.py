"""Requests meet the lists through linkage: after `athar link` a request's sought person joins the
person the lists hold; two relatives asking for one person end in one person (one case) with two
requesters; a request nobody else holds becomes a person of its own. And estimation does not count
a tracing-requests source as a list."""

from __future__ import annotations

import csv
import shutil

import pytest
from sqlalchemy import select

from athar.estimate.from_store import person_capture_rows
from athar.linkage.run import LinkOptions, link
from athar.requests.bulk import import_requests
from athar.requests.lookup import find_request, person_of
from athar.store import open_store
from athar.store.tables import Membership, Record, Source
from tests.test_requests_support import test_cipher

COLUMNS = [
    "request_id",
    "given_name",
    "father_name",
    "family_name",
    "mother_name",
    "sex",
    "birth_date",
    "requester_name",
    "requester_relationship",
    "requester_email",
]


@pytest.fixture(scope="module")
def linked(linked_store, tmp_path_factory):
    """A copy of the linked web store with three requests imported and linked again."""
    folder = tmp_path_factory.mktemp("trace-link")
    shutil.copy(linked_store, folder / "athar.db")
    engine = open_store(str(folder / "athar.db"))
    with engine.connect() as conn:
        known = conn.execute(
            select(Membership.person_id, Record)
            .join(
                Record,
                (Record.source_id == Membership.source_id) & (Record.record_id == Membership.record_id),
            )
            .join(Source, Source.id == Record.source_id)
            .where(
                Source.name == "detention",
                Record.is_current.is_(True),
                Record.given_name.is_not(None),
                Record.father_name.is_not(None),
                Record.family_name.is_not(None),
                Record.mother_name.is_not(None),
                Record.birth_date.is_not(None),
                Record.sex.is_not(None),
            )
            .limit(1)
        ).one()
    person = known.person_id
    sought = [
        known.given_name,
        known.father_name,
        known.family_name,
        known.mother_name,
        known.sex,
        known.birth_date,
    ]
    rows = [
        ["R-1", *sought, "Synthetic Mother", "mother", "link.mother@example.org"],
        ["R-2", *sought, "Synthetic Brother", "brother", "link.brother@example.org"],
        [
            "R-3",
            "Yazan",
            "Bassel",
            "Qarzoubiyye",
            "Ghofran",
            "M",
            "1931",
            "Synthetic Son",
            "son",
            "link.son@example.org",
        ],
    ]
    path = folder / "requests.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    result = import_requests(engine, path, "Alpha", test_cipher(), None, user="test")
    assert result.stored == 3, result.reasons
    references = {r["request_id"]: r["reference"] for r in result.requests}
    link(engine, LinkOptions(user="test"))
    yield engine, person, references
    engine.dispose()


def _person(engine, reference: str) -> str | None:
    with engine.connect() as conn:
        return person_of(conn, find_request(conn, reference))


def test_a_request_joins_the_person_the_lists_hold(linked):
    engine, person, references = linked
    assert _person(engine, references["R-1"]) == person


def test_two_relatives_asking_for_one_person_end_in_one_person_with_two_requests(linked):
    engine, person, references = linked
    assert _person(engine, references["R-1"]) == _person(engine, references["R-2"]) == person
    with engine.connect() as conn:
        holding = conn.execute(
            select(Source.name, Membership.record_id)
            .join(Source, Source.id == Membership.source_id)
            .where(Membership.person_id == person, Source.name == "tracing requests: Alpha")
        ).all()
    assert sorted(r.record_id for r in holding) == ["R-1", "R-2"]


def test_a_request_nobody_else_holds_becomes_a_person_of_its_own(linked):
    engine, person, references = linked
    own = _person(engine, references["R-3"])
    assert own is not None and own != person
    with engine.connect() as conn:
        members = (
            conn.execute(select(Membership.record_id).where(Membership.person_id == own)).scalars().all()
        )
    assert members == ["R-3"]


def test_estimation_does_not_count_tracing_requests_as_a_list(linked):
    engine, person, references = linked
    rows = list(person_capture_rows(engine))
    assert all(not any(s.startswith("tracing requests: ") for s in sources) for _, sources, _ in rows)
    assert person in {pid for pid, _, _ in rows}  # the person still counts, through the lists
    assert _person(engine, references["R-3"]) not in {pid for pid, _, _ in rows}
