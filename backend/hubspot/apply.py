"""Apply what HubSpot returned to one workspace: stages, owner map, deals, activities.

Each function works inside the caller's transaction and returns counts for the sync log;
a record that cannot be applied is skipped and reported, the rest of its page goes on.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.activities.repository import ActivityRepository
from backend.deals import service as deals
from backend.deals.repository import DealRepository
from backend.deals.schemas import DealUpsert
from backend.events.publisher import publish
from backend.hubspot import mapping
from backend.hubspot.repository import HubspotSyncRepository
from backend.models import ChangeSource, DealSource, Integration, PipelineStage
from backend.webhooks.repository import HubspotRepository
from kit.errors import AppError

# The deal properties whose newest version `hubspot_property_version` tracks for webhooks.
_VERSIONED = {
    "title": "dealname",
    "amount": "amount",
    "expected_close_date": "closedate",
    "stage_id": "dealstage",
    "owner_id": "hubspot_owner_id",
}


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def problem(self, kind: str, hubspot_id: str, message: str) -> None:
        self.add(f"{kind}s_skipped")
        self.problems.append({"object": kind, "hubspot_id": hubspot_id, "message": message})


async def stages(
    session: AsyncSession, workspace_id: uuid.UUID, pipelines: list[dict[str, Any]]
) -> Outcome:
    """Make our pipeline HubSpot's: its stages in its order, ours that hold no deals removed."""
    specs = mapping.stages(pipelines)
    repository = HubspotSyncRepository(session)
    existing = await repository.stages(workspace_id)
    by_external = {s.external_id: s for s in existing if s.external_id}
    by_name = {s.name.lower(): s for s in existing if not s.external_id}
    matched: list[tuple[PipelineStage, mapping.StageSpec]] = []
    for spec in specs:
        stage = by_external.pop(spec.external_id, None) or by_name.pop(spec.name.lower(), None)
        if stage is None:
            stage = PipelineStage(
                workspace_id=workspace_id,
                name=f"~sync~{uuid.uuid4()}",
                position=spec.position,
                probability=spec.probability,
                kind=spec.kind,
            )
            session.add(stage)
        matched.append((stage, spec))
    in_use = await repository.stages_in_use(workspace_id)
    leftovers = [s for s in [*by_external.values(), *by_name.values()] if s.id in in_use]
    for stage in [*by_external.values(), *by_name.values()]:
        if stage.id not in in_use:
            await repository.delete_stage(stage)
    # Names are unique: park every name first, so swaps and renames cannot collide.
    for stage, _ in matched:
        stage.name = f"~sync~{uuid.uuid4()}"
    await session.flush()
    outcome = Outcome()
    changed_kind = []
    for stage, spec in matched:
        if stage.kind != spec.kind and stage.id in in_use:
            changed_kind.append(stage)
        stage.external_id, stage.name, stage.position = spec.external_id, spec.name, spec.position
        stage.probability, stage.kind = spec.probability, spec.kind
    taken = {spec.name.lower() for spec in specs}
    for offset, stage in enumerate(leftovers, start=len(specs)):
        stage.position = offset
        if stage.name.lower() in taken:
            stage.name = f"{stage.name[:90]} (old)"
    await session.flush()
    for stage in changed_kind:
        await deals.sync_closed_at_with_stage(session, workspace_id=workspace_id, stage=stage)
    outcome.add("stages", len(specs))
    return outcome


async def owners(
    session: AsyncSession, integration: Integration, records: list[dict[str, Any]]
) -> Outcome:
    """Map each HubSpot owner to the member with the same email (kept in config.owner_map)."""
    members = await HubspotSyncRepository(session).members_by_email(integration.workspace_id)
    owner_map = {
        str(owner["id"]): str(members[email])
        for owner in records
        if (email := str(owner.get("email") or "").strip().lower()) in members
    }
    integration.config = {**integration.config, "owner_map": owner_map}
    await session.flush()
    outcome = Outcome()
    outcome.add("owners", len(records))
    outcome.add("owners_mapped", len(owner_map))
    return outcome


async def deal_page(
    session: AsyncSession, integration: Integration, records: list[dict[str, Any]]
) -> Outcome:
    outcome = Outcome()
    stage_ids = await HubspotSyncRepository(session).stage_ids_by_external_id(
        integration.workspace_id
    )
    for record in records:
        hubspot_id = str(record["id"])
        if record.get("archived"):
            outcome.add("deals_archived_skipped")
            continue
        try:
            async with session.begin_nested():
                created = await _deal(session, integration, record, stage_ids)
        except (_Skip, AppError) as exc:
            outcome.problem("deal", hubspot_id, str(exc))
            continue
        outcome.add("deals_created" if created else "deals_updated")
    return outcome


async def engagement_page(
    session: AsyncSession,
    integration: Integration,
    object_type: str,
    records: list[dict[str, Any]],
    deal_ids_of: dict[str, list[str]],
) -> Outcome:
    """Each engagement as an activity on the first of its deals that we have."""
    outcome = Outcome()
    repository = HubspotSyncRepository(session)
    wanted = sorted({d for ids in deal_ids_of.values() for d in ids})
    our_deals = await repository.deal_ids_by_external_id(integration.workspace_id, wanted)
    owner_map = integration.config.get("owner_map") or {}
    now = datetime.now(UTC)
    for record in records:
        hubspot_id = str(record["id"])
        deal_id = next(
            (our_deals[d] for d in deal_ids_of.get(hubspot_id, []) if d in our_deals), None
        )
        if deal_id is None:
            outcome.add("activities_without_deal")
            continue
        values = mapping.activity_values(object_type, record)
        owner = owner_map.get(str((record.get("properties") or {}).get("hubspot_owner_id")))
        activity, inserted = await repository.upsert_activity(
            {
                **values,
                "workspace_id": integration.workspace_id,
                "deal_id": deal_id,
                "owner_id": uuid.UUID(owner) if owner else None,
                "source": DealSource.hubspot,
                "created_at": now,
                "updated_at": now,
            }
        )
        if activity.completed_at is not None:
            await ActivityRepository(session).touch_deal(
                integration.workspace_id, deal_id, activity.occurred_at
            )
        await publish(
            session,
            workspace_id=integration.workspace_id,
            type="activity.created" if inserted else "activity.updated",
            data={"id": str(activity.id), "deal_id": str(deal_id), "type": activity.type.value},
        )
        outcome.add("activities_created" if inserted else "activities_updated")
    return outcome


class _Skip(Exception):
    """This record cannot be applied (the reason goes to the sync log)."""


async def _deal(
    session: AsyncSession,
    integration: Integration,
    record: dict[str, Any],
    stage_ids: dict[str, uuid.UUID],
) -> bool:
    props = record.get("properties") or {}
    fields = mapping.deal_fields(record)
    stage = str(props.get("dealstage") or "")
    if stage not in stage_ids:
        raise _Skip(f"stage {stage!r} is in no synced pipeline")
    fields["stage_id"] = stage_ids[stage]
    fields.setdefault("currency", integration.config.get("currency") or "USD")
    owner = str(props.get("hubspot_owner_id") or "")
    owner_map = integration.config.get("owner_map") or {}
    if not owner:
        fields["owner_id"] = None
    elif owner in owner_map:
        fields["owner_id"] = uuid.UUID(owner_map[owner])
    hubspot_id = str(record["id"])
    existing = await DealRepository(session).get_by_external_id(
        integration.workspace_id, DealSource.hubspot, hubspot_id
    )
    modified = mapping.modified_at(record)
    if modified is not None:
        newer = await _claim_versions(session, integration.workspace_id, hubspot_id, modified)
        if existing is not None:
            fields = {k: v for k, v in fields.items() if k not in newer}
    try:
        # An update changes only the fields given; the placeholder title only passes validation.
        checked = DealUpsert.model_validate(
            fields if existing is None else {"title": "-", **fields}
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _Skip(f"invalid value from HubSpot: {problems}") from exc
    if existing is not None:
        given = set(fields) - {"created_at"}
        checked = DealUpsert.model_construct(
            _fields_set=given, **{name: getattr(checked, name) for name in given}
        )
    _, created = await deals.upsert_by_external_id(
        session,
        workspace_id=integration.workspace_id,
        source=DealSource.hubspot,
        external_id=hubspot_id,
        fields=checked,
        actor_id=None,
        change_source=ChangeSource.hubspot,
        occurred_at=modified,
    )
    return created


async def _claim_versions(
    session: AsyncSession, workspace_id: uuid.UUID, hubspot_id: str, modified: datetime
) -> set[str]:
    """Record this snapshot as each property's version; the fields a webhook set more recently."""
    versions = HubspotRepository(session)
    newer = set()
    for name, prop in _VERSIONED.items():
        if not await versions.claim_version(workspace_id, int(hubspot_id), prop, modified):
            newer.add(name)
    return newer
