"""Each organisation's own reference for a person, in place of the internal `P-` id.

Person ids (`P-000123`) are sequential: shown to a partner organisation or a family, they tell how
many persons the store holds, in which order they were found, and let two organisations find out
that they hold the same person by comparing numbers. So the pages and the API show an organisation's
users a reference of their own instead: ``C-`` and ten symbols, a keyed digest (HMAC-SHA256 under a key
derived from the store's data key, the mechanism of the family search's ``F-`` references) of the
organisation and the person id. The same person has another reference in each organisation, and a
reference tells nothing without the key.

The symbols are the request references' alphabet (`athar.requests.references`: no 0/O, 1/I/L, U/V,
safe to read aloud), nine from the digest and a check symbol that catches any single wrong symbol and
any swap of neighbours, so a mistyped reference is told apart without a look-up. Nine symbols hold
about 44 bits: two persons of one organisation share a reference with odds of about one in 35 for a
million persons; such a reference resolves to neither (`PersonReferences.resolve`), never to the
wrong one.

A reference is resolved by digesting every person id once per organisation and keeping the map until
the persons change (persons are never deleted, only retired, so their count says when).
"""

from __future__ import annotations

import hashlib
import hmac
import threading

from sqlalchemy import Engine, func, select

from athar.store.tables import Person

PERSON_REFERENCE_LABEL = "person references"
PREFIX = "C-"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # as athar.requests.references: no 0 O 1 I L U V
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
BODY = 9


def _check_symbol(body: str) -> str:
    """The symbol that makes the weighted sum (weights 1, 2, ...) a multiple of 29 (a prime above every
    weight), as `athar.requests.references.check_symbol`."""
    total = sum(weight * _VALUE[ch] for weight, ch in enumerate(body, start=1))
    last = len(body) + 1
    return ALPHABET[(-total * pow(last, -1, len(ALPHABET))) % len(ALPHABET)]


def person_reference(person_id: str, organisation_id: int | None, key: bytes) -> str:
    """The reference of `person_id` for users of organisation `organisation_id` (None: users of no
    organisation), e.g. ``C-K7MQ4-XR9AB``."""
    message = f"{organisation_id if organisation_id is not None else '-'}\0{person_id}".encode()
    number = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")
    symbols = []
    for _ in range(BODY):
        number, digit = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[digit])
    body = "".join(symbols)
    code = body + _check_symbol(body)
    return f"{PREFIX}{code[:5]}-{code[5:]}"


def normalize_person_reference(text: str) -> str | None:
    """The reference as shown (``C-K7MQ4-XR9AB``), whatever its case, spaces and dashes; None when it
    cannot be one (wrong length, a symbol outside the alphabet, a failed check)."""
    digits = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
    compact = "".join(ch for ch in text.translate(digits).upper() if ch.isalnum())
    if not compact.startswith(PREFIX[0]):
        return None
    code = compact[1:]
    if len(code) != BODY + 1 or any(c not in _VALUE for c in code):
        return None
    if _check_symbol(code[:-1]) != code[-1]:
        return None
    return f"{PREFIX}{code[:5]}-{code[5:]}"


class PersonReferences:
    """References for every organisation under one key, and their resolution back to person ids.

    Safe to share between threads (the web app keeps one); the maps are rebuilt when persons are added.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._maps: dict[int | None, tuple[int, dict[str, str | None]]] = {}
        self._lock = threading.Lock()

    def of(self, person_id: str, organisation_id: int | None) -> str:
        return person_reference(person_id, organisation_id, self._key)

    def resolve(self, engine: Engine, reference: str, organisation_id: int | None) -> str | None:
        """The person id behind an organisation's reference, or None (not a reference, no such person,
        or a reference two persons share). Whether the caller may see that person is not decided
        here: `athar.accounts.visibility` does, so that an invisible person is as unknown as none."""
        normalized = normalize_person_reference(reference)
        if normalized is None:
            return None
        return self._map(engine, organisation_id).get(normalized)

    def _map(self, engine: Engine, organisation_id: int | None) -> dict[str, str | None]:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(Person)).scalar_one()
            with self._lock:
                cached = self._maps.get(organisation_id)
                if cached is not None and cached[0] == count:
                    return cached[1]
            ids = conn.execute(select(Person.id)).scalars().all()
        mapping: dict[str, str | None] = {}
        for person_id in ids:
            reference = self.of(person_id, organisation_id)
            mapping[reference] = None if reference in mapping else person_id  # a collision: neither
        with self._lock:
            self._maps[organisation_id] = (len(ids), mapping)
        return mapping
