"""OAuth `state`: signed, short-lived, and bound to the workspace and the admin who started it."""

import uuid
from datetime import UTC, datetime, timedelta

from jose import JWTError, jwt

from backend.config import settings
from kit.errors import BadRequest

LIFETIME = timedelta(minutes=10)
_TYPE = "hubspot_oauth_state"


def issue(workspace_id: uuid.UUID, user_id: uuid.UUID | None) -> tuple[str, datetime]:
    expires = datetime.now(UTC) + LIFETIME
    claims = {
        "type": _TYPE,
        "ws": str(workspace_id),
        "sub": str(user_id),
        "exp": int(expires.timestamp()),
        "nonce": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm), expires


def check(state: str, workspace_id: uuid.UUID, user_id: uuid.UUID | None) -> None:
    """BadRequest unless this workspace's admin started the flow in the last minutes."""
    try:
        claims = jwt.decode(state, settings.jwt_secret, algorithms=[settings.jwt_algorithm])
    except JWTError as exc:
        raise BadRequest(
            "The OAuth state is invalid or expired: start again.", code="invalid_state"
        ) from exc
    if claims.get("type") != _TYPE or claims.get("ws") != str(workspace_id):
        raise BadRequest("The OAuth state belongs to another workspace.", code="invalid_state")
    if claims.get("sub") != str(user_id):
        raise BadRequest("The OAuth state was started by someone else.", code="invalid_state")
