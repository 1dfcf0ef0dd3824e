"""Hostile files (tests/hostile/corpus.py): bombs are refused in one line before they are parsed,
over-long values never reach the store whole, broken bytes and bad lines cost their row only, and a
busy store is a clear error, not a traceback."""

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from athar.cli import app
from athar.ingest import StoreBusy, UnreadableFile, import_file
from athar.ingest.limits import KEPT_PREFIX_CHARS, KEPT_ROW_CHARS
from athar.store import open_store
from athar.store.engine import busy_timeout_seconds
from athar.store.tables import Import, Quarantine, Record
from tests.hostile import corpus

TODAY = dt.date(2026, 11, 25)


def rows_of(engine, table):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.id)).mappings()]


def imports(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Import)).scalar_one()


def refused(engine, path, phrase: str) -> str:
    with pytest.raises(UnreadableFile) as info:
        import_file(engine, path, "hostile", today=TODAY)
    message = str(info.value)
    assert path.name in message and phrase in message
    assert "\n" not in message
    assert imports(engine) == 0
    return message


def imported(engine, path, stored: int, quarantined: int):
    result = import_file(engine, path, "hostile", today=TODAY)
    assert (result.stored, result.quarantined) == (stored, quarantined)
    assert result.read == result.stored + result.quarantined
    return result


# Decompression and size bombs


def test_xlsx_holding_a_huge_shared_string_is_refused_before_openpyxl_reads_it(store, tmp_path):
    path = corpus.xlsx_shared_string_bomb(tmp_path, string_mib=20)
    assert path.stat().st_size < 200_000
    message = refused(store, path, "decompression bomb")
    assert "sharedStrings.xml" in message


def test_xlsx_with_thousands_of_zip_members_is_refused(store, tmp_path):
    refused(store, corpus.xlsx_many_members(tmp_path, members=1_500), "1,5")


def test_xlsx_whose_small_members_add_up_to_a_bomb_is_refused(store, tmp_path):
    path = corpus.xlsx_spread_bomb(tmp_path, members=30)
    refused(store, path, "decompresses")


def test_xlsx_larger_decompressed_than_the_configured_bound_is_refused(store, tmp_path, monkeypatch):
    path = corpus.xlsx_formulas(tmp_path)
    monkeypatch.setenv("ATHAR_MAX_IMPORT_BYTES", "5000")
    refused(store, path, "ATHAR_MAX_IMPORT_BYTES")


def test_text_file_larger_than_the_configured_bound_is_refused_before_reading(store, tmp_path, monkeypatch):
    path = corpus.windows_1256_arabic(tmp_path, rows=100)
    monkeypatch.setenv("ATHAR_MAX_IMPORT_BYTES", str(path.stat().st_size - 1))
    refused(store, path, "more than an import reads")


def test_formula_cells_are_read_as_data_and_never_evaluated(store, tmp_path):
    imported(store, corpus.xlsx_formulas(tmp_path), stored=3, quarantined=0)
    notes = [r["raw"].get("notes") for r in rows_of(store, Record)]
    assert "2" not in notes and not any("calc" in (n or "") and n != "=cmd|' /C calc'!A0" for n in notes)


def test_an_enormous_csv_cell_costs_its_row_and_quarantine_keeps_a_bounded_line(store, tmp_path):
    imported(store, corpus.csv_with_huge_cell(tmp_path, cell_mib=2), stored=2, quarantined=1)
    [row] = rows_of(store, Quarantine)
    assert row["row_number"] == 3 and "field larger than field limit" in row["reason"]
    assert sum(len(k) + len(v) for k, v in row["raw"].items()) < 2 * KEPT_PREFIX_CHARS
    assert "characters in all" in row["raw"]["_line"]


def test_a_long_unrecognised_cell_is_quarantined_with_a_prefix_and_its_length(store, tmp_path):
    imported(store, corpus.csv_with_long_cell(tmp_path, chars=50_000), stored=2, quarantined=1)
    [row] = rows_of(store, Quarantine)
    assert row["field"] == "remarks" and "over-long field: 50000 characters" in row["reason"]
    assert row["raw"]["remarks"] == "y" * KEPT_PREFIX_CHARS + "… [cut: 50,000 characters in all]"
    assert row["raw"]["full_name"] == corpus.arabic_names(3)[1]  # the other cells are kept whole
    assert all(len(r["raw"]["remarks"]) == 0 for r in rows_of(store, Record))


def test_a_row_of_many_large_cells_is_quarantined_and_kept_within_the_row_budget(store, tmp_path):
    path = tmp_path / "wide.csv"
    columns = [f"c{i}" for i in range(40)]
    path.write_text(
        "record_id," + ",".join(columns) + "\n" + "1," + ",".join("z" * 9_999 for _ in columns) + "\n",
        "utf-8",
    )
    imported(store, path, stored=0, quarantined=1)
    [row] = rows_of(store, Quarantine)
    assert row["field"] == "row" and "over-long row: 399" in row["reason"]
    assert sum(len(k) + len(v) for k, v in row["raw"].items()) < KEPT_ROW_CHARS + 40 * 50


def test_a_file_of_thousands_of_columns_is_refused(store, tmp_path):
    refused(store, corpus.csv_with_many_columns(tmp_path), "20,002 columns")


def test_a_pfif_person_with_an_over_long_name_is_quarantined_with_a_prefix(store, tmp_path):
    imported(store, corpus.pfif_with_long_name(tmp_path, chars=200_000), stored=2, quarantined=1)
    [row] = rows_of(store, Quarantine)
    assert row["raw"]["full_name"].startswith("ت" * KEPT_PREFIX_CHARS + "… [cut: 200,000")


# Silent mis-decoding


def test_one_broken_byte_in_utf8_arabic_quarantines_its_row_and_the_rest_reads_as_utf8(store, tmp_path):
    path = corpus.utf8_arabic_with_broken_byte(tmp_path, rows=200, broken_row=57)
    result = imported(store, path, stored=199, quarantined=1)
    assert result.encoding == "utf-8"
    names = corpus.arabic_names(200)
    stored = {r["record_id"]: r["full_name"] for r in rows_of(store, Record)}
    assert stored == {f"R{i}": names[i - 1] for i in range(1, 201) if i != 57}
    [row] = rows_of(store, Quarantine)
    assert (row["row_number"], row["field"]) == (58, "full_name")
    assert row["reason"].startswith("not valid UTF-8: byte 0xD9")
    assert row["raw"]["record_id"] == "R57" and "\ufffd" in row["raw"]["full_name"]


def test_a_genuine_windows_1256_file_is_still_read_as_windows_1256(store, tmp_path):
    result = imported(store, corpus.windows_1256_arabic(tmp_path, rows=200), stored=200, quarantined=0)
    assert result.encoding == "windows-1256"
    assert [r["full_name"] for r in rows_of(store, Record)] == corpus.arabic_names(200)


def test_a_utf8_bom_file_with_a_broken_byte_is_read_too(store, tmp_path):
    path = corpus.utf8_arabic_with_broken_byte(tmp_path, rows=20, broken_row=3)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = imported(store, path, stored=19, quarantined=1)
    assert result.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("content", "broken_row"),
    [
        # three lines: a header, one Arabic word, one broken byte
        ("record_id,full_name\nR1,محمد\nR2,X\n".encode().replace(b"X", b"\xd9"), 2),
        # a Latin list with one stray byte: no Arabic in any encoding
        (b"record_id,full_name\nR1,Omar Hamdan\nR2,Ali \xffKhalil\nR3,Rami Saleh\n", 2),
    ],
    ids=["one-arabic-word", "latin-with-stray-byte"],
)
def test_a_tiny_utf8_file_with_a_broken_byte_quarantines_that_row_not_reads_as_windows_1256(
    store, tmp_path, content, broken_row
):
    path = tmp_path / "tiny.csv"
    path.write_bytes(content)
    rows = content.count(b"\n") - 1
    result = imported(store, path, stored=rows - 1, quarantined=1)
    assert result.encoding == "utf-8"
    [row] = rows_of(store, Quarantine)
    assert (row["row_number"], row["field"]) == (broken_row + 1, "full_name")
    assert row["reason"].startswith("not valid UTF-8")
    stored = [r["full_name"] for r in rows_of(store, Record)]
    assert all(name.isascii() or name == "محمد" for name in stored)


def test_a_tiny_windows_1256_file_of_one_word_is_still_windows_1256(store, tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_bytes("record_id,full_name\nR1,عمر\n".encode("windows-1256"))
    result = imported(store, path, stored=1, quarantined=0)
    assert result.encoding == "windows-1256"
    assert [r["full_name"] for r in rows_of(store, Record)] == ["عمر"]


# JSON structure


def test_json_nested_100000_deep_is_refused_in_one_line(store, tmp_path):
    refused(store, corpus.json_deeply_nested(tmp_path, depth=100_000), "nested too deeply")


def test_a_json_row_holding_deep_nesting_is_quarantined_and_a_list_of_names_is_kept(store, tmp_path):
    imported(store, corpus.json_row_with_nesting(tmp_path), stored=2, quarantined=1)
    [row] = rows_of(store, Quarantine)
    assert (row["row_number"], row["field"]) == (2, "aliases") and "nested more than 3" in row["reason"]
    assert rows_of(store, Record)[1]["raw"]["aliases"] == '["a", "b"]'


def test_each_bad_json_lines_line_is_quarantined_with_its_line_number(store, tmp_path):
    imported(store, corpus.jsonl_with_bad_lines(tmp_path), stored=3, quarantined=3)
    reasons = {r["row_number"]: r["reason"] for r in rows_of(store, Quarantine)}
    assert set(reasons) == {2, 3, 5}
    assert reasons[2].startswith("invalid JSON")
    assert "nested too deeply" in reasons[3]
    assert "lone surrogate U+D800" in reasons[5]
    kept = {r["record_id"]: r["raw"] for r in rows_of(store, Record)}
    assert sorted(kept) == ["1", "4", "6"] and kept["4"]["count"] == "9" * 5_000


# A busy store


@pytest.fixture
def locked_sqlite(tmp_path, monkeypatch):
    """A migrated SQLite store whose write lock another connection holds; the busy timeout 0.2 s."""
    monkeypatch.setenv("ATHAR_SQLITE_BUSY_TIMEOUT", "0.2")
    path = tmp_path / "busy.db"
    open_store(f"sqlite:///{path}").dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield path
    finally:
        holder.rollback()
        holder.close()


def test_an_import_into_a_store_locked_past_the_timeout_raises_store_busy(locked_sqlite, tmp_path):
    engine = open_store(f"sqlite:///{locked_sqlite}")
    try:
        with pytest.raises(StoreBusy, match=r"busy with another write for 0\.2 s"):
            import_file(engine, corpus.windows_1256_arabic(tmp_path, rows=5), "s", today=TODAY)
    finally:
        engine.dispose()


def test_cli_import_into_a_locked_store_says_so_in_one_line(locked_sqlite, tmp_path):
    path = corpus.windows_1256_arabic(tmp_path, rows=5)
    result = CliRunner().invoke(app, ["import", str(path), "-s", "s", "--db", str(locked_sqlite)])
    assert (result.exit_code == 2 and result.exception is None) or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "busy with another write" in lines[0]
    assert "Traceback" not in result.output and "INSERT" not in result.stderr


def test_the_busy_timeout_is_bounded(monkeypatch):
    monkeypatch.setenv("ATHAR_SQLITE_BUSY_TIMEOUT", "1e9")
    assert busy_timeout_seconds() == 300
