"""The column mapping as the import preview lets a user change it: one choice per column of the file.

The choices are written as a mapping file (`mapping.toml`, the format of `athar import --mapping`)
beside the upload, keeping the value codes and options of a mapping file the user uploaded, so the
preview, the check of its rows and the import all read the one mapping.
"""

from __future__ import annotations

import json
from pathlib import Path

from athar.ingest.mapping import IGNORE, MappingFile, load_mapping_file
from athar.store.tables import CANONICAL_COLUMNS

FIELD_PREFIX = "column_"


class MappingChoiceError(ValueError):
    """Choices that cannot be one mapping: two columns feeding one field."""


def chosen_columns(form: dict[str, str], file_columns: list[str]) -> dict[str, str] | None:
    """file column -> canonical field or "-", from the form's `column_N` fields (N: the column's
    position); None when the form carries no choices (the mapping stays as it is)."""
    if not any(key.startswith(FIELD_PREFIX) for key in form):
        return None
    chosen: dict[str, str] = {}
    fed_by: dict[str, str] = {}
    for number, column in enumerate(file_columns):
        target = form.get(f"{FIELD_PREFIX}{number}", IGNORE)
        if target not in CANONICAL_COLUMNS:
            target = IGNORE
        if target != IGNORE:
            if target in fed_by:
                raise MappingChoiceError(f"columns {fed_by[target]!r} and {column!r} both feed {target}")
            fed_by[target] = column
        chosen[column] = target
    return chosen


def write_mapping(path: Path, columns: dict[str, str]) -> None:
    """Write `columns` to the mapping file at `path`, keeping its value codes and options if it exists."""
    base = load_mapping_file(path) if path.is_file() else MappingFile({}, {}, {})
    path.write_text(mapping_toml(MappingFile(columns, base.value_maps, base.options)), encoding="utf-8")


def _quoted(text: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes: \" \\ \n \t \uXXXX).
    return json.dumps(text, ensure_ascii=False)


def mapping_toml(mapping: MappingFile) -> str:
    lines = ["[columns]", *(f"{_quoted(k)} = {_quoted(v)}" for k, v in mapping.columns.items())]
    for field, codes in mapping.value_maps.items():
        lines += ["", f"[values.{field}]", *(f"{_quoted(k)} = {_quoted(v)}" for k, v in codes.items())]
    if mapping.options:
        lines += ["", "[options]", *(f"{k} = {_quoted(v)}" for k, v in mapping.options.items())]
    return "\n".join(lines) + "\n"
