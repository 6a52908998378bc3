"""Generated revenue data for the analytics tests, inserted straight into Postgres.

`generate_deals` is deterministic for a seed: deals created over 18 months walk through the
pipeline (forward, sometimes back, sometimes reopened), end won or lost or stay open. The
records it returns are the truth the tests recompute the analytics from.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from httpx import AsyncClient
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from backend.models import (
    Activity,
    ActivityType,
    ChangeSource,
    Deal,
    DealCloseDateChange,
    DealSource,
    DealStageChange,
    PipelineStage,
    StageKind,
)
from tests.factories import Account, add_member, make_workspace

DEFAULT_STAGES = [
    ("Lead", 10, StageKind.open),
    ("Qualified", 25, StageKind.open),
    ("Proposal", 50, StageKind.open),
    ("Negotiation", 75, StageKind.open),
    ("Won", 100, StageKind.won),
    ("Lost", 0, StageKind.lost),
]
IDLE_STAGE = "Legal review"  # an open stage no generated deal ever enters
HISTORY_DAYS = 540


@dataclass(frozen=True)
class StageRecord:
    id: uuid.UUID
    name: str
    kind: StageKind
    position: int
    probability: Decimal


@dataclass
class DealRecord:
    id: uuid.UUID
    owner_id: uuid.UUID | None
    amount: Decimal
    probability_override: Decimal | None
    created_at: datetime
    path: list[tuple[StageRecord, datetime]]
    closed_at: datetime | None
    expected_close_date: date | None
    archived: bool
    records_creation: bool  # False: the history lacks the "created in stage" row (imports)

    @property
    def stage(self) -> StageRecord:
        return self.path[-1][0]


@dataclass
class Workspace:
    id: str
    owner: Account
    members: list[Account]
    stages: list[StageRecord]
    deals: list[DealRecord] = field(default_factory=list)

    def url(self, endpoint: str) -> str:
        return f"/api/v1/workspaces/{self.id}/analytics/{endpoint}"

    def live_deals(self) -> list[DealRecord]:
        return [d for d in self.deals if not d.archived]


@dataclass
class Tenants:
    """Workspace `a` under test, and `b` next to it sharing one member (`shared`).

    `outsider` owns `b` and is no member of `a`.
    """

    a: Workspace
    b: Workspace
    viewer: Account
    outsider: Account
    shared: Account


def prepare_stages(engine: Engine, workspace_id: str) -> list[StageRecord]:
    """The workspace's pipeline (the default one if it has none) plus an idle open stage."""
    ws = uuid.UUID(workspace_id)
    with Session(engine) as session, session.begin():
        stages = session.scalars(
            select(PipelineStage)
            .where(PipelineStage.workspace_id == ws)
            .order_by(PipelineStage.position)
        ).all()
        if not stages:
            stages = [
                PipelineStage(
                    workspace_id=ws,
                    name=name,
                    position=position,
                    probability=Decimal(probability),
                    kind=kind,
                )
                for position, (name, probability, kind) in enumerate(DEFAULT_STAGES)
            ]
            session.add_all(stages)
            session.flush()
        last_open = max(s.position for s in stages if s.kind == StageKind.open)
        session.execute(
            update(PipelineStage)
            .where(PipelineStage.workspace_id == ws, PipelineStage.position > last_open)
            .values(position=PipelineStage.position + 1)
        )
        session.add(
            PipelineStage(
                workspace_id=ws,
                name=IDLE_STAGE,
                position=last_open + 1,
                probability=Decimal("90"),
                kind=StageKind.open,
            )
        )
    with Session(engine) as session:
        return [
            StageRecord(s.id, s.name, s.kind, s.position, s.probability)
            for s in session.scalars(
                select(PipelineStage)
                .where(PipelineStage.workspace_id == ws)
                .order_by(PipelineStage.position)
            )
        ]


def generate_deals(
    seed: int,
    count: int,
    stages: list[StageRecord],
    owner_ids: list[uuid.UUID | None],
    *,
    now: datetime,
) -> list[DealRecord]:
    rng = random.Random(seed)
    funnel = [s for s in stages if s.kind == StageKind.open and s.name != IDLE_STAGE]
    won = next(s for s in stages if s.kind == StageKind.won)
    lost = next(s for s in stages if s.kind == StageKind.lost)
    deals = []
    for _ in range(count):
        created_at = now - timedelta(seconds=rng.uniform(3600, HISTORY_DAYS * 86400))
        path, closed_at = _walk(rng, funnel, won, lost, created_at, now)
        deals.append(
            DealRecord(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                owner_id=rng.choice(owner_ids),
                amount=_amount(rng),
                probability_override=(
                    Decimal(rng.randint(0, 10_000)) / 100 if rng.random() < 0.15 else None
                ),
                created_at=created_at,
                path=path,
                closed_at=closed_at,
                expected_close_date=_close_date(rng, now.date(), closed_at),
                archived=rng.random() < 0.03,
                records_creation=rng.random() < 0.85,
            )
        )
    return deals


def _walk(
    rng: random.Random,
    funnel: list[StageRecord],
    won: StageRecord,
    lost: StageRecord,
    created_at: datetime,
    now: datetime,
) -> tuple[list[tuple[StageRecord, datetime]], datetime | None]:
    """A deal's stages until now: mostly forward, sometimes back, lost, won or reopened."""
    index = 0 if rng.random() < 0.85 else 1
    path = [(funnel[index], created_at)]
    closed_at = None
    moment = created_at
    while True:
        moment += timedelta(seconds=rng.uniform(0.2, 70) * 86400)
        if rng.random() < 0.05:  # land on a period boundary, midnight UTC
            moment = datetime(moment.year, moment.month, 1, tzinfo=UTC) + timedelta(days=32)
            moment = moment.replace(day=1)
        if moment >= now:
            return path, closed_at
        roll = rng.random()
        if path[-1][0].kind != StageKind.open:
            if roll > 0.1:
                return path, closed_at
            index, closed_at = len(funnel) - 1, None  # reopened
            path.append((funnel[index], moment))
        elif roll < 0.08:
            path.append((lost, moment))
            closed_at = moment
        elif roll < 0.14 and index > 0:
            index -= 1
            path.append((funnel[index], moment))
        elif index == len(funnel) - 1 or roll > 0.95:
            path.append((won if rng.random() < 0.6 else lost, moment))
            closed_at = moment
        else:
            index = min(index + (2 if roll > 0.88 else 1), len(funnel) - 1)
            path.append((funnel[index], moment))


def _amount(rng: random.Random) -> Decimal:
    if rng.random() < 0.02:
        return Decimal("0.00")
    return Decimal(rng.randint(50_000, 25_000_000)) / 100


def _close_date(rng: random.Random, today: date, closed_at: datetime | None) -> date | None:
    if closed_at is not None:
        return closed_at.date() + timedelta(days=rng.randint(-20, 20))
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.35:
        return today - timedelta(days=rng.randint(1, 120))
    if roll < 0.4:
        return today
    return today + timedelta(days=rng.randint(1, 420))


def insert_deals(engine: Engine, workspace_id: str, deals: list[DealRecord]) -> None:
    ws = uuid.UUID(workspace_id)
    deal_rows, stage_rows, close_rows, activity_rows = [], [], [], []
    for n, deal in enumerate(deals):
        last_moved = deal.path[-1][1]
        deal_rows.append(
            {
                "id": deal.id,
                "workspace_id": ws,
                "title": f"Deal {n}",
                "amount": deal.amount,
                "currency": "EUR",
                "stage_id": deal.stage.id,
                "probability_override": deal.probability_override,
                "expected_close_date": deal.expected_close_date,
                "company": f"Company {n % 40}",
                "source": DealSource.manual,
                "owner_id": deal.owner_id,
                "closed_at": deal.closed_at,
                "stage_entered_at": last_moved,
                "created_at": deal.created_at,
                "updated_at": last_moved,
                "archived_at": last_moved if deal.archived else None,
            }
        )
        previous = None
        for stage, entered_at in deal.path:
            if previous is not None or deal.records_creation:
                stage_rows.append(
                    {
                        "id": uuid.uuid4(),
                        "workspace_id": ws,
                        "deal_id": deal.id,
                        "from_stage_id": previous,
                        "to_stage_id": stage.id,
                        "changed_at": entered_at,
                        "changed_by_id": deal.owner_id,
                        "source": ChangeSource.user,
                    }
                )
            previous = stage.id
        if deal.expected_close_date is not None:
            close_rows.append(
                {
                    "id": uuid.uuid4(),
                    "workspace_id": ws,
                    "deal_id": deal.id,
                    "from_date": None,
                    "to_date": deal.expected_close_date,
                    "changed_at": deal.created_at,
                    "source": ChangeSource.user,
                }
            )
        activity_rows.append(
            {
                "id": uuid.uuid4(),
                "workspace_id": ws,
                "deal_id": deal.id,
                "type": ActivityType.call,
                "subject": "Discovery call",
                "occurred_at": deal.created_at,
                "completed_at": deal.created_at,
                "owner_id": deal.owner_id,
                "source": DealSource.manual,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(Deal), deal_rows)
        conn.execute(insert(DealStageChange), stage_rows)
        conn.execute(insert(DealCloseDateChange), close_rows)
        conn.execute(insert(Activity), activity_rows)


async def populated_workspace(
    client: AsyncClient,
    engine: Engine,
    *,
    owner: Account,
    members: list[Account],
    seed: int,
    count: int,
    now: datetime,
) -> Workspace:
    workspace_id = await make_workspace(client, owner, f"Workspace {seed}")
    for member in members:
        await add_member(client, workspace_id, owner, member, "member")
    workspace = Workspace(workspace_id, owner, members, prepare_stages(engine, workspace_id))
    owner_ids: list[uuid.UUID | None] = [owner.id, *(m.id for m in members), None]
    workspace.deals = generate_deals(seed, count, workspace.stages, owner_ids, now=now)
    insert_deals(engine, workspace_id, workspace.deals)
    return workspace
