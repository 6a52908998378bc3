"""The per-deal feature snapshot in set-based SQL: one row per deal, never raw activity rows.

"Done" activities are the non-system ones with `completed_at` set (they keep a deal fresh,
see activities.service); their `occurred_at` is the completion time. Every `days` column is
counted from `as_of` and every statement filters on the workspace id and leaves archived
deals out.
"""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.models import (
    Activity,
    ActivityType,
    Deal,
    DealCloseDateChange,
    DealStageChange,
    DealStageStay,
    Membership,
    PipelineStage,
    StageKind,
    User,
)

WINDOWS = (14, 30, 90)
# The order of the 15 activity counts the AI core expects: per window, these types.
ACTIVITY_TYPES = (
    ActivityType.call,
    ActivityType.email,
    ActivityType.meeting,
    ActivityType.note,
    ActivityType.task,
)
ACTIVITY_COLUMNS = [f"{t.value}s_{w}d" for w in WINDOWS for t in ACTIVITY_TYPES]
OWNER_RECENT_DAYS = 14
OWNER_BEFORE_DAYS = 28
# A won deal's slip is measured from the close date it had this long before it closed.
SLIP_REFERENCE_DAYS = 30
SECONDS_PER_DAY = 86400.0


def _days_since(as_of: Any, moment: Any) -> Any:
    """Days from `moment` to `as_of` (fractional, never negative); null when `moment` is."""
    days = cast(func.extract("epoch", as_of - moment), Float) / SECONDS_PER_DAY
    # Not greatest(): it ignores nulls, and "never" must stay null.
    return case((days < 0, 0.0), else_=days)


def _offset_days(moment: Any, as_of: Any) -> Any:
    """Days from `as_of` to `moment`: negative before it."""
    return cast(func.extract("epoch", moment - as_of), Float) / SECONDS_PER_DAY


def _done(*conditions: Any) -> Any:
    return and_(
        Activity.type != ActivityType.system, Activity.completed_at.is_not(None), *conditions
    )


class SnapshotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def stages(self, workspace_id: uuid.UUID) -> list[PipelineStage]:
        rows = await self.session.scalars(
            select(PipelineStage)
            .where(PipelineStage.workspace_id == workspace_id)
            .order_by(PipelineStage.position, PipelineStage.created_at, PipelineStage.id)
        )
        return list(rows.all())

    async def open_deals(
        self, workspace_id: uuid.UUID, as_of: datetime, *, deal_id: uuid.UUID | None = None
    ) -> list[Row[Any]]:
        """Each open deal's features (or just `deal_id`'s): timing, activity, pushes, size."""
        now = literal(as_of, DateTime(timezone=True))
        done = _done(Activity.occurred_at <= as_of)
        counts = [
            func.count()
            .filter(
                done,
                Activity.type == kind,
                Activity.occurred_at > as_of - timedelta(days=window),
            )
            .label(f"{kind.value}s_{window}d")
            for window in WINDOWS
            for kind in ACTIVITY_TYPES
        ]
        planned = and_(
            Activity.type != ActivityType.system,
            Activity.completed_at.is_(None),
            Activity.scheduled_at > as_of,
        )
        # Per deal, over its own rows (ix_activity_deal_occurred): a plan that holds with or
        # without planner statistics, e.g. right after a bulk import.
        activity = (
            select(*counts, func.count().filter(planned).label("scheduled"))
            .where(
                Activity.deal_id == Deal.id,
                Activity.workspace_id == workspace_id,
                Activity.occurred_at > as_of - timedelta(days=max(WINDOWS)),
            )
            .lateral("activity")
        )
        query = (
            self._deals(workspace_id)
            .add_columns(
                Deal.probability_override,
                _days_since(now, Deal.stage_entered_at).label("days_in_stage"),
                _days_since(now, Deal.last_activity_at).label("days_since_last_activity"),
                Deal.close_date_push_count.label("pushes"),
                type_coerce(Deal.expected_close_date - literal(as_of.date(), Date), Integer).label(
                    "days_to_close"
                ),
                _days_since(now, Deal.created_at).label("age_days"),
                *(activity.c[name] for name in ACTIVITY_COLUMNS),
                activity.c.scheduled,
            )
            .join(activity, true())
            .where(PipelineStage.kind == StageKind.open)
            .order_by(Deal.id)
        )
        if deal_id is not None:
            query = query.where(Deal.id == deal_id)
        return list((await self.session.execute(query)).all())

    async def closed_version(self, workspace_id: uuid.UUID) -> tuple[int, datetime | None]:
        """How many closed deals there are and when one last changed: what training reads."""
        query = (
            select(func.count(), func.max(Deal.updated_at))
            .join(
                PipelineStage,
                and_(PipelineStage.id == Deal.stage_id, PipelineStage.workspace_id == workspace_id),
            )
            .where(
                Deal.workspace_id == workspace_id,
                Deal.archived_at.is_(None),
                PipelineStage.kind != StageKind.open,
            )
        )
        count, changed = (await self.session.execute(query)).one()
        return int(count), changed

    async def closed_deals(
        self, workspace_id: uuid.UUID, as_of: datetime, *, since: datetime, limit: int
    ) -> list[Row[Any]]:
        """Deals closed in [since, as_of], each as it stood when it left its last open stage.

        Only what was known then: the last open stage and the time spent in it, activity
        and close-date pushes before the close. Left out on purpose: the expected close date
        (often rewritten to the actual one on closing) and the deal's age (the length of the
        whole cycle, an echo of the outcome). Deals whose history does not show the move out
        of an open stage (imported closed) have no such snapshot and are skipped.
        """
        change, earlier = aliased(DealStageChange), aliased(DealStageChange)
        closed_stage = aliased(PipelineStage)
        open_stages = select(PipelineStage.id).where(
            PipelineStage.workspace_id == workspace_id, PipelineStage.kind == StageKind.open
        )
        entered = (
            select(func.max(earlier.changed_at))
            .where(
                earlier.deal_id == change.deal_id,
                earlier.workspace_id == workspace_id,
                earlier.changed_at < change.changed_at,
            )
            .scalar_subquery()
        )
        close_change = (
            select(change.from_stage_id, change.changed_at, entered.label("entered_last_stage"))
            .where(
                change.deal_id == Deal.id,
                change.workspace_id == workspace_id,
                change.to_stage_id == Deal.stage_id,
            )
            .order_by(change.changed_at.desc(), change.id.desc())
            .limit(1)
            .lateral("close_change")
        )
        closed_at = func.coalesce(Deal.closed_at, close_change.c.changed_at)
        closed = (
            select(
                Deal.id,
                Deal.title,
                Deal.owner_id,
                Deal.probability_override,
                Deal.amount,
                Deal.currency,
                Deal.source,
                Deal.contact_email.is_not(None).label("has_contact"),
                close_change.c.from_stage_id.label("stage_id"),
                (closed_stage.kind == StageKind.won).label("won"),
                closed_at.label("closed_at"),
                func.coalesce(close_change.c.entered_last_stage, Deal.created_at).label(
                    "entered_at"
                ),
            )
            .join(
                closed_stage,
                and_(closed_stage.id == Deal.stage_id, closed_stage.workspace_id == workspace_id),
            )
            .join(close_change, true())
            .where(
                Deal.workspace_id == workspace_id,
                Deal.archived_at.is_(None),
                closed_stage.kind.in_([StageKind.won, StageKind.lost]),
                close_change.c.from_stage_id.in_(open_stages),
                closed_at >= since,
                closed_at <= as_of,
            )
            .order_by(closed_at.desc(), Deal.id)
            .limit(limit)
            .subquery("closed")
        )
        # Per closed deal, over its own rows (the deal_id indexes): row estimates for the
        # closed set are poor, and a lateral aggregate cannot be planned into a huge join.
        counts = [
            func.count()
            .filter(
                Activity.type == kind,
                Activity.occurred_at > closed.c.closed_at - timedelta(days=window),
            )
            .label(f"{kind.value}s_{window}d")
            for window in WINDOWS
            for kind in ACTIVITY_TYPES
        ]
        activity = (
            select(func.max(Activity.occurred_at).label("last_activity_at"), *counts)
            .where(
                Activity.deal_id == closed.c.id,
                Activity.workspace_id == workspace_id,
                _done(Activity.occurred_at <= closed.c.closed_at),
            )
            .lateral("activity_before_close")
        )
        pushes = (
            select(func.count().label("pushes"))
            .where(
                DealCloseDateChange.deal_id == closed.c.id,
                DealCloseDateChange.workspace_id == workspace_id,
                DealCloseDateChange.to_date > DealCloseDateChange.from_date,
                DealCloseDateChange.changed_at < closed.c.closed_at,
            )
            .lateral("pushes_before_close")
        )
        query = (
            select(
                closed,
                _days_since(closed.c.closed_at, closed.c.entered_at).label("days_in_stage"),
                _days_since(closed.c.closed_at, activity.c.last_activity_at).label(
                    "days_since_last_activity"
                ),
                cast(func.timezone("UTC", closed.c.closed_at), Date).label("closed_on"),
                *(activity.c[name] for name in ACTIVITY_COLUMNS),
                pushes.c.pushes,
            )
            .select_from(closed)
            .join(activity, true())
            .join(pushes, true())
            .order_by(closed.c.closed_at, closed.c.id)
        )
        return list((await self.session.execute(query)).all())

    async def stage_visits(
        self, workspace_id: uuid.UUID, as_of: datetime, *, since: datetime
    ) -> list[Row[Any]]:
        """Stays in open stages of the open deals and those closed since `since`.

        Read from the stays the database keeps (see DealStageStay): from the change that put
        the deal in a stage to the next change, with a first stay from creation when the
        history does not start there, and one since creation for a deal that never moved.
        """
        now = literal(as_of, DateTime(timezone=True))
        stay = DealStageStay
        current, stage = aliased(PipelineStage), aliased(PipelineStage)
        query = (
            select(
                func.dense_rank().over(order_by=stay.deal_id).label("deal"),
                stay.stage_id,
                _offset_days(stay.entered_at, now).label("entered"),
                _offset_days(stay.left_at, now).label("left"),
                current.kind.label("outcome"),
            )
            .join(Deal, Deal.id == stay.deal_id)
            .join(current, and_(current.id == Deal.stage_id, current.workspace_id == workspace_id))
            .join(
                stage,
                and_(
                    stage.id == stay.stage_id,
                    stage.workspace_id == workspace_id,
                    stage.kind == StageKind.open,
                ),
            )
            .where(
                stay.workspace_id == workspace_id,
                ~stay.archived,
                Deal.workspace_id == workspace_id,
                Deal.archived_at.is_(None),
                or_(current.kind == StageKind.open, Deal.closed_at >= since),
            )
            .order_by(stay.deal_id, stay.entered_at, stay.seq)
        )
        return list((await self.session.execute(query)).all())

    async def owner_activity(self, workspace_id: uuid.UUID, as_of: datetime) -> list[Row[Any]]:
        """Each owner's done activities: the last 14 days and the 28 days before them."""
        split = as_of - timedelta(days=OWNER_RECENT_DAYS)
        query: Any = (
            select(
                Activity.owner_id,
                func.count().filter(Activity.occurred_at > split).label("last_14_days"),
                func.count().filter(Activity.occurred_at <= split).label("previous_28_days"),
            )
            .where(
                Activity.workspace_id == workspace_id,
                Activity.owner_id.is_not(None),
                _done(
                    Activity.occurred_at > split - timedelta(days=OWNER_BEFORE_DAYS),
                    Activity.occurred_at <= as_of,
                ),
            )
            .group_by(Activity.owner_id)
            .order_by(Activity.owner_id)
        )
        return list((await self.session.execute(query)).all())

    async def member_names(
        self, workspace_id: uuid.UUID, user_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        """Names of those of `user_ids` who are members of the workspace (no one else's)."""
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.name)
            .join(
                Membership,
                and_(Membership.user_id == User.id, Membership.workspace_id == workspace_id),
            )
            .where(User.id.in_(user_ids))
        )
        return {row.id: row.name for row in rows}

    async def won_between(self, workspace_id: uuid.UUID, start: date, end: date) -> list[Row[Any]]:
        """Won deals closed on a day in [start, end] (UTC days)."""
        closed_on = cast(func.timezone("UTC", Deal.closed_at), Date)
        query: Any = (
            select(Deal.amount, closed_on.label("closed_on"))
            .join(
                PipelineStage,
                and_(PipelineStage.id == Deal.stage_id, PipelineStage.workspace_id == workspace_id),
            )
            .where(
                Deal.workspace_id == workspace_id,
                Deal.archived_at.is_(None),
                PipelineStage.kind == StageKind.won,
                closed_on.between(start, end),
            )
        )
        return list((await self.session.execute(query)).all())

    async def slip_days(
        self, workspace_id: uuid.UUID, as_of: datetime, *, since: datetime
    ) -> list[int]:
        """Won deals closed in [since, as_of]: close day minus the close date expected a
        month before (their first one if they were younger)."""
        change = DealCloseDateChange
        mine = and_(change.deal_id == Deal.id, change.workspace_id == workspace_id)
        expected_then = (
            select(change.to_date)
            .where(
                mine,
                change.changed_at <= Deal.closed_at - timedelta(days=SLIP_REFERENCE_DAYS),
            )
            .order_by(change.changed_at.desc(), change.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        first_expected = (
            select(change.from_date)
            .where(mine)
            .order_by(change.changed_at, change.id)
            .limit(1)
            .scalar_subquery()
        )
        reference = func.coalesce(expected_then, first_expected, Deal.expected_close_date)
        slip = type_coerce(cast(func.timezone("UTC", Deal.closed_at), Date) - reference, Integer)
        query = (
            select(slip)
            .join(
                PipelineStage,
                and_(PipelineStage.id == Deal.stage_id, PipelineStage.workspace_id == workspace_id),
            )
            .where(
                Deal.workspace_id == workspace_id,
                Deal.archived_at.is_(None),
                PipelineStage.kind == StageKind.won,
                Deal.closed_at >= since,
                Deal.closed_at <= as_of,
                reference.is_not(None),
            )
        )
        return [value for value in (await self.session.scalars(query)).all() if value is not None]

    def _deals(self, workspace_id: uuid.UUID) -> Any:
        return (
            select(
                Deal.id,
                Deal.title,
                Deal.stage_id,
                Deal.owner_id,
                Deal.amount,
                Deal.currency,
                Deal.source,
                Deal.contact_email.is_not(None).label("has_contact"),
            )
            .join(
                PipelineStage,
                and_(PipelineStage.id == Deal.stage_id, PipelineStage.workspace_id == workspace_id),
            )
            .where(Deal.workspace_id == workspace_id, Deal.archived_at.is_(None))
        )
