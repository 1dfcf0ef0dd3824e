"""Every CSV Athar writes goes through here, so that no cell can run as a spreadsheet formula.

A cell that opens with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `@SUM(...)`): a name typed into a
family's list, a source's name, or a user name tried at the sign-in page would run on the machine of
whoever opens the export. OWASP's rule (CSV Injection) is applied to every text cell: such a cell is
written with a single quote before it, which spreadsheets show and do not evaluate. Numbers and other
non-text values are written as they are. The quote changes the cell's text, so a file meant to be read
back by a program (synthetic lists, `truth.csv`) is written with plain `csv` instead; nothing that
holds data from outside may be.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value a CSV cell may safely hold: text that a spreadsheet would evaluate gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose every cell (the header row included) passes through `neutralise`."""

    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every cell, the header's included, passes through `neutralise`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
