import uuid

from httpx import AsyncClient

from backend import db
from backend.activities.repository import ActivityRepository
from backend.activities.schemas import ActivityFilters
from tests.factories import make_user, make_workspace


async def _count(workspace_id: str, *, limit: int) -> int:
    async with db.session_factory()() as session:
        return await ActivityRepository(session).count(
            uuid.UUID(workspace_id), ActivityFilters(), limit=limit
        )


async def test_feed_count_is_exact_below_the_limit_and_stops_at_it(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    for n in range(4):
        response = await client.post(
            f"/api/v1/workspaces/{ws}/activities",
            json={"type": "note", "subject": f"Note {n}"},
            headers=owner.headers,
        )
        assert response.status_code == 201, response.text
    assert await _count(ws, limit=10) == 4
    assert await _count(ws, limit=3) == 3
