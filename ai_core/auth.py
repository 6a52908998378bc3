"""The one credential the AI core accepts: `Authorization: Bearer <SERVICE_TOKEN>`."""

import hmac
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ai_core.config import settings
from kit.errors import Unauthorized

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ServiceToken",
    description="The shared SERVICE_TOKEN; only the backend holds it.",
)


def require_service_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Refuse every request that does not present the service token."""
    expected = settings.service_token.encode()
    if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), expected):
        raise Unauthorized(
            "A valid service token is required.",
            code="invalid_service_token",
            headers={"WWW-Authenticate": "Bearer"},
        )
