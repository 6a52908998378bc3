"""The generator loads internally consistent, reproducible workspaces and touches no other."""

import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend import db
from devtools.generator import Spec, populate
from devtools.generator.activities import allocate
from devtools.generator.simulate import Pipeline, Stage, make_sellers, plan_deals
from tests.factories import add_member, make_user, make_workspace

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SPEC = Spec(deals=200, activities=2000, seed=11, now=NOW)


@dataclass
class Generated:
    workspace_id: str
    other_workspace_id: str
    other_deal_id: str


async def _generate(workspace_id: str, seller_ids: list[uuid.UUID], spec: Spec = SPEC) -> None:
    async with db.session_factory()() as session, session.begin():
        await populate(
            session, workspace_id=uuid.UUID(workspace_id), seller_ids=seller_ids, spec=spec
        )


@pytest.fixture
async def generated(client: AsyncClient) -> AsyncIterator[Generated]:
    owner, seller = await make_user(client), await make_user(client, name="Sam Seller")
    workspace_id = await make_workspace(client, owner, "Generated")
    await add_member(client, workspace_id, owner, seller, "member")
    # The seller's own workspace, next to the generated one, must not change.
    other_workspace_id = await make_workspace(client, seller, "Untouched")
    created = await client.post(
        f"/api/v1/workspaces/{other_workspace_id}/deals",
        json={"title": "Hand-made", "amount": "1000"},
        headers=seller.headers,
    )
    assert created.status_code == 201, created.text
    await _generate(workspace_id, [owner.id, seller.id])
    yield Generated(workspace_id, other_workspace_id, created.json()["id"])


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


async def test_it_loads_the_requested_deals_and_seller_activities(
    generated: Generated, sync_engine: Engine
) -> None:
    counts = _rows(
        sync_engine,
        "select (select count(*) from deal where workspace_id = :ws),"
        " (select count(*) from activity where workspace_id = :ws and type <> 'system')",
        ws=generated.workspace_id,
    )
    assert counts == [(SPEC.deals, SPEC.activities)]


async def test_current_stage_and_stage_entered_at_match_the_last_stage_change(
    generated: Generated, sync_engine: Engine
) -> None:
    mismatches = _rows(
        sync_engine,
        "select d.id from deal d join lateral (select to_stage_id, changed_at"
        "   from deal_stage_change c where c.deal_id = d.id"
        "   order by changed_at desc limit 1) last on true"
        " where d.workspace_id = :ws"
        "   and (last.to_stage_id <> d.stage_id or last.changed_at <> d.stage_entered_at)",
        ws=generated.workspace_id,
    )
    with_history = _rows(
        sync_engine,
        "select count(distinct deal_id) from deal_stage_change where workspace_id = :ws",
        ws=generated.workspace_id,
    )
    assert mismatches == []
    assert with_history == [(SPEC.deals,)]


async def test_stage_history_chains_from_creation_without_gaps(
    generated: Generated, sync_engine: Engine
) -> None:
    broken = _rows(
        sync_engine,
        "select deal_id from (select deal_id, from_stage_id, changed_at,"
        "   lag(to_stage_id) over w as previous, lag(changed_at) over w as previous_at,"
        "   row_number() over w as n"
        "   from deal_stage_change where workspace_id = :ws"
        "   window w as (partition by deal_id order by changed_at)) h"
        " where (n = 1 and from_stage_id is not null)"
        "   or (n > 1 and (from_stage_id <> previous or changed_at <= previous_at))",
        ws=generated.workspace_id,
    )
    assert broken == []


async def test_push_count_equals_the_later_date_close_date_changes(
    generated: Generated, sync_engine: Engine
) -> None:
    rows = _rows(
        sync_engine,
        "select d.close_date_push_count, d.expected_close_date,"
        "  (select count(*) from deal_close_date_change c where c.deal_id = d.id"
        "     and c.from_date is not null and c.to_date > c.from_date),"
        "  (select to_date from deal_close_date_change c where c.deal_id = d.id"
        "     order by changed_at desc limit 1)"
        " from deal d where d.workspace_id = :ws",
        ws=generated.workspace_id,
    )
    assert all(pushes == counted and date == last for pushes, date, counted, last in rows)
    assert sum(pushes for pushes, *_ in rows) > 0


async def test_last_activity_at_is_the_latest_completed_seller_activity(
    generated: Generated, sync_engine: Engine
) -> None:
    mismatches = _rows(
        sync_engine,
        "select d.id from deal d left join lateral (select max(completed_at) as latest"
        "   from activity a where a.deal_id = d.id and a.type <> 'system') a on true"
        " where d.workspace_id = :ws and d.last_activity_at is distinct from a.latest",
        ws=generated.workspace_id,
    )
    assert mismatches == []


async def test_closed_deals_sit_in_a_closing_stage_with_closed_at(
    generated: Generated, sync_engine: Engine
) -> None:
    rows = _rows(
        sync_engine,
        "select s.kind::text, d.closed_at is not null, d.lost_reason is not null,"
        "  d.closed_at = d.stage_entered_at, count(*)"
        " from deal d join pipeline_stage s on s.id = d.stage_id"
        " where d.workspace_id = :ws group by 1, 2, 3, 4",
        ws=generated.workspace_id,
    )
    by_kind = {kind: (closed, reason, same) for kind, closed, reason, same, _ in rows}
    assert len(rows) == 3  # one shape per kind
    assert by_kind["won"] == (True, False, True)
    assert by_kind["lost"] == (True, True, True)
    assert by_kind["open"][:2] == (False, False)


async def test_timeline_records_creation_and_every_change(
    generated: Generated, sync_engine: Engine
) -> None:
    rows = _rows(
        sync_engine,
        "select"
        " (select count(*) from activity where workspace_id = :ws"
        "   and system_event in ('deal_created', 'stage_changed')),"
        " (select count(*) from deal_stage_change where workspace_id = :ws),"
        " (select count(*) from activity where workspace_id = :ws"
        "   and system_event = 'close_date_moved'),"
        " (select count(*) from deal_close_date_change where workspace_id = :ws"
        "   and from_date is not null)",
        ws=generated.workspace_id,
    )
    system_stage, stage_changes, system_dates, date_changes = rows[0]
    assert system_stage == stage_changes
    assert system_dates == date_changes


async def test_deals_are_owned_by_members_of_their_workspace(
    generated: Generated, sync_engine: Engine
) -> None:
    strangers = _rows(
        sync_engine,
        "select d.id from deal d left join workspace_member m"
        "  on m.workspace_id = d.workspace_id and m.user_id = d.owner_id"
        " where d.workspace_id = :ws and m.user_id is null",
        ws=generated.workspace_id,
    )
    owners = _rows(
        sync_engine,
        "select count(distinct owner_id) from deal where workspace_id = :ws",
        ws=generated.workspace_id,
    )
    assert strangers == []
    assert owners == [(2,)]


async def test_other_workspaces_are_untouched(generated: Generated, sync_engine: Engine) -> None:
    rows = _rows(
        sync_engine,
        "select (select count(*) from deal where workspace_id = :other),"
        " (select count(*) from activity where workspace_id = :other and type <> 'system'),"
        " (select count(*) from deal_stage_change where workspace_id = :other),"
        " (select title from deal where id = :deal)",
        other=generated.other_workspace_id,
        deal=generated.other_deal_id,
    )
    assert rows == [(1, 0, 1, "Hand-made")]


async def test_the_same_seed_generates_the_same_workspace(
    client: AsyncClient, sync_engine: Engine
) -> None:
    owner = await make_user(client)
    first, second = (
        await make_workspace(client, owner, "A"),
        await make_workspace(client, owner, "B"),
    )
    spec = Spec(deals=50, activities=400, seed=5, now=NOW)
    await _generate(first, [owner.id], spec)
    await _generate(second, [owner.id], spec)
    sql = (
        "select d.title, d.amount, s.name, d.created_at, d.stage_entered_at, d.last_activity_at,"
        "  d.close_date_push_count"
        " from deal d join pipeline_stage s on s.id = d.stage_id"
        " where d.workspace_id = :ws order by d.created_at, d.title"
    )
    assert _rows(sync_engine, sql, ws=first) == _rows(sync_engine, sql, ws=second)


def _pipeline() -> Pipeline:
    names = ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    stages = [Stage(uuid.UUID(int=n + 1).bytes, name) for n, name in enumerate(names)]
    return Pipeline(open=tuple(stages[:4]), won=stages[4], lost=stages[5])


def _plan(seed: int, count: int) -> list:
    ids = [uuid.UUID(int=100 + n) for n in range(8)]
    sellers = make_sellers(ids, random.Random(f"{seed}:sellers"))
    deals = plan_deals(count=count, sellers=sellers, pipeline=_pipeline(), seed=seed, now=NOW)
    allocate(deals, count * 10, seed, NOW)
    return deals


def test_planning_is_deterministic_for_a_seed() -> None:
    assert _plan(3, 100) == _plan(3, 100)
    assert _plan(3, 100) != _plan(4, 100)


def test_outcomes_follow_activity_slips_and_speed() -> None:
    deals = _plan(21, 3000)
    closed = [d for d in deals if d.outcome != "open"]

    def win_rate(group: list) -> float:
        return sum(d.outcome == "won" for d in group) / len(group)

    def per_day(d) -> float:
        return len(d.activity_times) / max((d.engaged_until - d.created_at).days, 1)

    busy = sorted(closed, key=per_day)
    quarter = len(busy) // 4
    assert win_rate(busy[-quarter:]) > win_rate(busy[:quarter]) + 0.2
    late = [d for d in closed if len(d.moves) > 3]  # reached proposal or beyond
    assert win_rate([d for d in late if d.push_count == 0]) > win_rate(
        [d for d in late if d.push_count >= 2]
    )

    def first_stage_days(d) -> float:
        return (d.moves[1].at - d.moves[0].at).total_seconds()

    moved_on = sorted((d for d in closed if len(d.moves) > 2), key=first_stage_days)
    quarter_moved = len(moved_on) // 4
    assert win_rate(moved_on[:quarter_moved]) > win_rate(moved_on[-quarter_moved:]) + 0.1
    went_dark = [d for d in closed if d.lost_reason and "dark" in d.lost_reason]
    assert went_dark and all(d.outcome == "lost" for d in went_dark)
    assert 0.45 < win_rate(closed) < 0.75  # the sample's ~63% of closed deals won
