"""The pending-invitation rule lives in the database: one pending per workspace and email."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from backend import db
from backend.auth.security import hash_secret, new_secret
from backend.invitations.repository import InvitationRepository, Link
from backend.models import InvitationMail, Role, WorkspaceInvitation
from tests.backend.invitations.conftest import stranger_email
from tests.factories import make_user, make_workspace


async def _offer(workspace_id: str, email: str, role: Role = Role.member) -> uuid.UUID | None:
    async with db.session_factory()() as session:
        offered = await InvitationRepository(session).offer(
            workspace_id=uuid.UUID(workspace_id),
            email=email,
            role=role,
            invited_by_id=None,
            link=Link(
                token_hash=hash_secret(new_secret()),
                token_sealed="sealed",
                expires_at=datetime.now(UTC) + timedelta(days=7),
                mail_status=InvitationMail.unsent,
            ),
            may_replace_owner=False,
        )
        await session.commit()
        return offered.id if offered else None


async def _accept(invitation_id: uuid.UUID) -> None:
    async with db.session_factory()() as session:
        invitation = await session.get(WorkspaceInvitation, invitation_id)
        assert invitation is not None
        invitation.accepted_at = datetime.now(UTC)
        await session.commit()


async def test_offering_the_same_email_twice_keeps_one_pending_invitation(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    first, second = await asyncio.gather(_offer(ws, email), _offer(ws, email))
    assert first is not None and first == second


async def test_an_accepted_invitation_does_not_block_a_new_one(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    first = await _offer(ws, email)
    assert first is not None
    await _accept(first)
    second = await _offer(ws, email)
    assert second is not None and second != first


async def test_an_owner_invitation_is_kept_unless_an_owner_replaces_it(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    assert await _offer(ws, email, Role.owner) is not None
    assert await _offer(ws, email, Role.member) is None
