import uuid
from datetime import datetime
from typing import Annotated

from pydantic import StringConstraints

from backend.models import Role
from kit.schemas import ReadModel, RequestModel


class ApiKeyCreate(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Role = Role.viewer


class ApiKeyRead(ReadModel):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    secret: str
