"""Decoding text files whose encoding nobody wrote down.

Lists come as UTF-8 (with or without a byte-order mark), UTF-16 from Excel's "Unicode text", and
Windows-1256 from Arabic Windows machines and Syrian government systems. The order of tries matters:
UTF-8 is strict enough that Windows-1256 Arabic almost never decodes as UTF-8 by accident, while
every byte sequence decodes as Windows-1256, so that one comes last.
"""

from __future__ import annotations

import codecs

from athar.ingest.errors import UnreadableFile

ALIASES = {
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "cp1256": "windows-1256",
    "windows1256": "windows-1256",
    "arabic": "windows-1256",
}


def canonical_encoding_name(name: str) -> str:
    try:
        return codecs.lookup(ALIASES.get(name.lower().replace("_", "-"), name)).name
    except LookupError as e:
        raise ValueError(f"unknown encoding {name!r}") from e


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: text whose every other byte is NUL."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    # Arabic in UTF-16 has high bytes 0x06, not NUL, so only the ASCII part (digits, commas) shows NULs.
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Return the text and the encoding it was read with; raise UnreadableFile if it is not text."""
    if encoding:
        name = canonical_encoding_name(encoding)
        try:
            text = data.decode(name)
        except UnicodeDecodeError as e:
            raise UnreadableFile(path, f"not valid {name} at byte {e.start}") from e
        return text.removeprefix("\ufeff"), name
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    utf16 = _looks_utf16(data)
    if utf16:
        text = _strict(data, utf16, path)
        _reject_binary(text, path)
        return text, utf16
    if b"\x00" in data[:65536]:
        raise UnreadableFile(path, "binary data, not a text table (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("windows-1256", errors="replace")
    if "\ufffd" in text:
        raise UnreadableFile(path, "not UTF-8, UTF-16 or Windows-1256 text; give --encoding")
    _reject_binary(text, path)
    return text, "windows-1256"


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise UnreadableFile(path, f"not valid {encoding} at byte {e.start}") from e


def _reject_binary(text: str, path: str) -> None:
    """Windows-1256 (and often UTF-16) decodes any bytes, so garbage is caught by what it decodes to."""
    sample = text[:65536]
    if not sample:
        return
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    if control / len(sample) > 0.01:
        raise UnreadableFile(path, "binary data, not a text table")
