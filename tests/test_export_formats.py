"""Export formats: chosen from the name or --format (a contradiction refused), each readable back by
the tool analysts use, Arabic intact, and no cell that a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import json

import pytest

from athar.exports import ExportFormatError, format_for, write_table

COLUMNS = ("person_id", "name", "count")
ROWS = [("P-1", "محمد خير الحلبي", 2), ("P-2", '=HYPERLINK("http://x")', 1), ("P-3", None, 0)]


def _written(fmt: str) -> bytes:
    stream = io.BytesIO()
    assert write_table(COLUMNS, iter(ROWS), stream, fmt) == len(ROWS)
    return stream.getvalue()


def test_the_format_comes_from_the_name_or_the_flag_and_a_contradiction_is_refused():
    assert format_for("out.XLSX") == "xlsx" and format_for("a.ndjson") == "jsonl"
    assert format_for("-") == "csv" and format_for("-", "parquet") == "parquet"
    assert format_for("noext", "jsonl") == "jsonl"
    with pytest.raises(ExportFormatError, match=r"the name says \.csv, but --format is xlsx"):
        format_for("x.csv", "xlsx")
    with pytest.raises(ExportFormatError, match="cannot tell the format"):
        format_for("x.txt")
    with pytest.raises(ExportFormatError, match="--format must be one of"):
        format_for("x.csv", "pdf")


def test_csv_has_a_bom_for_excel_and_neutralises_formulas():
    data = _written("csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS) and rows[1][1] == "محمد خير الحلبي"
    assert rows[2][1].startswith("'=") and rows[3][1] == ""


def test_xlsx_reads_back_with_arabic_and_a_formula_stays_text():
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(_written("xlsx"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(COLUMNS) and values[1] == ["P-1", "محمد خير الحلبي", 2]
    formula = sheet.cell(row=3, column=2)
    assert formula.value == '=HYPERLINK("http://x")' and formula.data_type == "s"


def test_json_lines_and_parquet_read_back_typed():
    import pyarrow.parquet as pq

    lines = [json.loads(line) for line in _written("jsonl").decode("utf-8").splitlines()]
    assert lines[0] == {"person_id": "P-1", "name": "محمد خير الحلبي", "count": 2}
    assert lines[2]["name"] is None
    table = pq.read_table(io.BytesIO(_written("parquet")))
    assert table.column_names == list(COLUMNS)
    assert table.column("name").to_pylist()[0] == "محمد خير الحلبي" and table.column("count").type == "int64"


def test_an_empty_table_is_a_header_alone():
    stream = io.BytesIO()
    assert write_table(COLUMNS, iter([]), stream, "csv") == 0
    assert stream.getvalue().decode("utf-8-sig").strip() == ",".join(COLUMNS)
