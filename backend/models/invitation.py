import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UUIDPrimaryKey, utcnow
from backend.models.workspace import Role, role_enum

PENDING = text("accepted_at is null")


class InvitationMail(enum.StrEnum):
    """How the invitation's link travels to the invited person."""

    unsent = "unsent"  # no mail server configured: an admin passes the link on
    queued = "queued"  # a worker job will mail it
    sent = "sent"
    failed = "failed"  # every attempt failed: an admin passes the link on


invitation_mail_enum = Enum(
    InvitationMail, name="invitation_mail", values_callable=lambda e: [m.value for m in e]
)


class WorkspaceInvitation(UUIDPrimaryKey, Base):
    """A seat offered to an email; it becomes a membership when that email's owner accepts.

    Accepting takes the secret link (only its hash is kept here) and an account with the
    invited email: having the link proves the mailbox, having the account proves the person.
    """

    __tablename__ = "workspace_invitation"
    __table_args__ = (
        Index(
            "uq_workspace_invitation_workspace_email_pending",
            "workspace_id",
            "email",
            unique=True,
            postgresql_where=PENDING,
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(role_enum)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    # SHA-256 of the link's secret: the lookup key when someone accepts.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The secret itself, encrypted with ENCRYPTION_KEYS, only until it has been mailed: the
    # mail job needs it, and without mail the admins are shown the link to pass on.
    token_sealed: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime]
    mail_status: Mapped[InvitationMail] = mapped_column(invitation_mail_enum)
    mailed_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
