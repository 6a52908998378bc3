"""Queries for stored webhook events, HubSpot portals and per-property versions.

The processing job reads a batch's deals, versions and stages in one statement each and
writes what the batch did in one statement per table: each row set travels as one JSON
parameter (`jsonb_to_recordset`), so the statement text never changes and the database's
statement-level triggers (stage stays) run once per batch, not once per event.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import (
    Deal,
    DealSource,
    HubspotPropertyVersion,
    Integration,
    IntegrationStatus,
    IntegrationType,
    Membership,
    PipelineStage,
    WebhookEvent,
)
from backend.webhooks.schemas import HubSpotBatch

# One round trip per delivery. Each event is read from the body as sent (Postgres parses
# it once; Python never re-serializes it), beside what the request parsed: position, dedupe
# key, portal, occurredAt. The portal's connected workspace is joined here, so disconnecting
# takes effect on the next delivery. A processing job of the workspace that is queued and
# not started yet is held `FOR SHARE` until this transaction ends: a worker (`FOR UPDATE
# SKIP LOCKED`) cannot start it before these events are visible, so it will apply them,
# and no other job is needed. Returned: the workspaces with new events and no such job.
_INSERT_NEW_HUBSPOT_EVENTS = text(
    """
    with incoming as (
        select k.position, k.dedupe_key, k.portal_id, k.occurred_at_ms, e.payload
        from jsonb_to_recordset(cast(:events as jsonb)) as k(
            position bigint, dedupe_key text, portal_id numeric, occurred_at_ms bigint
        )
        join jsonb_array_elements(cast(:body as jsonb)) with ordinality as e(payload, position)
            using (position)
    ),
    connected as (
        -- Only a portal proven by a connect flow routes (`hubspot_portal_id`, one live
        -- claim per portal by a unique index), never anything written into `config`.
        select cast(i.hubspot_portal_id as text) as portal, i.id, i.workspace_id
        from integration as i
        where i.type = 'hubspot' and i.status != 'disconnected'
          and cast(i.hubspot_portal_id as text) = any(cast(:portal_texts as text[]))
    ),
    inserted as (
        insert into webhook_event
            (id, source, dedupe_key, workspace_id, integration_id, status, error, payload,
             occurred_at)
        select gen_random_uuid(), 'hubspot', k.dedupe_key, c.workspace_id, c.id,
               case when c.id is null then 'ignored' else 'received' end,
               case when c.id is null then 'no workspace connects portal ' || k.portal_id end,
               k.payload, timestamptz 'epoch' + k.occurred_at_ms * interval '1 millisecond'
        from incoming as k
        left join connected as c on c.portal = cast(k.portal_id as text)
        order by k.position
        on conflict (source, dedupe_key) do nothing
        returning workspace_id
    ),
    queued as (
        select j.lock
        from procrastinate_jobs as j
        where j.status = 'todo'
          -- A job waiting to retry after a failure may fail for good: new events get a
          -- fresh job with all its attempts ahead.
          and j.attempts = 0
          and j.lock in (select :lock_prefix || cast(workspace_id as text) from inserted)
        for share of j
    )
    select distinct n.workspace_id
    from inserted as n
    where n.workspace_id is not null
      and not exists (
          select 1 from queued as q where q.lock = :lock_prefix || cast(n.workspace_id as text)
      )
    """
)


class WebhookEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_new_hubspot(self, batch: HubSpotBatch, *, lock_prefix: str) -> list[uuid.UUID]:
        """Store the batch's events not stored yet, each as received or ignored (no workspace
        connects its portal).

        Returns the workspaces that got new events and have no processing job (locked
        `lock_prefix` + workspace id) waiting to start; a waiting one is held until commit.
        """
        events = [
            {
                "position": e.position,
                "dedupe_key": e.dedupe_key,
                "portal_id": e.portal_id,
                "occurred_at_ms": e.occurred_at_ms,
            }
            for e in batch.events
        ]
        result = await self.session.execute(
            _INSERT_NEW_HUBSPOT_EVENTS,
            {
                "body": batch.body,
                "events": json.dumps(events),
                "portal_texts": [str(p) for p in batch.portal_ids],
                "lock_prefix": lock_prefix,
            },
        )
        return list(result.scalars().all())

    async def next_pending(self, workspace_id: uuid.UUID, *, limit: int) -> list[Any]:
        """The oldest unhandled events of the workspace (id, payload, occurred_at), locked.

        Others' locks are skipped. Columns, not entities: the job only reads them.
        """
        result = await self.session.execute(
            select(WebhookEvent.id, WebhookEvent.payload, WebhookEvent.occurred_at)
            .where(
                WebhookEvent.workspace_id == workspace_id,
                # Notion events share the table; their own job processes them.
                WebhookEvent.source == "hubspot",
                WebhookEvent.status == "received",
            )
            .order_by(
                WebhookEvent.occurred_at,
                # At the same instant a creation goes first, a deletion last.
                func.strpos(
                    text("'creation,propertyChange,associationChange,restore,merge,deletion'"),
                    func.split_part(WebhookEvent.payload["subscriptionType"].astext, ".", 2),
                ),
                WebhookEvent.received_at,
                WebhookEvent.id,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(result.all())

    async def finish_many(self, results: Sequence[dict[str, Any]], *, at: datetime) -> None:
        """Record each event's outcome ({id, status, error}) in one statement."""
        await self.session.execute(_FINISH, {"rows": _json(results), "at": at})


class HubspotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def integrations_by_portal(self, portal_ids: set[int]) -> dict[int, Integration]:
        """The connected HubSpot integration of each portal a connect flow proved (as
        `_INSERT_NEW_HUBSPOT_EVENTS` routes)."""
        # Out of BIGINT range is no portal anyone proved (and must not reach the database).
        wanted = [p for p in portal_ids if -(2**63) <= p < 2**63]
        if not wanted:
            return {}
        result = await self.session.scalars(
            select(Integration).where(
                Integration.type == IntegrationType.hubspot,
                Integration.status != IntegrationStatus.disconnected,
                Integration.hubspot_portal_id.in_(wanted),
            )
        )
        return {i.hubspot_portal_id: i for i in result.all() if i.hubspot_portal_id is not None}

    async def integration(self, workspace_id: uuid.UUID) -> Integration | None:
        return await self.session.scalar(
            select(Integration).where(
                Integration.workspace_id == workspace_id,
                Integration.type == IntegrationType.hubspot,
            )
        )

    async def stages(self, workspace_id: uuid.UUID) -> list[PipelineStage]:
        result = await self.session.scalars(
            select(PipelineStage).where(PipelineStage.workspace_id == workspace_id)
        )
        return list(result.all())

    async def member_ids(self, workspace_id: uuid.UUID) -> set[uuid.UUID]:
        result = await self.session.scalars(
            select(Membership.user_id).where(Membership.workspace_id == workspace_id)
        )
        return set(result.all())

    async def deals_locked(self, workspace_id: uuid.UUID, object_ids: Sequence[int]) -> list[Any]:
        """The workspace's deals with these HubSpot ids, locked (in id order) for the batch."""
        result = await self.session.execute(
            select(*[Deal.__table__.c[name] for name in DEAL_COLUMNS])
            .where(
                Deal.workspace_id == workspace_id,
                Deal.source == DealSource.hubspot,
                Deal.external_id.in_([str(i) for i in object_ids]),
            )
            .order_by(Deal.id)
            .with_for_update()
        )
        return list(result.all())

    async def versions_locked(
        self, workspace_id: uuid.UUID, object_ids: Sequence[int]
    ) -> dict[tuple[int, str], datetime]:
        """Every stored property version of these objects, locked until the batch commits."""
        version = HubspotPropertyVersion
        result = await self.session.execute(
            select(version.object_id, version.property, version.occurred_at)
            .where(version.workspace_id == workspace_id, version.object_id.in_(object_ids))
            .order_by(version.object_id, version.property)
            .with_for_update()
        )
        return {(row.object_id, row.property): row.occurred_at for row in result.all()}

    async def claim_versions(
        self, workspace_id: uuid.UUID, versions: dict[tuple[int, str], datetime]
    ) -> int:
        """Store these versions where none is newer; how many were stored."""
        rows = [
            {"object_id": object_id, "property": prop, "occurred_at": occurred_at}
            # In key order, the order the batch read (and locked) the stored ones in.
            for (object_id, prop), occurred_at in sorted(versions.items())
        ]
        result = await self.session.execute(
            _CLAIM_VERSIONS, {"workspace_id": workspace_id, "rows": _json(rows)}
        )
        return len(result.all())

    async def claim_version(
        self, workspace_id: uuid.UUID, object_id: int, prop: str, occurred_at: datetime
    ) -> bool:
        """Record `occurred_at` as the property's version; False if a newer one is stored."""
        statement = insert(HubspotPropertyVersion).values(
            workspace_id=workspace_id, object_id=object_id, property=prop, occurred_at=occurred_at
        )
        claimed = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=[
                    HubspotPropertyVersion.workspace_id,
                    HubspotPropertyVersion.object_id,
                    HubspotPropertyVersion.property,
                ],
                set_={"occurred_at": statement.excluded.occurred_at},
                where=HubspotPropertyVersion.occurred_at < statement.excluded.occurred_at,
            ).returning(HubspotPropertyVersion.object_id)
        )
        return claimed is not None


# The deal columns the processing job reads and writes (all but workspace, source and
# last_activity_at, which it never changes).
DEAL_COLUMNS = (
    "id",
    "external_id",
    "title",
    "amount",
    "currency",
    "stage_id",
    "probability_override",
    "expected_close_date",
    "contact_name",
    "contact_email",
    "company",
    "owner_id",
    "closed_at",
    "lost_reason",
    "stage_entered_at",
    "close_date_push_count",
    "archived_at",
    "created_at",
    "updated_at",
)
_DEAL_RECORD = """
    id uuid, external_id text, title text, amount numeric, currency text, stage_id uuid,
    probability_override numeric, expected_close_date date, contact_name text,
    contact_email text, company text, owner_id uuid, closed_at timestamptz, lost_reason text,
    stage_entered_at timestamptz, close_date_push_count int, archived_at timestamptz,
    created_at timestamptz, updated_at timestamptz
"""
_INSERT_DEALS = text(
    f"""
    insert into deal (workspace_id, source, {", ".join(DEAL_COLUMNS)})
    select :workspace_id, 'hubspot', {", ".join("r." + c for c in DEAL_COLUMNS)}
    from jsonb_to_recordset(cast(:rows as jsonb)) as r({_DEAL_RECORD})
    """
)
_UPDATE_DEALS = text(
    f"""
    update deal as d
    set {", ".join(f"{c} = r.{c}" for c in DEAL_COLUMNS if c not in ("id", "external_id"))}
    from jsonb_to_recordset(cast(:rows as jsonb)) as r({_DEAL_RECORD})
    where d.id = r.id and d.workspace_id = :workspace_id
    """
)
_INSERT_STAGE_CHANGES = text(
    """
    insert into deal_stage_change
        (id, workspace_id, deal_id, from_stage_id, to_stage_id, changed_at, changed_by_id, source)
    select r.id, :workspace_id, r.deal_id, r.from_stage_id, r.to_stage_id, r.changed_at, null,
           cast(:source as change_source)
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        id uuid, deal_id uuid, from_stage_id uuid, to_stage_id uuid, changed_at timestamptz
    )
    """
)
_INSERT_CLOSE_DATE_CHANGES = text(
    """
    insert into deal_close_date_change
        (id, workspace_id, deal_id, from_date, to_date, changed_at, changed_by_id, source)
    select r.id, :workspace_id, r.deal_id, r.from_date, r.to_date, r.changed_at, null,
           cast(:source as change_source)
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        id uuid, deal_id uuid, from_date date, to_date date, changed_at timestamptz
    )
    """
)
_INSERT_SYSTEM_ACTIVITIES = text(
    """
    insert into activity
        (id, workspace_id, deal_id, type, system_event, subject, completed_at, occurred_at,
         source, details, created_at, updated_at)
    select r.id, :workspace_id, r.deal_id, 'system', r.system_event, r.subject, r.occurred_at,
           r.occurred_at, r.source, r.details, :now, :now
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        id uuid, deal_id uuid, system_event system_event, subject text,
        occurred_at timestamptz, source deal_source, details jsonb
    )
    """
)
_CLAIM_VERSIONS = text(
    """
    insert into hubspot_property_version as v (workspace_id, object_id, property, occurred_at)
    select :workspace_id, r.object_id, r.property, r.occurred_at
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(
        object_id bigint, property text, occurred_at timestamptz
    )
    on conflict (workspace_id, object_id, property) do update
        set occurred_at = excluded.occurred_at
        where v.occurred_at < excluded.occurred_at
    returning v.object_id
    """
)
_FINISH = text(
    """
    update webhook_event as e
    set status = r.status, error = r.error, processed_at = :at
    from jsonb_to_recordset(cast(:rows as jsonb)) as r(id uuid, status text, error text)
    where e.id = r.id
    """
)
_NOTIFY = text(
    "select count(pg_notify(:channel, p)) "
    "from jsonb_array_elements_text(cast(:payloads as jsonb)) as p"
)


class DealBatchRepository:
    """Writes of one processed batch: its new and changed deals, history, timeline, notices."""

    def __init__(self, session: AsyncSession, workspace_id: uuid.UUID) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def insert_deals(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._write(_INSERT_DEALS, rows)

    async def update_deals(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._write(_UPDATE_DEALS, rows)

    async def insert_stage_changes(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._write(_INSERT_STAGE_CHANGES, rows, source="hubspot")

    async def insert_close_date_changes(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._write(_INSERT_CLOSE_DATE_CHANGES, rows, source="hubspot")

    async def insert_system_activities(self, rows: Sequence[dict[str, Any]], now: datetime) -> None:
        await self._write(_INSERT_SYSTEM_ACTIVITIES, rows, now=now)

    async def notify(self, channel: str, payloads: Sequence[str]) -> None:
        """pg_notify each payload on `channel` (delivered on commit), in one round trip."""
        if payloads:
            await self.session.execute(
                _NOTIFY, {"channel": channel, "payloads": json.dumps(payloads)}
            )

    async def _write(self, statement: Any, rows: Sequence[dict[str, Any]], **params: Any) -> None:
        if rows:
            await self.session.execute(
                statement, {"workspace_id": self.workspace_id, "rows": _json(rows), **params}
            )


def _json(rows: Sequence[dict[str, Any]]) -> str:
    # UUIDs, Decimals, dates and datetimes as their text forms, which Postgres casts back.
    return json.dumps(list(rows), default=str)
