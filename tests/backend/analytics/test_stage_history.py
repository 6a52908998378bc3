"""The funnel's running totals follow the stage stays whoever changes them, and folding
them changes no total."""

import uuid
from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.analytics import service
from tests.backend.deals.factories import Pipeline, insert_changes, make_deal, make_pipeline, move
from tests.factories import add_member, make_user

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# Each total, summed over its signed rows, next to the same figure counted from the stays.
REACH = """
    select stage_id, owner_id, reached_after, sum(first_visits) from stage_funnel_reach
    where workspace_id = :ws group by 1, 2, 3 having sum(first_visits) <> 0
"""
REACH_FROM_STAYS = """
    select stage_id, owner_id, array(select distinct r from unnest(reached_after) r order by r),
           count(*)
    from deal_stage_stay where workspace_id = :ws and first_visit and not archived
    group by 1, 2, 3
"""
LENGTHS = """
    select stage_id, owner_id, bucket, sum(stays) from stage_stay_histogram
    where workspace_id = :ws group by 1, 2, 3 having sum(stays) <> 0
"""
LENGTHS_FROM_STAYS = """
    select stage_id, owner_id, width_bucket(days, stay_days_bounds()), count(*)
    from deal_stage_stay where workspace_id = :ws and days is not null and not archived
    group by 1, 2, 3
"""


def totals(engine: Engine, workspace_id: str, query: str) -> set[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text(query), {"ws": workspace_id})
        return {tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in rows}


def assert_totals_match_the_stays(engine: Engine, workspace_id: str) -> None:
    assert totals(engine, workspace_id, REACH) == totals(engine, workspace_id, REACH_FROM_STAYS)
    assert totals(engine, workspace_id, LENGTHS) == totals(engine, workspace_id, LENGTHS_FROM_STAYS)


async def busy_pipeline(client: AsyncClient, engine: Engine) -> Pipeline:
    """Deals moved forward and back through the API, an owner change, an archival, a
    deletion, and history written straight into the table."""
    pipeline = await make_pipeline(client)
    seller = await make_user(client)
    await add_member(client, pipeline.workspace_id, pipeline.owner, seller, "member")
    deals = [await make_deal(client, pipeline) for _ in range(5)]
    for deal, path in zip(
        deals,
        [["qualified", "proposal", "won"], ["qualified", "lead", "qualified"], ["lost"], [], []],
        strict=True,
    ):
        for stage in path:
            await move(client, pipeline, deal["id"], stage)
    response = await client.patch(
        f"{pipeline.deals_url}/{deals[1]['id']}",
        json={"owner_id": str(seller.id)},
        headers=pipeline.owner.headers,
    )
    assert response.status_code == 200, response.text
    with engine.begin() as conn:
        conn.execute(
            text("update deal set archived_at = now() where id = :d"), {"d": deals[2]["id"]}
        )
    response = await client.delete(
        f"{pipeline.deals_url}/{deals[3]['id']}", headers=pipeline.owner.headers
    )
    assert response.status_code == 204, response.text
    insert_changes(
        engine,
        pipeline,
        deals[4]["id"],
        [("lead", "qualified", T0 + timedelta(days=2)), ("qualified", "negotiation", T0)],
    )
    return pipeline


async def test_totals_follow_moves_owner_changes_archival_deletion_and_direct_history_writes(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await busy_pipeline(client, sync_engine)
    assert_totals_match_the_stays(sync_engine, pipeline.workspace_id)
    reach = totals(sync_engine, pipeline.workspace_id, REACH)
    # First visits of the live deals: Lead to Won; Lead and Qualified (returns do not
    # count); the written history's Qualified, Negotiation and Lead.
    assert sum(n for *_, n in reach) == 4 + 2 + 3


async def test_folding_leaves_one_row_per_key_and_the_same_totals(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await busy_pipeline(client, sync_engine)
    before = (
        totals(sync_engine, pipeline.workspace_id, REACH),
        totals(sync_engine, pipeline.workspace_id, LENGTHS),
    )
    with sync_engine.connect() as conn:
        rows_before = conn.scalar(text("select count(*) from stage_funnel_reach"))

    await service.compact_stage_funnel()

    after = (
        totals(sync_engine, pipeline.workspace_id, REACH),
        totals(sync_engine, pipeline.workspace_id, LENGTHS),
    )
    assert after == before
    with sync_engine.connect() as conn:
        rows_after = conn.scalar(text("select count(*) from stage_funnel_reach"))
        duplicated_keys = conn.scalar(
            text(
                "select count(*) from (select 1 from stage_funnel_reach"
                " group by workspace_id, stage_id, owner_id, reached_after having count(*) > 1"
                " union all select 1 from stage_stay_histogram"
                " group by workspace_id, stage_id, owner_id, bucket having count(*) > 1) k"
            )
        )
        zero_rows = conn.scalar(
            text(
                "select (select count(*) from stage_funnel_reach where first_visits = 0)"
                " + (select count(*) from stage_stay_histogram where stays = 0)"
            )
        )
    assert rows_after < rows_before
    assert (duplicated_keys, zero_rows) == (0, 0)


async def test_totals_stay_right_when_changes_follow_a_fold(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await busy_pipeline(client, sync_engine)
    await service.compact_stage_funnel()
    deal = await make_deal(client, pipeline)
    await move(client, pipeline, deal["id"], "proposal")
    await move(client, pipeline, deal["id"], "lost")
    assert_totals_match_the_stays(sync_engine, pipeline.workspace_id)


async def test_a_deleted_workspace_leaves_no_totals(
    client: AsyncClient, sync_engine: Engine
) -> None:
    pipeline = await busy_pipeline(client, sync_engine)
    with sync_engine.begin() as conn:
        conn.execute(text("delete from workspace where id = :ws"), {"ws": pipeline.workspace_id})
    await service.compact_stage_funnel()
    with sync_engine.connect() as conn:
        left = conn.scalar(
            text(
                "select (select count(*) from stage_funnel_reach where workspace_id = :ws)"
                " + (select count(*) from stage_stay_histogram where workspace_id = :ws)"
            ),
            {"ws": uuid.UUID(pipeline.workspace_id)},
        )
    assert left == 0
