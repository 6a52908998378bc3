"""Who may open an event stream, and the subscription it gets."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials

from backend.auth.deps import (
    API_KEY_PREFIX,
    WorkspaceContext,
    bearer_scheme,
    get_principal,
    workspace_access,
)
from backend.db import SessionDep
from backend.events.broker import EventBroker, Subscription
from backend.models import Role
from kit.errors import Unauthorized

_viewer_access = workspace_access(Role.viewer)


async def get_stream_viewer(
    workspace_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    access_token: Annotated[
        str | None,
        Query(
            description="The access token, for browsers' EventSource, which cannot send "
            "headers. The Authorization header is preferred when the client can send it."
        ),
    ] = None,
) -> WorkspaceContext:
    """The viewer check of every workspace route, also taking the access token from the URL.

    Only here: a URL ends up in browser history and proxy logs, which is tolerable for a
    short-lived access token but not for a long-lived API key, so those are refused.
    """
    if credentials is None and access_token:
        if access_token.startswith(API_KEY_PREFIX):
            raise Unauthorized(
                "Send API keys in the Authorization header, never in a URL.",
                code="api_key_in_url",
            )
        credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=access_token)
    principal = await get_principal(session, credentials)
    context = await _viewer_access(workspace_id, principal, session, request)
    # The stream outlives the request's session: give its pooled connection back now.
    await session.commit()
    return context


StreamViewer = Annotated[WorkspaceContext, Depends(get_stream_viewer)]


def get_broker(request: Request) -> EventBroker:
    return request.app.state.event_broker


async def open_subscription(
    viewer: StreamViewer, broker: Annotated[EventBroker, Depends(get_broker)]
) -> AsyncIterator[Subscription]:
    async with broker.subscribe(viewer.workspace_id) as subscription:
        yield subscription


EventSubscription = Annotated[Subscription, Depends(open_subscription)]
