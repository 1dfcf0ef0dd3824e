"""Quarantined rows out, for fixing in a spreadsheet and importing again as they are.

A source's open quarantined rows are written with the file's own columns as they came (the union over
the rows, in the order first met), followed by the reason columns (`QUARANTINE_COLUMNS`: file, row,
field, reason), which an import ignores. Fixed and saved, the file goes back in with
`athar import FILE --source S` (and the same `--mapping`, if the list needed one): each fixed row,
now valid, resolves the row it came from.

CSV is UTF-8 with a byte-order mark (Excel opens Arabic as Arabic only then). A text cell a
spreadsheet would run as a formula is written with a `'` before it (OWASP); an import of a file that
carries the reason columns takes that quote off again, so the round trip is exact. XLSX cells are
stored as text, never as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, select

from athar.accounts.permissions import Principal
from athar.accounts.visibility import visible_sources
from athar.errors import AtharError
from athar.ingest.quarantine_loop import FORMULA_PREFIXES, QUARANTINE_COLUMNS
from athar.store.tables import Import, Quarantine, Source

FORMATS: dict[str, str] = {".csv": "csv", ".xlsx": "xlsx"}


class QuarantineExportError(AtharError, ValueError):
    """An export of quarantined rows that cannot be made as asked: format, or a source not visible."""


def export_format(out: str, requested: str | None = None) -> str:
    """csv or xlsx: `requested` when given (a file name saying otherwise is refused), else the extension's."""
    if requested is not None and requested not in FORMATS.values():
        raise QuarantineExportError(f"--format must be csv or xlsx, not {requested!r}")
    named = FORMATS.get(Path(out).suffix.lower())
    if requested is not None:
        if Path(out).suffix and named != requested:
            raise QuarantineExportError(
                f"{out}: the name says {Path(out).suffix}, but --format is {requested}"
            )
        return requested
    if named is None:
        raise QuarantineExportError(
            f"{out}: cannot tell the format; name the file .csv or .xlsx, or give --format"
        )
    return named


def quarantine_table(engine: Engine, principal: Principal, source: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of `source`'s open quarantined rows, if the principal may see the source.

    A source the principal may not see is refused exactly as one that does not exist."""
    with engine.connect() as conn:
        source_id = conn.execute(
            select(Source.id).where(Source.name == source, visible_sources(principal))
        ).scalar_one_or_none()
        if source_id is None:
            raise QuarantineExportError(f"no source named {source!r}")
        found = conn.execute(
            select(
                Import.file_name, Quarantine.row_number, Quarantine.field, Quarantine.reason, Quarantine.raw
            )
            .join(Import, Import.id == Quarantine.import_id)
            .where(Quarantine.source_id == source_id, Quarantine.resolved_at.is_(None))
            .order_by(Quarantine.id)
        ).all()
    columns: dict[str, None] = {}
    for *_, raw in found:
        columns.update(dict.fromkeys(raw))
    header = list(columns)
    rows = [
        [*(raw.get(c, "") for c in header), file_name, str(row_number), field or "", reason]
        for file_name, row_number, field, reason, raw in found
    ]
    return [*header, *QUARANTINE_COLUMNS], rows


def write_quarantine(
    header: Sequence[str], rows: Iterable[Sequence[str]], stream: IO[bytes], fmt: str
) -> int:
    """Write the table to the binary `stream` as csv or xlsx; how many rows."""
    return (write_quarantine_csv if fmt == "csv" else write_quarantine_xlsx)(header, rows, stream)


def neutralise(value: str) -> str:
    """A CSV cell a spreadsheet will not run: text opening with a formula character gets a `'` before it.

    Kept here (not `athar.csv_safety`) because the import of this file undoes it
    (`athar.ingest.quarantine_loop.drop_quarantine_columns`)."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def write_quarantine_csv(header: Sequence[str], rows: Iterable[Sequence[str]], stream: IO[bytes]) -> int:
    """UTF-8 with a byte-order mark, every cell through `neutralise`."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow([neutralise(c) for c in header])
        count = 0
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # leave the caller's stream open


def write_quarantine_xlsx(header: Sequence[str], rows: Iterable[Sequence[str]], stream: IO[bytes]) -> int:
    """One sheet, every cell stored as text (a value opening with `=` is never a formula)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("quarantine")

    def cell(value: str) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        written.data_type = "s"
        return written

    sheet.append([cell(c) for c in header])
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    book.save(stream)
    return count
