"""Queries for workspace invitations."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import InvitationMail, Role, User, Workspace, WorkspaceInvitation
from backend.models.invitation import PENDING

_pending = WorkspaceInvitation.accepted_at.is_(None)


@dataclass(frozen=True)
class Link:
    """A fresh secret link for an invitation: its hash, and the secret sealed until mailed."""

    token_hash: str
    token_sealed: str
    expires_at: datetime
    mail_status: InvitationMail


@dataclass(frozen=True)
class MailContext:
    invitation: WorkspaceInvitation
    workspace_name: str
    inviter_name: str | None


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def offer(
        self,
        *,
        workspace_id: uuid.UUID,
        email: str,
        role: Role,
        invited_by_id: uuid.UUID | None,
        link: Link,
        may_replace_owner: bool,
    ) -> WorkspaceInvitation | None:
        """Create the pending invitation, or give the pending one a new link, role and expiry.

        None when the pending one offers the owner role and `may_replace_owner` is false.
        """
        fresh = {
            "role": role,
            "invited_by_id": invited_by_id,
            "token_hash": link.token_hash,
            "token_sealed": link.token_sealed,
            "expires_at": link.expires_at,
            "mail_status": link.mail_status,
            "mailed_at": None,
        }
        # One statement: two admins inviting the same email at once both end on one row.
        stmt = (
            insert(WorkspaceInvitation)
            .values(workspace_id=workspace_id, email=email, **fresh)
            .on_conflict_do_update(
                index_elements=["workspace_id", "email"],
                index_where=PENDING,
                set_=fresh,
                where=None if may_replace_owner else WorkspaceInvitation.role != Role.owner,
            )
            .returning(WorkspaceInvitation)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def list_pending(self, workspace_id: uuid.UUID) -> list[WorkspaceInvitation]:
        rows = await self.session.scalars(
            select(WorkspaceInvitation)
            .where(WorkspaceInvitation.workspace_id == workspace_id, _pending)
            .order_by(WorkspaceInvitation.created_at.desc(), WorkspaceInvitation.id.desc())
        )
        return list(rows.all())

    async def get_pending(
        self, workspace_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> WorkspaceInvitation | None:
        return await self.session.scalar(
            select(WorkspaceInvitation)
            .where(
                WorkspaceInvitation.workspace_id == workspace_id,
                WorkspaceInvitation.id == invitation_id,
                _pending,
            )
            .with_for_update()
        )

    async def get_pending_by_token_for_update(self, token_hash: str) -> WorkspaceInvitation | None:
        return await self.session.scalar(
            select(WorkspaceInvitation)
            .where(WorkspaceInvitation.token_hash == token_hash, _pending)
            .with_for_update()
        )

    async def delete(self, invitation: WorkspaceInvitation) -> None:
        await self.session.delete(invitation)
        await self.session.flush()

    async def mail_context(self, invitation_id: uuid.UUID) -> MailContext | None:
        """A pending invitation with what its mail says: the workspace and who invited."""
        row = (
            await self.session.execute(
                select(WorkspaceInvitation, Workspace.name, User.name)
                .join(Workspace, Workspace.id == WorkspaceInvitation.workspace_id)
                .outerjoin(User, User.id == WorkspaceInvitation.invited_by_id)
                .where(WorkspaceInvitation.id == invitation_id, _pending)
            )
        ).one_or_none()
        if row is None:
            return None
        invitation, workspace_name, inviter_name = row
        return MailContext(invitation, workspace_name, inviter_name)

    async def record_mail(
        self, invitation_id: uuid.UUID, token_hash: str, status: InvitationMail, when: datetime
    ) -> None:
        """The link with this hash was mailed (its sealed secret goes), or could not be.

        A re-invite meanwhile replaced the link: then this outcome is about an old one.
        """
        values: dict[str, object] = {"mail_status": status}
        if status == InvitationMail.sent:
            values |= {"mailed_at": when, "token_sealed": None}
        await self.session.execute(
            update(WorkspaceInvitation)
            .where(
                WorkspaceInvitation.id == invitation_id,
                WorkspaceInvitation.token_hash == token_hash,
                _pending,
            )
            .values(**values)
        )
