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
