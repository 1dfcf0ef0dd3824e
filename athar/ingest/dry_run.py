"""Which rows of a file an import would quarantine, and why, without writing anything.

The import page's preview shows these before the user imports, so that a wrong column mapping is seen
(and changed) while it is still cheap. The checks are the importer's own: the reader's row-shape
problems, `RowValidator`, and a record id met twice in the file. A row an earlier import already stored
is not looked up: the preview speaks of the file alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from athar.ingest.mapping import Mapping
from athar.ingest.readers import RawRow
from athar.ingest.validate import Problem, RowValidator

CHECKED_ROWS = 20_000
LISTED_ROWS = 100


@dataclass(frozen=True, slots=True)
class RefusedRow:
    row_number: int
    field: str | None
    reason: str
    values: dict[str, str]

    @property
    def fields(self) -> list[str]:
        return [f.strip() for f in (self.field or "").split(",") if f.strip()]


@dataclass
class DryRun:
    """What an import of the first `checked` rows would do: `refused` lists at most LISTED_ROWS of the
    `refused_count` rows it would quarantine; `complete` says whether the whole file was checked."""

    checked: int = 0
    refused_count: int = 0
    complete: bool = True
    refused: list[RefusedRow] = field(default_factory=list)


def dry_run(
    rows: Iterable[RawRow],
    mapping: Mapping,
    today: dt.date | None = None,
    max_rows: int = CHECKED_ROWS,
    listed: int = LISTED_ROWS,
) -> DryRun:
    validator = RowValidator(mapping, today=today)
    result = DryRun()
    first_row_of: dict[object, int] = {}
    for row in rows:
        if result.checked >= max_rows:
            result.complete = False
            break
        result.checked += 1
        problem: Problem | None = Problem(*row.problem) if row.problem is not None else None
        if problem is None:
            canonical = validator.canonical(row.values)
            if isinstance(canonical, Problem):
                problem = canonical
            else:
                record_id = canonical["record_id"]
                first = first_row_of.setdefault(record_id, row.row_number)
                if first != row.row_number:
                    problem = Problem(
                        "record_id", f"duplicate record_id {record_id!r} (first at row {first})"
                    )
        if problem is None:
            continue
        result.refused_count += 1
        if len(result.refused) < listed:
            result.refused.append(RefusedRow(row.row_number, problem.field, problem.reason, row.values))
    return result
