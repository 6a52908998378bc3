"""deal_stage_stay follows the stage history whoever writes it (API, bulk SQL, deletes)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import Engine, text

from tests.backend.deals.factories import insert_changes, make_deal, make_pipeline, move
from tests.factories import add_member, make_user

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def stays(engine: Engine, deal_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select s.seq, p.name as stage, s.entered_at, s.left_at, s.days, s.first_visit,"
                " s.owner_id, s.archived,"
                " case when s.reached_after is not null then array(select q.name"
                " from pipeline_stage q where q.id = any(s.reached_after) order by q.position)"
                " end as reached"
                " from deal_stage_stay s join pipeline_stage p on p.id = s.stage_id"
                " where s.deal_id = :deal order by s.seq"
            ),
            {"deal": deal_id},
        )
        return [dict(row._mapping) for row in rows]


async def test_stage_moves_through_the_api_open_and_close_stays(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    await move(client, pipeline, deal["id"], "qualified")
    await move(client, pipeline, deal["id"], "lead")
    rows = stays(sync_engine, deal["id"])
    assert [(r["stage"], r["first_visit"], r["left_at"] is None) for r in rows] == [
        ("Lead", True, False),
        ("Qualified", True, False),
        ("Lead", False, True),
    ]
    assert rows[0]["left_at"] == rows[1]["entered_at"]
    assert rows[0]["reached"] == ["Lead", "Qualified"]
    assert rows[2]["reached"] is None  # only first visits need to know what came next


async def test_changes_inserted_out_of_order_still_give_time_ordered_stays(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    with sync_engine.begin() as conn:
        conn.execute(text("delete from deal_stage_change where deal_id = :d"), {"d": deal["id"]})
    later, earlier = T0 + timedelta(days=10), T0 + timedelta(days=4)
    insert_changes(sync_engine, pipeline, deal["id"], [("qualified", "proposal", later)])
    insert_changes(sync_engine, pipeline, deal["id"], [("lead", "qualified", earlier)])
    rows = stays(sync_engine, deal["id"])
    assert [(r["stage"], r["entered_at"], r["left_at"]) for r in rows] == [
        ("Lead", earlier, earlier),  # untracked start: creation is later than the first move
        ("Qualified", earlier, later),
        ("Proposal", later, None),
    ]
    assert rows[1]["days"] == 6.0


async def test_deal_without_history_stays_in_its_stage_since_creation(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline, stage_id=pipeline.stages["proposal"])
    with sync_engine.begin() as conn:
        conn.execute(text("delete from deal_stage_change where deal_id = :d"), {"d": deal["id"]})
    [row] = stays(sync_engine, deal["id"])
    assert (row["stage"], row["left_at"], row["first_visit"]) == ("Proposal", None, True)
    assert row["entered_at"] == datetime.fromisoformat(deal["created_at"])


async def test_owner_change_and_archival_reach_the_stays(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await make_pipeline(client)
    seller = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, seller, "member")
    deal = await make_deal(client, pipeline)
    await move(client, pipeline, deal["id"], "qualified")
    response = await client.patch(
        f"{pipeline.deals_url}/{deal['id']}",
        json={"owner_id": str(seller.id)},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text
    assert {r["owner_id"] for r in stays(sync_engine, deal["id"])} == {seller.id}
    with sync_engine.begin() as conn:
        conn.execute(text("update deal set archived_at = now() where id = :d"), {"d": deal["id"]})
    assert {r["archived"] for r in stays(sync_engine, deal["id"])} == {True}


async def test_deleting_a_deal_leaves_no_stays(client: AsyncClient, sync_engine: Engine) -> None:
    pipeline = await make_pipeline(client)
    deal = await make_deal(client, pipeline)
    await move(client, pipeline, deal["id"], "qualified")
    response = await client.delete(
        f"{pipeline.deals_url}/{deal['id']}", headers=pipeline.owner.headers
    )
    assert response.status_code == 204, response.text
    assert stays(sync_engine, deal["id"]) == []
