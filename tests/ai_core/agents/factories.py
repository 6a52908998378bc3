"""Two workspaces with deals made through the API, plus a few facts set straight in SQL.

Workspace A is the one asked about; workspace B holds data that must never leak into A's chat.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy import Engine, text

from tests.backend.deals.factories import Pipeline, make_deal, make_pipeline
from tests.factories import Account, make_user

B_TITLE = "Wayne Enterprises megadeal"
B_AMOUNT = "987654.32"


@dataclass
class Seeded:
    a: Pipeline
    b: Pipeline
    globex: dict
    initech: dict
    umbrella: dict
    wayne: dict

    @property
    def owner(self) -> Account:
        return self.a.owner


async def seed_workspaces(client: AsyncClient, sync_engine: Engine) -> Seeded:
    a = await make_pipeline(client, await make_user(client, name="Ada Seller"))
    b = await make_pipeline(client, await make_user(client, name="Bob Other"))
    today = datetime.now(UTC).date()
    globex = await make_deal(
        client,
        a,
        title="Globex renewal",
        amount="12000.00",
        stage_id=a.stages["proposal"],
        expected_close_date=(today + timedelta(days=40)).isoformat(),
        contact_name="Hank Scorpio",
        company="Globex",
    )
    initech = await make_deal(
        client,
        a,
        title="Initech expansion",
        amount="48000.00",
        stage_id=a.stages["negotiation"],
        expected_close_date=(today + timedelta(days=30)).isoformat(),
        contact_name="Bill Lumbergh",
        company="Initech",
    )
    umbrella = await make_deal(
        client, a, title="Umbrella pilot", amount="3000.00", contact_name="Alice Abernathy"
    )
    wayne = await make_deal(
        client, b, title=B_TITLE, amount=B_AMOUNT, stage_id=b.stages["negotiation"]
    )
    await _log_call(client, a, globex["id"])
    # Initech went quiet 60 days ago and its close date slipped past: the deal at risk.
    _backdate(sync_engine, initech["id"], days=60, close=today - timedelta(days=12))
    return Seeded(a=a, b=b, globex=globex, initech=initech, umbrella=umbrella, wayne=wayne)


async def _log_call(client: AsyncClient, pipeline: Pipeline, deal_id: str) -> None:
    response = await client.post(
        f"/api/v1/workspaces/{pipeline.workspace_id}/activities",
        json={
            "type": "call",
            "subject": "Renewal check-in",
            "deal_id": deal_id,
            "completed_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        },
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 201, response.text


def _backdate(engine: Engine, deal_id: str, *, days: int, close: date) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "update deal set created_at = now() - make_interval(days => :days), "
                "stage_entered_at = now() - make_interval(days => :days), "
                "last_activity_at = now() - make_interval(days => :days), "
                "expected_close_date = :close where id = :id"
            ),
            {"days": days, "close": close, "id": deal_id},
        )
