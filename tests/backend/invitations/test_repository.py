"""The pending-invitation rule lives in the database: one pending per workspace and email."""

import uuid
from datetime import UTC, datetime

from httpx import AsyncClient

from backend import db
from backend.invitations.repository import InvitationRepository
from backend.models import Role
from tests.backend.invitations.conftest import stranger_email
from tests.factories import make_user, make_workspace


async def _add(workspace_id: str, email: str) -> bool:
    async with db.session_factory()() as session:
        added = await InvitationRepository(session).add_pending(
            workspace_id=uuid.UUID(workspace_id), email=email, role=Role.member, invited_by_id=None
        )
        await session.commit()
        return added is not None


async def _accept(email: str) -> int:
    async with db.session_factory()() as session:
        accepted = await InvitationRepository(session).accept_all(email, datetime.now(UTC))
        await session.commit()
        return len(accepted)


async def test_only_one_invitation_per_workspace_and_email_is_pending(
    client: AsyncClient,
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    assert await _add(ws, email) is True
    assert await _add(ws, email) is False


async def test_an_accepted_invitation_does_not_block_a_new_one(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    email = stranger_email()
    assert await _add(ws, email) is True
    assert await _accept(email) == 1
    assert await _add(ws, email) is True
    assert await _accept(email) == 1
