import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UUIDPrimaryKey, utcnow
from backend.models.workspace import Role, role_enum

PENDING = text("accepted_at is null")


class WorkspaceInvitation(UUIDPrimaryKey, Base):
    """A seat kept for someone without an account; it becomes a membership when they register."""

    __tablename__ = "workspace_invitation"
    __table_args__ = (
        Index(
            "uq_workspace_invitation_workspace_email_pending",
            "workspace_id",
            "email",
            unique=True,
            postgresql_where=PENDING,
        ),
        # Registration looks up the new account's pending invitations by email.
        Index("ix_workspace_invitation_email_pending", "email", postgresql_where=PENDING),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(role_enum)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    accepted_at: Mapped[datetime | None]
