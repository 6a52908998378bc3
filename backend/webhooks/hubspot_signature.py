"""HubSpot's webhook signatures, v1, v2 and v3, computed the way its official SDKs do.

v3 covers method + URI + raw body + timestamp (HMAC-SHA256, base64); v2 and v1 are plain
SHA-256 hex digests of the client secret followed by (method + URI +) body.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping

MAX_AGE_MS = 5 * 60 * 1000
# HubSpot signs the v3 URI with these characters decoded (its "validating requests" docs).
_V3_DECODED = {
    "%3A": ":",
    "%2F": "/",
    "%3F": "?",
    "%40": "@",
    "%21": "!",
    "%24": "$",
    "%27": "'",
    "%28": "(",
    "%29": ")",
    "%2A": "*",
    "%2C": ",",
    "%3B": ";",
}
_V3_ESCAPE = re.compile("|".join(_V3_DECODED), re.IGNORECASE)


class InvalidSignature(Exception):
    """The request is not signed by HubSpot with our secret, or is not fresh."""


def signed_uri(uri: str) -> str:
    """The URI as HubSpot puts it in a v3 signature."""
    return _V3_ESCAPE.sub(lambda match: _V3_DECODED[match.group(0).upper()], uri)


def expected_signature(
    *,
    version: str,
    client_secret: str,
    method: str,
    uri: str,
    body: bytes,
    timestamp: str = "",
) -> str:
    secret = client_secret.encode()
    if version == "v1":
        return hashlib.sha256(secret + body).hexdigest()
    if version == "v2":
        return hashlib.sha256(secret + method.encode() + uri.encode() + body).hexdigest()
    if version == "v3":
        message = method.encode() + signed_uri(uri).encode() + body + timestamp.encode()
        digest = hmac.new(secret, message, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()
    raise InvalidSignature(f"unsupported signature version {version!r}")


def verify(
    headers: Mapping[str, str],
    *,
    client_secret: str,
    method: str,
    uri: str,
    body: bytes,
    now_ms: int,
) -> None:
    """Raise InvalidSignature unless the headers carry a valid, fresh HubSpot signature."""
    if not client_secret:
        raise InvalidSignature("no HubSpot client secret is configured")
    if "x-hubspot-signature-v3" in headers:
        version, given = "v3", headers["x-hubspot-signature-v3"]
        timestamp = headers.get("x-hubspot-request-timestamp", "")
        if not _is_fresh(timestamp, now_ms):
            raise InvalidSignature(
                "missing or stale X-HubSpot-Request-Timestamp (not within 5 minutes of now)"
            )
    else:
        version = headers.get("x-hubspot-signature-version", "v1").lower()
        given, timestamp = headers.get("x-hubspot-signature", ""), ""
        if version not in ("v1", "v2"):
            raise InvalidSignature(f"unsupported signature version {version!r}")
    expected = expected_signature(
        version=version,
        client_secret=client_secret,
        method=method,
        uri=uri,
        body=body,
        timestamp=timestamp,
    )
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise InvalidSignature("signature mismatch")


def _is_fresh(timestamp: str, now_ms: int) -> bool:
    """Within 5 minutes of now, either way: a timestamp from the future is no fresher.

    A signed request stamped ahead would otherwise stay replayable for as long as it is
    ahead (an hour, ten years); HubSpot's rule is a 5-minute window.
    """
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 20:
        return False
    return abs(now_ms - int(timestamp)) <= MAX_AGE_MS
