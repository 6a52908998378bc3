import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.workspace import Role, role_enum


class RefreshToken(UUIDPrimaryKey, Timestamps, Base):
    """One link in a rotation chain; `family_id` ties a login's tokens together."""

    __tablename__ = "refresh_token"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    # The login (user_session row) this token belongs to.
    family_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_session.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ApiKey(UUIDPrimaryKey, Timestamps, Base):
    """A workspace key that belongs to its creator: it acts with the lower of its own role
    and the creator's current role in the workspace, and it is revoked when the creator
    leaves or is removed. A key without a creator (the account was deleted) is refused."""

    __tablename__ = "api_key"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(role_enum)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class RateLimitBucket(Base):
    """Fixed-window counters shared by every backend process."""

    __tablename__ = "rate_limit_bucket"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int]
