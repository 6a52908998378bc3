"""The snapshot's SQL: per-deal features as of a moment, from exact timestamps in Postgres."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from httpx import AsyncClient

from backend import db
from backend.insights import snapshot
from backend.insights.snapshot_repository import SnapshotRepository
from backend.models import (
    Activity,
    ActivityType,
    ChangeSource,
    Deal,
    DealCloseDateChange,
    DealSource,
    DealStageChange,
)
from tests.backend.deals.factories import Pipeline, make_pipeline
from tests.backend.insights.generation_fixtures import add_deal

AS_OF = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    return AS_OF - timedelta(days=days)


def activity(
    pipeline: Pipeline,
    deal_id: uuid.UUID | None,
    type: ActivityType,
    days: float,
    *,
    done: bool = True,
    owner_id: uuid.UUID | None = None,
) -> Activity:
    when = ago(days)
    return Activity(
        workspace_id=uuid.UUID(pipeline.workspace_id),
        deal_id=deal_id,
        type=type,
        subject="touch",
        completed_at=when if done else None,
        scheduled_at=None if done else when,
        occurred_at=when,
        owner_id=owner_id or pipeline.owner.id,
        source=DealSource.manual,
    )


async def won_deal(pipeline: Pipeline) -> uuid.UUID:
    """Created 60 days ago in Lead, Proposal 40 days ago, won 10 days ago; touched around it."""
    ws, stages = uuid.UUID(pipeline.workspace_id), pipeline.stages
    async with db.session_factory()() as session:
        deal = Deal(
            workspace_id=ws,
            title="Hooli platform",
            amount=Decimal("30000.00"),
            currency="USD",
            stage_id=uuid.UUID(stages["won"]),
            source=DealSource.manual,
            owner_id=pipeline.owner.id,
            created_at=ago(60),
            stage_entered_at=ago(10),
            closed_at=ago(10),
            expected_close_date=date(2026, 11, 15),
        )
        session.add(deal)
        await session.flush()
        moves = [(None, "lead", 60), ("lead", "proposal", 40), ("proposal", "won", 10)]
        for source, target, days in moves:
            session.add(
                DealStageChange(
                    workspace_id=ws,
                    deal_id=deal.id,
                    from_stage_id=uuid.UUID(stages[source]) if source else None,
                    to_stage_id=uuid.UUID(stages[target]),
                    changed_at=ago(days),
                    source=ChangeSource.user,
                )
            )
        dates = [
            (date(2026, 10, 1), date(2026, 10, 20), 30),  # a push
            (date(2026, 10, 20), date(2026, 10, 10), 20),  # pulled in: not a push
            (date(2026, 10, 10), date(2026, 11, 15), 5),  # after the close: not counted
        ]
        for before, after, days in dates:
            session.add(
                DealCloseDateChange(
                    workspace_id=ws,
                    deal_id=deal.id,
                    from_date=before,
                    to_date=after,
                    changed_at=ago(days),
                    source=ChangeSource.user,
                )
            )
        session.add_all(
            [
                activity(pipeline, deal.id, ActivityType.call, 15),  # 5 days before the close
                activity(pipeline, deal.id, ActivityType.meeting, 50),  # 40 days before
                activity(pipeline, deal.id, ActivityType.email, 5),  # after the close
                activity(pipeline, deal.id, ActivityType.system, 12),
            ]
        )
        await session.commit()
        return deal.id


async def test_a_closed_deal_is_seen_as_it_stood_when_it_left_its_last_open_stage(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    deal_id = await won_deal(pipeline)

    async with db.session_factory()() as session:
        [row] = await SnapshotRepository(session).closed_deals(
            uuid.UUID(pipeline.workspace_id), AS_OF, since=ago(365), limit=100
        )

    assert row.id == deal_id
    assert str(row.stage_id) == pipeline.stages["proposal"]
    assert row.won is True and row.closed_on == date(2026, 11, 15)
    assert row.days_in_stage == pytest.approx(30.0)
    assert row.days_since_last_activity == pytest.approx(5.0)
    assert (row.calls_14d, row.meetings_30d, row.meetings_90d, row.emails_90d) == (1, 0, 1, 0)
    assert row.pushes == 1


async def test_stage_visits_cover_the_open_stages_with_the_outcome(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    await won_deal(pipeline)

    async with db.session_factory()() as session:
        visits = await SnapshotRepository(session).stage_visits(
            uuid.UUID(pipeline.workspace_id), AS_OF, since=ago(365)
        )

    stays = [
        (str(v.stage_id), round(v.entered, 6), round(v.left, 6), v.outcome.value) for v in visits
    ]
    assert stays == [
        (pipeline.stages["lead"], -60.0, -40.0, "won"),
        (pipeline.stages["proposal"], -40.0, -10.0, "won"),
    ]


async def test_open_deal_activity_is_counted_by_type_and_window(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    deal_id = uuid.UUID(await add_deal(pipeline, title="Globex renewal"))
    async with db.session_factory()() as session:
        session.add_all(
            [
                activity(pipeline, deal_id, ActivityType.call, 5),
                activity(pipeline, deal_id, ActivityType.call, 20),
                activity(pipeline, deal_id, ActivityType.email, 60),
                activity(pipeline, deal_id, ActivityType.note, 100),  # outside every window
                activity(pipeline, deal_id, ActivityType.system, 1),  # not a seller's touch
                activity(pipeline, deal_id, ActivityType.task, 3, done=False),  # overdue, undone
                activity(pipeline, deal_id, ActivityType.meeting, -2, done=False),  # planned
            ]
        )
        await session.commit()

    async with db.session_factory()() as session:
        [row] = await SnapshotRepository(session).open_deals(
            uuid.UUID(pipeline.workspace_id), AS_OF
        )

    assert (row.calls_14d, row.calls_30d, row.calls_90d) == (1, 2, 2)
    assert (row.emails_30d, row.emails_90d, row.notes_90d, row.tasks_90d) == (0, 1, 0, 0)
    assert row.scheduled == 1


async def test_owner_activity_splits_the_last_two_weeks_from_the_four_before(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    async with db.session_factory()() as session:
        session.add_all(
            [activity(pipeline, None, ActivityType.call, d) for d in (2, 10, 20, 30, 41, 50)]
        )
        await session.commit()

    async with db.session_factory()() as session:
        [row] = await SnapshotRepository(session).owner_activity(
            uuid.UUID(pipeline.workspace_id), AS_OF
        )

    assert (row.owner_id, row.last_14_days, row.previous_28_days) == (pipeline.owner.id, 2, 3)


async def test_the_payload_holds_this_workspaces_open_unarchived_deals_only(
    client: AsyncClient,
) -> None:
    pipeline = await make_pipeline(client)
    other = await make_pipeline(client)
    kept = await add_deal(pipeline, title="Kept", contact_email=None)
    archived = await add_deal(pipeline, title="Archived")
    await add_deal(other, title="Someone else's")
    async with db.session_factory()() as session:
        deal = await session.get(Deal, uuid.UUID(archived))
        assert deal is not None
        deal.archived_at = AS_OF
        await session.commit()

    async with db.session_factory()() as session:
        built = await snapshot.build(
            session, uuid.UUID(pipeline.workspace_id), run_id=None, as_of=datetime.now(UTC)
        )

    deals = built.payload["open_deals"]
    assert deals["deal_id"] == [kept] and built.deal_ids == {uuid.UUID(kept)}
    assert deals["contacts"] == [0]
    stage = built.payload["stages"][deals["stage"][0]]
    assert (stage["name"], stage["probability"]) == ("Proposal", 0.5)
    assert built.payload["owners"] == [{"id": str(pipeline.owner.id), "name": "Ada Seller"}]


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (date(2026, 11, 25), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        (date(2026, 6, 30), date(2026, 4, 1), date(2026, 6, 30), "2026-Q2"),
    ],
)
def test_the_forecast_period_is_the_calendar_quarter(
    day: date, start: date, end: date, label: str
) -> None:
    assert snapshot.quarter_of(day) == snapshot.Period(start, end, label)
