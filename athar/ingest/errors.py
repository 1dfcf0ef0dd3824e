"""Errors that stop a whole file, as opposed to a row (a bad row is quarantined, never raised)."""

from __future__ import annotations

from pathlib import Path

from athar.errors import AtharError


class UnreadableFile(AtharError):
    """The file cannot be read as a table at all; the message names the file and the cause."""

    def __init__(self, path: Path | str, cause: str) -> None:
        self.path = Path(path)
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")


class MappingError(UnreadableFile):
    """The column mapping file is missing, malformed, or names a column Athar does not know."""


class KindChangeRefused(PermissionError):
    """An import asked to change an existing source's kind, and the importer may not (only an admin
    changes a list's kind by importing; `athar.accounts.sources.may_change_kind_by_import`)."""

    def __init__(self, source: str, kind: str, current: str) -> None:
        self.source, self.kind, self.current = source, kind, current
        super().__init__(
            f"the list {source!r} is a {current}: only an admin changes its kind (to {kind}) by importing"
        )
