"""Turning one raw row into canonical values, or naming the first field that stops it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from athar.ingest.limits import MAX_CELL_KEPT_WHOLE, MAX_COLUMNS, MAX_ROW_CHARS
from athar.ingest.mapping import Mapping
from athar.ingest.values import (
    BadValue,
    clean_text,
    parse_age,
    parse_date,
    parse_dental,
    parse_height,
    parse_national_id,
    parse_record_id,
    parse_sex,
)

# Longest value accepted per canonical column; longer is almost always two cells run together.
MAX_LENGTH = {
    "record_id": 100,
    "full_name": 300,
    "given_name": 100,
    "father_name": 100,
    "grandfather_name": 100,
    "family_name": 100,
    "mother_name": 200,
    "birth_place": 200,
    "event_place": 300,
    "marks": 2000,
    "clothing": 2000,
}
MAX_RAW_CELL = MAX_CELL_KEPT_WHOLE


@dataclass(slots=True)
class Problem:
    field: str | None
    reason: str


class RowValidator:
    """Validates rows of one file against one mapping; `today` bounds dates for reproducible tests."""

    def __init__(self, mapping: Mapping, today: dt.date | None = None) -> None:
        self.mapping = mapping
        self.today = today or dt.date.today()
        # (canonical column, file column, parser, length limit, this file's own value codes)
        self._fields = [
            (
                canonical,
                column,
                self._parser_for(canonical),
                MAX_LENGTH.get(canonical),
                mapping.value_maps.get(canonical),
            )
            for canonical, column in mapping.columns.items()
        ]

    def _parser_for(self, canonical: str) -> Callable[[str], object]:
        if canonical in ("birth_date", "event_date"):
            return _memoised(partial(parse_date, today=self.today))
        parser = {
            "sex": parse_sex,
            "national_id": parse_national_id,
            "age": parse_age,
            "record_id": parse_record_id,
            "height_cm": parse_height,
            "dental": parse_dental,
        }.get(canonical, _clean_text_cached)
        return _memoised(parser) if canonical in ("sex", "age") else parser

    def canonical(self, raw: dict[str, str]) -> dict[str, object] | Problem:
        """Canonical values of a row, or one Problem naming every field that is wrong and why."""
        problems: list[tuple[str, str]] = []
        total = sum(map(len, raw.values()))
        oversized = total > MAX_RAW_CELL
        if oversized:
            for column, cell in raw.items():
                if len(cell) > MAX_RAW_CELL:
                    problems.append(
                        (column, f"over-long field: {len(cell)} characters (limit {MAX_RAW_CELL})")
                    )
            if total > MAX_ROW_CHARS:
                problems.append(("row", f"over-long row: {total} characters (limit {MAX_ROW_CHARS})"))
        if len(raw) > MAX_COLUMNS:
            problems.append(("row", f"{len(raw)} fields (limit {MAX_COLUMNS})"))
        out: dict[str, object] = {}
        for canonical, column, parse, limit, codes in self._fields:
            text = raw.get(column, "")
            if oversized and len(text) > MAX_RAW_CELL:
                continue  # named above; not parsed (a parser's reason would quote all of it)
            if codes is not None:
                text = codes.get(text.strip(), text)
            try:
                value = parse(text)
            except BadValue as e:
                problems.append((canonical, str(e)))
                continue
            if limit and isinstance(value, str) and len(value) > limit:
                problems.append((canonical, f"over-long field: {len(value)} characters (limit {limit})"))
                continue
            out[canonical] = value
        if not out.get("record_id") and not any(f == "record_id" for f, _ in problems):
            problems.insert(0, ("record_id", "missing record_id"))
        if not problems:
            return out
        if len(problems) == 1:
            return Problem(*problems[0])
        return Problem(", ".join(f for f, _ in problems), "; ".join(f"{f}: {r}" for f, r in problems))


# Names and places repeat across rows; lru_cache is C code, cheaper than collapsing spaces again.
_clean_text_cached = lru_cache(maxsize=200_000)(clean_text)


def _memoised(parse: Callable[[str], object], limit: int = 100_000) -> Callable[[str], object]:
    """Columns such as dates and sex codes repeat a few values over and over: parse each once."""
    cache: dict[str, object] = {}

    def parse_cached(text: str) -> object:
        try:
            hit = cache[text]
        except KeyError:
            try:
                hit = parse(text)
            except BadValue as e:
                hit = e
            if len(cache) < limit:
                cache[text] = hit
        if isinstance(hit, BadValue):
            raise hit
        return hit

    return parse_cached
