"""A workspace connected to the fake HubSpot, and the queue run in this process."""

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import Engine, text

from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.backend.worker.queued_jobs import run_queued_jobs
from tests.fakes.hubspot_api import FakeHubSpot

TOKEN = "pat-na1-fixture-token"


@dataclass
class Connected:
    pipeline: Pipeline
    response: Response

    @property
    def workspace_id(self) -> str:
        return self.pipeline.workspace_id

    @property
    def url(self) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}/integrations/hubspot"

    @property
    def headers(self) -> dict[str, str]:
        return self.pipeline.owner.headers


async def connect(
    client: AsyncClient, fake: FakeHubSpot, pipeline: Pipeline | None = None
) -> Connected:
    """A workspace whose owner is the fixture deals' HubSpot owner, connected by token."""
    pipeline = pipeline or await make_pipeline(client)
    fake.owners[0]["email"] = pipeline.owner.email.upper()  # emails match case-insensitively
    url = f"/api/v1/workspaces/{pipeline.workspace_id}/integrations/hubspot"
    response = await client.post(
        f"{url}/private-app", json={"access_token": TOKEN}, headers=pipeline.owner.headers
    )
    return Connected(pipeline, response)


async def sync(client: AsyncClient, connected: Connected) -> dict[str, Any]:
    """Run the queued jobs here; the latest sync run as the API shows it."""
    await run_queued_jobs()
    runs = await client.get(f"{connected.url}/sync-runs", headers=connected.headers)
    assert runs.status_code == 200, runs.text
    return runs.json()["items"][0]


def make_retries_due(engine: Engine) -> None:
    """Bring retries scheduled in the future forward (instead of waiting out the backoff)."""
    with engine.begin() as conn:
        conn.execute(
            text("update procrastinate_jobs set scheduled_at = now() where status = 'todo'")
        )


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())
