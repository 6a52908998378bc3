import pytest
from cryptography.fernet import Fernet

from backend.integrations import crypto

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_secrets_round_trip_as_dicts_and_strings() -> None:
    secret = {"access_token": "pat-na1-1234", "refresh_token": "r-5678"}
    assert crypto.decrypt(crypto.encrypt(secret, keys=[OLD]), keys=[OLD]) == secret
    assert crypto.decrypt(crypto.encrypt("plain", keys=[OLD]), keys=[OLD]) == "plain"


def test_token_does_not_contain_the_secret() -> None:
    token = crypto.encrypt({"access_token": "pat-na1-very-secret"}, keys=[OLD])
    assert "very-secret" not in token


def test_old_tokens_still_open_after_a_new_key_is_prepended() -> None:
    token = crypto.encrypt({"access_token": "pat-old"}, keys=[OLD])
    assert crypto.decrypt(token, keys=[NEW, OLD]) == {"access_token": "pat-old"}


def test_new_tokens_use_the_first_key() -> None:
    token = crypto.encrypt("fresh", keys=[NEW, OLD])
    assert crypto.decrypt(token, keys=[NEW]) == "fresh"
    with pytest.raises(crypto.UndecryptableSecret):
        crypto.decrypt(token, keys=[OLD])


def test_rotate_reencrypts_so_the_old_key_can_be_dropped() -> None:
    token = crypto.encrypt({"access_token": "pat-old"}, keys=[OLD])
    rotated = crypto.rotate(token, keys=[NEW, OLD])
    assert rotated != token
    assert crypto.decrypt(rotated, keys=[NEW]) == {"access_token": "pat-old"}


def test_a_token_no_key_opens_is_reported_not_returned() -> None:
    token = crypto.encrypt("x", keys=[OLD])
    with pytest.raises(crypto.UndecryptableSecret):
        crypto.decrypt(token, keys=[NEW])
    with pytest.raises(crypto.UndecryptableSecret):
        crypto.rotate(token, keys=[NEW])


def test_settings_keys_are_used_by_default() -> None:
    assert crypto.decrypt(crypto.encrypt({"a": "b"})) == {"a": "b"}


def test_development_placeholder_becomes_a_stable_key() -> None:
    placeholder = "change-me-00000000000000000000000000000000000="
    ring = crypto.key_ring((placeholder,), "development")
    token = ring.encrypt(b"dev data")
    # The same placeholder yields the same key after a restart, so dev data stays readable.
    crypto.key_ring.cache_clear()
    assert crypto.key_ring((placeholder,), "development").decrypt(token) == b"dev data"


def test_placeholder_or_malformed_keys_are_refused_outside_development() -> None:
    for key in ("change-me-00000000000000000000000000000000000=", "not-a-key"):
        with pytest.raises(RuntimeError, match="not a Fernet key") as caught:
            crypto.key_ring((key,), "production")
        assert key not in str(caught.value)
    with pytest.raises(RuntimeError, match="empty"):
        crypto.key_ring((), "production")
