"""Secrets at rest: Fernet tokens under the keys in `settings.encryption_keys`.

The first key encrypts and every key decrypts, so rotating means prepending a new key,
re-encrypting stored tokens with `rotate`, then dropping the old key.
"""

import base64
import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from backend.config import PLACEHOLDER_PREFIX, settings

Secret = dict[str, Any] | str


class UndecryptableSecret(Exception):
    """None of the configured keys opens this token (a key was dropped too early?)."""


def encrypt(secret: Secret, *, keys: Sequence[str] | None = None) -> str:
    """Encrypt a secret (a string or a JSON-able dict) with the newest key."""
    return _fernet(keys).encrypt(json.dumps(secret).encode()).decode()


def decrypt(token: str, *, keys: Sequence[str] | None = None) -> Secret:
    """Open a token written by `encrypt` under any of the keys."""
    try:
        plain = _fernet(keys).decrypt(token.encode())
    except InvalidToken as exc:
        raise UndecryptableSecret("no configured encryption key opens this secret") from exc
    return json.loads(plain)


def rotate(token: str, *, keys: Sequence[str] | None = None) -> str:
    """Re-encrypt a token with the newest key; the secret inside stays the same."""
    try:
        return _fernet(keys).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise UndecryptableSecret("no configured encryption key opens this secret") from exc


def _fernet(keys: Sequence[str] | None) -> MultiFernet:
    return key_ring(tuple(settings.encryption_keys if keys is None else keys), settings.environment)


@lru_cache(maxsize=8)
def key_ring(keys: tuple[str, ...], environment: str) -> MultiFernet:
    """The keys as one MultiFernet: the first encrypts, all of them decrypt."""
    if not keys:
        raise RuntimeError("ENCRYPTION_KEYS is empty: set at least one Fernet key")
    return MultiFernet([Fernet(_usable_key(key, i, environment)) for i, key in enumerate(keys)])


def _usable_key(key: str, index: int, environment: str) -> bytes:
    if environment == "development" and key.startswith(PLACEHOLDER_PREFIX):
        # The shipped placeholder is not a Fernet key; in development only, turn it into one
        # deterministically so a fresh checkout works and its data survives restarts.
        # Settings refuse placeholders in every other environment.
        return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())
    try:
        Fernet(key.encode())
    except ValueError as exc:
        raise RuntimeError(
            f"ENCRYPTION_KEYS entry {index + 1} is not a Fernet key (32 url-safe base64 bytes); "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from exc
    return key.encode()
