"""References a family reads over the phone, and the secret they keep.

Both use an alphabet without the characters people confuse aloud or on paper (0/O, 1/I/L, U/V):
29 symbols. A reference is seven random symbols and a check symbol (weighted sum modulo 29, which
catches every single wrong symbol and every swap of neighbours), shown as ``K7MQ-4XR9``. A secret is ten
random symbols (about 48 bits); it is stored only as a salted HMAC-SHA256 under a key derived from
the data key: a random secret needs no slow hash (that is for passwords people choose), and the
hashes are worthless without the data key. Wrong guesses are rate-limited (`athar.requests.family`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from athar.ingest.values import ascii_digits

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # no 0 O 1 I L U V
N = len(ALPHABET)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
REFERENCE_BODY = 7
SECRET_LENGTH = 10


def check_symbol(body: str) -> str:
    """The symbol that makes the weighted sum of the whole reference (weights 1, 2, 3, ..., the check
    symbol's last) a multiple of 29.

    29 is prime and every weight is below it, so one wrong symbol, or two neighbours swapped (the
    check symbol included), always breaks the sum, as in ISBN-10's modulo 11.
    """
    total = sum(weight * _VALUE[ch] for weight, ch in enumerate(body, start=1))
    last = len(body) + 1
    return ALPHABET[(-total * pow(last, -1, N)) % N]


def _group(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_BODY))
    return _group(body + check_symbol(body))


def new_secret() -> str:
    return _group("".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH)))


def _compact(text: str) -> str:
    return "".join(ch for ch in ascii_digits(text).upper() if ch.isalnum())


def normalize_reference(text: str) -> str | None:
    """The reference as stored (``K7MQ-4XR9``), or None when it cannot be one (a wrong symbol, a
    failed check): a mistyped reference is told apart from an unknown one without a database look-up."""
    compact = _compact(text)
    if len(compact) != REFERENCE_BODY + 1 or any(c not in _VALUE for c in compact):
        return None
    if check_symbol(compact[:-1]) != compact[-1]:
        return None
    return _group(compact)


def normalize_secret(text: str) -> str:
    return _compact(text)


def hash_secret(secret: str, pepper: bytes, key_id: str) -> str:
    """``h1$<key id>$<salt>$<hmac>``: the key id names the data key the pepper came from."""
    salt = secrets.token_hex(8)
    digest = hmac.new(pepper, (salt + normalize_secret(secret)).encode(), hashlib.sha256).hexdigest()
    return f"h1${key_id}${salt}${digest}"


def secret_key_id(stored: str) -> str | None:
    parts = stored.split("$")
    return parts[1] if len(parts) == 4 and parts[0] == "h1" else None


def verify_secret(secret: str, stored: str | None, pepper: bytes) -> bool:
    """Whether ``secret`` is the one hashed in ``stored`` (with the pepper of its key id)."""
    if not stored or secret_key_id(stored) is None:
        return False
    _scheme, _key, salt, digest = stored.split("$")
    given = hmac.new(pepper, (salt + normalize_secret(secret)).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(given, digest)
