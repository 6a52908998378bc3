"""HubSpot records as our stages, deal fields and activities. Pure functions, no I/O.

HubSpot sends every property as a string (or null), dates as ISO 8601 or epoch
milliseconds, and pipeline stage metadata as strings too ("0.2", "true").
"""

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from backend.models import ActivityType, StageKind
from kit.fields import to_utc

DEAL_PROPERTIES = (
    "dealname",
    "amount",
    "dealstage",
    "pipeline",
    "closedate",
    "createdate",
    "hubspot_owner_id",
    "hs_lastmodifieddate",
    "deal_currency_code",
)
ENGAGEMENT_TYPES: dict[str, ActivityType] = {
    "calls": ActivityType.call,
    "meetings": ActivityType.meeting,
    "notes": ActivityType.note,
    "emails": ActivityType.email,
    "tasks": ActivityType.task,
}
# Per engagement type: (subject property, body property, default subject).
_TEXT_PROPERTIES = {
    "calls": ("hs_call_title", "hs_call_body", "Call"),
    "meetings": ("hs_meeting_title", "hs_meeting_body", "Meeting"),
    "notes": (None, "hs_note_body", "Note"),
    "emails": ("hs_email_subject", "hs_email_text", "Email"),
    "tasks": ("hs_task_subject", "hs_task_body", "Task"),
}
ENGAGEMENT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "calls": ("hs_call_status", "hs_call_duration", "hs_call_direction"),
    "meetings": ("hs_meeting_start_time", "hs_meeting_end_time", "hs_meeting_outcome"),
    "notes": (),
    "emails": ("hs_email_direction", "hs_email_status"),
    "tasks": ("hs_task_status", "hs_task_priority", "hs_task_completion_date"),
}
MAX_NAME = 100
MAX_SUBJECT = 300
_LOST_LABEL = re.compile(r"\blost\b", re.IGNORECASE)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class StageSpec:
    external_id: str
    name: str
    position: int
    probability: Decimal
    kind: StageKind


def stages(pipelines: list[dict[str, Any]]) -> list[StageSpec]:
    """Every live stage of every pipeline, the default pipeline first, each in display order.

    Stage names are unique here, so a label repeated in another pipeline gets that
    pipeline's name in brackets ("Closed Lost (New Business Pipeline)").
    """
    ordered = sorted(
        (p for p in pipelines if _live(p)),
        key=lambda p: (not p.get("default", p.get("id") == "default"), _int(p.get("displayOrder"))),
    )
    specs: list[StageSpec] = []
    taken: set[str] = set()
    for pipeline in ordered:
        live = [s for s in pipeline.get("stages") or [] if _live(s)]
        for stage in sorted(live, key=lambda s: (_int(s.get("displayOrder")), str(s["label"]))):
            name = str(stage.get("label") or stage_id(stage)).strip()[:MAX_NAME]
            if name.lower() in taken:
                suffix = f" ({pipeline.get('label') or pipeline_id(pipeline)})"
                name = name[: MAX_NAME - len(suffix)] + suffix
            taken.add(name.lower())
            kind, probability = stage_kind(stage)
            specs.append(StageSpec(stage_id(stage), name, len(specs), probability, kind))
    return specs


def stage_kind(stage: dict[str, Any]) -> tuple[StageKind, Decimal]:
    """Won, lost or open, and the win probability in percent.

    HubSpot's rule: a closed stage is won at probability 1.0, otherwise lost. Portals also
    carry custom "Closed Lost" stages left open (isClosed "false", probability "0.1"); a
    sales team means lost by them, so an open stage labelled "lost" counts as lost.
    """
    metadata = stage.get("metadata") or {}
    probability = _probability(metadata.get("probability"))
    closed = str(metadata.get("isClosed", "false")).strip().lower() == "true"
    if closed:
        won = probability is not None and probability >= 100
        return (StageKind.won, Decimal("100.00")) if won else (StageKind.lost, Decimal("0.00"))
    if _LOST_LABEL.search(str(stage.get("label") or "")):
        return StageKind.lost, Decimal("0.00")
    return StageKind.open, probability if probability is not None else Decimal("0.00")


def stage_id(stage: dict[str, Any]) -> str:
    # v3 calls it `id`; the legacy v1 shape (still seen in exports) `stageId`.
    return str(stage.get("id") or stage.get("stageId"))


def pipeline_id(pipeline: dict[str, Any]) -> str:
    return str(pipeline.get("id") or pipeline.get("pipelineId"))


def deal_fields(record: dict[str, Any]) -> dict[str, Any]:
    """Our deal fields from a deal record; stage and owner stay HubSpot ids for the caller."""
    props = record.get("properties") or {}
    fields: dict[str, Any] = {}
    name = (props.get("dealname") or "").strip()
    fields["title"] = name[:MAX_SUBJECT] or f"HubSpot deal {record['id']}"
    amount = decimal_or_none(props.get("amount"))
    fields["amount"] = amount if amount is not None else Decimal("0.00")
    if props.get("deal_currency_code"):
        fields["currency"] = str(props["deal_currency_code"]).strip().upper()
    closes = instant(props.get("closedate"))
    fields["expected_close_date"] = closes.date() if closes else None
    created = instant(props.get("createdate")) or instant(record.get("createdAt"))
    if created is not None:
        fields["created_at"] = created
    if closes is not None:
        # A close date before the creation (seen in real portals) would close it before it began.
        fields["closed_at"] = max(closes, created) if created else closes
    return fields


def modified_at(record: dict[str, Any]) -> datetime | None:
    props = record.get("properties") or {}
    return instant(props.get("hs_lastmodifieddate")) or instant(record.get("updatedAt"))


def activity_values(object_type: str, record: dict[str, Any]) -> dict[str, Any]:
    """An engagement's activity columns (without workspace, deal and owner)."""
    props = record.get("properties") or {}
    subject_property, body_property, default = _TEXT_PROPERTIES[object_type]
    body = _plain(props.get(body_property)) if body_property else None
    subject = _plain(props.get(subject_property)) if subject_property else None
    if not subject and object_type == "notes" and body:
        subject = body.splitlines()[0]
    when = (
        instant(props.get("hs_timestamp")) or instant(record.get("createdAt")) or datetime.now(UTC)
    )
    scheduled_at, completed_at = _schedule(object_type, props, when)
    return {
        "type": ENGAGEMENT_TYPES[object_type],
        "subject": (subject or default)[:MAX_SUBJECT],
        "body": body or None,
        "scheduled_at": scheduled_at,
        "completed_at": completed_at,
        "occurred_at": completed_at or scheduled_at or when,
        "external_id": f"{object_type}:{record['id']}",
        "details": {
            "hubspot_id": str(record["id"]),
            "hubspot_type": object_type,
            **{
                name.removeprefix("hs_"): props[name]
                for name in ENGAGEMENT_PROPERTIES[object_type]
                if props.get(name) not in (None, "")
            },
        },
    }


def engagement_properties(object_type: str) -> list[str]:
    subject_property, body_property, _ = _TEXT_PROPERTIES[object_type]
    named = [p for p in (subject_property, body_property) if p]
    return [
        "hs_timestamp",
        "hubspot_owner_id",
        "hs_lastmodifieddate",
        *named,
        *ENGAGEMENT_PROPERTIES[object_type],
    ]


def associated_deal_ids(record: dict[str, Any]) -> list[str]:
    """Deal ids from a v3 record's `associations.deals.results`."""
    deals = ((record.get("associations") or {}).get("deals") or {}).get("results") or []
    return list(dict.fromkeys(str(item["id"]) for item in deals))


def instant(value: Any) -> datetime | None:
    """HubSpot's dates: epoch milliseconds or ISO 8601; None when empty or unreadable."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        if text.lstrip("-").isdigit():
            return to_utc(datetime.fromtimestamp(int(text) / 1000, tz=UTC))
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # Out of the range requests may hold (e.g. year 9999 with an offset): unreadable.
        return to_utc(parsed)
    except (ValueError, OverflowError, OSError):
        return None


def decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
        return number.quantize(Decimal("0.01")) if number.is_finite() else None
    except InvalidOperation:  # not a number, or too big to round to cents
        return None


def day(value: Any) -> date | None:
    moment = instant(value)
    return moment.date() if moment else None


def _schedule(
    object_type: str, props: dict[str, Any], when: datetime
) -> tuple[datetime | None, datetime | None]:
    now = datetime.now(UTC)
    if object_type == "meetings":
        start = instant(props.get("hs_meeting_start_time")) or when
        end = instant(props.get("hs_meeting_end_time")) or start
        return start, end if end <= now else None
    if object_type == "tasks":
        done = str(props.get("hs_task_status") or "").upper() == "COMPLETED"
        completed = instant(props.get("hs_task_completion_date")) or instant(
            props.get("hs_lastmodifieddate")
        )
        return when, (min(completed or when, now) if done else None)
    return None, min(when, now)


def _probability(value: Any) -> Decimal | None:
    number = decimal_or_none(value)
    if number is None:
        return None
    return min(max(number * 100, Decimal("0")), Decimal("100")).quantize(Decimal("0.01"))


def _live(record: dict[str, Any]) -> bool:
    return not record.get("archived", False) and record.get("active", True) is not False


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _plain(value: Any) -> str:
    """Text without the HTML HubSpot stores in note and call bodies."""
    if value in (None, ""):
        return ""
    text = html.unescape(_TAGS.sub("", _BREAKS.sub("\n", str(value))))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
