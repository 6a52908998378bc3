import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, StringConstraints

from backend.models import Role
from kit.schemas import ReadModel, RequestModel

WorkspaceName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class WorkspaceCreate(RequestModel):
    name: WorkspaceName


class WorkspaceUpdate(RequestModel):
    name: WorkspaceName | None = None


class WorkspaceRead(ReadModel):
    id: uuid.UUID
    name: str
    role: Role
    created_at: datetime


class MemberCreate(RequestModel):
    email: EmailStr
    role: Role = Role.member


class MemberUpdate(RequestModel):
    role: Role


class MemberRead(ReadModel):
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    joined_at: datetime
