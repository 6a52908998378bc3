"""Notion's webhook signature: `sha256=` + hex HMAC-SHA256 of the raw body, keyed with the
verification token the subscription's handshake delivered."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(verification_token: str, body: bytes) -> str:
    """The `X-Notion-Signature` value Notion sends with this body."""
    digest = hmac.new(verification_token.encode(), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def is_valid(verification_token: str, body: bytes, header: str | None) -> bool:
    """True when the header is this body's signature under the token (constant-time)."""
    if not verification_token or not header:
        return False
    return hmac.compare_digest(sign(verification_token, body).encode(), header.strip().encode())
