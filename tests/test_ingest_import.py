"""Importing files into the store: formats, encodings, mappings, and the rule that no row is lost."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from athar.ingest import MappingError, UnreadableFile, import_file
from athar.store.tables import Import, Quarantine, Record

TODAY = dt.date(2026, 11, 25)


def count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def records(engine):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(Record).order_by(Record.id)).mappings()]


def quarantined(engine):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(Quarantine).order_by(Quarantine.id)).mappings()]


def test_csv_rows_are_stored_raw_and_canonical(store, tmp_path):
    f = tmp_path / "reports.csv"
    f.write_text("record_id,full_name,sex,birth_date\nR1,  Mohammad   Al-Hamoud ,male,07/03/1985\n", "utf-8")
    result = import_file(store, f, "families", today=TODAY)
    assert (result.read, result.stored, result.quarantined) == (1, 1, 0)
    [record] = records(store)
    assert record["raw"] == {
        "record_id": "R1",
        "full_name": "  Mohammad   Al-Hamoud ",
        "sex": "male",
        "birth_date": "07/03/1985",
    }
    assert record["full_name"] == "Mohammad Al-Hamoud"
    assert (record["sex"], record["birth_date"], record["row_number"]) == ("M", "1985-03-07", 2)


def test_every_kind_of_bad_row_is_quarantined_and_counts_add_up(store, tmp_path):
    f = tmp_path / "messy.csv"
    long_name = "ا" * 301
    f.write_text(
        "record_id,full_name,sex,birth_date,national_id,event_date\n"
        "1,Ahmad Khalil,M,1985,01020304050,2012-05\n"  # good
        ",No Id,M,1985,,\n"  # missing record_id
        "1,Twice,M,1985,,\n"  # duplicate record_id
        "3,Bad Date,M,1985-13-45,,\n"  # impossible date
        "4,Future,F,1990,,2099-01-01\n"  # date in the future
        "5,Short Id,M,1980,12345,\n"  # national number not 11 digits
        "6,Odd Sex,Q,1980,,\n"  # unknown sex code
        f"7,{long_name},M,1980,,\n"  # over-long field
        "8,Too,Many,Fields,Here,,,\n"  # wrong field count
        "9,Fatima Ali,أنثى,١٩٩٠,,\n",  # good, Arabic sex code and digits
        "utf-8",
    )
    result = import_file(store, f, "families", today=TODAY)
    assert result.read == 10
    assert (result.stored, result.quarantined) == (2, 8)
    assert result.read == result.stored + result.quarantined
    rows = {q["row_number"]: (q["field"], q["reason"]) for q in quarantined(store)}
    assert rows[3] == ("record_id", "missing record_id")
    assert rows[4] == ("record_id", "duplicate record_id '1' (first at row 2)")
    assert rows[5][0] == "birth_date" and "month 13" in rows[5][1]
    assert rows[6][0] == "event_date" and "future" in rows[6][1]
    assert rows[7][0] == "national_id" and "not 11 digits" in rows[7][1]
    assert rows[8][0] == "sex" and "unknown sex code 'Q'" in rows[8][1]
    assert rows[9][0] == "full_name" and "over-long" in rows[9][1]
    assert rows[10][0] is None and "8 fields, the header has 6" in rows[10][1]
    assert count(store, Record) == 2
    with store.connect() as conn:
        imp = conn.execute(select(Import)).one()
    assert (imp.rows_read, imp.rows_stored, imp.rows_quarantined) == (10, 2, 8)


def test_a_row_with_several_bad_fields_names_them_all(store, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("record_id,sex,birth_date\n1,Q,1985-13-01\n", "utf-8")
    import_file(store, f, "s", today=TODAY)
    [q] = quarantined(store)
    assert q["field"] == "sex, birth_date"
    assert "sex: unknown sex code" in q["reason"] and "birth_date:" in q["reason"]


def test_quarantined_rows_keep_their_raw_values(store, tmp_path):
    f = tmp_path / "q.csv"
    f.write_text("record_id,full_name,birth_date\n1,سامر الخطيب,31/02/1990\n", "utf-8")
    import_file(store, f, "s", today=TODAY)
    [q] = quarantined(store)
    assert q["raw"] == {"record_id": "1", "full_name": "سامر الخطيب", "birth_date": "31/02/1990"}


def test_reimport_of_same_file_adds_nothing(store, tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("record_id,full_name,birth_date\n1,Ahmad,1985\n2,Omar,1999-99\n3,Sami,1970\n", "utf-8")
    first = import_file(store, f, "s", today=TODAY)
    second = import_file(store, f, "s", today=TODAY)
    assert (first.new, first.quarantined) == (2, 1)
    assert (second.read, second.stored, second.quarantined) == (3, 2, 1)
    assert (second.new, second.new_versions, second.unchanged, second.quarantine_new) == (0, 0, 2, 0)
    assert second.same_file_imported_before
    assert count(store, Record) == 2
    assert count(store, Quarantine) == 1


def test_changed_row_becomes_a_new_version_and_the_old_one_is_kept(store, tmp_path):
    f = tmp_path / "v1.csv"
    f.write_text("record_id,full_name,birth_date\n1,Ahmad Khalil,1985\n2,Omar,1990\n", "utf-8")
    import_file(store, f, "s", today=TODAY)
    g = tmp_path / "v2.csv"
    g.write_text("record_id,full_name,birth_date\n1,Ahmad Khalil,1985-04-02\n2,Omar,1990\n", "utf-8")
    result = import_file(store, g, "s", today=TODAY)
    assert (result.new, result.new_versions, result.unchanged) == (0, 1, 1)
    versions = [(r["record_id"], r["version"], r["is_current"], r["birth_date"]) for r in records(store)]
    assert versions == [("1", 1, False, "1985"), ("2", 1, True, "1990"), ("1", 2, True, "1985-04-02")]


def test_same_record_id_in_another_source_is_another_record(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("record_id,full_name\n1,Ahmad\n", "utf-8")
    import_file(store, f, "families", today=TODAY)
    result = import_file(store, f, "detention", today=TODAY)
    assert result.new == 1
    assert count(store, Record) == 2


def test_windows_1256_file_with_arabic_headers(store, tmp_path):
    # Windows-1256 has no Arabic-Indic digits: such files write ASCII digits.
    f = tmp_path / "register.csv"
    text = (
        "رقم السجل,الاسم,اسم الأب,الكنية,اسم الأم,الجنس,تاريخ الولادة,الرقم الوطني,تاريخ التوقيف,الفرع\n"
        "12,محمد,عبد الرحمن,الحمود,فاطمة,ذكر,07/03/1985,01020304050,2012-05-01,فرع 215\n"
        "13,سارة,أحمد,الخطيب,مريم,أنثى,1990,,2013,سجن صيدنايا\n"
    )
    f.write_bytes(text.encode("windows-1256"))
    result = import_file(store, f, "detention", today=TODAY)
    assert result.encoding == "windows-1256"
    assert (result.stored, result.quarantined) == (2, 0)
    assert result.unmapped_columns == []
    first = records(store)[0]
    assert first["record_id"] == "12"
    assert (first["given_name"], first["father_name"], first["family_name"]) == (
        "محمد",
        "عبد الرحمن",
        "الحمود",
    )
    assert (first["mother_name"], first["sex"], first["birth_date"]) == ("فاطمة", "M", "1985-03-07")
    assert (first["national_id"], first["event_date"], first["event_place"]) == (
        "01020304050",
        "2012-05-01",
        "فرع 215",
    )
    assert first["raw"]["الاسم"] == "محمد"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-8", "utf-8")],
)
def test_unicode_encodings_are_detected(store, tmp_path, encoding, expected):
    f = tmp_path / "list.csv"
    f.write_bytes("record_id,full_name\n1,عبد الرحمن\n2,Zaïd\n".encode(encoding))
    result = import_file(store, f, "s", today=TODAY)
    assert result.encoding == expected
    assert [r["full_name"] for r in records(store)] == ["عبد الرحمن", "Zaïd"]


def test_explicit_encoding_wins(store, tmp_path):
    f = tmp_path / "list.csv"
    f.write_bytes("record_id,full_name\n1,عمر\n".encode("windows-1256"))
    result = import_file(store, f, "s", encoding="cp1256", today=TODAY)
    assert result.encoding == "cp1256"
    assert records(store)[0]["full_name"] == "عمر"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_sniffed(store, tmp_path, delimiter):
    f = tmp_path / "list.csv"
    f.write_text(f"record_id{delimiter}full_name\n1{delimiter}Ahmad, son of Khalil\n", "utf-8")
    import_file(store, f, "s", today=TODAY)
    assert records(store)[0]["full_name"] == "Ahmad, son of Khalil"


def test_quoted_fields_with_delimiters_and_newlines_keep_row_numbers(store, tmp_path):
    f = tmp_path / "list.csv"
    f.write_text(
        'record_id,full_name,notes\n1,"Khalil, Ahmad","seen in\nDouma"\n2,Omar,\n3,Sami,"x"\n', "utf-8"
    )
    import_file(store, f, "s", today=TODAY)
    rows = [(r["record_id"], r["full_name"], r["row_number"], r["raw"]["notes"]) for r in records(store)]
    assert rows == [("1", "Khalil, Ahmad", 2, "seen in\nDouma"), ("2", "Omar", 4, ""), ("3", "Sami", 5, "x")]


def test_blank_lines_are_not_rows(store, tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("record_id,full_name\n1,Ahmad\n\n,\n2,Omar\n", "utf-8")
    result = import_file(store, f, "s", today=TODAY)
    assert (result.read, result.stored) == (2, 2)


def test_mapping_file_maps_arabic_headers_and_values(store, tmp_path):
    f = tmp_path / "register.csv"
    f.write_text("رقم الموقوف,الاسم الثلاثي,النوع,ملاحظات\n7,خالد عمر الأحمد,1,نقل\n8,هدى سمير,2,\n", "utf-8")
    m = tmp_path / "map.toml"
    m.write_text(
        '[columns]\n"رقم الموقوف" = "record_id"\n"الاسم الثلاثي" = "full_name"\n"النوع" = "sex"\n'
        '"ملاحظات" = "-"\n\n[values.sex]\n"1" = "M"\n"2" = "F"\n',
        "utf-8",
    )
    result = import_file(store, f, "branch", mapping_path=m, today=TODAY)
    assert result.unmapped_columns == ["ملاحظات"]
    assert [(r["record_id"], r["full_name"], r["sex"]) for r in records(store)] == [
        ("7", "خالد عمر الأحمد", "M"),
        ("8", "هدى سمير", "F"),
    ]


def test_mapping_naming_an_unknown_canonical_column_is_refused(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("id,name\n1,x\n", "utf-8")
    m = tmp_path / "map.toml"
    m.write_text('[columns]\n"name" = "nickname"\n', "utf-8")
    with pytest.raises(MappingError, match="'nickname', which is not one of"):
        import_file(store, f, "s", mapping_path=m, today=TODAY)
    assert count(store, Import) == 0


def test_mapping_naming_a_column_missing_from_the_file_is_refused(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("id,name\n1,x\n", "utf-8")
    m = tmp_path / "map.toml"
    m.write_text('[columns]\n"الاسم" = "full_name"\n', "utf-8")
    with pytest.raises(MappingError, match="not in the file"):
        import_file(store, f, "s", mapping_path=m, today=TODAY)


def test_common_english_and_arabic_headers_are_recognised_without_mapping(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(
        "ID,First Name,Father's Name,Surname,Mother,Gender,Date of Birth,Place of Birth,Date of arrest,Age\n"
        "1,Ahmad,Khalil,Haddad,Mariam,F,1980,Homs,2013,33\n",
        "utf-8",
    )
    result = import_file(store, f, "s", today=TODAY)
    assert result.unmapped_columns == []
    r = records(store)[0]
    assert (r["given_name"], r["father_name"], r["family_name"], r["mother_name"]) == (
        "Ahmad",
        "Khalil",
        "Haddad",
        "Mariam",
    )
    assert (r["birth_place"], r["event_date"], r["age"]) == ("Homs", "2013", 33)


def test_xlsx_is_read_with_spreadsheet_row_numbers(store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["record_id", "full_name", "birth_date", "national_id"])
    ws.append([1, "محمد الحمود", dt.datetime(1985, 3, 7), 10203040506.0])
    ws.append([None, None, None, None])
    ws.append([2, "Omar", "1985-13-01", None])
    f = tmp_path / "list.xlsx"
    wb.save(f)
    result = import_file(store, f, "s", today=TODAY)
    assert (result.file_format, result.read, result.stored, result.quarantined) == ("xlsx", 2, 1, 1)
    r = records(store)[0]
    assert (r["record_id"], r["full_name"], r["birth_date"], r["row_number"]) == (
        "1",
        "محمد الحمود",
        "1985-03-07",
        2,
    )
    assert quarantined(store)[0]["row_number"] == 4


def test_json_and_json_lines(store, tmp_path):
    j = tmp_path / "a.json"
    j.write_text(json.dumps({"records": [{"record_id": 1, "full_name": "عمر"}, "oops"]}), "utf-8")
    result = import_file(store, j, "a", today=TODAY)
    assert (result.file_format, result.stored, result.quarantined) == ("json", 1, 1)
    jl = tmp_path / "b.jsonl"
    jl.write_text('{"record_id": "x1", "full_name": "Omar"}\n{"record_id": "x2", broken\n', "utf-8")
    result = import_file(store, jl, "b", today=TODAY)
    assert (result.file_format, result.read, result.stored, result.quarantined) == ("jsonl", 2, 1, 1)
    assert any("invalid JSON" in q["reason"] and q["row_number"] == 2 for q in quarantined(store))


def test_pfif_persons_are_imported(store, tmp_path):
    f = tmp_path / "people.xml"
    f.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>example.org/p1</pfif:person_record_id>
    <pfif:full_name>Omar Khalil</pfif:full_name>
    <pfif:given_name>Omar</pfif:given_name>
    <pfif:family_name>Khalil</pfif:family_name>
    <pfif:sex>male</pfif:sex>
    <pfif:date_of_birth>1980-05</pfif:date_of_birth>
    <pfif:age>40-50</pfif:age>
    <pfif:note>
      <pfif:note_record_id>example.org/n1</pfif:note_record_id>
      <pfif:source_date>2013-01-01T00:00:00Z</pfif:source_date>
      <pfif:status>believed_missing</pfif:status>
      <pfif:last_known_location>Douma</pfif:last_known_location>
    </pfif:note>
  </pfif:person>
</pfif:pfif>""",
        "utf-8",
    )
    result = import_file(store, f, "partner", today=TODAY)
    assert (result.file_format, result.stored) == ("pfif", 1)
    r = records(store)[0]
    assert (r["record_id"], r["given_name"], r["family_name"], r["sex"]) == (
        "example.org/p1",
        "Omar",
        "Khalil",
        "M",
    )
    assert (r["birth_date"], r["age"], r["event_place"]) == ("1980-05", 45, "Douma")
    assert r["raw"]["note_status"] == "believed_missing"


@pytest.mark.parametrize(
    ("name", "content", "cause"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "empty"),
        ("garbage.csv", bytes(range(256)) * 40, "binary"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        ("broken.json", b"[{", "not valid JSON"),
        ("other.xml", b"<html><body/></html>", "not PFIF"),
    ],
)
def test_unreadable_files_are_refused_naming_file_and_cause(store, tmp_path, name, content, cause):
    f = tmp_path / name
    if content is not None:
        f.write_bytes(content)
    with pytest.raises(UnreadableFile, match=cause) as info:
        import_file(store, f, "s", today=TODAY)
    assert name in str(info.value)
    assert count(store, Import) == 0


def _kind(engine, source):
    from athar.store.tables import Source

    with engine.connect() as conn:
        return conn.execute(select(Source.kind).where(Source.name == source)).scalar_one()


def test_a_new_source_is_of_kind_other_unless_the_import_says(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("record_id,full_name\n1,Ahmad\n", "utf-8")
    assert import_file(store, f, "plain", today=TODAY).kind == "other"
    assert _kind(store, "plain") == "other"
    result = import_file(store, f, "register", kind="detention_register", today=TODAY)
    assert result.kind == "detention_register" and _kind(store, "register") == "detention_register"


def test_a_reimport_keeps_the_kind_unless_it_names_another(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("record_id,full_name\n1,Ahmad\n", "utf-8")
    import_file(store, f, "morgue-a", kind="hospital_or_morgue", today=TODAY)
    f.write_text("record_id,full_name\n1,Ahmad\n2,Omar\n", "utf-8")
    assert import_file(store, f, "morgue-a", today=TODAY).kind == "hospital_or_morgue"
    assert _kind(store, "morgue-a") == "hospital_or_morgue"
    import_file(store, f, "morgue-a", kind="other", today=TODAY)
    assert _kind(store, "morgue-a") == "other"


def test_the_mapping_file_sets_the_kind_and_an_explicit_kind_wins(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("record_id,full_name\n1,Ahmad\n", "utf-8")
    m = tmp_path / "map.toml"
    m.write_text('[options]\nkind = "returnee_registration"\n', "utf-8")
    import_file(store, f, "returns", mapping_path=m, today=TODAY)
    assert _kind(store, "returns") == "returnee_registration"
    import_file(store, f, "reports", mapping_path=m, kind="family_report", today=TODAY)
    assert _kind(store, "reports") == "family_report"


def test_an_unknown_kind_is_refused_before_anything_is_written(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("record_id,full_name\n1,Ahmad\n", "utf-8")
    m = tmp_path / "map.toml"
    m.write_text('[options]\nkind = "rumour_mill"\n', "utf-8")
    with pytest.raises(MappingError, match="'rumour_mill' in \\[options\\] is not one of"):
        import_file(store, f, "s", mapping_path=m, today=TODAY)
    with pytest.raises(ValueError, match="kind must be one of"):
        import_file(store, f, "s", kind="rumour_mill", today=TODAY)
    assert count(store, Import) == 0
