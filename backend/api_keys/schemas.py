import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from backend.models import Role
from kit.schemas import ReadModel, RequestModel


class ApiKeyCreate(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Role = Role.viewer


class ApiKeyRead(ReadModel):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role = Field(
        description="The key's own role; it acts with at most its creator's current role."
    )
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by_id: uuid.UUID | None = Field(
        description="Who the key belongs to: it is revoked when they leave the workspace, and "
        "refused once their account is gone (then null)."
    )
    created_by_name: str | None = None
    created_by_email: str | None = None


class ApiKeyCreated(ApiKeyRead):
    secret: str
