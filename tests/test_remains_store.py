"""Remains end to end on SQLite and PostgreSQL: ante-mortem columns on an ordinary import, sites,
post-mortem import with quarantine, ranking an unlinked ante-mortem list, DNA reports, and the
identification workflow with its permissions and append-only history."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from athar.accounts.permissions import Principal
from athar.ingest.importer import import_file
from athar.remains.candidates import rank_cases
from athar.remains.dna import import_dna
from athar.remains.importer import UnknownSite, import_remains
from athar.remains.postmortem import COLUMNS as POST_MORTEM_COLUMNS
from athar.remains.sites import SiteError, add_site
from athar.remains.workflow import IdentificationError, join_case, set_step
from athar.store.tables import (
    AuditEntry,
    CaseEvent,
    Membership,
    Person,
    Quarantine,
    Record,
    RemainsCase,
    RemainsCaseVersion,
)
from athar.synth.remains import generate

TODAY = dt.date(2026, 1, 1)
AM_HEADER = [
    "record_id",
    "full_name",
    "sex",
    "birth_date",
    "event_date",
    "event_place",
    "height_cm",
    "dental",
    "marks",
    "clothing",
]
PM_HEADER = [*POST_MORTEM_COLUMNS]


def _write(path: Path, header: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def loaded(store, tmp_path):
    """A family-report list of 300 synthetic persons with ante-mortem data, a site, and 5 bodies."""
    data = generate(persons=300, bodies=5, seed=3)
    am = [
        {**p, "record_id": p["key"], "full_name": f"Person {p['key']}", "event_place": "Homs"}
        for p in data.persons
    ]
    am.append({"record_id": "BAD1", "full_name": "x", "dental": "19Q"})
    result = import_file(
        store, _write(tmp_path / "am.csv", AM_HEADER, am), "families", kind="family_report", today=TODAY
    )
    add_site(store, "Grave A", "mass_grave", "tester", place="Homs", used_from=2011, used_to=2025)
    bodies = data.bodies
    bodies[1]["part_of"] = bodies[0]["case_id"]
    pm = _write(tmp_path / "pm.csv", PM_HEADER, bodies)
    return data, result, pm


def test_ante_mortem_columns_are_stored_and_a_bad_chart_quarantined(store, loaded) -> None:
    data, result, _ = loaded
    assert result.read == result.stored + result.quarantined == 301
    assert result.reasons == {"dental": 1}
    first = next(p for p in data.persons if p["dental"])
    with store.connect() as conn:
        dental = conn.execute(select(Record.dental).where(Record.record_id == first["key"])).scalar()
    assert dental == first["dental"]


def test_remains_import_stores_or_quarantines_every_row(store, loaded, tmp_path) -> None:
    _, _, pm = loaded
    rows = list(csv.DictReader(pm.open(encoding="utf-8")))
    rows += [
        {"case_id": "B1", "age_min": "40", "age_max": "30"},
        {"case_id": "B2", "stature_min_cm": "250", "stature_max_cm": "260"},
        {"case_id": "B3", "dental": "16Z"},
        {"case_id": "B4", "sex": "Q"},
        {"case_id": "B5", "part_of": "nowhere"},
        {"case_id": "", "sex": "M"},
    ]
    path = _write(tmp_path / "pm2.csv", PM_HEADER, rows)
    result = import_remains(store, path, "Grave A", user="t", today=TODAY)
    assert (result.read, result.stored, result.quarantined) == (11, 5, 6)
    assert result.reasons["age_min"] == result.reasons["age_max"] == result.reasons["stature_min_cm"] == 1
    assert result.reasons["dental"] == 1 and result.reasons["case_id"] == 1
    assert result.reasons["sex"] == 1 and result.reasons["part_of"] == 1
    with store.connect() as conn:
        quarantined = conn.execute(
            select(Quarantine.id).where(Quarantine.import_id == result.import_id)
        ).all()
        assert len(quarantined) == 6
        part = conn.execute(
            select(RemainsCase.part_of_id).where(RemainsCase.case_id == rows[1]["case_id"])
        ).scalar()
    assert part is not None
    again = import_remains(store, path, "Grave A", user="t", today=TODAY)
    assert (again.new, again.unchanged, again.quarantined) == (0, 5, 6)


def test_unknown_site_and_bad_site_are_refused(store, loaded) -> None:
    _, _, pm = loaded
    with pytest.raises(UnknownSite):
        import_remains(store, pm, "Nowhere", today=TODAY)
    with pytest.raises(SiteError, match="backwards"):
        add_site(store, "Grave B", "mass_grave", "t", used_from=2015, used_to=2012)
    with pytest.raises(SiteError, match="kind"):
        add_site(store, "Grave C", "pit", "t")


def test_unlinked_ante_mortem_list_ranks_each_body_with_explanations(store, loaded) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    ranked = rank_cases(store, top=300)
    assert {c["case_id"] for c in ranked} == {b["case_id"] for b in data.bodies[:1] + data.bodies[2:]}
    for case in ranked:
        body = next(b for b in data.bodies if b["case_id"] == case["case_id"])
        keys = [c["records"][0] for c in case["candidates"]]
        assert f"families:{body['true_key']}" in keys
        first = case["candidates"][0]
        assert first["person_id"] is None and set(first["features"]) >= {"sex", "age", "dental", "marks"}
        assert first["score"] == pytest.approx(sum(first["features"].values()), abs=0.01)
    ranks = [
        [c["records"][0] for c in case["candidates"]].index(
            "families:" + next(b for b in data.bodies if b["case_id"] == case["case_id"])["true_key"]
        )
        for case in ranked
    ]
    assert sum(r < 30 for r in ranks) >= 3  # far better than 10% of 300 at random


def _dna_file(tmp_path: Path, rows: list[dict]) -> Path:
    header = [
        "dna_sample_id",
        "reference",
        "relationship",
        "likelihood_ratio",
        "posterior",
        "lab",
        "report_date",
    ]
    return _write(tmp_path / "dna.csv", header, rows)


def test_conclusive_dna_report_comes_first_inconclusive_moves_nothing(store, loaded, tmp_path) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    body = data.bodies[2]
    other = next(p for p in data.persons if p["key"] != body["true_key"])["key"]
    before = rank_cases(store, [body["case_id"]], top=5)[0]
    rows = [
        {
            "dna_sample_id": body["dna_sample_id"],
            "reference": f"families:{other}",
            "posterior": "0.6",
            "lab": "L",
        },
        {"dna_sample_id": "DNA-NONE", "reference": f"families:{other}", "posterior": "0.99999"},
        {"dna_sample_id": body["dna_sample_id"], "reference": "families:NOPE", "posterior": "0.99999"},
        {"dna_sample_id": body["dna_sample_id"], "reference": f"families:{other}", "posterior": "1.7"},
    ]
    result = import_dna(store, _dna_file(tmp_path, rows), user="t", today=TODAY)
    assert (result.read, result.stored, result.quarantined, result.inconclusive) == (4, 1, 3, 1)
    after = rank_cases(store, [body["case_id"]], top=5)[0]
    assert [c["records"] for c in after["candidates"]] == [c["records"] for c in before["candidates"]]
    assert after["dna_reports"][0]["conclusive"] is False
    conclusive = [{**rows[0], "posterior": "0.99999", "likelihood_ratio": "1e9"}]
    result = import_dna(store, _dna_file(tmp_path, conclusive), user="t", today=TODAY)
    assert result.conclusive == 1 and result.conflicts == []
    after = rank_cases(store, [body["case_id"]], top=5)[0]
    assert after["candidates"][0]["records"] == [f"families:{other}"]
    assert after["candidates"][0]["dna"]["posterior"] == pytest.approx(0.99999)
    second = [{**conclusive[0], "reference": f"families:{body['true_key']}"}]
    result = import_dna(store, _dna_file(tmp_path, second), user="t", today=TODAY)
    assert result.conflicts and result.conflicts[0]["kind"] == "one body, several persons"


def _link_by_hand(store, record_id: str) -> str:
    with store.begin() as conn:
        source_id = conn.execute(text("SELECT id FROM sources WHERE name = 'families'")).scalar()
        conn.execute(insert(Person).values(id="P-1", created_at=dt.datetime.now(dt.UTC), status="missing"))
        conn.execute(insert(Membership).values(source_id=source_id, record_id=record_id, person_id="P-1"))
    return "P-1"


def test_identification_moves_forward_with_proof_and_back_with_a_reason(store, loaded) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    body = data.bodies[0]
    reference = f"families:{body['true_key']}"
    person = _link_by_hand(store, body["true_key"])
    investigator = Principal("inv", "investigator", kind="operator")
    caseworker = Principal("cw", "caseworker", kind="operator")
    reviewer = Principal("rv", "reviewer", kind="operator")
    with pytest.raises(PermissionError):
        set_step(store, reviewer, body["case_id"], reference, "candidate")
    set_step(store, caseworker, body["case_id"], reference, "candidate")
    set_step(store, caseworker, body["case_id"], reference, "preliminary", evidence="dental 3 points")
    with pytest.raises(IdentificationError, match="DNA report"):
        set_step(store, investigator, body["case_id"], reference, "dna_supported")
    with pytest.raises(PermissionError):
        set_step(store, caseworker, body["case_id"], reference, "confirmed", evidence="dental")
    with pytest.raises(IdentificationError, match="evidence"):
        set_step(store, investigator, body["case_id"], reference, "confirmed")
    set_step(store, investigator, body["case_id"], reference, "confirmed", evidence="dental and effects")
    with store.connect() as conn:
        assert conn.execute(select(Person.status).where(Person.id == person)).scalar() == "remains_identified"
        tasks = conn.execute(select(CaseEvent.detail).where(CaseEvent.kind == "task")).scalars().all()
        audited = conn.execute(
            select(AuditEntry.action).where(AuditEntry.action == "identification.step")
        ).all()
    assert tasks[0]["task"] == "notify_family" and len(audited) == 3
    assert body["case_id"] not in {c["case_id"] for c in rank_cases(store)}
    with pytest.raises(IdentificationError, match="reason"):
        set_step(store, investigator, body["case_id"], reference, "revoked")
    set_step(store, investigator, body["case_id"], reference, "revoked", reason="DNA excluded him")
    with store.connect() as conn:
        assert conn.execute(select(Person.status).where(Person.id == person)).scalar() == "missing"


def test_identification_history_and_custody_are_append_only(store, loaded) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    body = data.bodies[0]
    set_step(
        store,
        Principal("cw", "caseworker", kind="operator"),
        body["case_id"],
        f"families:{body['true_key']}",
        "candidate",
    )
    for table in ("identification_steps", "custody_events"):
        with pytest.raises(Exception, match="append-only"), store.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET created_at = created_at"))
        with pytest.raises(Exception, match="append-only"), store.begin() as conn:
            conn.execute(text(f"DELETE FROM {table}"))


def test_join_needs_a_reason_and_a_real_case(store, loaded) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    with pytest.raises(IdentificationError, match="reason"):
        join_case(store, data.bodies[3]["case_id"], data.bodies[2]["case_id"], " ", "t")
    with pytest.raises(IdentificationError, match="no remains case"):
        join_case(store, data.bodies[3]["case_id"], "Z-9", "same femur", "t")
    join_case(store, data.bodies[3]["case_id"], data.bodies[2]["case_id"], "matching fracture ends", "t")
    assert data.bodies[3]["case_id"] not in {c["case_id"] for c in rank_cases(store)}


def test_confirmation_and_status_change_stand_or_fall_together(store, loaded, monkeypatch) -> None:
    """A failure after the status is written (here: writing the family's task) leaves neither the
    confirmation nor the status change."""
    import athar.remains.workflow as workflow

    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    body = data.bodies[0]
    reference = f"families:{body['true_key']}"
    person = _link_by_hand(store, body["true_key"])
    investigator = Principal("inv", "investigator", kind="operator")
    real = workflow.write_status_change

    def status_then_failure(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(workflow, "write_status_change", status_then_failure)
    with pytest.raises(RuntimeError):
        set_step(store, investigator, body["case_id"], reference, "confirmed", evidence="dental")
    with store.connect() as conn:
        assert conn.execute(select(Person.status).where(Person.id == person)).scalar() == "missing"
        assert conn.execute(select(CaseEvent.id).where(CaseEvent.person_id == person)).all() == []
        assert conn.execute(text("SELECT count(*) FROM identification_steps")).scalar() == 0
    monkeypatch.setattr(workflow, "write_status_change", real)
    set_step(store, investigator, body["case_id"], reference, "confirmed", evidence="dental")
    with store.connect() as conn:
        assert conn.execute(select(Person.status).where(Person.id == person)).scalar() == "remains_identified"


def test_a_confirmation_on_another_organisations_case_is_refused_and_writes_nothing(store, loaded) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    body = data.bodies[0]
    _link_by_hand(store, body["true_key"])
    stranger = Principal("inv-b", "investigator", organisation_id=999)
    with pytest.raises(PermissionError):
        set_step(store, stranger, body["case_id"], f"families:{body['true_key']}", "confirmed", evidence="x")
    with store.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM identification_steps")).scalar() == 0


def test_a_corrected_row_makes_a_new_version_and_keeps_the_old_one(store, loaded, tmp_path) -> None:
    data, _, pm = loaded
    import_remains(store, pm, "Grave A", today=TODAY)
    body = data.bodies[2]
    set_step(store, Principal("cw", "caseworker", kind="operator"), body["case_id"],
             f"families:{body['true_key']}", "candidate")  # fmt: skip
    corrected = {**body, "age_min": "30", "age_max": "45", "notes": "re-examined: age revised"}
    path = _write(tmp_path / "pm-corrected.csv", PM_HEADER, [corrected, data.bodies[3]])
    result = import_remains(store, path, "Grave A", user="t", today=TODAY)
    assert (result.read, result.stored, result.quarantined) == (2, 2, 0)
    assert (result.new, result.new_versions, result.unchanged) == (0, 1, 1)
    with store.connect() as conn:
        case = conn.execute(select(RemainsCase).where(RemainsCase.case_id == body["case_id"])).one()
        history = conn.execute(
            select(RemainsCaseVersion).where(RemainsCaseVersion.remains_case_id == case.id)
        ).all()
        steps = conn.execute(text("SELECT remains_case_id FROM identification_steps")).scalars().all()
    assert (case.version, case.age_min, case.age_max, case.notes) == (2, 30, 45, "re-examined: age revised")
    assert len(history) == 1 and history[0].version == 1
    assert (
        history[0].stored["age_min"] == int(body["age_min"]) and history[0].raw["age_min"] == body["age_min"]
    )
    assert history[0].superseded_by_import_id == result.import_id
    assert steps == [case.id]  # the identification stays with the case
    again = import_remains(store, path, "Grave A", user="t", today=TODAY)
    assert (again.new_versions, again.unchanged) == (0, 2)
    with pytest.raises(Exception, match="append-only"), store.begin() as conn:
        conn.execute(text("DELETE FROM remains_case_versions"))
