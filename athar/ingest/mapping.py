"""Which of a file's columns feed which canonical column.

Without a mapping file, canonical names and the usual English and Arabic headers are recognised
(`header_key` folds case, punctuation and Arabic letter variants first, so "Father's name",
"father_name" and "اسم الاب" all land). A TOML mapping file names the rest:

    [columns]
    "رقم الموقوف" = "record_id"
    "الاسم الثلاثي" = "full_name"
    "ملاحظات" = "-"            # keep in the raw row only

    [values.sex]               # optional: this file's own codes
    "1" = "M"
    "2" = "F"

    [options]
    encoding = "windows-1256"  # optional, as --encoding
    sheet = "Register"         # optional, for XLSX
    kind = "detention_register"  # optional, as --kind: what kind of list the source is
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from athar.ingest.errors import MappingError
from athar.store.tables import ANTE_MORTEM_COLUMNS, CANONICAL_COLUMNS, SOURCE_KINDS

MAPPABLE_COLUMNS = (*CANONICAL_COLUMNS, *ANTE_MORTEM_COLUMNS)

IGNORE = "-"

_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u0640]")
_SEPARATORS = re.compile(r"[\s_\-./:()'’]+")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})


def header_key(name: str) -> str:
    """A header folded so that trivial differences in spelling do not matter."""
    name = _TASHKEEL.sub("", name.strip().casefold()).translate(_ARABIC_FOLD)
    return _SEPARATORS.sub(" ", name).strip()


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": (
        "id",
        "record id",
        "record no",
        "record number",
        "ref",
        "reference",
        "case id",
        "case number",
        "رقم السجل",
        "الرقم",
        "رقم",
        "رقم القيد",
        "الرقم التسلسلي",
        "رقم الملف",
        "رقم الحاله",
        "رقم المرجع",
        "person_record_id",
    ),
    "full_name": (
        "name",
        "full name",
        "fullname",
        "person name",
        "الاسم الكامل",
        "الاسم الثلاثي",
        "الاسم الرباعي",
        "اسم الشخص",
        "الاسم والكنيه",
    ),
    "given_name": ("given name", "first name", "firstname", "forename", "الاسم", "الاسم الاول"),
    "father_name": ("father", "father name", "father s name", "fathers name", "اسم الاب", "الاب"),
    "grandfather_name": (
        "grandfather",
        "grandfather name",
        "grandfather s name",
        "اسم الجد",
        "الجد",
    ),
    "family_name": (
        "family",
        "family name",
        "surname",
        "last name",
        "lastname",
        "الكنيه",
        "اسم العائله",
        "العائله",
        "الشهره",
        "اللقب",
    ),
    "mother_name": (
        "mother",
        "mother name",
        "mother s name",
        "mothers name",
        "اسم الام",
        "الام",
        "اسم الام وكنيتها",
    ),
    "sex": ("sex", "gender", "الجنس"),
    "birth_date": (
        "birth date",
        "date of birth",
        "dob",
        "birthdate",
        "birth year",
        "year of birth",
        "date_of_birth",
        "تاريخ الولاده",
        "تاريخ الميلاد",
        "مواليد",
        "سنه الولاده",
        "التولد",
    ),
    "birth_place": (
        "birth place",
        "place of birth",
        "birthplace",
        "مكان الولاده",
        "محل الولاده",
        "مكان الميلاد",
    ),
    "national_id": (
        "national id",
        "national number",
        "national no",
        "nid",
        "الرقم الوطني",
        "الرقم الوطني للشخص",
    ),
    "event_date": (
        "event date",
        "date",
        "date of arrest",
        "arrest date",
        "date of death",
        "death date",
        "date last seen",
        "last seen date",
        "date of disappearance",
        "date of return",
        "return date",
        "تاريخ الحدث",
        "تاريخ التوقيف",
        "تاريخ الاعتقال",
        "تاريخ الوفاه",
        "تاريخ الاختفاء",
        "تاريخ العوده",
        "تاريخ الفقدان",
    ),
    "event_place": (
        "event place",
        "place",
        "place of arrest",
        "place of death",
        "last seen place",
        "location",
        "last known location",
        "branch",
        "مكان الحدث",
        "مكان التوقيف",
        "مكان الاعتقال",
        "مكان الوفاه",
        "الفرع",
        "مكان الاختفاء",
        "مكان الفقدان",
        "الجهه",
    ),
    "age": ("age", "age at event", "العمر", "السن"),
    "height_cm": ("height", "height cm", "الطول"),
    "dental": ("teeth", "dental record", "الأسنان", "الاسنان"),
    "marks": ("distinguishing marks", "علامات مميزة", "العلامات الفارقة", "علامات فارقة"),
    "clothing": ("clothes", "clothing and effects", "الملابس", "اللباس"),
}

BUILTIN_HEADERS: dict[str, str] = {}
for _canonical, _names in _SYNONYMS.items():
    BUILTIN_HEADERS[header_key(_canonical)] = _canonical
    for _name in _names:
        BUILTIN_HEADERS[header_key(_name)] = _canonical


@dataclass
class Mapping:
    """The resolved mapping for one file: canonical column -> the file's column."""

    columns: dict[str, str]
    unmapped: list[str]
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"columns": self.columns, "values": self.value_maps, "unmapped": self.unmapped}


@dataclass
class MappingFile:
    columns: dict[str, str]
    value_maps: dict[str, dict[str, str]]
    options: dict[str, str]


def load_mapping_file(path: Path) -> MappingFile:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as e:
        raise MappingError(path, "mapping file not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise MappingError(path, f"not a valid TOML mapping: {e}") from e
    columns = document.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError(path, '[columns] must map each file column to a canonical column name, or "-"')
    for source_column, target in columns.items():
        if target != IGNORE and target not in MAPPABLE_COLUMNS:
            raise MappingError(
                path,
                f"column {source_column!r} maps to {target!r}, which is not one of: "
                + ", ".join(MAPPABLE_COLUMNS),
            )
    value_maps = document.get("values", {})
    for target in value_maps:
        if target not in MAPPABLE_COLUMNS:
            raise MappingError(path, f"[values.{target}] names no canonical column")
    options = {k: str(v) for k, v in document.get("options", {}).items()}
    unknown = set(options) - {"encoding", "sheet", "kind"}
    if unknown:
        raise MappingError(path, f"unknown option(s) in [options]: {', '.join(sorted(unknown))}")
    if "kind" in options and options["kind"] not in SOURCE_KINDS:
        raise MappingError(
            path, f"kind {options['kind']!r} in [options] is not one of: {', '.join(SOURCE_KINDS)}"
        )
    return MappingFile(
        columns=dict(columns),
        value_maps={k: {str(a): str(b) for a, b in v.items()} for k, v in value_maps.items()},
        options=options,
    )


def resolve(file_columns: list[str], mapping_file: MappingFile | None, file_name: str) -> Mapping:
    """Match the file's columns to canonical ones; explicit mappings win over recognised headers."""
    chosen: dict[str, str] = {}
    explicit = mapping_file.columns if mapping_file else {}
    explicit_by_key = {header_key(k): v for k, v in explicit.items()}
    missing = [k for k in explicit if header_key(k) not in {header_key(c) for c in file_columns}]
    if missing:
        raise MappingError(
            file_name,
            f"the mapping names column(s) not in the file: {', '.join(missing)}; "
            f"the file has: {', '.join(file_columns)}",
        )
    unmapped: list[str] = []
    for column in file_columns:
        key = header_key(column)
        target = explicit_by_key.get(key) or BUILTIN_HEADERS.get(key)
        if target is None or target == IGNORE:
            unmapped.append(column)
            continue
        if target in chosen:
            if key in explicit_by_key and header_key(chosen[target]) not in explicit_by_key:
                unmapped.append(chosen[target])
                chosen[target] = column
                continue
            raise MappingError(
                file_name,
                f"columns {chosen[target]!r} and {column!r} both map to {target}; "
                "say which one to use in a mapping file",
            )
        chosen[target] = column
    return Mapping(
        columns=chosen,
        unmapped=unmapped,
        value_maps=mapping_file.value_maps if mapping_file else {},
        options=mapping_file.options if mapping_file else {},
    )
