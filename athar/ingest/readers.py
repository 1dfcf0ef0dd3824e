"""Reading a file into rows of strings, whatever its format, without judging the values.

Every reader yields one `RawRow` per data row, numbered as a person would find it in the file
(a CSV line or spreadsheet row, counting the header as row 1; a JSON array index or JSON Lines line
from 1). A row the reader cannot make sense of (too many fields, a broken JSON line) is still
yielded, with `problem` set, so that it is quarantined rather than lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from athar.ingest.encoding import decode
from athar.ingest.errors import UnreadableFile

MAX_FIELD_SIZE = 1_000_000
csv.field_size_limit(MAX_FIELD_SIZE)


@dataclass(slots=True)
class RawRow:
    row_number: int
    values: dict[str, str]
    problem: tuple[str | None, str] | None = None


@dataclass
class Table:
    file_format: str
    encoding: str | None
    columns: list[str]
    rows: Iterator[RawRow]
    notes: list[str] = field(default_factory=list)


def sniff_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix == ".xml":
        return "pfif"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "pfif"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    return "csv"


def read_bytes(path: Path) -> bytes:
    """The file's bytes; raise UnreadableFile naming the cause when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise UnreadableFile(path, "no such file") from e
    except IsADirectoryError as e:
        raise UnreadableFile(path, "is a directory, not a file") from e
    except OSError as e:
        raise UnreadableFile(path, e.strerror or str(e)) from e


def read_table(
    path: Path, encoding: str | None = None, sheet: str | None = None, data: bytes | None = None
) -> Table:
    """Return the rows of `path` (whose bytes the caller may pass, read once); raise UnreadableFile
    if it is not a table we can read."""
    if data is None:
        data = read_bytes(path)
    if not data.strip():
        raise UnreadableFile(path, "the file is empty")
    file_format = sniff_format(path, data)
    if file_format == "xlsx":
        return read_xlsx(path, data, sheet)
    if file_format == "pfif":
        from athar.ingest.pfif import read_pfif

        return read_pfif(path, data)
    text, used = decode(data, str(path), encoding)
    if file_format == "json":
        return read_json(path, text, used)
    if file_format == "jsonl":
        return read_jsonl(path, text, used)
    return read_csv(path, text, used)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, text: str, encoding: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        header = next(reader)
    except StopIteration as e:
        raise UnreadableFile(path, "the file is empty") from e
    except csv.Error as e:
        raise UnreadableFile(path, f"not a CSV table: {e}") from e
    columns = [h.strip() for h in header]
    _check_header(path, columns)
    if len(columns) == 1 and len(first_line) > 200:
        raise UnreadableFile(path, "not a table: no delimiter found in the first line")

    def rows() -> Iterator[RawRow]:
        n_columns = len(columns)
        line = reader.line_num
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                line = reader.line_num
                yield RawRow(start, {"_line": text_line(text, start)}, (None, f"unparseable CSV row: {e}"))
                continue
            line = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != n_columns:
                values = {columns[i] if i < n_columns else f"_extra_{i + 1}": c for i, c in enumerate(cells)}
                reason = f"row has {len(cells)} fields, the header has {n_columns}"
                yield RawRow(start, values, (None, reason))
                continue
            yield RawRow(start, dict(zip(columns, cells, strict=True)))

    return Table("csv", encoding, columns, rows())


def text_line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _check_header(path: Path, columns: list[str]) -> None:
    if not any(columns):
        raise UnreadableFile(path, "the header row is empty")
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise UnreadableFile(path, f"column {name!r} appears twice in the header")
        seen.add(name)


def cell_text(value: object) -> str:
    """A spreadsheet or JSON value as the text a person would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_xlsx(path: Path, data: bytes, sheet: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UnreadableFile(path, f"not a readable XLSX workbook ({e.__class__.__name__})") from e
    if sheet is not None and sheet not in workbook.sheetnames:
        raise UnreadableFile(path, f"no sheet named {sheet!r}; sheets: {', '.join(workbook.sheetnames)}")
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    row_iter = worksheet.iter_rows(values_only=True)
    header_number = 0
    header: tuple | None = None
    for header_number, candidate in enumerate(row_iter, start=1):  # noqa: B007 (used after the loop)
        if any(v not in (None, "") for v in candidate):
            header = candidate
            break
    if header is None:
        raise UnreadableFile(path, f"sheet {worksheet.title!r} is empty")
    width = max(i + 1 for i, v in enumerate(header) if v not in (None, ""))
    columns = [cell_text(v).strip() for v in header[:width]]
    _check_header(path, columns)

    def rows() -> Iterator[RawRow]:
        for number, values in enumerate(row_iter, start=header_number + 1):
            if all(v in (None, "") for v in values):
                continue
            extra = [v for v in values[width:] if v not in (None, "")]
            cells = [cell_text(v) for v in values[:width]]
            cells += [""] * (width - len(cells))
            row = dict(zip(columns, cells, strict=True))
            if extra:
                for i, v in enumerate(extra):
                    row[f"_extra_{i + 1}"] = cell_text(v)
                yield RawRow(number, row, (None, f"row has values beyond the {width} header columns"))
                continue
            yield RawRow(number, row)
        workbook.close()

    return Table("xlsx", None, columns, rows(), notes=[f"sheet {worksheet.title!r}"])


def _object_row(number: int, obj: object) -> RawRow:
    if not isinstance(obj, dict):
        return RawRow(number, {"_value": cell_text(obj)}, (None, "not a JSON object"))
    return RawRow(number, {str(k): cell_text(v) for k, v in obj.items()})


def _columns_of(objects: list) -> list[str]:
    seen: dict[str, None] = {}
    for obj in objects:
        if isinstance(obj, dict):
            for k in obj:
                seen.setdefault(str(k), None)
    return list(seen)


def read_json(path: Path, text: str, encoding: str) -> Table:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise UnreadableFile(path, f"not valid JSON: {e.msg} at line {e.lineno}") from e
    if isinstance(document, dict):
        lists = [
            v for k, v in document.items() if isinstance(v, list) and k in {"records", "persons", "data"}
        ]
        if not lists:
            raise UnreadableFile(path, "JSON object without a 'records', 'persons' or 'data' list")
        document = lists[0]
    if not isinstance(document, list):
        raise UnreadableFile(path, "JSON is neither a list of objects nor an object holding one")
    objects = document
    rows = (_object_row(i, obj) for i, obj in enumerate(objects, start=1))
    return Table("json", encoding, _columns_of(objects), rows)


def read_jsonl(path: Path, text: str, encoding: str) -> Table:
    lines = text.splitlines()
    parsed: list[tuple[int, object, str | None]] = []
    good = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, json.loads(line), None))
            good += 1
        except json.JSONDecodeError as e:
            parsed.append((number, line, f"invalid JSON: {e.msg}"))
    if not good:
        raise UnreadableFile(path, "no line is a JSON object: not JSON Lines")
    columns = _columns_of([obj for _, obj, err in parsed if err is None])

    def rows() -> Iterator[RawRow]:
        for number, obj, err in parsed:
            if err is not None:
                yield RawRow(number, {"_line": str(obj)}, (None, err))
            else:
                yield _object_row(number, obj)

    return Table("jsonl", encoding, columns, rows())
