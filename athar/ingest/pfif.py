"""PFIF 1.4, the People Finder Interchange Format that tracing systems exchange person records in.

Reading maps `pfif:person` elements onto rows (their notes' newest status and last known location
come along); writing turns Athar's records into PFIF persons so that other systems can take them.
Spec: https://zesty.ca/pfif/1.4/ (namespace below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from athar.ingest.errors import UnreadableFile
from athar.ingest.readers import RawRow, Table

NS = "http://zesty.ca/pfif/1.4"
_Q = f"{{{NS}}}"

# PFIF field -> the column name it becomes in the raw row (which the built-in headers then map).
PERSON_FIELDS = {
    "person_record_id": "person_record_id",
    "full_name": "full_name",
    "given_name": "given_name",
    "family_name": "family_name",
    "alternate_names": "alternate_names",
    "sex": "sex",
    "date_of_birth": "date_of_birth",
    "age": "age",
    "home_street": "home_street",
    "home_neighborhood": "home_neighborhood",
    "home_city": "home_city",
    "home_state": "home_state",
    "home_postal_code": "home_postal_code",
    "home_country": "home_country",
    "description": "description",
    "source_name": "source_name",
    "source_date": "source_date",
    "source_url": "source_url",
    "entry_date": "entry_date",
    "expiry_date": "expiry_date",
    "author_name": "author_name",
}


def _text(element: Element, tag: str) -> str:
    found = element.find(_Q + tag)
    return (found.text or "").strip() if found is not None else ""


def read_pfif(path: Path, data: bytes) -> Table:
    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException) as e:
        raise UnreadableFile(path, f"not valid XML: {e}") from e
    if root.tag != _Q + "pfif":
        raise UnreadableFile(
            path, f"XML but not PFIF 1.4 (root element {root.tag!r}, expected pfif:pfif in {NS})"
        )
    persons = root.findall(_Q + "person")
    columns = [*PERSON_FIELDS.values(), "note_status", "last_known_location"]

    def rows() -> Iterator[RawRow]:
        for number, person in enumerate(persons, start=1):
            values = {column: _text(person, tag) for tag, column in PERSON_FIELDS.items()}
            values["age"] = _age(values["age"])
            notes = sorted(person.findall(_Q + "note"), key=lambda n: _text(n, "source_date"))
            values["note_status"] = next(
                (_text(n, "status") for n in reversed(notes) if _text(n, "status")), ""
            )
            values["last_known_location"] = next(
                (_text(n, "last_known_location") for n in reversed(notes) if _text(n, "last_known_location")),
                "",
            )
            yield RawRow(number, values)

    return Table("pfif", "utf-8", columns, rows())


def _age(text: str) -> str:
    """PFIF allows an age range ("30-40"); Athar keeps one age, the middle of the range."""
    low, sep, high = text.partition("-")
    if sep and low.strip().isdigit() and high.strip().isdigit():
        return str((int(low) + int(high)) // 2)
    return text


def _iso_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_pfif(records: Iterable[dict], domain: str, include_national_id: bool = False) -> bytes:
    """PFIF 1.4 XML for Athar records (dicts with the canonical columns plus `source` and `person_id`)."""
    root = Element("pfif:pfif", {"xmlns:pfif": NS})
    now = _iso_now()
    for record in records:
        person = SubElement(root, "pfif:person")

        def put(tag: str, value: object, parent: Element = person) -> None:
            if value not in (None, ""):
                SubElement(parent, f"pfif:{tag}").text = str(value)

        put("person_record_id", f"{domain}/{record['source']}.{record['record_id']}")
        put("entry_date", now)
        put("author_name", record["source"])
        put("source_name", record["source"])
        put("source_date", now)
        full_name = record.get("full_name") or " ".join(
            p for p in (record.get("given_name"), record.get("father_name"), record.get("family_name")) if p
        )
        put("full_name", full_name)
        put("given_name", record.get("given_name"))
        put("family_name", record.get("family_name"))
        lines = [
            f"{label}: {record[key]}"
            for key, label in (
                ("father_name", "father"),
                ("grandfather_name", "grandfather"),
                ("mother_name", "mother"),
                ("birth_place", "place of birth"),
                ("event_date", "event date"),
                ("event_place", "event place"),
                ("person_id", "athar person"),
            )
            if record.get(key)
        ]
        if include_national_id and record.get("national_id"):
            lines.append(f"national number: {record['national_id']}")
        # PFIF's schema is a sequence: the elements must come in this order.
        put("description", "\n".join(lines))
        put("sex", {"M": "male", "F": "female"}.get(record.get("sex") or ""))
        put("date_of_birth", record.get("birth_date"))
        put("age", record.get("age"))
        put("home_city", record.get("birth_place"))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(
        root, encoding="utf-8", xml_declaration=False
    )
