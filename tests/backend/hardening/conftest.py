"""One app, one client and one pair of workspaces per module: each sweep sends thousands of
requests, and rebuilding the objects for every operation would cost more than the requests.

Tables are therefore emptied once, when a module is done, instead of after every test.
"""

from collections.abc import AsyncIterator, Iterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Engine, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ai_core.app import create_app as create_ai_core
from ai_core.insights.router import insight_model
from backend.hubspot import client as hubspot_client
from backend.insights import ai_core_client
from backend.notion import client as notion_client
from tests.fakes.hubspot_api import CLIENT_ID, CLIENT_SECRET, FakeHubSpot, hubspot_server
from tests.fakes.notion_api import FakeNotion, notion_server

from .world import World, make_world

__all__ = ["hubspot_server", "notion_server"]

MY_PORTAL, OTHER_PORTAL = 81_000_001, 81_000_002


def truncate_all(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = conn.scalars(
            text(
                "select quote_ident(tablename) from pg_tables where schemaname = 'public' "
                "and tablename <> 'alembic_version'"
            )
        ).all()
        if tables:
            conn.execute(text(f"truncate {', '.join(tables)} restart identity cascade"))


@pytest.fixture(autouse=True)
def clean_tables() -> None:
    """Replaces the suite's per-test cleaning: the module's `tables` fixture cleans once."""


@pytest.fixture(scope="module")
def tables(sync_engine: Engine) -> Iterator[None]:
    truncate_all(sync_engine)
    yield
    truncate_all(sync_engine)


class CutEventStreams:
    """Ends an event stream after its first chunk, as a client that read its status would.

    The in-process transport returns only once a response is complete, and a live stream
    (`GET .../events`) never completes: cut here, its status can be judged like any other.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        streaming = finished = False

        async def cut(message: Message) -> None:
            nonlocal streaming, finished
            if finished:
                return
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                streaming = content_type.startswith(b"text/event-stream")
            elif message["type"] == "http.response.body":
                if streaming:
                    message = {**message, "more_body": False}
                finished = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, cut)


@pytest.fixture(scope="module")
def outside_services(
    hubspot_server: FakeHubSpot, notion_server: FakeNotion
) -> Iterator[tuple[FakeHubSpot, FakeNotion]]:
    """HubSpot and Notion are the suite's fakes; the AI core runs in-process without a model
    (the chat stream, which dials it directly, meets a closed port and reports an error)."""
    from backend.config import settings

    ai_core = create_ai_core()
    ai_core.dependency_overrides[insight_model] = lambda: None
    ai_core_client.use_transport(ASGITransport(app=ai_core))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "hubspot_api_base_url", hubspot_server.base_url)
        patch.setattr(settings, "hubspot_client_id", CLIENT_ID)
        patch.setattr(settings, "hubspot_client_secret", CLIENT_SECRET)
        patch.setattr(settings, "notion_api_base_url", notion_server.base_url)
        patch.setattr(settings, "ai_core_url", "http://127.0.0.1:9")
        patch.setattr(hubspot_client, "BACKOFF_SECONDS", 0.01)

        async def no_wait(_: float) -> None:
            return None

        patch.setattr(notion_client, "_sleep", no_wait)
        hubspot_server.reset()
        notion_server.reset()
        yield hubspot_server, notion_server
        hubspot_server.release()
        hubspot_server.reset()
        notion_server.reset()
    ai_core_client.use_transport(None)


@pytest.fixture(scope="module")
async def sweep_client(database: str, tables: None) -> AsyncIterator[AsyncClient]:
    from backend.app import create_app

    transport = ASGITransport(app=CutEventStreams(create_app()), client=("10.0.0.2", 1234))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="module")
async def worlds(
    sweep_client: AsyncClient, outside_services: tuple[FakeHubSpot, FakeNotion]
) -> tuple[World, World]:
    """The workspace the requests act in, and another owner's with the same objects."""
    hubspot, notion = outside_services
    mine = await make_world(sweep_client, hubspot, notion, MY_PORTAL)
    theirs = await make_world(sweep_client, hubspot, notion, OTHER_PORTAL)
    return mine, theirs
