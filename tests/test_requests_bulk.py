"""`athar requests import`: rows become requests with references and candidates, bad rows are
quarantined with the requester's columns sealed, and a re-import stores nothing twice."""

from __future__ import annotations

import csv
import json
import random

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from athar.cli import app
from athar.demo import import_synthetic_lists
from athar.protect import DataKey
from athar.store import open_store
from athar.store.tables import Quarantine, TracingRequest
from tests.test_requests_support import synthetic_people

COLUMNS = (
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
    "height_cm",
    "dental",
    "marks",
    "clothing",
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ATHAR_DATA_KEY", DataKey.generate().as_text())
    people = synthetic_people(tmp_path / "synth", persons=150)
    db = f"sqlite:///{tmp_path / 'athar.db'}"
    engine = open_store(db)
    import_synthetic_lists(engine, tmp_path / "synth")
    engine.dispose()
    return tmp_path, people, db


def _write(path, people, rng) -> list[dict]:
    rows = []
    for i, p in enumerate(people):
        rows.append(
            {
                "request_id": f"R-{i + 1}",
                "given_name": p["given_name_latin"],
                "father_name": p["father_name_latin"],
                "family_name": p["family_name_latin"],
                "mother_name": p["mother_name_latin"],
                "sex": p["sex"],
                "birth_date": p["birth_date"][:4],
                "requester_name": "Requester " + p["family_name_latin"],
                "requester_relationship": "mother",
                "requester_phone": f"+96393{rng.randrange(10**6, 10**7)}",
                "requester_email": f"r{rng.randrange(10**9, 10**10)}@example.org",
                "circumstances": "taken_from_home",
                "height_cm": "170",
                "dental": "16F",
                "marks": "scar on left hand",
                "clothing": "blue jacket",
            }
        )
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_import_prints_references_and_ranked_candidates_and_counts(env) -> None:
    tmp_path, people, db = env
    rng = random.Random(5)
    rows = _write(tmp_path / "requests.csv", people[:6], rng)
    rows[4]["requester_phone"] = "12"
    rows[5]["given_name"] = ""
    rows[5]["father_name"] = rows[5]["family_name"] = ""
    with (tmp_path / "requests.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "requests",
            "import",
            str(tmp_path / "requests.csv"),
            "--org",
            "Families Assoc",
            "--db",
            db,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["read"], report["stored"], report["quarantined"]) == (6, 4, 2)
    assert [r["request_id"] for r in report["requests"]] == ["R-1", "R-2", "R-3", "R-4"]
    for r in report["requests"]:
        assert r["reference"] and r["secret"]
        scores = [c["score"] for c in r["candidates"]]
        assert scores == sorted(scores, reverse=True)
    assert sum(bool(r["candidates"]) for r in report["requests"]) >= 3

    engine = open_store(db)
    with engine.connect() as conn:
        quarantined = conn.execute(select(Quarantine.raw, Quarantine.field)).all()
    engine.dispose()
    assert {q.field for q in quarantined} == {"requester_phone", "full_name"}
    for q in quarantined:
        assert "requester_phone" not in q.raw and q.raw["_sealed_requester"].startswith("s1.")
        assert rows[4]["requester_email"] not in json.dumps(q.raw)

    again = runner.invoke(
        app,
        [
            "requests",
            "import",
            str(tmp_path / "requests.csv"),
            "--org",
            "Families Assoc",
            "--db",
            db,
            "--json",
        ],
    )
    second = json.loads(again.output)
    assert (second["new"], second["unchanged"]) == (0, 4)
    assert [r["reference"] for r in second["requests"]] == [r["reference"] for r in report["requests"]]
    engine = open_store(db)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(TracingRequest)).scalar() == 4
    engine.dispose()


def test_show_and_erase_through_the_command_line(env) -> None:
    tmp_path, people, db = env
    _write(tmp_path / "requests.csv", people[:1], random.Random(6))
    runner = CliRunner()
    imported = json.loads(
        runner.invoke(
            app, ["requests", "import", str(tmp_path / "requests.csv"), "--org", "O", "--db", db, "--json"]
        ).output
    )
    reference = imported["requests"][0]["reference"]
    shown = json.loads(runner.invoke(app, ["requests", "show", reference, "--db", db, "--json"]).output)
    assert shown["erased"] is False and shown["status"] == "received"
    erased = runner.invoke(app, ["requests", "erase", reference, "--reason", "family asked", "--db", db])
    assert erased.exit_code == 0, erased.output
    shown = json.loads(runner.invoke(app, ["requests", "show", reference, "--db", db, "--json"]).output)
    assert shown["erased"] is True and shown["erasure_reason"] == "family asked"
    unknown = runner.invoke(app, ["requests", "show", "AAAA-AAAA", "--db", db])
    assert unknown.exit_code == 2


def test_bulk_candidates_are_those_a_single_intake_ranks(env) -> None:
    """The file is ranked by the batched search; each row gets what `rank_candidates` gives alone."""
    from athar.requests.bulk import import_requests
    from athar.requests.intake import cipher_for, rank_candidates
    from athar.search import PersonIndex
    from athar.search.index import unlinked_person_id

    tmp_path, people, db = env
    rng = random.Random(7)
    rows = _write(tmp_path / "requests.csv", people[:40], rng)
    for i, row in enumerate(rows):
        if i % 3 == 0:  # Arabic spellings, as families write them
            p = people[i]
            row.update(
                given_name=p["given_name_ar"],
                father_name=p["father_name_ar"],
                family_name=p["family_name_ar"],
            )
    with (tmp_path / "requests.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    engine = open_store(db)
    index = PersonIndex.build(engine)
    result = import_requests(engine, tmp_path / "requests.csv", "Families Assoc", cipher_for(engine), index)
    engine.dispose()
    assert result.new == 40
    source = "tracing requests: Families Assoc"
    alone = [
        rank_candidates(
            index,
            {k: row[k] or None for k in ("given_name", "father_name", "family_name", "mother_name", "sex")}
            | {"birth_date": row["birth_date"]},
            exclude=unlinked_person_id(source, row["request_id"]),
        )
        for row in rows
    ]
    assert sum(bool(c) for c in alone) >= 35
    assert [r["candidates"] for r in result.requests] == alone
