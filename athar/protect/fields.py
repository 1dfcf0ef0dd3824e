"""Sealing one field value: AES-256-GCM, the row's identity as associated data, the key's id inside.

A sealed value is text, safe in any column: ``s1.<key id>.<base64(nonce | ciphertext | tag)>``.
The associated data (``context``) names where the value belongs, e.g. ``request_contacts:42:phone``:
the value opens only there, so swapping sealed values between rows or fields is detected.
Errors never carry the plaintext, the ciphertext or the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from athar.protect.keys import KeyRing

PREFIX = "s1"
NONCE_BYTES = 12


class SealedValueError(Exception):
    """A sealed value that does not open: wrong key, wrong row or field, or tampered with."""


class FieldCipher:
    def __init__(self, keyring: KeyRing) -> None:
        self.keyring = keyring
        self._aead: dict[str, AESGCM] = {}

    def _cipher(self, key_id: str) -> AESGCM:
        found = self._aead.get(key_id)
        if found is None:
            found = self._aead[key_id] = AESGCM(self.keyring.get(key_id).secret)
        return found

    def seal(self, value: str | None, context: str) -> str | None:
        """The sealed form of ``value`` for ``context`` (None stays None)."""
        if value is None:
            return None
        key = self.keyring.current
        nonce = os.urandom(NONCE_BYTES)
        body = self._cipher(key.key_id).encrypt(nonce, value.encode("utf-8"), context.encode("utf-8"))
        return f"{PREFIX}.{key.key_id}.{base64.urlsafe_b64encode(nonce + body).decode('ascii')}"

    def open(self, sealed: str | None, context: str) -> str | None:
        """The plaintext of a value sealed for ``context``; SealedValueError if it does not open."""
        if sealed is None:
            return None
        try:
            prefix, key_id, body = sealed.split(".", 2)
        except ValueError:
            raise SealedValueError(f"not a sealed value (for {context})") from None
        if prefix != PREFIX:
            raise SealedValueError(f"unknown sealing format {prefix!r} (for {context})")
        try:
            raw = base64.urlsafe_b64decode(body)
            plain = self._cipher(key_id).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError) as e:
            raise SealedValueError(f"a sealed value for {context} does not open") from e
        return plain.decode("utf-8")

    def seal_json(self, value: object, context: str) -> str:
        return self.seal(orjson.dumps(value).decode("utf-8"), context)  # type: ignore[return-value]

    def open_json(self, sealed: str, context: str) -> object:
        return orjson.loads(self.open(sealed, context) or "null")

    @staticmethod
    def key_id_of(sealed: str) -> str:
        return sealed.split(".", 2)[1]

    def reseal(self, sealed: str | None, context: str) -> str | None:
        """The value sealed under the current key (unchanged when it already is): for rotation."""
        if sealed is None or self.key_id_of(sealed) == self.keyring.current.key_id:
            return sealed
        return self.seal(self.open(sealed, context), context)

    def derive(self, label: str, key_id: str | None = None) -> bytes:
        """A 32-byte secret for one purpose (``label``), derived from a data key (the current one by
        default): e.g. the pepper of hashed secrets, which then name the key they were made with."""
        key = self.keyring.get(key_id) if key_id else self.keyring.current
        return hmac.new(key.secret, b"athar derive\0" + label.encode("utf-8"), hashlib.sha256).digest()
