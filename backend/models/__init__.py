"""Every table, imported here so Alembic and the mapper registry see them all."""

from backend.models.base import Base
from backend.models.token import ApiKey, RateLimitBucket, RefreshToken
from backend.models.user import User
from backend.models.workspace import Role, Workspace, Membership

__all__ = [
    "ApiKey",
    "Base",
    "RateLimitBucket",
    "RefreshToken",
    "Role",
    "User",
    "Workspace",
    "Membership",
]
