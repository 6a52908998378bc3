import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

from backend.deals.currency import Currency
from backend.models import ChangeSource, DealSource, StageKind
from backend.pipelines.schemas import Probability
from kit.fields import BoundedDate, Numeric, UtcDatetime
from kit.schemas import ReadModel, RequestModel


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# What deal.amount (numeric(18, 2)) holds: 0 to 9999999999999999.99, in cents.
Amount = Annotated[Decimal, Numeric(18, 2, ge=0)]
# Blank strings (an empty form field or CSV cell) mean "not set".
ShortText = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None,
    BeforeValidator(_blank_to_none),
]
LongText = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] | None,
    BeforeValidator(_blank_to_none),
]
Email = Annotated[
    Annotated[EmailStr, StringConstraints(max_length=320)] | None,
    BeforeValidator(_blank_to_none),
]

DealSort = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "amount",
    "-amount",
    "expected_close_date",
    "-expected_close_date",
    "title",
    "-title",
]


class _DealFields(RequestModel):
    """Editable fields shared by create, update and upsert (all optional here)."""

    amount: Amount | None = None
    currency: Currency | None = None
    stage_id: uuid.UUID | None = None
    probability_override: Probability | None = None
    expected_close_date: BoundedDate | None = None
    contact_name: ShortText = None
    contact_email: Email = None
    company: ShortText = None
    owner_id: uuid.UUID | None = None
    lost_reason: LongText = None


class DealCreate(_DealFields):
    """A new deal; the stage defaults to the first open stage, the owner to the caller."""

    title: Title
    amount: Amount = Decimal("0.00")
    currency: Currency = "USD"
    source: DealSource = DealSource.manual
    external_id: ShortText = None


class DealUpdate(_DealFields):
    """Only the fields sent change; `null` clears an optional field."""

    title: Title | None = None
    source: DealSource | None = None
    external_id: ShortText = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> "DealUpdate":
        for name in ("title", "amount", "currency", "stage_id", "source"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class DealUpsert(_DealFields):
    """Fields an import or sync sets on a deal; on update, only the fields given change."""

    title: Title
    closed_at: UtcDatetime | None = None
    # When the deal was created in the system it comes from (creation only).
    created_at: UtcDatetime | None = None


class DealRead(ReadModel):
    id: uuid.UUID
    title: str
    amount: Decimal
    currency: str
    stage_id: uuid.UUID
    stage_name: str
    stage_kind: StageKind
    probability: Decimal
    probability_override: Decimal | None
    expected_close_date: date | None
    contact_name: str | None
    contact_email: str | None
    company: str | None
    source: DealSource
    external_id: str | None
    owner_id: uuid.UUID | None
    closed_at: datetime | None
    lost_reason: str | None
    stage_entered_at: datetime
    last_activity_at: datetime | None
    close_date_push_count: int
    is_rotting: bool
    created_at: datetime
    updated_at: datetime


class DealFilters(BaseModel):
    """Query parameters of the deal list."""

    model_config = ConfigDict(extra="forbid")

    stage_id: list[uuid.UUID] = Field(default_factory=list)
    owner_id: uuid.UUID | None = None
    source: DealSource | None = None
    status: StageKind | None = None
    close_date_from: BoundedDate | None = None
    close_date_to: BoundedDate | None = None
    amount_min: Amount | None = None
    amount_max: Amount | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    sort: DealSort = "-created_at"
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: str | None = None


class StageChangeRead(ReadModel):
    id: uuid.UUID
    from_stage_id: uuid.UUID | None
    from_stage_name: str | None
    to_stage_id: uuid.UUID | None
    to_stage_name: str | None
    changed_at: datetime
    changed_by_id: uuid.UUID | None
    changed_by_name: str | None
    source: ChangeSource
    # Time the deal spent in from_stage before this change; null for the first entry.
    days_in_previous_stage: float | None


class CloseDateChangeRead(ReadModel):
    id: uuid.UUID
    from_date: date | None
    to_date: date | None
    changed_at: datetime
    changed_by_id: uuid.UUID | None
    changed_by_name: str | None
    source: ChangeSource

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pushed(self) -> bool:
        """Moved later than before: a slip."""
        return is_push(self.from_date, self.to_date)


def is_push(old: date | None, new: date | None) -> bool:
    return old is not None and new is not None and new > old


class DealHistory(BaseModel):
    stage_changes: list[StageChangeRead]
    close_date_changes: list[CloseDateChangeRead]
