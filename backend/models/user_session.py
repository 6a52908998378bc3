import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey


class UserSession(UUIDPrimaryKey, Timestamps, Base):
    """One login: its id is the refresh-token family id and every access token's `sid`.

    Revoking it (logout, password change elsewhere, refresh-token reuse) ends the login at
    once: its refresh tokens are refused and so are its access tokens, whose `sid` is checked
    on every request together with the user lookup.
    """

    __tablename__ = "user_session"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    revoked_at: Mapped[datetime | None]
