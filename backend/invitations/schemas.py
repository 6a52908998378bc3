import uuid
from datetime import datetime

from backend.models import Role
from kit.schemas import ReadModel


class InvitationRead(ReadModel):
    """A pending seat for an email with no account yet; it turns into a membership on sign-up."""

    id: uuid.UUID
    email: str
    role: Role
    invited_by_id: uuid.UUID | None
    created_at: datetime
