"""The file formats an export is written in, chosen from the file's name or `--format`.

CSV is UTF-8 with a byte-order mark, so that Excel opens Arabic as Arabic (without it Excel reads the
file as the machine's ANSI code page), and every cell goes through `athar.csv_safety`. XLSX is a real
workbook (openpyxl), whose text cells are stored as text, never as formulas. JSON Lines is one object
per row; Parquet a typed columnar file (pyarrow) for analysts' notebooks.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from athar.csv_safety import SafeWriter
from athar.errors import AtharError

FORMATS: tuple[str, ...] = ("csv", "xlsx", "jsonl", "parquet")
EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
STDOUT = "-"


class ExportFormatError(AtharError, ValueError):
    """An export whose format cannot be told, or that its file's name contradicts."""


def format_for(out: str, requested: str | None = None) -> str:
    """The format to write `out` in: `requested` when given (and not contradicted by the file's
    extension), else the one the extension names; standard output (`-`) is CSV unless asked."""
    if requested is not None and requested not in FORMATS:
        raise ExportFormatError(f"--format must be one of {', '.join(FORMATS)}, not {requested!r}")
    named = None if out == STDOUT else EXTENSIONS.get(Path(out).suffix.lower())
    if requested is not None:
        if out != STDOUT and Path(out).suffix and named != requested:
            raise ExportFormatError(f"{out}: the name says {Path(out).suffix}, but --format is {requested}")
        return requested
    if out == STDOUT:
        return "csv"
    if named is None:
        raise ExportFormatError(
            f"{out}: cannot tell the format; name the file .csv, .xlsx, .jsonl or .parquet, or give --format"
        )
    return named


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[bytes]) -> int:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = SafeWriter(text)
        writer.writerow(columns)
        count = 0
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # leave the caller's stream open


def _xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[bytes]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("athar")

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith("="):
            return value
        text = WriteOnlyCell(sheet, value=value)
        text.data_type = "s"  # stored as text: a spreadsheet never evaluates it
        return text

    sheet.append(list(columns))
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    book.save(stream)
    return count


def _jsonl(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[bytes]) -> int:
    count = 0
    for row in rows:
        line = json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)
        stream.write(line.encode("utf-8") + b"\n")
        count += 1
    return count


def _parquet(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    values: list[list[Any]] = [[] for _ in columns]
    for row in rows:
        for column, value in zip(values, row, strict=True):
            column.append(value)
    table = pa.table({name: pa.array(column) for name, column in zip(columns, values, strict=True)})
    pq.write_table(table, stream)
    return table.num_rows


WRITERS = {"csv": _csv, "xlsx": _xlsx, "jsonl": _jsonl, "parquet": _parquet}


def write_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], stream: IO[bytes], fmt: str) -> int:
    """Write a header and `rows` to the binary `stream` in `fmt`; the number of rows written."""
    return WRITERS[fmt](columns, rows, stream)
