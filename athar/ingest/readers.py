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
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from athar.ingest.encoding import (
    CONTROL_IN_TEXT,
    bom_reason,
    broken_text_reason,
    control_reason,
    decode,
    mixed_script_reason,
    nul_reason,
    repair_nul,
    repair_text,
)
from athar.ingest.errors import UnreadableFile
from athar.ingest.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_JSON_DEPTH, cut, max_content_bytes
from athar.ingest.zipcheck import check_workbook_zip

csv.field_size_limit(MAX_CELL_CHARS)
# A JSON escape of a lone surrogate ("\ud800"): the JSON readers then check each row's text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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
    """The file's bytes; raise UnreadableFile naming the cause when it cannot be read or is larger than
    an import reads (`max_content_bytes`), which is checked before reading it."""
    try:
        _check_size(path, path.stat().st_size)
        return path.read_bytes()
    except FileNotFoundError as e:
        raise UnreadableFile(path, "no such file") from e
    except IsADirectoryError as e:
        raise UnreadableFile(path, "is a directory, not a file") from e
    except OSError as e:
        raise UnreadableFile(path, e.strerror or str(e)) from e


def _check_size(path: Path, size: int) -> None:
    limit = max_content_bytes()
    if size > limit:
        raise UnreadableFile(
            path,
            f"the file holds {size:,} bytes, more than an import reads ({limit:,}; ATHAR_MAX_IMPORT_BYTES)",
        )


def read_table(
    path: Path, encoding: str | None = None, sheet: str | None = None, data: bytes | None = None
) -> Table:
    """Return the rows of `path` (whose bytes the caller may pass, read once); raise UnreadableFile
    if it is not a table we can read."""
    if data is None:
        data = read_bytes(path)
    _check_size(path, len(data))
    if not data.strip():
        raise UnreadableFile(path, "the file is empty")
    file_format = sniff_format(path, data)
    # XML holds no NUL nor C0 controls, but a spreadsheet's cell or a PFIF element can hold DEL, a
    # C1 control or a byte-order mark: each value is checked as it is read
    if file_format == "xlsx":
        return _quarantining(read_xlsx(path, data, sheet), _not_text_reason, repair_nul)
    if file_format == "pfif":
        from athar.ingest.pfif import read_pfif

        return _quarantining(read_pfif(path, data), _not_text_reason, repair_nul)
    text, used, broken_bytes, mixed_script = decode(data, str(path), encoding)
    if file_format == "json":
        table = read_json(path, text, used)
    elif file_format == "jsonl":
        table = read_jsonl(path, text, used)
    else:
        table = read_csv(path, text, used)
    if broken_bytes or (file_format != "csv" and _SURROGATE_ESCAPE.search(text)):
        has_bytes = broken_bytes > 0
        table = _quarantining(table, lambda value: broken_text_reason(value, has_bytes), repair_text)
    if mixed_script:
        table = _quarantining(table, mixed_script_reason, None)
    if "\x00" in text or (file_format != "csv" and "\\u0000" in text):
        table = _quarantining(table, nul_reason, repair_nul)
    if "\ufeff" in text or (file_format != "csv" and "\\ufeff" in text.lower()):
        table = _quarantining(table, bom_reason, None)
    if CONTROL_IN_TEXT.search(text) or (file_format != "csv" and _ESCAPED_CONTROL.search(text)):
        table = _quarantining(table, control_reason, None)
    return table


# a JSON escape that may stand for a control character (checked on the values once read)
_ESCAPED_CONTROL = re.compile(r"\\u00[01789][0-9a-fA-F]")


def _not_text_reason(value: str) -> str | None:
    return nul_reason(value) or bom_reason(value) or control_reason(value)


def _quarantining(
    table: Table, reason_of: Callable[[str], str | None], repair: Callable[[str], str] | None
) -> Table:
    """`table` with each row that holds text `reason_of` refuses quarantined, naming the first such
    field (or column name). For broken text (bytes not valid in the file's encoding, or a JSON escape
    of a lone surrogate) `repair` gives what is kept (U+FFFD for each broken character) so that it
    can be stored at all, and a broken column name is repaired the same way; text that can be stored
    (stray bytes read as Windows-1256) is kept as read."""
    fix = repair or (lambda text: text)
    repaired_columns = {c: fix(c) for c in table.columns}

    def rows() -> Iterator[RawRow]:
        for row in table.rows:
            problem = row.problem
            broken = False
            for column, value in row.values.items():
                reason = reason_of(value) or reason_of(column)
                if reason is not None:
                    broken = True
                    if problem is None:
                        problem = (fix(column), reason)
            if not broken:
                yield row
                continue
            values = {fix(c): fix(v) for c, v in row.values.items()}
            yield RawRow(row.row_number, values, problem)

    columns = [repaired_columns[c] for c in table.columns]
    return Table(table.file_format, table.encoding, columns, rows(), table.notes)


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Lines:
    """The lines of a CSV text for csv.reader, numbered as in the file, remembering those the current
    row took, so that lines a runaway quoted field swallowed can be put back and read again."""

    def __init__(self, text: str) -> None:
        self._source = io.StringIO(text, newline="")
        self._back: list[tuple[int, str]] = []  # lines put back, the next one last
        self._read = 0
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            number, line = self._back.pop()
        else:
            line = next(self._source)
            self._read += 1
            number = self._read
        self.taken.append((number, line))
        return line

    def put_back(self, lines: list[tuple[int, str]]) -> None:
        self._back.extend(reversed(lines))


def _runaway_quote(taken: list[tuple[int, str]], cells: list[str] | None, n_columns: int) -> bool:
    """Whether a row read over several lines is a quote left open on its first line that swallowed
    the next ones, not a quoted field holding line breaks: the row cannot be parsed (`cells` None),
    has the wrong number of fields, or holds an odd number of quotes (still open at the end of the
    file)."""
    if len(taken) < 2:
        return False
    return cells is None or len(cells) != n_columns or sum(line.count('"') for _, line in taken) % 2 == 1


def read_csv(path: Path, text: str, encoding: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    source = _Lines(text)
    reader = csv.reader(source, delimiter=delimiter, quotechar='"', strict=False)
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
        while True:
            source.taken = []
            error: csv.Error | None = None
            cells: list[str] | None = None
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                error = e
            taken = source.taken
            start, first = taken[0]
            line = {"_line": cut(first.rstrip("\r\n"))}
            if _runaway_quote(taken, cells, n_columns):
                # Only the first line is this row's; the others are read again as the rows they are.
                source.put_back(taken[1:])
                reason = (
                    "unclosed quote: a quoted field opened on this line runs on over the next "
                    f"{len(taken) - 1} lines"
                )
                yield RawRow(start, line, (None, reason))
                continue
            if cells is None:
                yield RawRow(start, line, (None, f"unparseable CSV row: {error}"))
                continue
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != n_columns:
                values = {columns[i] if i < n_columns else f"_extra_{i + 1}": c for i, c in enumerate(cells)}
                reason = f"row has {len(cells)} fields, the header has {n_columns}"
                yield RawRow(start, values, (None, reason))
                continue
            yield RawRow(start, dict(zip(columns, cells, strict=True)))

    return Table("csv", encoding, columns, rows())


def _check_header(path: Path, columns: list[str]) -> None:
    if not any(columns):
        raise UnreadableFile(path, "the header row is empty")
    _check_column_count(path, columns)
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise UnreadableFile(path, f"column {name!r} appears twice in the header")
        seen.add(name)


def _check_column_count(path: Path, columns: list[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise UnreadableFile(
            path, f"{len(columns):,} columns, more than a list of people has (limit {MAX_COLUMNS:,})"
        )


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

    check_workbook_zip(path, data, max_content_bytes())
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


def _json_int(digits: str) -> int | str:
    """A JSON integer; one too long for Python to convert (over 4,300 digits) stays as its digits."""
    return int(digits) if len(digits) <= 4_000 else digits


def _json_loads(text: str) -> object:
    return json.loads(text, parse_int=_json_int)


def _nesting(value: object) -> int:
    """How many levels of lists and objects `value` holds (0 for a plain value), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in item)
    return deepest


def _object_row(number: int, obj: object) -> RawRow:
    if not isinstance(obj, dict):
        if _nesting(obj) > MAX_JSON_DEPTH:
            return RawRow(number, {"_value": "[nested list]"}, (None, "not a JSON object"))
        return RawRow(number, {"_value": cell_text(obj)}, (None, "not a JSON object"))
    values: dict[str, str] = {}
    problem: tuple[str | None, str] | None = None
    for key, value in obj.items():
        if isinstance(value, dict | list) and _nesting(value) > MAX_JSON_DEPTH:
            values[str(key)] = f"[nested more than {MAX_JSON_DEPTH} levels deep: not kept]"
            if problem is None:
                reason = f"value nested more than {MAX_JSON_DEPTH} levels deep: rows must be flat"
                problem = (str(key), reason)
            continue
        values[str(key)] = cell_text(value)
    return RawRow(number, values, problem)


def _columns_of(path: Path, objects: list) -> list[str]:
    seen: dict[str, None] = {}
    for obj in objects:
        if isinstance(obj, dict):
            for k in obj:
                seen.setdefault(str(k), None)
    columns = list(seen)
    _check_column_count(path, columns)
    return columns


def read_json(path: Path, text: str, encoding: str) -> Table:
    try:
        document = _json_loads(text)
    except json.JSONDecodeError as e:
        raise UnreadableFile(path, f"not valid JSON: {e.msg} at line {e.lineno}") from e
    except RecursionError:
        raise UnreadableFile(path, "JSON nested too deeply to be a list of flat objects") from None
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
    return Table("json", encoding, _columns_of(path, objects), rows)


def read_jsonl(path: Path, text: str, encoding: str) -> Table:
    lines = text.splitlines()
    parsed: list[tuple[int, object, str | None]] = []
    good = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, _json_loads(line), None))
            good += 1
        except json.JSONDecodeError as e:
            parsed.append((number, line, f"invalid JSON: {e.msg}"))
        except RecursionError:
            parsed.append((number, line, "invalid JSON: nested too deeply to be a flat object"))
    if not good:
        raise UnreadableFile(path, "no line is a JSON object: not JSON Lines")
    columns = _columns_of(path, [obj for _, obj, err in parsed if err is None])

    def rows() -> Iterator[RawRow]:
        for number, obj, err in parsed:
            if err is not None:
                yield RawRow(number, {"_line": cut(str(obj))}, (None, err))
            else:
                yield _object_row(number, obj)

    return Table("jsonl", encoding, columns, rows())
