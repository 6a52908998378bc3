"""A batch of HubSpot events' effect on deals, worked out in memory and written at once.

The rules are the deals service's (`backend/deals/service.py`, `history.py`): a new deal
enters its stage (the first open one unless given) with a creation entry in the stage
history, the close-date history and the timeline; a stage move opens or closes the deal as
the new stage's kind says and records the days spent in the old one; a later close date
counts as a push. What differs is when it reaches the database: the batch's deals,
property versions and stages are read once, every event is applied to that state in
order, and the result is written in one statement per table (`DealBatchRepository`), with
one change notice per deal instead of one per row.

`begin()` / `rollback()` give each event what a savepoint gave it: an event that fails
leaves no trace in the batch.
"""

import dataclasses
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backend.deals.history import (
    close_date_moved_entry,
    closed_at_after_move,
    days_in_stage,
    stage_moved_entry,
)
from backend.deals.schemas import DealUpsert, is_push
from backend.deals.validation import no_open_stage, owner_not_member, unknown_stage
from backend.events.publisher import CHANNEL
from backend.models import PipelineStage, StageKind, SystemEvent
from backend.webhooks.repository import DEAL_COLUMNS, DealBatchRepository

# Columns that can never be empty: a null for them from a sync means "leave as is".
_REQUIRED = ("title", "amount", "currency", "stage_id", "source")
_SUBJECT_MAX = 300


@dataclass
class DealState:
    """A deal row as the batch has it so far."""

    id: uuid.UUID
    external_id: str
    title: str
    amount: Decimal
    currency: str
    stage_id: uuid.UUID
    stage_entered_at: datetime
    created_at: datetime
    updated_at: datetime
    probability_override: Decimal | None = None
    expected_close_date: date | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    company: str | None = None
    owner_id: uuid.UUID | None = None
    closed_at: datetime | None = None
    lost_reason: str | None = None
    close_date_push_count: int = 0
    archived_at: datetime | None = None
    # Bookkeeping, not columns: inserted by this batch, fields changed, last timeline entry.
    new: bool = False
    changed: list[str] = field(default_factory=list)
    last_entry: uuid.UUID | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DEAL_COLUMNS}

    def set(self, name: str, value: Any, now: datetime) -> None:
        if getattr(self, name) == value:
            return
        setattr(self, name, value)
        self.updated_at = now
        if name not in self.changed:
            self.changed.append(name)


@dataclass
class _Undo:
    lengths: tuple[int, int, int]
    deals: dict[int, DealState | None] = field(default_factory=dict)
    versions: dict[tuple[int, str], datetime | None] = field(default_factory=dict)
    fetch: bool = False


class DealBatch:
    def __init__(
        self,
        workspace_id: uuid.UUID,
        *,
        now: datetime,
        deals: list[Any],
        versions: dict[tuple[int, str], datetime],
        stages: list[PipelineStage],
        member_ids: set[uuid.UUID],
    ) -> None:
        self.workspace_id = workspace_id
        self.now = now
        self.deals: dict[int, DealState] = {
            int(row.external_id): DealState(**row._asdict()) for row in deals
        }
        self.versions = versions
        self._stored_versions = dict(versions)
        self.stages = {s.id: s for s in stages}
        self.stages_by_external_id = {s.external_id: s for s in stages if s.external_id}
        self.member_ids = member_ids
        self.stage_changes: list[dict[str, Any]] = []
        self.close_date_changes: list[dict[str, Any]] = []
        self.timeline: list[dict[str, Any]] = []
        # A deal was first heard of: an incremental sync should fetch the rest of it.
        self.fetch = False
        self._undo: _Undo | None = None

    # Per-event savepoints

    def begin(self) -> None:
        lengths = (len(self.stage_changes), len(self.close_date_changes), len(self.timeline))
        self._undo = _Undo(lengths, fetch=self.fetch)

    def rollback(self) -> None:
        undo = self._undo
        assert undo is not None
        del self.stage_changes[undo.lengths[0] :]
        del self.close_date_changes[undo.lengths[1] :]
        del self.timeline[undo.lengths[2] :]
        for object_id, deal in undo.deals.items():
            if deal is None:
                self.deals.pop(object_id, None)
            else:
                self.deals[object_id] = deal
        for key, version in undo.versions.items():
            if version is None:
                self.versions.pop(key, None)
            else:
                self.versions[key] = version
        self.fetch = undo.fetch
        self._undo = None

    def _keep(self, object_id: int) -> None:
        """Remember the deal as it was before this event's first change to it."""
        if self._undo is not None and object_id not in self._undo.deals:
            deal = self.deals.get(object_id)
            kept = dataclasses.replace(deal, changed=list(deal.changed)) if deal else None
            self._undo.deals[object_id] = kept

    # Lookups

    def existing(self, object_id: int) -> DealState | None:
        return self.deals.get(object_id)

    def stage_by_external_id(self, external_id: str) -> PipelineStage | None:
        return self.stages_by_external_id.get(external_id)

    def claim(self, object_id: int, prop: str, occurred_at: datetime) -> bool:
        """Take `occurred_at` as the property's version; False if a newer one is stored."""
        key = (object_id, prop)
        current = self.versions.get(key)
        if current is not None and current >= occurred_at:
            return False
        if self._undo is not None and key not in self._undo.versions:
            self._undo.versions[key] = current
        self.versions[key] = occurred_at
        return True

    def claimed_versions(self) -> dict[tuple[int, str], datetime]:
        """The versions the batch's applied events took (newer than the stored ones)."""
        return {
            key: version
            for key, version in self.versions.items()
            if self._stored_versions.get(key) != version
        }

    # Deal changes (the deals service's rules)

    def insert(self, object_id: int, fields: DealUpsert, *, when: datetime) -> DealState:
        values = fields.model_dump(exclude_unset=True)
        when = values.pop("created_at", None) or when
        values = {k: v for k, v in values.items() if v is not None or k not in _REQUIRED}
        stage = self._resolve_stage(values.pop("stage_id", None))
        self._check_owner(values.get("owner_id"))
        closed_at = values.pop("closed_at", None)
        deal = DealState(
            **{"amount": Decimal("0.00"), "currency": "USD", **values},
            id=uuid.uuid4(),
            external_id=str(object_id),
            stage_id=stage.id,
            stage_entered_at=when,
            closed_at=None if stage.kind == StageKind.open else (closed_at or when),
            created_at=when,
            updated_at=when,
            new=True,
        )
        self._keep(object_id)
        self.deals[object_id] = deal
        self.fetch = True
        self._stage_change(deal, None, stage.id, when)
        if deal.expected_close_date is not None:
            self._close_date_change(deal, None, deal.expected_close_date, when)
        self.history_entry(
            deal,
            SystemEvent.deal_created,
            f"Deal created in {stage.name}",
            {"stage_id": str(stage.id), "stage": stage.name},
            when,
        )
        return deal

    def apply(self, deal: DealState, fields: DealUpsert, *, when: datetime) -> None:
        """A partial change: only the fields set on `fields`."""
        changes = fields.model_dump(exclude_unset=True)
        changes.pop("created_at", None)
        changes = {k: v for k, v in changes.items() if v is not None or k not in _REQUIRED}
        stage = self.stages[deal.stage_id]
        new_stage = None
        if changes.get("stage_id", deal.stage_id) != deal.stage_id:
            new_stage = self._resolve_stage(changes["stage_id"])
        if changes.get("owner_id") not in (None, deal.owner_id):
            self._check_owner(changes["owner_id"])
        self._keep(int(deal.external_id))
        deal = self.deals[int(deal.external_id)]
        if new_stage is not None:
            self._move_stage(deal, stage, new_stage, when)
            stage = new_stage
        if "expected_close_date" in changes:
            self._move_close_date(deal, changes["expected_close_date"], when)
        closed_at = changes.pop("closed_at", None)
        if closed_at is not None and stage.kind != StageKind.open and closed_at != deal.closed_at:
            deal.set("closed_at", closed_at, self.now)
        for name, value in changes.items():
            if name in ("stage_id", "expected_close_date") or getattr(deal, name) == value:
                continue
            deal.set(name, value, self.now)

    def archive(self, deal: DealState, when: datetime | None) -> None:
        """Archive the deal at `when` (deleted or merged away in HubSpot); None restores it."""
        if (deal.archived_at is None) == (when is None):
            return
        self._keep(int(deal.external_id))
        self.deals[int(deal.external_id)].set("archived_at", when, self.now)

    def history_entry(
        self,
        deal: DealState,
        event: SystemEvent,
        subject: str,
        details: dict[str, Any],
        when: datetime,
    ) -> None:
        """A timeline entry of a change the deals service would record (source: HubSpot)."""
        self.entry(deal, event, subject, {**details, "change_source": "hubspot"}, when)

    def entry(
        self,
        deal: DealState,
        event: SystemEvent,
        subject: str,
        details: dict[str, Any],
        when: datetime,
    ) -> None:
        """A system entry on the deal's timeline, from HubSpot."""
        self._keep(int(deal.external_id))
        deal = self.deals[int(deal.external_id)]
        deal.last_entry = uuid.uuid4()
        self.timeline.append(
            {
                "id": deal.last_entry,
                "deal_id": deal.id,
                "system_event": event.value,
                "subject": subject[:_SUBJECT_MAX],
                "occurred_at": when,
                "source": "hubspot",
                "details": details,
            }
        )

    # Writing

    async def write(self, repository: DealBatchRepository) -> None:
        """Everything the batch did, a statement per table, then one notice per deal."""
        deals = self.deals.values()
        await repository.insert_deals([d.row() for d in deals if d.new])
        await repository.update_deals([d.row() for d in deals if not d.new and d.changed])
        # History after the deals it refers to; its trigger then derives the stays from the
        # complete history.
        await repository.insert_stage_changes(self.stage_changes)
        await repository.insert_close_date_changes(self.close_date_changes)
        await repository.insert_system_activities(self.timeline, self.now)
        await repository.notify(CHANNEL, [n for d in deals if (n := self._notice(d))])

    def _notice(self, deal: DealState) -> str | None:
        if deal.new:
            kind = "deal.created"
            data: dict[str, Any] = {
                "id": str(deal.id),
                "title": deal.title,
                "stage_id": str(deal.stage_id),
            }
        elif deal.changed:
            kind, data = "deal.updated", {"id": str(deal.id), "fields": deal.changed}
        elif deal.last_entry is not None:
            kind = "activity.created"
            data = {"id": str(deal.last_entry), "deal_id": str(deal.id), "type": "system"}
        else:
            return None
        envelope = {"workspace_id": str(self.workspace_id), "type": kind, "data": data}
        return json.dumps(envelope, default=str)

    # The deals service's history rules

    def _move_stage(
        self, deal: DealState, old: PipelineStage, new: PipelineStage, when: datetime
    ) -> None:
        subject, details = stage_moved_entry(old, new, days_in_stage(deal.stage_entered_at, when))
        deal.set("stage_id", new.id, self.now)
        deal.stage_entered_at = when
        deal.set("closed_at", closed_at_after_move(old, new, deal.closed_at, when), self.now)
        if new.kind != StageKind.lost:
            deal.lost_reason = None
        self._stage_change(deal, old.id, new.id, when)
        self.history_entry(deal, SystemEvent.stage_changed, subject, details, when)

    def _move_close_date(self, deal: DealState, new: date | None, when: datetime) -> None:
        old = deal.expected_close_date
        if old == new:
            return
        deal.set("expected_close_date", new, self.now)
        if is_push(old, new):
            deal.close_date_push_count += 1
        self._close_date_change(deal, old, new, when)
        subject, details = close_date_moved_entry(old, new)
        self.history_entry(deal, SystemEvent.close_date_moved, subject, details, when)

    def _stage_change(
        self, deal: DealState, old: uuid.UUID | None, new: uuid.UUID, when: datetime
    ) -> None:
        self.stage_changes.append(
            {
                "id": uuid.uuid4(),
                "deal_id": deal.id,
                "from_stage_id": old,
                "to_stage_id": new,
                "changed_at": when,
            }
        )

    def _close_date_change(
        self, deal: DealState, old: date | None, new: date | None, when: datetime
    ) -> None:
        self.close_date_changes.append(
            {
                "id": uuid.uuid4(),
                "deal_id": deal.id,
                "from_date": old,
                "to_date": new,
                "changed_at": when,
            }
        )

    def _resolve_stage(self, stage_id: uuid.UUID | None) -> PipelineStage:
        """The given stage of the workspace, or its first open stage (as `validation` says)."""
        if stage_id is None:
            open_stages = [s for s in self.stages.values() if s.kind == StageKind.open]
            if not open_stages:
                raise no_open_stage()
            return min(open_stages, key=lambda s: (s.position, s.id))
        stage = self.stages.get(stage_id)
        if stage is None:
            raise unknown_stage()
        return stage

    def _check_owner(self, owner_id: uuid.UUID | None) -> None:
        if owner_id is not None and owner_id not in self.member_ids:
            raise owner_not_member()
