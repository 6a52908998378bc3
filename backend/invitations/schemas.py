import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from backend.models import InvitationMail, Role
from kit.schemas import ReadModel, RequestModel


class InvitationRead(ReadModel):
    """A seat offered to an email; it becomes a membership when its owner accepts the link."""

    id: uuid.UUID
    email: str
    role: Role
    invited_by_id: uuid.UUID | None
    created_at: datetime
    expires_at: datetime
    expired: bool
    mail_status: InvitationMail = Field(
        description="unsent: no mail server is configured, pass the link on yourself; "
        "queued: a mail is on its way; sent: mailed at `mailed_at`; failed: mailing gave up."
    )
    mailed_at: datetime | None
    accept_url: str | None = Field(
        description="The link that accepts the invitation, for admins only, and only until "
        "it has been mailed (and before it expires)."
    )


class InvitationAccept(RequestModel):
    token: Annotated[str, Field(min_length=1, max_length=512)]
