import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import AfterValidator, Field, StringConstraints, model_validator

from backend.models import ActivityType, DealSource, SystemEvent
from kit.fields import UtcDatetime
from kit.schemas import ReadModel, RequestModel

Subject = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Body = Annotated[str, StringConstraints(max_length=20_000)]


def _not_system(value: ActivityType) -> ActivityType:
    if value == ActivityType.system:
        raise ValueError(
            "system entries are written by VectorOS itself; use call, email, meeting, note or task"
        )
    return value


UserActivityType = Annotated[ActivityType, AfterValidator(_not_system)]


class ActivityCreate(RequestModel):
    type: UserActivityType
    subject: Subject
    body: Body | None = None
    scheduled_at: UtcDatetime | None = None
    completed_at: UtcDatetime | None = Field(
        default=None, description="Set when it is done; done activities keep a deal fresh."
    )
    owner_id: uuid.UUID | None = Field(
        default=None, description="A member of the workspace; defaults to you."
    )
    deal_id: uuid.UUID | None = None


class ActivityUpdate(RequestModel):
    """Only the fields sent change; send null to clear an optional one."""

    type: UserActivityType | None = None
    subject: Subject | None = None
    body: Body | None = None
    scheduled_at: UtcDatetime | None = None
    completed_at: UtcDatetime | None = None
    owner_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _required_fields_are_not_cleared(self) -> "ActivityUpdate":
        for name in ("type", "subject"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ActivityRead(ReadModel):
    id: uuid.UUID
    type: ActivityType
    system_event: SystemEvent | None
    subject: str
    body: str | None
    scheduled_at: datetime | None
    completed_at: datetime | None
    occurred_at: datetime
    owner_id: uuid.UUID | None
    deal_id: uuid.UUID | None
    source: DealSource
    details: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ActivityFilters:
    """Feed and timeline filters; `from` is inclusive, `to` exclusive, both on occurred_at."""

    types: list[ActivityType] | None = None
    owner_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    include_system: bool = True


def timeline_filters(
    type: Annotated[list[ActivityType] | None, Query(description="Repeat to combine.")] = None,
    owner_id: uuid.UUID | None = None,
    from_: Annotated[
        UtcDatetime | None, Query(alias="from", description="occurred_at >= from")
    ] = None,
    to: Annotated[UtcDatetime | None, Query(description="occurred_at < to")] = None,
    include_system: bool = True,
) -> ActivityFilters:
    return ActivityFilters(
        types=type or None,
        owner_id=owner_id,
        occurred_from=from_,
        occurred_to=to,
        include_system=include_system,
    )


def feed_filters(
    base: Annotated[ActivityFilters, Depends(timeline_filters)], deal_id: uuid.UUID | None = None
) -> ActivityFilters:
    return replace(base, deal_id=deal_id)
