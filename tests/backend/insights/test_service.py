import uuid
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend import db
from backend.insights.service import UpsertedInsight, upsert_open_insight
from backend.models import InsightPriority, InsightType
from tests.backend.activities.factories import make_deal
from tests.backend.insights.factories import make_run
from tests.factories import make_user, make_workspace


async def upsert(workspace_id: str, deal_id: str | None, **overrides: Any) -> UpsertedInsight:
    fields: dict[str, Any] = {
        "workspace_id": uuid.UUID(workspace_id),
        "run_id": None,
        "signal_key": f"stalled:{deal_id}",
        "deal_id": uuid.UUID(deal_id) if deal_id else None,
        "type": InsightType.risk,
        "title": "Deal has gone quiet",
        "description": "No activity for 21 days.",
        "priority": InsightPriority.medium,
        "confidence": Decimal("0.7"),
        "evidence": {"idle_days": 21},
        "suggested_actions": ["Call the champion"],
        "generated_without_ai": True,
        **overrides,
    }
    async with db.session_factory()() as session:
        result = await upsert_open_insight(session, **fields)
        await session.commit()
        return result


def insight_rows(sync_engine: Engine, ws: str) -> list[dict[str, Any]]:
    with sync_engine.connect() as conn:
        rows = conn.execute(
            text("select * from insight where workspace_id = :ws order by created_at"), {"ws": ws}
        )
        return [dict(r._mapping) for r in rows]


async def test_a_new_signal_raises_a_new_insight(client: AsyncClient, sync_engine: Engine) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    run = await make_run(ws)
    result = await upsert(ws, deal, run_id=uuid.UUID(run))
    assert result.created
    rows = insight_rows(sync_engine, ws)
    assert len(rows) == 1
    assert rows[0]["status"] == "new"
    assert str(rows[0]["run_id"]) == run
    assert rows[0]["generated_without_ai"] is True


async def test_the_same_open_signal_refreshes_instead_of_duplicating(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    first = await upsert(ws, deal)
    viewed = await client.patch(
        f"/api/v1/workspaces/{ws}/insights/{first.insight.id}",
        json={"status": "viewed"},
        headers=owner.headers,
    )
    assert viewed.status_code == 200
    later_run = await make_run(ws)
    second = await upsert(
        ws,
        deal,
        run_id=uuid.UUID(later_run),
        title="Deal has gone very quiet",
        priority=InsightPriority.high,
        confidence=Decimal("0.9"),
        evidence={"idle_days": 35},
    )
    assert not second.created
    assert second.insight.id == first.insight.id
    rows = insight_rows(sync_engine, ws)
    assert len(rows) == 1
    row = rows[0]
    assert (row["title"], row["priority"], row["confidence"]) == (
        "Deal has gone very quiet",
        "high",
        Decimal("0.900"),
    )
    assert row["evidence"] == {"idle_days": 35}
    assert str(row["run_id"]) == later_run
    assert row["status"] == "viewed"  # a refresh does not reset what the user did
    assert row["updated_at"] > row["created_at"]


async def test_a_dismissed_insight_does_not_block_a_new_one(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    first = await upsert(ws, deal)
    dismissed = await client.patch(
        f"/api/v1/workspaces/{ws}/insights/{first.insight.id}",
        json={"status": "dismissed"},
        headers=owner.headers,
    )
    assert dismissed.status_code == 200
    second = await upsert(ws, deal)
    assert second.created
    assert second.insight.id != first.insight.id
    assert [r["status"] for r in insight_rows(sync_engine, ws)] == ["dismissed", "new"]


async def test_signal_keys_are_per_workspace(client: AsyncClient, sync_engine: Engine) -> None:
    owner = await make_user(client)
    ws, other = await make_workspace(client, owner), await make_workspace(client, owner, "Other")
    assert (await upsert(ws, None, signal_key="pipeline:coverage")).created
    assert (await upsert(other, None, signal_key="pipeline:coverage")).created
    assert len(insight_rows(sync_engine, ws)) == len(insight_rows(sync_engine, other)) == 1


async def test_a_raised_insight_appears_once_on_its_deals_timeline(client: AsyncClient) -> None:
    owner = await make_user(client)
    ws = await make_workspace(client, owner)
    deal = await make_deal(ws)
    raised = await upsert(ws, deal)
    await upsert(ws, deal, title="Refreshed")
    timeline = await client.get(
        f"/api/v1/workspaces/{ws}/deals/{deal}/timeline", headers=owner.headers
    )
    entries = timeline.json()["items"]
    assert [(e["type"], e["system_event"]) for e in entries] == [("system", "insight_raised")]
    assert entries[0]["details"]["insight_id"] == str(raised.insight.id)
