"""Bounds that keep a hostile file from taking the machine or the store down with it.

Every reader checks a file against these before it parses it, so that a few hundred kilobytes of
zip cannot become gigabytes in memory and one giant cell cannot become gigabytes in the store. The
numbers are far above what real lists hold (a million-row list is some 200 MB of text, its longest
cell a few hundred characters) and are documented in docs/data-formats.md.
"""

from __future__ import annotations

import os

from athar.errors import ConfigurationError

# The most bytes a file's content may hold once decompressed (an XLSX's members added up, a text
# file's size). ATHAR_MAX_IMPORT_BYTES raises or lowers it.
DEFAULT_MAX_CONTENT_BYTES = 1 << 30  # 1 GiB

# A CSV field longer than this is not parsed: its row is quarantined as unparseable.
MAX_CELL_CHARS = 64 * 1024

# A file with more columns than this is not a list of people.
MAX_COLUMNS = 1_000

# Rows whose cells add up to more than this are quarantined whole (many large unrecognised columns).
MAX_ROW_CHARS = 256 * 1024

# A cell longer than this stops its row (quarantined, reason "over-long field"); a row can still be
# stored with such a cell nowhere, so no stored raw row holds one.
MAX_CELL_KEPT_WHOLE = 10_000

# What quarantine keeps of a value that was refused for its length: this many characters, then a marker.
KEPT_PREFIX_CHARS = 1_000
# What quarantine keeps of one row at most, all its cells and column names together.
KEPT_ROW_CHARS = 64 * 1024
# The longest reason kept in quarantine (a reason quoting a value is cut like the value).
MAX_REASON_CHARS = 2_000

# XLSX: a workbook is a zip; these bound it before openpyxl opens it.
MAX_ZIP_MEMBERS = 1_000
# Members larger than this (decompressed) must not compress better than MAX_ZIP_RATIO. Real sheet
# XML compresses about 10x, shared strings 3-6x; a bomb of one repeated character compresses 1000x.
ZIP_RATIO_FLOOR_BYTES = 1 << 20
MAX_ZIP_RATIO = 100
# openpyxl holds the shared strings in memory whole (the sheets it streams).
MAX_SHARED_STRINGS_BYTES = 128 << 20

# JSON: how deep a value inside a row may nest (a list of names is 1; deeper is refused).
MAX_JSON_DEPTH = 3


def max_content_bytes() -> int:
    """The configured bound on a file's decompressed content (ATHAR_MAX_IMPORT_BYTES, in bytes)."""
    value = os.environ.get("ATHAR_MAX_IMPORT_BYTES", "").strip()
    if not value:
        return DEFAULT_MAX_CONTENT_BYTES
    try:
        bound = int(value)
    except ValueError as e:
        raise ConfigurationError(f"ATHAR_MAX_IMPORT_BYTES must be a number of bytes, not {value!r}") from e
    if bound <= 0:
        raise ConfigurationError("ATHAR_MAX_IMPORT_BYTES must be positive")
    return bound


def cut(value: str, keep: int = KEPT_PREFIX_CHARS) -> str:
    """`value` itself if short, else its first `keep` characters and a marker saying how long it was."""
    if len(value) <= keep:
        return value
    return f"{value[:keep]}… [cut: {len(value):,} characters in all]"


def bounded_row(values: dict[str, str]) -> dict[str, str]:
    """A row as quarantine keeps it: whole when it is of a normal size. Otherwise a value longer than
    MAX_CELL_KEPT_WHOLE, or past the KEPT_ROW_CHARS budget, is cut to a prefix (to its marker alone once
    the budget is spent), and columns past MAX_COLUMNS are counted instead of kept."""
    lengths = list(map(len, values.values()))
    if (
        len(values) <= MAX_COLUMNS
        and sum(lengths) <= KEPT_ROW_CHARS
        and max(lengths, default=0) <= MAX_CELL_KEPT_WHOLE
    ):
        return values
    out: dict[str, str] = {}
    used = 0
    for number, (column, value) in enumerate(values.items()):
        if number >= MAX_COLUMNS:
            out["_cut"] = f"{len(values) - number:,} more columns not kept"
            break
        column = cut(column, 200)
        if len(value) > MAX_CELL_KEPT_WHOLE or used + len(value) > KEPT_ROW_CHARS:
            value = cut(value, KEPT_PREFIX_CHARS if used < KEPT_ROW_CHARS else 0)
        out[column] = value
        used += len(column) + len(value)
    return out
