"""What counts as a real secret: the rules the services' settings and `make secrets` share.

Standard library only: `make secrets` runs it with the system Python, before any install.
"""

import base64
import binascii
import ipaddress
import re
from collections.abc import Mapping, Sequence

PLACEHOLDER_PREFIX = "change-me"
MIN_SECRET_LENGTH = 32
HOW_TO_FIX = (
    "run `make secrets` to write random ones to .env (it fills empty and placeholder values)"
)
_FERNET_KEY = re.compile(r"[A-Za-z0-9_-]{43}=")


def is_placeholder(value: str) -> bool:
    """Empty, or one of the public `change-me...` values shipped in .env.example."""
    return not value.strip() or value.startswith(PLACEHOLDER_PREFIX)


def is_fernet_key(value: str) -> bool:
    """32 random bytes, url-safe base64: what `Fernet.generate_key()` makes."""
    if not _FERNET_KEY.fullmatch(value):
        return False
    try:
        return len(base64.urlsafe_b64decode(value)) == 32
    except (binascii.Error, ValueError):
        return False


def is_loopback(host: str) -> bool:
    """Whether a bind address is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_secrets(
    *,
    environment: str,
    bind_host: str,
    secrets: Mapping[str, str],
    fernet_keys: Sequence[str] | None = None,
) -> None:
    """Raise ValueError naming every secret unfit for this environment and bind address.

    Placeholders pass in development only, and only while the service listens on
    loopback (`bind_host`); outside development each secret needs 32+ characters. Every
    encryption key (`fernet_keys`, the ENCRYPTION_KEYS list) must be a real Fernet key.
    """
    placeholders = [name for name, value in secrets.items() if is_placeholder(value)]
    keys = list(fernet_keys or [])
    if fernet_keys is not None and (not keys or any(is_placeholder(key) for key in keys)):
        placeholders.append("ENCRYPTION_KEYS")
    problems = []
    if environment == "development":
        if placeholders and not is_loopback(bind_host):
            problems.append(
                f"placeholder secrets ({', '.join(placeholders)}) are only allowed in "
                f"development on a loopback address, but the service binds to {bind_host}"
            )
    else:
        if placeholders:
            problems.append(
                f"placeholder secrets ({', '.join(placeholders)}) must be replaced "
                "outside development"
            )
        short = [
            name
            for name, value in secrets.items()
            if name not in placeholders and len(value) < MIN_SECRET_LENGTH
        ]
        if short:
            problems.append(
                f"{', '.join(short)} must be at least {MIN_SECRET_LENGTH} characters "
                "outside development"
            )
    invalid = [
        str(index + 1)
        for index, key in enumerate(keys)
        if not is_placeholder(key) and not is_fernet_key(key)
    ]
    if invalid:
        problems.append(
            f"ENCRYPTION_KEYS entry {', '.join(invalid)} is not a Fernet key "
            "(32 url-safe base64 bytes)"
        )
    if problems:
        raise ValueError("; ".join(problems) + f": {HOW_TO_FIX}")
