"""`athar sites`, `athar remains` and `athar dna` as a forensic coordinator uses them: JSON counts,
one-line errors, candidates with explanations, audited views."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from athar.cli import app
from athar.store import open_store
from athar.store.tables import AuditEntry

runner = CliRunner()


def athar(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _files(tmp_path):
    families = tmp_path / "families.csv"
    families.write_text(
        "record_id,full_name,sex,birth_date,event_date,event_place,الطول,marks,clothing\n"
        "F1,Person One,M,1980,2012-05,Homs,175,كسر في اليد اليسرى,قميص أحمر\n"
        "F2,Person Two,M,1990,2013,Aleppo,160,,\n"
        "F3,Person Three,F,1970,2012,Homs,,,\n",
        "utf-8",
    )
    bodies = tmp_path / "bodies.csv"
    bodies.write_text(
        "case_id,recovery_date,sex,age_min,age_max,stature_min_cm,stature_max_cm,skeletal_marks,clothing,dna_sample_id\n"
        "A-1,2020,M,30,40,170,180,healed fracture of the left radius,red shirt,S1\n"
        "A-2,2020,M,40,30,,,,,S2\n",
        "utf-8",
    )
    dna = tmp_path / "dna.csv"
    dna.write_text(
        "dna_sample_id,reference,relationship,likelihood_ratio,posterior,lab,report_date\n"
        "S1,families:F2,mother,2.0,0.7,Lab,2021\n"
        "S1,families:F9,mother,1e9,0.99999,Lab,2021\n",
        "utf-8",
    )
    return families, bodies, dna


def test_the_whole_flow_from_the_command_line(tmp_path) -> None:
    db = str(tmp_path / "athar.db")
    families, bodies, dna = _files(tmp_path)
    assert (
        athar(
            "import", str(families), "--source", "families", "--kind", "family_report", "--db", db
        ).exit_code
        == 0
    )
    added = athar(
        "sites",
        "add",
        "Grave A",
        "--kind",
        "mass_grave",
        "--place",
        "Homs",
        "--used-from",
        "2012",
        "--used-to",
        "2016",
        "--db",
        db,
    )
    assert added.exit_code == 0, added.output
    imported = athar("remains", "import", str(bodies), "--site", "Grave A", "--json", "--db", db)
    counts = json.loads(imported.stdout)
    assert (counts["read"], counts["stored"], counts["quarantined"]) == (2, 1, 1)
    assert counts["problems"][0]["field"] == "age_min, age_max"
    ranked = json.loads(athar("remains", "candidates", "--json", "--db", db).stdout)
    assert ranked[0]["case_id"] == "A-1"
    first = ranked[0]["candidates"][0]
    assert first["records"] == ["families:F1"] and first["features"]["marks"] > 0
    reverse = json.loads(athar("remains", "bodies", "families:F1", "--json", "--db", db).stdout)
    assert reverse[0]["case_id"] == "A-1" and reverse[0]["rank_among_candidates"] == 1
    reports = json.loads(athar("dna", "import", str(dna), "--json", "--db", db).stdout)
    assert (reports["stored"], reports["quarantined"], reports["inconclusive"]) == (1, 1, 1)
    assert "no record 'families:F9'" in reports["problems"][0]["reason"]
    engine = open_store(db)
    with engine.connect() as conn:
        views = conn.execute(select(func.count()).where(AuditEntry.action == "view_person")).scalar()
    engine.dispose()
    assert views == 4


def test_unknown_site_is_one_line_and_exit_2(tmp_path) -> None:
    db = str(tmp_path / "athar.db")
    _, bodies, _ = _files(tmp_path)
    result = athar("remains", "import", str(bodies), "--site", "Nowhere", "--db", db)
    assert result.exit_code == 2
    assert "no site named 'Nowhere'" in result.output


def test_donors_and_custody_are_recorded_and_refused_with_reasons(tmp_path) -> None:
    from athar.store.tables import CustodyEvent, ReferenceDonor

    db = str(tmp_path / "athar.db")
    families, bodies, _ = _files(tmp_path)
    athar("import", str(families), "--source", "families", "--db", db)
    athar("sites", "add", "Grave A", "--kind", "mass_grave", "--db", db)
    athar("remains", "import", str(bodies), "--site", "Grave A", "--db", db)
    ok = athar("dna", "donor", "families:F1", "--sample", "R-1", "--relationship", "mother", "--db", db)
    assert ok.exit_code == 0, ok.output
    again = athar("dna", "donor", "families:F1", "--sample", "R-1", "--relationship", "mother", "--db", db)
    assert again.exit_code == 2 and "recorded already" in again.output
    unknown = athar("dna", "donor", "families:F9", "--sample", "R-2", "--relationship", "mother", "--db", db)
    assert unknown.exit_code == 2 and "no record" in unknown.output
    moved = athar("remains", "custody", "transferred", "--holder", "Lab", "--case", "A-1", "--db", db)
    assert moved.exit_code == 0, moved.output
    nowhere = athar("remains", "custody", "transferred", "--holder", "Lab", "--case", "Z-1", "--db", db)
    assert nowhere.exit_code == 2
    engine = open_store(db)
    with engine.connect() as conn:
        donors = conn.execute(select(func.count()).select_from(ReferenceDonor)).scalar()
        custody = conn.execute(select(CustodyEvent.action).order_by(CustodyEvent.id)).scalars().all()
    engine.dispose()
    assert donors == 1 and custody == ["recovered", "transferred"]
