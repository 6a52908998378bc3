"""One CSV cell into a typed value, with a reason a person can act on when it cannot be."""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from backend.models import StageKind

_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_SLASHED_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_NAME_AND_EMAIL = re.compile(r"^(?P<name>.*?)\s*\((?P<email>[^()\s]+@[^()\s]+)\)$")
CENT = Decimal("0.01")
# deal.amount is numeric(18, 2): 16 digits before the point.
MAX_AMOUNT_DIGITS = 16


class CellError(ValueError):
    """The cell's value cannot be used; the message is the row error's reason."""


def _shown(value: str) -> str:
    return value if len(value) <= 50 else value[:47] + "..."


def parse_amount(value: str) -> Decimal:
    """`12500`, `12500.5`, `12,500.50`; rounded to cents."""
    text = value.replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise CellError(f"bad amount '{_shown(value)}': expected a number like 12500.00")
    if amount < 0:
        raise CellError(f"bad amount '{_shown(value)}': must not be negative")
    if amount.adjusted() >= MAX_AMOUNT_DIGITS:
        # Rounding such a number to cents would overflow, and no deal amount is that big.
        raise CellError(f"bad amount '{_shown(value)}': must be below 10^{MAX_AMOUNT_DIGITS}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_date(value: str) -> date:
    """ISO dates, optionally with a time (`2025-03-31`, `2025-03-31 17:00`), or `2025/03/31`."""
    slashed = _SLASHED_ISO.match(value)
    if slashed:
        value = "-".join(part.zfill(2) for part in slashed.groups())
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise CellError(f"bad date '{_shown(value)}': expected a date like 2025-03-31") from None


def parse_datetime(value: str) -> datetime:
    """An ISO date or date-time; without a time zone it is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return midnight_utc(parse_date(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def parse_contact(value: str) -> tuple[str | None, str | None]:
    """HubSpot's associated contact: `Jane Doe (jane@acme.com)`; the first of several."""
    first = value.split(";", 1)[0].strip()
    found = _NAME_AND_EMAIL.match(first)
    if found:
        return found["name"] or None, found["email"]
    if "@" in first and " " not in first:
        return None, first
    return first or None, None


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Stage:
    id: uuid.UUID
    name: str
    kind: StageKind


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    email: str
    name: str


@dataclass
class Lookups:
    """The workspace's stages (by name) and members (by email or name), for one import."""

    stages: list[Stage]
    members: list[Member]
    _stage_by_name: dict[str, Stage] = field(init=False)
    _stage_by_id: dict[uuid.UUID, Stage] = field(init=False)
    _by_email: dict[str, uuid.UUID] = field(init=False)
    _by_name: dict[str, uuid.UUID | None] = field(init=False)

    def __post_init__(self) -> None:
        self._stage_by_name = {_key(s.name): s for s in self.stages}
        self._stage_by_id = {s.id: s for s in self.stages}
        # HubSpot's closed stages are "Closed Won"/"Closed Lost": the only won/lost stage.
        for kind in (StageKind.won, StageKind.lost):
            of_kind = [s for s in self.stages if s.kind == kind]
            if len(of_kind) == 1:
                self._stage_by_name.setdefault(f"closed {kind.value}", of_kind[0])
        self._by_email = {m.email.casefold(): m.user_id for m in self.members}
        self._by_name = {}
        for m in self.members:
            key = _key(m.name)
            self._by_name[key] = None if key in self._by_name else m.user_id

    @classmethod
    def build(cls, stages: Iterable[Stage], members: Iterable[Member]) -> "Lookups":
        return cls(stages=list(stages), members=list(members))

    def stage_id(self, value: str) -> uuid.UUID:
        stage = self._stage_by_name.get(_key(value))
        if stage is None:
            names = ", ".join(s.name for s in self.stages)
            raise CellError(f"unknown stage '{_shown(value)}' (the pipeline has: {names})")
        return stage.id

    def stage_kind(self, stage_id: uuid.UUID) -> StageKind:
        return self._stage_by_id[stage_id].kind

    def owner_id(self, value: str) -> uuid.UUID:
        """A member by email, or by name when exactly one member has it."""
        if "@" in value:
            found = self._by_email.get(value.casefold())
            if found is None:
                raise CellError(f"unknown owner '{_shown(value)}': no member has this email")
            return found
        key = _key(value)
        if key not in self._by_name:
            raise CellError(f"unknown owner '{_shown(value)}': no member has this name")
        by_name = self._by_name[key]
        if by_name is None:
            raise CellError(
                f"ambiguous owner '{_shown(value)}': several members have this name; use an email"
            )
        return by_name
