"""Passwords: argon2 hashes, verification that costs the same for an unknown user, generated
passwords, and the rule a new password must meet (`password_problem`)."""

from __future__ import annotations

import gzip
import re
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from athar.accounts.errors import AccountError

# RFC 9106's second recommended option (argon2-cffi's defaults), written out so a test pins them.
HASHER_PARAMETERS: dict[str, Any] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
_hasher = PasswordHasher(**HASHER_PARAMETERS)


@cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so that a wrong name costs as long as a wrong
    password. Made on the first sign-in, not at import: hashing costs ~0.4 s, which every `athar`
    command (all of which import this module through the store's accounts) paid for nothing."""
    return _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_nothing(password: str) -> None:
    """Spend the time of one verification, for a sign-in whose user does not exist."""
    verify_password(_dummy_hash(), password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


MIN_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"  # see data/README.md
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def _common() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().lower() for line in f if line.strip())


def _repeats_something_short(text: str) -> bool:
    """`abcabcabcabc`, `monkeymonkey`: one short piece said again and again."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return size <= 4 or text[:size] in _common()
    return False


def password_problem(password: str, user_name: str = "", min_length: int = MIN_LENGTH) -> str | None:
    """Why `password` may not be chosen, or None. At least `min_length` characters, not the user's
    name, and not a known common password (the shipped list, no network), whether as it is,
    lower-cased, with digits and symbols stripped from its ends, or repeated."""
    if len(password) < min_length:
        return f"a password needs at least {min_length} characters"
    lowered = password.lower()
    folded = re.sub(r"\s+", "", lowered)
    if user_name and user_name.strip().lower() in (lowered, folded):
        return "a password may not be the user's name"
    common = _common()
    stripped = _EDGES.sub("", folded)
    if lowered in common or folded in common or stripped in common or _repeats_something_short(folded):
        return "that password is among the most common ones that attackers try first"
    return None


class WeakPassword(AccountError):
    """A new password that `password_problem` refuses."""
