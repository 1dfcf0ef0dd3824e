"""Helpers for the tracing-request tests (no tests here): synthetic people as sought persons and
requesters, with made-up phone numbers and e-mail addresses that occur nowhere else."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from athar.protect import DataKey, FieldCipher, KeyRing
from athar.synth import generate


def people_with_latin_names(lists: Path) -> list[dict]:
    """The synthetic people of ``lists`` (`athar synth`'s folder) that have a name in Latin letters."""
    with (lists / "persons.csv").open(encoding="utf-8") as f:
        return [p for p in csv.DictReader(f) if p["given_name_latin"]]


def synthetic_people(folder: Path, persons: int = 200, seed: int = 11) -> list[dict]:
    generate(folder, persons=persons, seed=seed)
    with (folder / "persons.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_cipher() -> FieldCipher:
    return FieldCipher(KeyRing(DataKey.generate()))


test_cipher.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def request_form(sought: dict, requester: dict, rng: random.Random, script: str = "ar") -> dict[str, str]:
    """A public-form submission for ``sought`` by ``requester`` (two synthetic persons)."""
    phone = f"+96394{rng.randrange(1_000_000, 9_999_999)}"
    email = f"req{rng.randrange(10**9, 10**10)}@example.org"
    return {
        "given_name": sought[f"given_name_{script}"],
        "father_name": sought[f"father_name_{script}"],
        "family_name": sought[f"family_name_{script}"],
        "mother_name": sought[f"mother_name_{script}"],
        "sex": sought["sex"],
        "birth_date": sought["birth_date"][:4],
        "last_seen_date": sought["event_date"][:7],
        "circumstances": "arrested_at_checkpoint",
        "requester_name": f"{requester['given_name_latin']} {requester['family_name_latin']}",
        "requester_relationship": "sister",
        "requester_phone": phone,
        "requester_email": email,
        "preferred_channel": "email",
        "language": "en",
        "height_cm": "172",
    }


def write_request_file(
    path: Path, people: list[dict], columns: tuple[str, ...], *, prefix: str, seed: int, refused=()
) -> Path:
    """A bulk file of one request per person (either script, e-mail acknowledgements), each sought
    person asked for by another; the rows numbered in ``refused`` carry a phone number no country has."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for i, p in enumerate(people):
            form = request_form(p, people[-1 - i], rng, script="latin" if i % 2 else "ar")
            form.update(
                request_id=f"{prefix}-{i}", circumstances="taken_from_home", preferred_channel="email"
            )
            if i in refused:
                form["requester_phone"] = "12"
            writer.writerow(form)
    return path
