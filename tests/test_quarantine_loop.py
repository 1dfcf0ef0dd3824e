"""The quarantine loop: fixed rows resolve what they fix, quarantined rows go out for fixing and come
back in as they are, bad fields may be blanked instead, and a command-line list may have an owner."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from athar.accounts.organisations import add_organisation
from athar.accounts.permissions import NOBODY, Principal, operator
from athar.cli import app
from athar.ingest import import_file
from athar.ingest.quarantine_export import (
    QuarantineExportError,
    export_format,
    quarantine_table,
    write_quarantine,
)
from athar.ingest.quarantine_loop import QUARANTINE_COLUMNS
from athar.store.summary import flagged_rows, quarantined_rows, source_summaries
from athar.store.tables import Import, Quarantine, Record, RecordFlag, Source

TODAY = dt.date(2026, 11, 25)
HEADER = "record_id,full_name,sex,birth_date\n"
runner = CliRunner()


def athar(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def write(tmp_path, name: str, body: str):
    f = tmp_path / name
    f.write_text(HEADER + body, "utf-8")
    return f


def rows_of(engine, table):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.id)).mappings()]


def current(engine, record_id: str) -> dict:
    with engine.connect() as conn:
        return dict(
            conn.execute(select(Record).where(Record.record_id == record_id, Record.is_current.is_(True)))
            .mappings()
            .one()
        )


# --- resolution -----------------------------------------------------------------------------------


def test_a_corrected_row_in_a_later_import_resolves_its_quarantined_row(store, tmp_path):
    first = import_file(
        store,
        write(tmp_path, "a.csv", "R1,أحمد الحلبي,M,1985\nR2,سارة الخطيب,F,1990-13-01\n"),
        "families",
        today=TODAY,
    )
    assert (first.stored, first.quarantined) == (1, 1)
    [row] = rows_of(store, Quarantine)
    assert (row["record_id"], row["resolved_at"]) == ("R2", None)

    fixed = import_file(
        store, write(tmp_path, "b.csv", "R2,سارة الخطيب,F,1990-12-01\n"), "families", today=TODAY
    )
    assert fixed.quarantine_resolved == 1
    [row] = rows_of(store, Quarantine)
    assert row["resolved_by_import_id"] == fixed.import_id
    assert row["resolved_at"] is not None
    assert quarantined_rows(store, "families", include_resolved=False) == []
    [listed] = quarantined_rows(store, "families")
    assert listed["resolved_by_import"] == fixed.import_id
    [summary] = source_summaries(store)
    assert (summary["quarantined"], summary["quarantine_open"], summary["quarantine_resolved"]) == (1, 0, 1)


def test_a_row_still_wrong_in_a_later_import_resolves_nothing(store, tmp_path):
    import_file(store, write(tmp_path, "a.csv", "R2,Sara Khatib,F,1990-13-01\n"), "families", today=TODAY)
    again = import_file(
        store, write(tmp_path, "b.csv", "R2,Sara Khatib,Q,1990-12-01\n"), "families", today=TODAY
    )
    assert again.quarantine_resolved == 0
    assert [r["resolved_at"] for r in rows_of(store, Quarantine)] == [None, None]


def test_a_valid_row_of_another_source_resolves_nothing(store, tmp_path):
    import_file(store, write(tmp_path, "a.csv", "R2,Sara Khatib,F,1990-13-01\n"), "families", today=TODAY)
    other = import_file(store, write(tmp_path, "b.csv", "R2,Sara Khatib,F,1990\n"), "register", today=TODAY)
    assert other.quarantine_resolved == 0
    assert rows_of(store, Quarantine)[0]["resolved_at"] is None


def test_a_duplicate_record_id_is_not_resolved_by_importing_the_file_again(store, tmp_path):
    f = write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985\nR1,Ahmad Halabi,M,1986\n")
    import_file(store, f, "families", today=TODAY)
    import_file(store, write(tmp_path, "b.csv", "R1,Ahmad Halabi,M,1987\n"), "families", today=TODAY)
    [row] = rows_of(store, Quarantine)
    assert "duplicate" in row["reason"]
    assert (row["record_id"], row["resolved_at"]) == (None, None)


# --- --bad-field blank ----------------------------------------------------------------------------


def test_bad_field_blank_keeps_the_row_with_only_the_bad_fields_blank_and_flags_it(store, tmp_path):
    f = write(
        tmp_path,
        "a.csv",
        "R1,أحمد الحلبي,Q,1985-13-45\n"  # two bad values: kept, both blanked
        ",No Id,M,1985\n"  # no record id: quarantined whole
        "R3,Too,Many,Fields,Here\n"  # wrong shape: quarantined whole
        "R4,Sara Khatib,F,1990\n",  # good
    )
    result = import_file(store, f, "families", today=TODAY, bad_field="blank")
    assert (result.read, result.stored, result.quarantined, result.kept_with_blanks) == (4, 2, 2, 1)
    assert result.read == result.stored + result.quarantined
    record = current(store, "R1")
    assert (record["sex"], record["birth_date"], record["full_name"]) == (None, None, "أحمد الحلبي")
    assert record["raw"]["birth_date"] == "1985-13-45"  # the row as read is kept
    [flag] = rows_of(store, RecordFlag)
    assert (flag["record_id"], flag["field"]) == ("R1", "sex, birth_date")
    assert "1985-13-45" in flag["reason"]
    [listed] = flagged_rows(store, "families")
    assert (listed["record_id"], listed["row_number"]) == ("R1", 2)
    with store.connect() as conn:
        assert conn.execute(select(Import.rows_kept_blank)).scalar_one() == 1


def test_without_bad_field_blank_such_a_row_is_quarantined_whole(store, tmp_path):
    result = import_file(store, write(tmp_path, "a.csv", "R1,Ahmad Halabi,Q,1985\n"), "families", today=TODAY)
    assert (result.stored, result.quarantined, result.kept_with_blanks) == (0, 1, 0)
    assert rows_of(store, RecordFlag) == []


def test_a_later_valid_row_resolves_the_flag_and_fills_the_blank(store, tmp_path):
    import_file(
        store,
        write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985-13-45\n"),
        "families",
        today=TODAY,
        bad_field="blank",
    )
    again = import_file(
        store,
        write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985-13-45\n"),
        "families",
        today=TODAY,
        bad_field="blank",
    )
    assert (again.unchanged, len(rows_of(store, RecordFlag))) == (1, 1)  # the same row again: no new flag
    fixed = import_file(
        store, write(tmp_path, "b.csv", "R1,Ahmad Halabi,M,1985-12-05\n"), "families", today=TODAY
    )
    assert fixed.flags_resolved == 1
    assert current(store, "R1")["birth_date"] == "1985-12-05"
    assert flagged_rows(store) == []


# --- export for fixing and re-import --------------------------------------------------------------


def exported(store, fmt: str, principal: Principal | None = None, source: str = "families") -> bytes:
    header, rows = quarantine_table(store, principal or operator("tester"), source)
    stream = io.BytesIO()
    write_quarantine(header, rows, stream, fmt)
    return stream.getvalue()


def messy(store, tmp_path, **kwargs):
    f = tmp_path / "messy.csv"
    f.write_text(
        "رقم,الاسم الكامل,الجنس,تاريخ الولادة,ملاحظة\n"
        "R1,أحمد الحلبي,ذكر,1985,\n"
        "R2,سارة الخطيب,أنثى,1990-13-01,من حلب\n"
        "R3,=HYPERLINK(1),ذكر,1980,\n",  # fine as a name; a spreadsheet must not run it
        "utf-8",
    )
    return import_file(store, f, "families", today=TODAY, **kwargs)


def test_csv_export_has_the_original_columns_and_the_reasons_with_a_bom(store, tmp_path):
    tmp = tmp_path / "in.csv"
    tmp.write_text("رقم,الاسم الكامل,الجنس\nR1,=cmd|' /C calc'!A0,Q\n", "utf-8")
    import_file(store, tmp, "families", today=TODAY)
    data = exported(store, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == ["رقم", "الاسم الكامل", "الجنس", *QUARANTINE_COLUMNS]
    assert row[:3] == ["R1", "'=cmd|' /C calc'!A0", "Q"]  # no cell runs as a formula
    assert row[3:5] == ["in.csv", "2"]
    assert row[5] == "sex" and "Q" in row[6]


def test_a_fixed_csv_export_reimports_as_is_and_resolves_its_rows(store, tmp_path):
    messy(store, tmp_path)
    text = exported(store, "csv").decode("utf-8-sig").replace("1990-13-01", "1990-12-01")
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = import_file(store, fixed, "families", today=TODAY)
    assert (result.read, result.stored, result.quarantined, result.quarantine_resolved) == (1, 1, 0, 1)
    record = current(store, "R2")
    assert record["birth_date"] == "1990-12-01"
    assert record["raw"] == {
        "رقم": "R2",
        "الاسم الكامل": "سارة الخطيب",
        "الجنس": "أنثى",
        "تاريخ الولادة": "1990-12-01",
        "ملاحظة": "من حلب",
    }
    assert exported(store, "csv").decode("utf-8-sig").count("\n") == 1  # header only: nothing open


def test_a_quoted_formula_cell_comes_back_as_it_was(store, tmp_path):
    tmp = tmp_path / "in.csv"
    tmp.write_text("record_id,full_name,sex\nR1,=Khatib,Q\n", "utf-8")
    import_file(store, tmp, "families", today=TODAY)
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(exported(store, "csv").replace(b",Q,", b",F,"))
    assert import_file(store, fixed, "families", today=TODAY).stored == 1
    assert current(store, "R1")["full_name"] == "=Khatib"


def test_xlsx_export_reads_back_with_arabic_intact_and_reimports(store, tmp_path):
    messy(store, tmp_path)
    out = tmp_path / "quarantine.xlsx"
    out.write_bytes(exported(store, "xlsx"))
    book = openpyxl.load_workbook(out)
    sheet = book.active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["رقم", "الاسم الكامل", "الجنس", "تاريخ الولادة", "ملاحظة", *QUARANTINE_COLUMNS]
    assert rows[1][:5] == ["R2", "سارة الخطيب", "أنثى", "1990-13-01", "من حلب"]
    assert rows[1][7] == "birth_date"
    sheet.cell(row=2, column=4, value="1990-12-01")
    book.save(out)
    result = import_file(store, out, "families", today=TODAY)
    assert (result.stored, result.quarantine_resolved) == (1, 1)
    assert current(store, "R2")["full_name"] == "سارة الخطيب"


@pytest.mark.parametrize(
    ("out", "fmt", "expected"),
    [("q.csv", None, "csv"), ("q.XLSX", None, "xlsx"), ("q", "xlsx", "xlsx"), ("q.csv", "csv", "csv")],
)
def test_the_format_comes_from_the_name_or_format(out, fmt, expected):
    assert export_format(out, fmt) == expected


@pytest.mark.parametrize(("out", "fmt"), [("q.csv", "xlsx"), ("q.txt", None), ("q.xlsx", "parquet")])
def test_a_format_the_name_contradicts_or_that_is_unknown_is_refused(out, fmt):
    with pytest.raises(QuarantineExportError):
        export_format(out, fmt)


def test_an_organisation_exports_only_the_quarantine_of_sources_it_may_see(store, tmp_path):
    own = add_organisation(store, "Org A")
    other = add_organisation(store, "Org B")
    messy(store, tmp_path, organisation_id=own)
    member = Principal(name="a", role="investigator", organisation_id=own)
    outsider = Principal(name="b", role="investigator", organisation_id=other)
    assert "سارة الخطيب" in exported(store, "csv", member).decode("utf-8-sig")
    for principal in (outsider, NOBODY):
        with pytest.raises(QuarantineExportError, match="no source named 'families'"):
            exported(store, "csv", principal)
    with store.begin() as conn:
        conn.execute(Source.__table__.update().values(sharing="shared"))
    assert "سارة الخطيب" in exported(store, "csv", outsider).decode("utf-8-sig")
    with pytest.raises(QuarantineExportError):
        exported(store, "csv", NOBODY)


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "athar.db")


def test_cli_quarantine_lists_open_rows_and_resolved_ones_when_asked(db, tmp_path):
    athar(
        "import",
        str(write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985-13-45\nR2,Sara Khatib,Q,1990\n")),
        "-s",
        "families",
        "--db",
        db,
    )
    athar("import", str(write(tmp_path, "b.csv", "R1,Ahmad Halabi,M,1985\n")), "-s", "families", "--db", db)
    open_rows = json.loads(athar("quarantine", "--json", "--db", db).stdout)
    assert [r["raw"]["record_id"] for r in open_rows] == ["R2"]
    every = json.loads(athar("quarantine", "--resolved", "--json", "--db", db).stdout)
    assert [(r["raw"]["record_id"], r["resolved_by_import"]) for r in every] == [("R1", 2), ("R2", None)]
    table = athar("quarantine", "--resolved", "--db", db).stdout
    assert "by import 2" in table and "open" in table
    [summary] = json.loads(athar("sources", "--json", "--db", db).stdout)
    assert (summary["quarantine_open"], summary["quarantine_resolved"]) == (1, 1)
    assert "1 / 1" in athar("sources", "--db", db).stdout


def test_cli_bad_field_blank_counts_and_flagged_listing(db, tmp_path):
    f = write(tmp_path, "a.csv", "R1,Ahmad Halabi,Q,1985\nR2,Sara Khatib,F,1990\n")
    result = athar("import", str(f), "-s", "families", "--bad-field", "blank", "--json", "--db", db)
    counts = json.loads(result.stdout)
    assert (counts["read"], counts["stored"], counts["quarantined"], counts["kept_with_blanks"]) == (
        2,
        2,
        0,
        1,
    )
    [flag] = json.loads(athar("quarantine", "--flagged", "--json", "--db", db).stdout)
    assert (flag["record_id"], flag["field"]) == ("R1", "sex")
    assert athar("import", str(f), "-s", "x", "--bad-field", "drop", "--db", db).exit_code == 2


def test_cli_export_quarantine_writes_xlsx_and_refuses_a_mismatch(db, tmp_path):
    athar(
        "import", str(write(tmp_path, "a.csv", "R2,سارة الخطيب,F,1990-13-01\n")), "-s", "families", "--db", db
    )
    out = tmp_path / "q.xlsx"
    result = athar("export", "quarantine", "--source", "families", "--out", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    assert rows[1][1] == "سارة الخطيب"
    refused = athar(
        "export",
        "quarantine",
        "-s",
        "families",
        "--out",
        str(tmp_path / "q.csv"),
        "--format",
        "xlsx",
        "--db",
        db,
    )
    assert refused.exit_code == 2 and "--format is xlsx" in refused.output
    unknown = athar("export", "quarantine", "-s", "nowhere", "--out", str(tmp_path / "n.csv"), "--db", db)
    assert unknown.exit_code == 2 and "no source named 'nowhere'" in unknown.output


def test_cli_import_org_gives_the_new_source_its_organisation_and_refuses_an_unknown_one(db, tmp_path):
    f = write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985\n")
    refused = athar("import", str(f), "-s", "families", "--org", "Nobody Known", "--db", db)
    assert refused.exit_code == 2
    assert "no organisation named 'Nobody Known'" in refused.output
    from athar.store import open_store

    engine = open_store(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            assert conn.execute(select(Source)).first() is None  # nothing written for the refusal
        org = add_organisation(engine, "Org A")
        assert athar("import", str(f), "-s", "families", "--org", "Org A", "--db", db).exit_code == 0
        with engine.connect() as conn:
            assert conn.execute(select(Source.organisation_id)).scalar_one() == org
    finally:
        engine.dispose()


def test_a_list_imported_with_org_is_listed_with_its_organisation_and_private_to_it(db, tmp_path):
    from athar.accounts.sources import manageable_sources
    from athar.accounts.visibility import visible_source_names
    from athar.store import open_store

    engine = open_store(f"sqlite:///{db}")
    try:
        own = add_organisation(engine, "Org A")
        other = add_organisation(engine, "Org B")
        f = write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985\n")
        assert athar("import", str(f), "-s", "register", "--org", "Org A", "--db", db).exit_code == 0
        admin = Principal(name="admin", role="admin", organisation_id=other)
        [listed] = manageable_sources(engine, admin)
        assert (listed["name"], listed["organisation"], listed["sharing"]) == ("register", "Org A", "private")
        member = Principal(name="a", role="investigator", organisation_id=own)
        outsider = Principal(name="b", role="investigator", organisation_id=other)
        assert [s["name"] for s in manageable_sources(engine, member)] == ["register"]
        assert manageable_sources(engine, outsider) == []
        assert visible_source_names(engine, member) == {"register"}
        assert visible_source_names(engine, outsider) == set() == visible_source_names(engine, NOBODY)
    finally:
        engine.dispose()


def test_a_fix_that_restores_the_current_version_resolves_too(store, tmp_path):
    import_file(store, write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985\n"), "families", today=TODAY)
    import_file(store, write(tmp_path, "b.csv", "R1,Ahmad Halabi,M,1985-13-45\n"), "families", today=TODAY)
    restored = import_file(
        store, write(tmp_path, "c.csv", "R1,Ahmad Halabi,M,1985\n"), "families", today=TODAY
    )
    assert (restored.unchanged, restored.quarantine_resolved) == (1, 1)


def test_a_bad_row_and_its_valid_twin_in_one_file_leave_the_bad_row_open(store, tmp_path):
    f = write(tmp_path, "a.csv", "R1,Ahmad Halabi,M,1985-13-45\nR1,Ahmad Halabi,M,1985\n")
    result = import_file(store, f, "families", today=TODAY)
    assert (result.stored, result.quarantined, result.quarantine_resolved) == (1, 1, 0)
    assert rows_of(store, Quarantine)[0]["resolved_at"] is None
