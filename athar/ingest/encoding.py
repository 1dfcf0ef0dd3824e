"""Decoding text files whose encoding nobody wrote down.

Lists come as UTF-8 (with or without a byte-order mark), UTF-16 from Excel's "Unicode text", and
Windows-1256 from Arabic Windows machines and Syrian government systems. The order of tries matters:
UTF-8 is strict enough that Windows-1256 Arabic almost never decodes as UTF-8 by accident, while
every byte sequence decodes as Windows-1256, so that one comes last.

A file that is UTF-8 but for a few broken bytes (a truncated character, one pasted cell) is read as
UTF-8: the broken bytes become lone surrogates (U+DC80..U+DCFF, Python's "surrogateescape"), which no
valid text holds, so the readers can quarantine exactly the rows and fields that hold them instead of
reading every name of the file as Windows-1256 mojibake.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from athar.errors import ConfigurationError
from athar.ingest.errors import UnreadableFile

# Characters a decoder or a JSON escape can leave that are not text: lone UTF-16 surrogates.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# A file is read as UTF-8 despite broken bytes when its valid multi-byte characters outnumber the
# broken bytes this many times over. Windows-1256 Arabic is the opposite: nearly every Arabic letter
# is a broken UTF-8 byte, and a valid UTF-8 sequence needs a letter followed by one of the few
# characters Windows-1256 puts at 0x80-0xBF (none in 3,000 files of the name table's Arabic names,
# so two to one is far from any Windows-1256 file, and a three-line file holding one Arabic word and
# one broken byte is still read as UTF-8).
UTF8_MAJORITY = 2
# Two non-ASCII bytes side by side: every Arabic word of two letters or more in Windows-1256. A file
# without them holds no Arabic in that encoding, so its stray high bytes are broken UTF-8, not
# letters (one 0xFF in a Latin list is quarantined, not read as the letter ے in someone's name).
_ADJACENT_HIGH_BYTES = re.compile(rb"[\x80-\xff]{2}")

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
        raise ConfigurationError(f"unknown encoding {name!r}") from e


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


class Decoded(NamedTuple):
    text: str
    encoding: str
    broken_bytes: int = 0  # bytes that were not valid in `encoding`, left in `text` as lone surrogates


def decode(data: bytes, path: str, encoding: str | None = None) -> Decoded:
    """Return the text and the encoding it was read with; raise UnreadableFile if it is not text."""
    if encoding:
        name = canonical_encoding_name(encoding)
        if name == "utf-8":
            return _utf8_keeping_broken_bytes(data.removeprefix(codecs.BOM_UTF8))
        try:
            text = data.decode(name)
        except UnicodeDecodeError as e:
            raise UnreadableFile(path, f"not valid {name} at byte {e.start}") from e
        return Decoded(text.removeprefix("\ufeff"), name)
    if data.startswith(codecs.BOM_UTF8):
        return _utf8_keeping_broken_bytes(data[3:])._replace(encoding="utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_strict(data, "utf-16", path), "utf-16")
    utf16 = _looks_utf16(data)
    if utf16:
        text = _strict(data, utf16, path)
        _reject_binary(text, path)
        return Decoded(text, utf16)
    if b"\x00" in data[:65536]:
        raise UnreadableFile(path, "binary data, not a text table (NUL bytes)")
    utf8 = _utf8_keeping_broken_bytes(data)
    # Each valid multi-byte character makes the text shorter than the bytes by one to three.
    if (
        utf8.broken_bytes == 0
        or len(data) - len(utf8.text) >= UTF8_MAJORITY * utf8.broken_bytes
        or not _ADJACENT_HIGH_BYTES.search(data)
    ):
        return utf8
    del utf8
    text = data.decode("windows-1256", errors="replace")
    if "\ufffd" in text:
        raise UnreadableFile(path, "not UTF-8, UTF-16 or Windows-1256 text; give --encoding")
    _reject_binary(text, path)
    return Decoded(text, "windows-1256")


def _utf8_keeping_broken_bytes(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="surrogateescape")
    # subn counts without a list of millions of one-character strings (a Windows-1256 file's letters).
    return Decoded(text, "utf-8", LONE_SURROGATE.subn("", text)[1])


def broken_text_reason(value: str, broken_bytes: bool) -> str | None:
    """Why `value` is not text (it holds a lone surrogate), or None when it is text."""
    found = LONE_SURROGATE.search(value)
    if found is None:
        return None
    code = ord(found.group())
    if broken_bytes and 0xDC80 <= code <= 0xDCFF:
        return f"not valid UTF-8: byte 0x{code - 0xDC00:02X} at character {found.start() + 1}"
    return f"not valid Unicode: lone surrogate U+{code:04X} at character {found.start() + 1}"


def repair_text(value: str) -> str:
    """`value` with each lone surrogate replaced by U+FFFD, so that it can be stored as UTF-8."""
    return LONE_SURROGATE.sub("\ufffd", value)


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
