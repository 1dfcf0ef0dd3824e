"""Field encryption: values open only where they were sealed, old keys keep opening after rotation."""

from __future__ import annotations

import os
import stat

import pytest

from athar.protect import DataKey, DataKeyError, FieldCipher, KeyRing, SealedValueError, load_keyring


def test_a_sealed_value_opens_in_its_own_row_and_field_only() -> None:
    cipher = FieldCipher(KeyRing(DataKey.generate()))
    sealed = cipher.seal("+963 944 123 456", "request_contacts:7:phone")
    assert "944" not in sealed
    assert cipher.open(sealed, "request_contacts:7:phone") == "+963 944 123 456"
    with pytest.raises(SealedValueError):
        cipher.open(sealed, "request_contacts:8:phone")
    with pytest.raises(SealedValueError):
        cipher.open(sealed, "request_contacts:7:email")


def test_sealing_twice_gives_different_text() -> None:
    cipher = FieldCipher(KeyRing(DataKey.generate()))
    assert cipher.seal("x", "c") != cipher.seal("x", "c")


def test_a_tampered_value_does_not_open_and_the_error_holds_no_secret() -> None:
    cipher = FieldCipher(KeyRing(DataKey.generate()))
    sealed = cipher.seal("secret-mail@example.org", "ctx")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(SealedValueError) as caught:
        cipher.open(tampered, "ctx")
    assert "secret-mail" not in str(caught.value) and tampered not in str(caught.value)


def test_after_rotation_old_values_open_and_reseal_under_the_new_key() -> None:
    old = DataKey.generate()
    sealed = FieldCipher(KeyRing(old)).seal("value", "ctx")
    new = DataKey.generate()
    rotated = FieldCipher(KeyRing.from_text(f"{new.as_text()},{old.as_text()}"))
    assert rotated.open(sealed, "ctx") == "value"
    resealed = rotated.reseal(sealed, "ctx")
    assert FieldCipher.key_id_of(resealed) == new.key_id
    assert FieldCipher(KeyRing(new)).open(resealed, "ctx") == "value"


def test_a_value_sealed_with_an_unknown_key_says_which_key_is_missing() -> None:
    key = DataKey.generate()
    sealed = FieldCipher(KeyRing(key)).seal("value", "ctx")
    with pytest.raises(DataKeyError, match=key.key_id):
        FieldCipher(KeyRing(DataKey.generate())).open(sealed, "ctx")


def test_key_from_the_environment_wins(tmp_path) -> None:
    key = DataKey.generate()
    ring = load_keyring(tmp_path / "athar.db", env={"ATHAR_DATA_KEY": key.as_text()})
    assert ring.current == key
    assert not (tmp_path / "athar.key").exists()


def test_a_key_file_is_created_beside_an_embedded_store_private_and_reused(tmp_path, caplog) -> None:
    first = load_keyring(tmp_path / "athar.db", env={})
    path = tmp_path / "athar.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "created data key file" in caplog.text
    assert first.current.as_text() not in caplog.text
    assert load_keyring(tmp_path / "athar.db", env={}).current == first.current


def test_a_server_store_without_a_key_setting_is_refused() -> None:
    with pytest.raises(DataKeyError, match="ATHAR_DATA_KEY"):
        load_keyring(None, env={})


@pytest.mark.parametrize("text", ["not base64 !!", "c2hvcnQ"])
def test_a_malformed_key_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(DataKeyError) as caught:
        KeyRing.from_text(text)
    assert text not in str(caught.value)
