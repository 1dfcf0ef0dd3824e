"""Checking an XLSX workbook's zip before openpyxl opens it, so that a zip bomb is refused unread.

A workbook is a zip of XML members. openpyxl trusts it: it holds the shared strings in memory whole,
and inflates whatever the members hold. A few hundred kilobytes of deflated zeros can declare (or,
with a lying header, hold) gigabytes. This looks at the central directory first (member count,
declared sizes, compression ratios), then inflates every member once in bounded chunks, counting
what it actually holds, before anything is parsed.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from athar.ingest.errors import UnreadableFile
from athar.ingest.limits import (
    MAX_SHARED_STRINGS_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    ZIP_RATIO_FLOOR_BYTES,
)

CHUNK = 1 << 20


def check_workbook_zip(path: Path, data: bytes, max_bytes: int) -> None:
    """Raise UnreadableFile naming the file and cause when the workbook's zip is out of bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_directory(path, members, len(data), max_bytes)
            _check_contents(path, archive, members)
    except zipfile.BadZipFile as e:
        raise UnreadableFile(path, f"not a readable XLSX workbook (BadZipFile: {e})") from e
    except (NotImplementedError, RuntimeError, EOFError, OSError) as e:
        raise UnreadableFile(path, f"not a readable XLSX workbook ({e.__class__.__name__}: {e})") from e


def _ratio(uncompressed: int, compressed: int) -> float:
    return uncompressed / max(compressed, 1)


def _check_directory(path: Path, members: list[zipfile.ZipInfo], size: int, max_bytes: int) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(
            path, f"the workbook's zip holds {len(members):,} members (limit {MAX_ZIP_MEMBERS:,})"
        )
    declared = sum(m.file_size for m in members)
    if declared > max_bytes:
        raise UnreadableFile(
            path,
            f"the workbook would decompress to {declared:,} bytes "
            f"(limit {max_bytes:,}; ATHAR_MAX_IMPORT_BYTES)",
        )
    for member in members:
        ratio = _ratio(member.file_size, member.compress_size)
        if member.file_size > ZIP_RATIO_FLOOR_BYTES and ratio > MAX_ZIP_RATIO:
            raise UnreadableFile(
                path,
                f"member {member.filename!r} decompresses {ratio:,.0f} times its size "
                f"(limit {MAX_ZIP_RATIO}): a decompression bomb",
            )
        if _is_shared_strings(member.filename) and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise UnreadableFile(
                path,
                f"the shared strings hold {member.file_size:,} bytes (limit {MAX_SHARED_STRINGS_BYTES:,})",
            )
    if declared > ZIP_RATIO_FLOOR_BYTES and _ratio(declared, size) > MAX_ZIP_RATIO:
        raise UnreadableFile(
            path,
            f"the workbook decompresses {_ratio(declared, size):,.0f} times its size "
            f"(limit {MAX_ZIP_RATIO}): a decompression bomb",
        )


def _is_shared_strings(name: str) -> bool:
    return name.lower().rsplit("/", 1)[-1] == "sharedstrings.xml"


def _check_contents(path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Inflate each member in chunks, counting, so that the declared sizes checked above are the real
    ones: a member whose data does not match its header (more or less than declared, so a bad CRC) is
    refused here, by name, rather than inside openpyxl. The declared total bounds what this inflates."""
    for member in members:
        if member.is_dir():
            continue
        held = 0
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                held += len(chunk)
                if held > member.file_size:
                    raise UnreadableFile(
                        path,
                        f"member {member.filename!r} holds more than its declared {member.file_size:,} bytes",
                    )
