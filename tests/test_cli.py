"""The `athar` command as a person uses it: one-line errors, JSON counts, exports, audit entries."""

import csv
import json
import subprocess
import sys

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from athar.cli import app, main
from athar.store import open_store
from athar.store.tables import AuditEntry

runner = CliRunner()


def athar(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "athar.db")


@pytest.fixture
def reports(tmp_path):
    f = tmp_path / "reports.csv"
    f.write_text(
        "record_id,full_name,sex,birth_date\n1,Mohammad Al-Hamoud,M,1985\n2,Sara Khatib,F,1990-13-01\n",
        "utf-8",
    )
    return f


def test_import_json_counts_add_up(db, reports):
    result = athar("import", str(reports), "--source", "families", "--json", "--db", db)
    assert result.exit_code == 0
    counts = json.loads(result.stdout)
    assert (counts["read"], counts["stored"], counts["quarantined"]) == (2, 1, 1)
    assert counts["read"] == counts["stored"] + counts["quarantined"]


def test_store_is_chosen_by_environment_variable(tmp_path, reports, monkeypatch):
    monkeypatch.setenv("ATHAR_DB", str(tmp_path / "from-env.db"))
    assert athar("import", str(reports), "--source", "families").exit_code == 0
    assert (tmp_path / "from-env.db").exists()


@pytest.mark.parametrize(
    ("content", "cause"),
    [(None, "no such file"), (b"\x00\x01\x02\xff" * 300, "binary"), (b"", "empty")],
)
def test_unreadable_file_gets_one_line_error_and_nonzero_exit(
    tmp_path, db, content, cause, monkeypatch, capsys
):
    """Through the console entry point's `main()`, in this process (a new `athar` process costs ~1 s
    of imports; the next test starts the real one)."""
    f = tmp_path / "list.csv"
    if content is not None:
        f.write_bytes(content)
    monkeypatch.setattr(sys, "argv", ["athar", "import", str(f), "--source", "s", "--db", db])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(f) in lines[0] and cause in lines[0]


def test_python_m_athar_runs_the_command_and_gives_a_one_line_error(tmp_path, db):
    f = tmp_path / "missing.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "athar", "import", str(f), "--source", "s", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(f) in lines[0] and "no such file" in lines[0]


def test_bad_mapping_file_gets_a_clear_error(tmp_path, db, reports):
    m = tmp_path / "map.toml"
    m.write_text("[columns\n", "utf-8")
    result = athar("import", str(reports), "--source", "s", "--mapping", str(m), "--db", db)
    assert result.exit_code == 2
    assert "map.toml" in result.stderr and "not a valid TOML mapping" in result.stderr


def test_export_records_has_source_record_id_and_blank_person_id_before_linkage(tmp_path, db, reports):
    athar("import", str(reports), "--source", "families", "--db", db)
    out = tmp_path / "records.csv"
    assert athar("export", "records", "--out", str(out), "--db", db).exit_code == 0
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1
    assert rows[0]["source"] == "families" and rows[0]["record_id"] == "1"
    assert rows[0]["full_name"] == "Mohammad Al-Hamoud" and rows[0]["person_id"] == ""


def test_exported_pfif_imports_back_into_another_store(tmp_path, db, reports):
    athar("import", str(reports), "--source", "families", "--db", db)
    out = tmp_path / "records.xml"
    assert athar("export", "pfif", "--out", str(out), "--db", db).exit_code == 0
    other = str(tmp_path / "other.db")
    result = athar("import", str(out), "--source", "partner", "--json", "--db", other)
    counts = json.loads(result.stdout)
    assert (counts["file_format"], counts["stored"], counts["quarantined"]) == ("pfif", 1, 0)
    with open_store(other).connect() as conn:
        from athar.store.tables import Record

        record = conn.execute(select(Record)).one()
    assert record.full_name == "Mohammad Al-Hamoud"
    assert record.record_id.endswith("/families.1")
    assert (record.sex, record.birth_date) == ("M", "1985")


def test_exports_and_quarantine_views_are_audited(tmp_path, db, reports):
    athar("import", str(reports), "--source", "families", "--db", db)
    athar("export", "records", "--out", str(tmp_path / "r.csv"), "--db", db, "--user", "amal")
    athar("quarantine", "--db", db, "--user", "omar")
    with open_store(db).connect() as conn:
        entries = conn.execute(select(AuditEntry.user_name, AuditEntry.action)).all()
    assert ("amal", "export_records") in entries
    assert ("omar", "view_quarantine") in entries


def test_quarantine_lists_row_field_and_reason(db, reports):
    athar("import", str(reports), "--source", "families", "--db", db)
    result = athar("quarantine", "--json", "--db", db)
    [row] = json.loads(result.stdout)
    assert (row["source"], row["file"], row["row_number"], row["field"]) == (
        "families",
        "reports.csv",
        3,
        "birth_date",
    )
    assert "month 13" in row["reason"]


def test_quarantine_shows_a_control_character_as_its_escape_not_to_the_terminal(db, tmp_path):
    """The row was quarantined for a terminal escape sequence in a name: the table prints it as
    text (\\x1b), so that reading the quarantine does not run the file's sequence."""
    hostile = tmp_path / "hostile.csv"
    hostile.write_text("record_id,given_name\n1,Om\x1b]0;owned\x07ar\n2,Ali\n", "utf-8")
    athar("import", str(hostile), "--source", "families", "--db", db)
    shown = athar("quarantine", "--db", db).stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "Om\\x1b]0;owned\\x07ar" in shown.replace("\n", "").replace(" ", "")


def test_sources_lists_counts(db, reports):
    athar("import", str(reports), "--source", "families", "--db", db)
    result = athar("sources", "--json", "--db", db)
    [row] = json.loads(result.stdout)
    assert (row["source"], row["records"], row["quarantined"], row["imports"]) == ("families", 1, 1, 1)


def test_users_add_creates_an_account_once(db):
    result = athar("users", "add", "amal", "--role", "reviewer", "--org", "Syrian Archive", "--db", db)
    assert result.exit_code == 0 and "shown once" in result.stdout
    again = athar("users", "add", "amal", "--role", "reviewer", "--org", "Syrian Archive", "--db", db)
    assert again.exit_code == 2 and "already exists" in again.stderr
    bad = athar("users", "add", "omar", "--role", "king", "--org", "Syrian Archive", "--db", db)
    assert bad.exit_code == 2


def test_import_kind_sets_the_sources_kind_and_sources_lists_it(db, reports):
    result = athar("import", str(reports), "--source", "register", "--kind", "detention_register", "--db", db)
    assert result.exit_code == 0 and "(detention_register)" in result.stdout
    athar("import", str(reports), "--source", "families", "--db", db)
    rows = {r["source"]: r["kind"] for r in json.loads(athar("sources", "--json", "--db", db).stdout)}
    assert rows == {"register": "detention_register", "families": "other"}


def test_import_with_an_unknown_kind_exits_2_and_imports_nothing(db, reports):
    result = athar("import", str(reports), "--source", "x", "--kind", "rumours", "--db", db)
    assert result.exit_code == 2 and "--kind must be one of" in result.output
    assert json.loads(athar("sources", "--json", "--db", db).stdout) == []


def test_export_to_standard_output_and_a_format_the_name_contradicts(tmp_path, db, reports):
    from sqlalchemy import select

    from athar.store import open_store
    from athar.store.tables import AuditEntry

    athar("import", str(reports), "--source", "families", "--db", db)
    result = athar("export", "records", "--out", "-", "--format", "jsonl", "--db", db)
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["full_name"] for r in lines] == ["Mohammad Al-Hamoud"]
    refused = athar("export", "persons", "--out", str(tmp_path / "p.csv"), "--format", "xlsx", "--db", db)
    assert refused.exit_code == 2 and "the name says .csv" in refused.stderr
    assert not (tmp_path / "p.csv").exists()
    engine = open_store(db)
    with engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action, AuditEntry.detail)).all()
    engine.dispose()
    assert ("export_records", {"rows": 1, "format": "jsonl"}) in [(a, d) for a, d in actions]


def test_review_list_on_a_store_never_linked_says_nothing_waits(db):
    shown = athar("review", "list", "--db", db)
    assert shown.exit_code == 0, shown.output
    assert "No pairs wait for a judgement." in shown.output
    listed = athar("review", "list", "--json", "--db", db)
    assert json.loads(listed.output) == {"waiting": 0, "shown": 0, "pairs": []}
