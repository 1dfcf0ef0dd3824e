"""Writing the store out for people: the records table, the persons table, PFIF, in CSV (with a BOM
for Excel), XLSX, JSON Lines or Parquet.

Every export names who it is for (a `Principal`: a web user, or the command line's `operator`) and
holds only what that principal may see (`athar.accounts.visibility`); callers audit it.
"""

from collections.abc import Callable, Iterator

from athar.exports.formats import FORMATS, MEDIA_TYPES, STDOUT, ExportFormatError, format_for, write_table
from athar.exports.persons import PERSON_COLUMNS, person_rows
from athar.exports.records import EXPORT_COLUMNS, current_records, export_pfif, record_rows

# name -> (columns, rows for a principal); only the records table also takes a source to narrow to
TABLES: dict[str, tuple[tuple[str, ...], Callable[..., Iterator[tuple]]]] = {
    "records": (EXPORT_COLUMNS, record_rows),
    "persons": (PERSON_COLUMNS, person_rows),
}

__all__ = [
    "EXPORT_COLUMNS",
    "FORMATS",
    "MEDIA_TYPES",
    "PERSON_COLUMNS",
    "STDOUT",
    "TABLES",
    "ExportFormatError",
    "current_records",
    "export_pfif",
    "format_for",
    "person_rows",
    "record_rows",
    "write_table",
]
