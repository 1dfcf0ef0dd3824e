"""Characters no list of names holds, in a file that is otherwise text: each costs its row only
(quarantined naming the file's row, the field and the character), the other rows are stored, and
the counts add up; a file that is mostly such characters is binary data, refused whole. Every name
here is synthetic."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from athar.ingest import UnreadableFile, import_file
from athar.store.tables import Quarantine, Record

TODAY = dt.date(2026, 11, 25)
HEADER = b"record_id,given_name,family_name\n"
ROWS = [b"R1,Rami,Saleh\n", b"R2,Omar,Hamdan\n", b"R3,Ali,Khalil\n", b"R4,Hassan,Nasser\n"]


def rows_of(engine, table):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.id)).mappings()]


def with_row(tmp_path, row: bytes, at: int = 1, before: bytes = b""):
    rows = list(ROWS)
    rows[at] = row
    path = tmp_path / "list.csv"
    path.write_bytes(HEADER + before + b"".join(rows))
    return path


def imported(engine, path, stored: int, quarantined: int):
    result = import_file(engine, path, "lists", today=TODAY)
    assert (result.read, result.stored, result.quarantined) == (stored + quarantined, stored, quarantined)
    return result


@pytest.mark.parametrize("filler", [0, 5_000], ids=["near-the-top", "past-the-first-64-KiB"])
def test_a_nul_byte_in_a_name_quarantines_its_row_on_every_store(store, tmp_path, filler):
    """PostgreSQL cannot store a NUL at all, and SQLite would keep it inside a name: either way the
    row is quarantined, wherever in the file the byte is."""
    before = b"".join(b"F%d,Filler,Row\n" % i for i in range(filler))
    path = with_row(tmp_path, b"R2,Om\x00ar,Hamdan\n", before=before)
    imported(store, path, stored=3 + filler, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (3 + filler, "given_name")
    assert kept["reason"] == "NUL byte at character 3"
    assert kept["raw"]["given_name"] == "Om\ufffdar"
    assert not any("\x00" in str(r["raw"]) for r in rows_of(store, Record))


def test_a_nul_in_a_json_lines_value_quarantines_its_row(store, tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_text(
        '{"record_id": "R1", "given_name": "Rami"}\n{"record_id": "R2", "given_name": "Om\\u0000ar"}\n',
        "utf-8",
    )
    imported(store, path, stored=1, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"], kept["reason"]) == (2, "given_name", "NUL byte at character 3")


def test_a_file_mostly_of_control_bytes_is_still_refused_as_binary(store, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(HEADER + b"\x00\x01\x02\x03 binary \x00\x00" * 200)
    with pytest.raises(UnreadableFile, match=r"photo\.csv.*binary data"):
        import_file(store, path, "lists", today=TODAY)


def test_a_byte_order_mark_inside_the_file_quarantines_the_row_it_starts(store, tmp_path):
    """Two lists joined with `cat`, the second saved with a byte-order mark: its header line is no
    person, and is quarantined rather than stored as one named "given_name"; its rows are stored."""
    second = b"\xef\xbb\xbf" + HEADER + b"R5,Yusuf,Haddad\n"
    path = tmp_path / "joined.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER + b"".join(ROWS) + second)
    imported(store, path, stored=5, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (6, "record_id")
    assert kept["reason"].startswith("byte-order mark (U+FEFF) at character 1")
    stored = rows_of(store, Record)
    assert [r["record_id"] for r in stored] == ["R1", "R2", "R3", "R4", "R5"]
    assert not any("\ufeff" in str(r["raw"]) for r in stored)


def test_a_byte_order_mark_inside_a_name_quarantines_its_row(store, tmp_path):
    imported(store, with_row(tmp_path, b"R2,Om\xef\xbb\xbfar,Hamdan\n"), stored=3, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (3, "given_name")
    assert kept["reason"].startswith("byte-order mark (U+FEFF) at character 3")


# A quote left open


@pytest.mark.parametrize(
    "row",
    [b'R2,"Omar,Hamdan\n', b'R2,Omar,"Hamdan\n'],
    ids=["middle-column", "last-column"],
)
def test_an_unclosed_quote_costs_its_line_only_and_the_lines_it_swallowed_are_read(store, tmp_path, row):
    """Without this, the open quote ran to the end of the file: the rows after it were one value."""
    imported(store, with_row(tmp_path, row), stored=3, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert kept["row_number"] == 3 and kept["reason"].startswith("unclosed quote")
    assert kept["raw"]["_line"] == row.decode().rstrip("\n")
    assert [r["record_id"] for r in rows_of(store, Record)] == ["R1", "R3", "R4"]


def test_an_unclosed_quote_that_runs_past_the_field_limit_loses_no_row(store, tmp_path):
    after = b"".join(b"S%d,Some Name,Some Family Name Of Some Length\n" % i for i in range(3_000))
    path = with_row(tmp_path, b'R2,"Omar,Hamdan\n', at=1)
    path.write_bytes(path.read_bytes() + after)
    imported(store, path, stored=3 + 3_000, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert kept["row_number"] == 3 and kept["reason"].startswith("unclosed quote")


def test_a_quoted_value_holding_line_breaks_is_still_one_value(store, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b'record_id,given_name,notes\nR1,Rami,"first line\nsecond, line"\nR2,Omar,\n')
    imported(store, path, stored=2, quarantined=0)
    assert rows_of(store, Record)[0]["raw"]["notes"] == "first line\nsecond, line"


# Other control characters


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (b"R2,Omar\x07,Hamdan\n", "given_name", "control character U+0007 at character 5"),
        (b"R2,Omar,Ham\x1b[0mdan\n", "family_name", "control character U+001B at character 4"),
        (b"R2,Omar,Hamdan\x0c\n", "family_name", "control character U+000C at character 7"),
        ("R2,Om\u0085ar,Hamdan\n".encode(), "given_name", "control character U+0085 at character 3"),
    ],
    ids=["bell", "terminal-escape", "form-feed", "c1-next-line"],
)
def test_a_control_character_in_a_value_quarantines_its_row(store, tmp_path, row, field, reason):
    """A control character would sit invisibly inside a stored name (what a reviewer reads is not
    what is compared) or break an export: the row is quarantined, the others stored."""
    imported(store, with_row(tmp_path, row), stored=3, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"], kept["reason"]) == (3, field, reason)
    stored = rows_of(store, Record)
    assert [r["record_id"] for r in stored] == ["R1", "R3", "R4"]


def test_tabs_and_line_breaks_inside_a_value_are_not_control_characters(store, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(HEADER + b'R1,"Omar\tAli",Hamdan\nR2,"Rami\r\nYusuf",Saleh\n')
    imported(store, path, stored=2, quarantined=0)
    assert [r["given_name"] for r in rows_of(store, Record)] == ["Omar Ali", "Rami Yusuf"]


def test_an_escaped_control_character_in_json_quarantines_its_row(store, tmp_path):
    path = tmp_path / "list.json"
    path.write_text(
        '[{"record_id": "R1", "given_name": "Rami"}, {"record_id": "R2", "given_name": "Om\\u0007ar"},'
        ' {"record_id": "R3", "given_name": "Sami\\u0070"}]',
        "utf-8",
    )
    imported(store, path, stored=2, quarantined=1)
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (2, "given_name")
    assert kept["reason"] == "control character U+0007 at character 3"


def test_a_spreadsheet_cell_with_a_control_character_or_a_byte_order_mark_is_quarantined(store, tmp_path):
    """XML keeps DEL and the C1 controls (only C0 is illegal in it), and a cell can hold a
    byte-order mark pasted from another file."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["record_id", "given_name", "family_name"])
    sheet.append(["R1", "Rami", "Saleh"])
    sheet.append(["R2", "Omar\x7f", "Hamdan"])
    sheet.append(["R3", "Ali", "\ufeffKhalil"])
    sheet.append(["R4", "Hassan", "Nasser"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    imported(store, path, stored=2, quarantined=2)
    kept = rows_of(store, Quarantine)
    assert [(k["row_number"], k["field"]) for k in kept] == [(3, "given_name"), (4, "family_name")]
    assert kept[0]["reason"] == "control character U+007F at character 5"
    assert kept[1]["reason"].startswith("byte-order mark (U+FEFF) at character 1")
    assert [r["record_id"] for r in rows_of(store, Record)] == ["R1", "R4"]
