"""The encoding guess on files that are almost one thing: a Latin list in ASCII or UTF-8 with a few
stray bytes is read as UTF-8, each stray byte's row quarantined naming the field and the byte, and
never read whole as Windows-1256 (which would store "Omے\u200far"); a genuine Windows-1256 list is
still read as Windows-1256. Both `athar import` and `athar requests import` read through the same
guess (athar.ingest.encoding). Every name here is synthetic."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from athar.cli import app
from athar.ingest import UnreadableFile, import_file
from athar.ingest.encoding import decode, windows_1256_evidence
from athar.protect import DataKey
from athar.store import open_store
from athar.store.tables import Quarantine, Record

TODAY = dt.date(2026, 11, 25)
# What misreading a Latin list leaves in a value: the replacement character, direction marks, Arabic.
MISREAD = re.compile("[\ufffd\u200e\u200f\u0600-\u06ff]")
HEADER = b"record_id,given_name,family_name\n"
LATIN_ROWS = [b"R1,Rami,Saleh\n", b"R2,Omar,Hamdan\n", b"R3,Ali,Khalil\n", b"R4,Hassan,Nasser\n"]
ARABIC_ROWS = ["R1,رامي,صالح\n", "R2,عمر,حمدان\n", "R3,علي,خليل\n", "R4,حسن,ناصر\n"]


def latin_file(tmp_path, row: bytes, at: int = 1, name: str = "list.csv"):
    """The Latin list with data row `at` (0-based) replaced by `row`."""
    rows = list(LATIN_ROWS)
    rows[at] = row
    path = tmp_path / name
    path.write_bytes(HEADER + b"".join(rows))
    return path


def rows_of(engine, table):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.id)).mappings()]


def imported(engine, path, stored: int, quarantined: int, encoding: str | None = None):
    """Import a Latin list: the counts add up, and no stored value holds what misreading leaves."""
    result = import_file(engine, path, "lists", today=TODAY, encoding=encoding)
    assert (result.read, result.stored, result.quarantined) == (stored + quarantined, stored, quarantined)
    for record in rows_of(engine, Record):
        assert not any(MISREAD.search(v) for v in record["raw"].values() if isinstance(v, str)), record
    return result


@pytest.mark.parametrize(
    ("row", "character"),
    [
        (b"R2,Om\xff\xfear,Hamdan\n", 3),  # inside the name: Windows-1256 would read "Omے\u200far"
        (b"R2,\xff\xfeOmar,Hamdan\n", 1),  # before it, as a UTF-16 byte-order mark pasted in
        (b"R2,Omar\xff\xfe,Hamdan\n", 5),  # after it
    ],
    ids=["inside", "before", "after"],
)
def test_a_latin_list_with_a_stray_ff_fe_quarantines_that_row_and_stores_the_others(
    store, tmp_path, row, character
):
    result = imported(store, latin_file(tmp_path, row), stored=3, quarantined=1)
    assert result.encoding == "utf-8"
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (3, "given_name")
    assert kept["reason"] == f"not valid UTF-8: byte 0xFF at character {character}"
    assert kept["raw"]["record_id"] == "R2" and "\u200f" not in kept["raw"]["given_name"]
    assert [r["given_name"] for r in rows_of(store, Record)] == ["Rami", "Ali", "Hassan"]


def test_the_quarantine_listing_names_the_file_the_row_the_field_and_the_byte(tmp_path):
    db = f"sqlite:///{tmp_path / 'athar.db'}"
    path = latin_file(tmp_path, b"R2,Om\xff\xfear,Hamdan\n", name="tracing.csv")
    runner = CliRunner()
    done = runner.invoke(app, ["import", str(path), "--source", "lists", "--db", db, "--json"])
    assert done.exit_code == 0, done.output
    counts = json.loads(done.output)
    assert (counts["read"], counts["stored"], counts["quarantined"]) == (4, 3, 1)
    assert counts["encoding"] == "utf-8"
    listed = runner.invoke(app, ["quarantine", "--db", db, "--json"])
    [row] = json.loads(listed.output)
    assert (row["file"], row["row_number"], row["field"]) == ("tracing.csv", 3, "given_name")
    assert row["reason"] == "not valid UTF-8: byte 0xFF at character 3"


def test_a_stray_latin_1_byte_in_a_utf8_list_is_quarantined_not_guessed(store, tmp_path):
    """José written by a Latin-1 (Windows-1252) program into a UTF-8 list: Athar does not guess Western
    encodings (Syrian lists come in UTF-8, UTF-16 or Windows-1256), so the byte is broken UTF-8."""
    result = imported(store, latin_file(tmp_path, b"R2,Jos\xe9,Hamdan\n"), stored=3, quarantined=1)
    assert result.encoding == "utf-8"
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (3, "given_name")
    assert kept["reason"] == "not valid UTF-8: byte 0xE9 at character 4"


def test_a_whole_latin_1_file_is_read_when_its_encoding_is_given(store, tmp_path):
    path = latin_file(tmp_path, "R2,José,Hamdan\n".encode("cp1252"))
    result = imported(store, path, stored=4, quarantined=0, encoding="cp1252")
    assert [r["given_name"] for r in rows_of(store, Record)][1] == "José"
    assert result.encoding == "cp1252"


def test_a_genuine_windows_1256_list_is_still_read_as_windows_1256(store, tmp_path):
    path = tmp_path / "arabic.csv"
    path.write_bytes(b"record_id,given_name,family_name\n" + "".join(ARABIC_ROWS).encode("cp1256"))
    result = import_file(store, path, "lists", today=TODAY)
    assert (result.encoding, result.stored, result.quarantined) == ("windows-1256", 4, 0)
    assert [r["given_name"] for r in rows_of(store, Record)] == ["رامي", "عمر", "علي", "حسن"]


def test_a_windows_1256_list_with_latin_rows_and_an_accented_name_is_read_whole(store, tmp_path):
    rows = [*ARABIC_ROWS[:2], "R3,Ali,Khalil\n", "R4,José,Nasser\n"]
    path = tmp_path / "arabic.csv"
    path.write_bytes(("record_id,given_name,family_name\n" + "".join(rows)).encode("cp1256"))
    result = import_file(store, path, "lists", today=TODAY)
    assert (result.encoding, result.stored, result.quarantined) == ("windows-1256", 4, 0)
    assert [r["given_name"] for r in rows_of(store, Record)] == ["رامي", "عمر", "Ali", "José"]


@pytest.mark.parametrize("given", [None, "windows-1256"], ids=["guessed", "given"])
def test_a_stray_ff_fe_in_a_latin_name_of_a_windows_1256_list_quarantines_that_row(store, tmp_path, given):
    """The file is Windows-1256 (its Arabic words say so), but the two bytes inside "Omar" would read
    as the letter ے and a right-to-left mark in the middle of a Latin word: that is no name."""
    rows = [ARABIC_ROWS[0].encode("cp1256"), b"R2,Om\xff\xfear,Hamdan\n", ARABIC_ROWS[2].encode("cp1256")]
    path = tmp_path / "arabic.csv"
    path.write_bytes(HEADER + b"".join(rows))
    result = import_file(store, path, "lists", today=TODAY, encoding=given)
    assert (result.read, result.stored, result.quarantined) == (3, 2, 1)
    assert result.encoding in ("windows-1256", "cp1256")
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (3, "given_name")
    assert kept["reason"] == (
        "stray byte 0xFF at character 3: read as Windows-1256 it is arabic letter yeh barree"
        " inside a Latin word"
    )
    assert [r["given_name"] for r in rows_of(store, Record)] == ["رامي", "علي"]


def test_a_one_row_latin_file_with_a_stray_byte_is_quarantined_and_counted(store, tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes(HEADER + b"R1,Om\xff\xfear,Hamdan\n")
    result = imported(store, path, stored=0, quarantined=1)
    assert result.encoding == "utf-8"
    [kept] = rows_of(store, Quarantine)
    assert (kept["row_number"], kept["field"]) == (2, "given_name")


def test_a_one_row_windows_1256_file_is_read_as_windows_1256(store, tmp_path):
    path = tmp_path / "one.csv"
    path.write_bytes(HEADER + ARABIC_ROWS[1].encode("cp1256"))
    result = import_file(store, path, "lists", today=TODAY)
    assert (result.encoding, result.stored, result.quarantined) == ("windows-1256", 1, 0)
    assert [r["family_name"] for r in rows_of(store, Record)] == ["حمدان"]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xff\xfe"], ids=["empty", "blank-lines", "only-a-bom"])
def test_an_empty_file_is_refused_naming_it(store, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=r"empty\.csv.*empty"):
        import_file(store, path, "lists", today=TODAY)


def test_the_guess_counts_arabic_words_against_arabic_script_inside_latin_words():
    assert windows_1256_evidence(b"R2,Om\xff\xfear,Hamdan\n") == (0, 2)
    assert windows_1256_evidence(b"R2,Jos\xe9\n") == (0, 0)  # a Latin letter in Windows-1256 too
    # pairs counted without overlap: one in عمر, two in خالد
    assert windows_1256_evidence("R2,عمر خالد,José\n".encode("cp1256")) == (3, 0)
    # Arabic letters glued to a Latin word outweigh the Arabic pair they make
    assert decode(b"R2,Om\xd9\xd1ar\n", "f.csv").encoding == "utf-8"


# The same reader behind `athar requests import`


def test_a_requests_file_with_a_stray_ff_fe_quarantines_that_row(tmp_path, monkeypatch):
    monkeypatch.setenv("ATHAR_DATA_KEY", DataKey.generate().as_text())
    db = f"sqlite:///{tmp_path / 'athar.db'}"
    path = tmp_path / "requests.csv"
    path.write_bytes(
        b"request_id,given_name,family_name,sex,birth_date,requester_name,requester_relationship,"
        b"requester_phone\n"
        b"Q-1,Rami,Saleh,M,1980,Requester A,mother,+963931234567\n"
        b"Q-2,Om\xff\xfear,Hamdan,M,1982,Requester B,mother,+963931234568\n"
        b"Q-3,Ali,Khalil,M,1979,Requester C,father,+963931234569\n"
    )
    done = CliRunner().invoke(
        app, ["requests", "import", str(path), "--org", "Families", "--db", db, "--no-candidates", "--json"]
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert (report["read"], report["stored"], report["quarantined"]) == (3, 2, 1)
    assert report["reasons"] == {"given_name": 1}
    assert [r["request_id"] for r in report["requests"]] == ["Q-1", "Q-3"]
    engine = open_store(db)
    try:
        [kept] = rows_of(engine, Quarantine)
        records = rows_of(engine, Record)
    finally:
        engine.dispose()
    assert (kept["row_number"], kept["field"]) == (3, "given_name")
    assert kept["reason"] == "not valid UTF-8: byte 0xFF at character 3"
    assert [r["given_name"] for r in records] == ["Rami", "Ali"]


def test_a_windows_1256_requests_file_is_still_read_as_windows_1256(tmp_path, monkeypatch):
    monkeypatch.setenv("ATHAR_DATA_KEY", DataKey.generate().as_text())
    db = f"sqlite:///{tmp_path / 'athar.db'}"
    path = tmp_path / "requests.csv"
    path.write_bytes(
        (
            "request_id,given_name,family_name,sex,birth_date,requester_name,requester_relationship,"
            "requester_phone\n"
            "Q-1,عمر,حمدان,M,1982,أم عمر,mother,+963931234567\n"
            "Q-2,Ali,Khalil,M,1979,Requester C,father,+963931234569\n"
        ).encode("cp1256")
    )
    done = CliRunner().invoke(
        app, ["requests", "import", str(path), "--org", "Families", "--db", db, "--no-candidates", "--json"]
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert (report["read"], report["stored"], report["quarantined"]) == (2, 2, 0)
    engine = open_store(db)
    try:
        assert [r["given_name"] for r in rows_of(engine, Record)] == ["عمر", "Ali"]
    finally:
        engine.dispose()


def test_an_empty_requests_file_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ATHAR_DATA_KEY", DataKey.generate().as_text())
    path = tmp_path / "requests.csv"
    path.write_bytes(b"")
    db = f"sqlite:///{tmp_path / 'athar.db'}"
    done = CliRunner().invoke(app, ["requests", "import", str(path), "--org", "Families", "--db", db])
    assert done.exit_code != 0
    assert "requests.csv" in done.stderr and "empty" in done.stderr and "Traceback" not in done.output
