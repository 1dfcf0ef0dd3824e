"""Data keys: where they come from, how they are named, how an old one stays readable after rotation.

A key is 32 random bytes (AES-256). Its id is a short digest of the key, stored beside every sealed
value, so that after rotation each value names the key that opens it.

Where keys come from, first found wins:

* ``ATHAR_DATA_KEY``: one or more keys in URL-safe base64, comma-separated, the first the current
  one (the others only open values sealed before a rotation);
* ``ATHAR_DATA_KEY_FILE``: a file holding the same;
* beside an embedded (SQLite) store ``athar.db``, the file ``athar.key``, created at first use with
  mode 0600 and a warning: a key next to the data protects a copied database file only when the key
  file is not copied with it, so production should set ``ATHAR_DATA_KEY`` from a secret store.

A server database (PostgreSQL) has no "beside": without either variable, opening its key ring fails.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from athar.errors import AtharError

log = logging.getLogger(__name__)

KEY_BYTES = 32
ENV_KEY = "ATHAR_DATA_KEY"
ENV_KEY_FILE = "ATHAR_DATA_KEY_FILE"


class DataKeyError(AtharError):
    """No usable data key: the message says what to set; it never contains key material."""


@dataclass(frozen=True)
class DataKey:
    key_id: str
    secret: bytes

    def __repr__(self) -> str:  # never print key material
        return f"DataKey({self.key_id})"

    @classmethod
    def from_text(cls, text: str) -> DataKey:
        try:
            secret = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
        except (ValueError, TypeError) as e:
            raise DataKeyError("a data key is not valid base64") from e
        if len(secret) != KEY_BYTES:
            raise DataKeyError(f"a data key must be {KEY_BYTES} bytes (base64 of 32 random bytes)")
        return cls(key_id(secret), secret)

    @classmethod
    def generate(cls) -> DataKey:
        secret = secrets.token_bytes(KEY_BYTES)
        return cls(key_id(secret), secret)

    def as_text(self) -> str:
        return base64.urlsafe_b64encode(self.secret).decode("ascii").rstrip("=")


def key_id(secret: bytes) -> str:
    """Eight hex digits naming a key; a digest, so it tells nothing usable about the key."""
    return hashlib.sha256(b"athar data key id\0" + secret).hexdigest()[:8]


class KeyRing:
    """The current key (seals) and every older key still needed to open what they sealed."""

    def __init__(self, current: DataKey, older: tuple[DataKey, ...] = ()) -> None:
        self.current = current
        self._by_id = {k.key_id: k for k in (*older, current)}

    def __repr__(self) -> str:
        return f"KeyRing(current={self.current.key_id}, keys={len(self._by_id)})"

    def get(self, wanted: str) -> DataKey:
        try:
            return self._by_id[wanted]
        except KeyError:
            raise DataKeyError(f"no data key with id {wanted} is loaded (was it rotated out?)") from None

    @classmethod
    def from_text(cls, text: str) -> KeyRing:
        keys = [DataKey.from_text(part) for part in text.split(",") if part.strip()]
        if not keys:
            raise DataKeyError("the data key setting is empty")
        return cls(keys[0], tuple(keys[1:]))

    def as_text(self) -> str:
        older = [k for k in self._by_id.values() if k is not self.current]
        return ",".join(k.as_text() for k in (self.current, *older))


def _read_key_file(path: Path) -> KeyRing:
    try:
        return KeyRing.from_text(path.read_text(encoding="ascii"))
    except OSError as e:
        raise DataKeyError(f"cannot read the data key file {path}: {e.strerror}") from e


def _create_key_file(path: Path) -> KeyRing:
    ring = KeyRing(DataKey.generate())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(ring.as_text() + "\n")
    log.warning(
        "created data key file %s (mode 0600) beside the store: keep it apart from copies of the "
        "database, or set %s from a secret store",
        path,
        ENV_KEY,
    )
    return ring


def key_file_beside(database: str | Path) -> Path:
    return Path(database).with_suffix(".key")


def load_keyring(embedded_store: str | Path | None = None, env: Mapping[str, str] | None = None) -> KeyRing:
    """The key ring from the environment, else from (or newly created) beside an embedded store."""
    env = os.environ if env is None else env
    if env.get(ENV_KEY):
        return KeyRing.from_text(env[ENV_KEY])
    if env.get(ENV_KEY_FILE):
        return _read_key_file(Path(env[ENV_KEY_FILE]))
    if embedded_store is None or str(embedded_store) in ("", ":memory:"):
        raise DataKeyError(f"set {ENV_KEY} (or {ENV_KEY_FILE}): a server database has no key file beside it")
    path = key_file_beside(embedded_store)
    if path.exists():
        return _read_key_file(path)
    try:
        return _create_key_file(path)
    except FileExistsError:  # another process created it first
        return _read_key_file(path)
