"""Decoding text files whose encoding nobody wrote down.

Lists come as UTF-8 (with or without a byte-order mark), UTF-16 from Excel's "Unicode text", and
Windows-1256 from Arabic Windows machines and Syrian government systems. The order of tries matters:
UTF-8 is strict enough that Windows-1256 Arabic almost never decodes as UTF-8 by accident, while
every byte sequence decodes as Windows-1256, so that one comes last.

A file that is UTF-8 but for a few broken bytes (a truncated character, one pasted cell, a stray
0xFF 0xFE left by a UTF-16 byte-order mark) is read as UTF-8: the broken bytes become lone surrogates
(U+DC80..U+DCFF, Python's "surrogateescape"), which no valid text holds, so the readers can
quarantine exactly the rows and fields that hold them instead of reading every name of the file as
Windows-1256 mojibake. Windows-1256 is chosen only when, read in it, the file's non-ASCII bytes
stand side by side as parts of Arabic words far more often than they put an Arabic letter or a
direction mark inside a Latin word ("Om\xff\xfear" would read "Omے\u200far"): `windows_1256_evidence`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import NamedTuple

from athar.errors import ConfigurationError
from athar.ingest.errors import UnreadableFile

# Characters a decoder or a JSON escape can leave that are not text: lone UTF-16 surrogates.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters (other than tab and line ends) in more than this share of a file's first 64 KiB
# make it binary data, refused whole; fewer are stray bytes, and the rows holding a NUL are
# quarantined (text tables hold no control characters, binary files hold many: 25-75% in the tests'
# pictures and archives).
BINARY_CONTROL_SHARE = 0.01
# ... and a handful of them are stray bytes however small the file (one NUL in a three-line list).
STRAY_CONTROLS = 8
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A file is read as UTF-8 despite broken bytes when its valid multi-byte characters outnumber the
# broken bytes this many times over. Windows-1256 Arabic is the opposite: nearly every Arabic letter
# is a broken UTF-8 byte, and a valid UTF-8 sequence needs a letter followed by one of the few
# characters Windows-1256 puts at 0x80-0xBF (none in 3,000 files of the name table's Arabic names,
# so two to one is far from any Windows-1256 file, and a three-line file holding one Arabic word and
# one broken byte is still read as UTF-8).
UTF8_MAJORITY = 2


def _windows_1256_tables() -> tuple[bytes, bytes]:
    """Two bytes.translate tables saying what each byte is when read as Windows-1256.

    The first marks the parts of Arabic words: A a letter of Arabic proper (U+0621..U+064A), a
    another Arabic-script letter (پ چ گ ے ...), an Arabic mark (harakat, the tatweel) or a zero-width
    (non-)joiner. The second marks the two scripts: l a Latin letter (ASCII or accented: é, ç, œ), a
    an Arabic-script letter, mark, joiner or direction mark (LRM, RLM, the soft hyphen). Every other
    byte (digits, punctuation, delimiters, line ends) is a space in both."""
    arabic, scripts = bytearray(b" " * 256), bytearray(b" " * 256)
    for byte in range(256):
        char = bytes([byte]).decode("windows-1256")
        category = unicodedata.category(char)
        if "\u0621" <= char <= "\u064a" and category == "Lo":
            arabic[byte], scripts[byte] = ord("A"), ord("a")
        elif ("\u0600" <= char <= "\u06ff" and category in ("Lo", "Lm", "Mn")) or char in "\u200c\u200d":
            arabic[byte], scripts[byte] = ord("a"), ord("a")
        elif category == "Cf":
            scripts[byte] = ord("a")
        elif category in ("Lu", "Ll"):
            scripts[byte] = ord("l")
    return bytes(arabic), bytes(scripts)


_ARABIC_PARTS, _SCRIPTS = _windows_1256_tables()
# Two bytes side by side that Windows-1256 reads as two parts of one Arabic word, one of them at
# least a letter of Arabic proper. Every Arabic word of two letters or more holds one.
_ARABIC_PAIRS = (b"AA", b"Aa", b"aA")
# Two bytes side by side that Windows-1256 reads as an Arabic letter, mark or direction mark beside
# a Latin letter, inside one word: "Om\xff\xfear" would read "Omے\u200far", "\xff\xfeOmar" would
# read "ے\u200fOmar". Broken UTF-8 in a Latin list looks like this; Arabic in Windows-1256 does not.
_MIXED_PAIRS = (b"la", b"al")
# The same in decoded text: a character that is Arabic script in Windows-1256 beside a Latin letter.
_ARABIC_SCRIPT_CHARS = re.compile(
    "[" + re.escape(bytes(b for b in range(256) if _SCRIPTS[b] == ord("a")).decode("windows-1256")) + "]"
)
_LATIN = "[" + re.escape(bytes(b for b in range(256) if _SCRIPTS[b] == ord("l")).decode("windows-1256")) + "]"
_MIXED_TEXT = re.compile(f"{_LATIN}{_ARABIC_SCRIPT_CHARS.pattern}|{_ARABIC_SCRIPT_CHARS.pattern}{_LATIN}")
# A file is read as Windows-1256 when its Arabic pairs outnumber its mixed pairs this many times over.
WINDOWS_1256_MAJORITY = 2
# The pairs are counted a slice at a time, so that a large file is never held twice more.
_SLICE_BYTES = 16 << 20

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
    # Windows-1256 only: pairs of bytes that read as Arabic script inside a Latin word (stray bytes)
    mixed_script: int = 0


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
        mixed = windows_1256_evidence(data)[1] if name == "cp1256" else 0
        return Decoded(text.removeprefix("\ufeff"), name, mixed_script=mixed)
    if data.startswith(codecs.BOM_UTF8):
        return _utf8_keeping_broken_bytes(data[3:])._replace(encoding="utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_strict(data, "utf-16", path), "utf-16")
    utf16 = _looks_utf16(data)
    if utf16:
        text = _strict(data, utf16, path)
        _reject_binary(text, path)
        return Decoded(text, utf16)
    if _is_binary(data[:65536]):
        raise UnreadableFile(path, "binary data, not a text table (NUL and other control bytes)")
    utf8 = _utf8_keeping_broken_bytes(data)
    # Each valid multi-byte character makes the text shorter than the bytes by one to three.
    if utf8.broken_bytes == 0 or len(data) - len(utf8.text) >= UTF8_MAJORITY * utf8.broken_bytes:
        return utf8
    arabic, mixed = windows_1256_evidence(data)
    if arabic == 0 or arabic < WINDOWS_1256_MAJORITY * mixed:
        return utf8
    del utf8
    text = data.decode("windows-1256", errors="replace")
    if "\ufffd" in text:
        raise UnreadableFile(path, "not UTF-8, UTF-16 or Windows-1256 text; give --encoding")
    _reject_binary(text, path)
    return Decoded(text, "windows-1256", mixed_script=mixed)


def windows_1256_evidence(data: bytes) -> tuple[int, int]:
    """How often two bytes side by side in `data` read in Windows-1256 as two parts of one Arabic
    word (`_ARABIC_PAIRS`), and how often as Arabic script inside a Latin word (`_MIXED_PAIRS`); each
    counted without overlaps, so that a word of four Arabic letters counts two."""
    arabic = mixed = 0
    for start in range(0, len(data), _SLICE_BYTES):
        # One byte more than the slice, so that the pair across its end is counted too.
        piece = data[start : start + _SLICE_BYTES + 1]
        parts = piece.translate(_ARABIC_PARTS)
        arabic += sum(parts.count(pair) for pair in _ARABIC_PAIRS)
        del parts
        scripts = piece.translate(_SCRIPTS)
        mixed += sum(scripts.count(pair) for pair in _MIXED_PAIRS)
    return arabic, mixed


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


def mixed_script_reason(value: str) -> str | None:
    """Why `value`, read as Windows-1256, is not text: an Arabic letter, mark or direction mark
    touching a Latin letter inside one word, which is what a stray byte in a Latin name reads as
    ("Om\xff\xfear" as "Omے\u200far"); None when it holds none."""
    found = _MIXED_TEXT.search(value)
    if found is None:
        return None
    at = found.start() + (0 if _ARABIC_SCRIPT_CHARS.match(found.group()) else 1)
    while at > 0 and _ARABIC_SCRIPT_CHARS.match(value[at - 1]):  # the first byte of the stray run
        at -= 1
    char = value[at]
    return (
        f"stray byte 0x{char.encode('windows-1256')[0]:02X} at character {at + 1}: read as Windows-1256 "
        f"it is {unicodedata.name(char, 'a format character').lower()} inside a Latin word"
    )


def nul_reason(value: str) -> str | None:
    """Why `value` is not text (it holds a NUL, which no name holds and PostgreSQL cannot store), or
    None when it holds none."""
    at = value.find("\x00")
    return None if at < 0 else f"NUL byte at character {at + 1}"


# Control characters no name, date or place holds (C0 but NUL, tab and line ends; DEL; C1): a stray
# byte of a broken export, an escape sequence pasted from a terminal. Kept, one would sit invisibly
# inside a stored name (what a reviewer sees is not what is compared) or break a CSV export.
CONTROL_IN_TEXT = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_reason(value: str) -> str | None:
    """Why `value` is not text as written: it holds a control character; None when it holds none
    (NUL has its own reason, `nul_reason`, as it cannot be stored at all)."""
    found = CONTROL_IN_TEXT.search(value)
    if found is None:
        return None
    return f"control character U+{ord(found.group()):04X} at character {found.start() + 1}"


def bom_reason(value: str) -> str | None:
    """Why `value` is not text as read: it holds a byte-order mark (U+FEFF), which belongs at the
    start of a file only and inside one says that two files were joined there; None when it holds none."""
    at = value.find("\ufeff")
    if at < 0:
        return None
    return f"byte-order mark (U+FEFF) at character {at + 1}: the start of another file joined on here?"


def repair_nul(value: str) -> str:
    """`value` with each NUL replaced by U+FFFD, so that quarantine can keep it in any store."""
    return value.replace("\x00", "\ufffd")


def repair_text(value: str) -> str:
    """`value` with each lone surrogate replaced by U+FFFD, so that it can be stored as UTF-8."""
    return LONE_SURROGATE.sub("\ufffd", value)


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise UnreadableFile(path, f"not valid {encoding} at byte {e.start}") from e


def _is_binary(sample: bytes | str) -> bool:
    """Whether `sample` holds more control characters (other than tabs and line ends) than stray
    bytes in a text file would: more than a few, and more than a small share of it."""
    if isinstance(sample, bytes):
        sample = sample.decode("latin-1")  # one character a byte, the controls where they were
    controls = _CONTROL.subn("", sample)[1]
    return controls > STRAY_CONTROLS and controls > BINARY_CONTROL_SHARE * len(sample)


def _reject_binary(text: str, path: str) -> None:
    """Windows-1256 (and often UTF-16) decodes any bytes, so garbage is caught by what it decodes to."""
    if _is_binary(text[:65536]):
        raise UnreadableFile(path, "binary data, not a text table")
