"""Lossless ingest: read any list, map its columns, validate each row, store it or quarantine it."""

from athar.ingest.errors import KindChangeRefused, MappingError, UnreadableFile
from athar.ingest.importer import ImportResult, import_file
from athar.store.engine import StoreBusy

__all__ = ["ImportResult", "KindChangeRefused", "MappingError", "StoreBusy", "UnreadableFile", "import_file"]
