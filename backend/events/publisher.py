"""Workspace change events, sent with Postgres NOTIFY so every backend process sees them.

NOTIFY is transactional: subscribers hear about a change only once it is committed.
"""

import json
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

CHANNEL = "vectoros_events"


async def publish(
    session: AsyncSession, *, workspace_id: uuid.UUID, type: str, data: dict[str, Any]
) -> None:
    """Queue `type` (e.g. "deal.updated") for the workspace's subscribers, sent on commit."""
    payload = json.dumps(
        {"workspace_id": str(workspace_id), "type": type, "data": data}, default=str
    )
    await session.execute(select(func.pg_notify(CHANNEL, payload)))
