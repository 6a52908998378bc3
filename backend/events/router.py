"""`GET .../events`: the workspace's changes as Server-Sent Events."""

from collections.abc import AsyncIterable

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse, ServerSentEvent

from backend.events.deps import EventSubscription

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["events"])

RETRY_MILLISECONDS = 3000
STREAM_PROTOCOL = """\
The first event, `ready`, says the subscription is live: load what you display after it, as
events are not replayed across reconnects. Each change then comes as `event: <type>` (e.g.
`deal.updated`) with its JSON `data`; a `: ping` comment keeps an idle stream open. A stream ends
after the access-token lifetime, or when the client falls too far behind: reconnect with a
fresh token. Browsers' `EventSource` may pass the access token as `?access_token=`."""


@router.get("/events", response_class=EventSourceResponse, description=STREAM_PROTOCOL)
async def stream_events(subscription: EventSubscription) -> AsyncIterable[ServerSentEvent]:
    """Stream the workspace's deal, activity and insight changes."""
    yield ServerSentEvent(
        event="ready",
        data={"workspace_id": str(subscription.workspace_id)},
        retry=RETRY_MILLISECONDS,
    )
    async for event in subscription:
        yield ServerSentEvent(id=event.id, event=event.type, data=event.data)
