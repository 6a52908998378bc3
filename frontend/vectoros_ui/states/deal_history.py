"""A deal, its stage and close-date history and its timeline, as rows the deal page shows."""

import dataclasses
from datetime import UTC, datetime
from typing import Any

from vectoros_ui.states.records import day_label, money, percent, stage_color

SOURCE_LABELS = {
    "user": "",
    "api": "API",
    "hubspot": "HubSpot sync",
    "notion": "Notion sync",
    "import": "CSV import",
    "system": "VectorOS",
    "manual": "",
}


@dataclasses.dataclass
class DealView:
    id: str = ""
    title: str = ""
    amount_label: str = ""
    stage_id: str = ""
    stage_name: str = ""
    stage_color: str = "indigo"
    probability_label: str = ""
    probability_overridden: bool = False
    owner_name: str = ""
    close_label: str = ""
    close_pushes: int = 0
    company: str = ""
    contact_name: str = ""
    contact_email: str = ""
    source: str = ""
    lost_reason: str = ""
    is_rotting: bool = False


@dataclasses.dataclass
class StageStay:
    """A stay in one stage: when it began, how long it lasted, who moved the deal there."""

    stage_name: str
    entered_at: str
    days_label: str
    by_label: str
    current: bool


@dataclasses.dataclass
class CloseDateRow:
    from_label: str
    to_label: str
    changed_at: str
    by_label: str
    pushed: bool


@dataclasses.dataclass
class TimelineEntry:
    id: str
    type: str
    is_system: bool
    subject: str
    body: str
    occurred_at: str
    status_label: str
    by_label: str


def to_deal_view(item: dict[str, Any], owners: dict[str, str]) -> DealView:
    owner_id = item.get("owner_id")
    return DealView(
        id=str(item["id"]),
        title=str(item["title"]),
        amount_label=money(item["amount"], str(item["currency"])),
        stage_id=str(item["stage_id"]),
        stage_name=str(item["stage_name"]),
        stage_color=stage_color(str(item["stage_kind"])),
        probability_label=percent(item["probability"]),
        probability_overridden=item.get("probability_override") is not None,
        owner_name=owners.get(str(owner_id), "") if owner_id else "",
        close_label=day_label(item.get("expected_close_date")),
        close_pushes=int(item.get("close_date_push_count") or 0),
        company=str(item.get("company") or ""),
        contact_name=str(item.get("contact_name") or ""),
        contact_email=str(item.get("contact_email") or ""),
        source=str(item.get("source") or ""),
        lost_reason=str(item.get("lost_reason") or ""),
        is_rotting=bool(item.get("is_rotting")),
    )


def days_label(days: float) -> str:
    if days < 1:
        return "less than a day"
    whole = round(days)
    return "1 day" if whole == 1 else f"{whole} days"


def by_label(name: str | None, source: str) -> str:
    """Who made a change: the person, else the system or sync that did."""
    return name or SOURCE_LABELS.get(source, source) or "Someone"


def to_stage_stays(changes: list[dict[str, Any]], now: datetime | None = None) -> list[StageStay]:
    """Changes come oldest first; stays go newest first, the current one at the top."""
    now = now or datetime.now(UTC)
    stays = []
    for index, change in enumerate(changes):
        later = changes[index + 1] if index + 1 < len(changes) else None
        if later is not None and later.get("days_in_previous_stage") is not None:
            days = float(later["days_in_previous_stage"])
        else:
            entered = datetime.fromisoformat(str(change["changed_at"]))
            days = (now - entered).total_seconds() / 86400
        stays.append(
            StageStay(
                stage_name=str(change.get("to_stage_name") or "(removed stage)"),
                entered_at=str(change["changed_at"]),
                days_label=days_label(days),
                by_label=by_label(change.get("changed_by_name"), str(change["source"])),
                current=later is None,
            )
        )
    return stays[::-1]


def to_close_date_rows(changes: list[dict[str, Any]]) -> list[CloseDateRow]:
    return [
        CloseDateRow(
            from_label=day_label(change.get("from_date")) or "none",
            to_label=day_label(change.get("to_date")) or "none",
            changed_at=str(change["changed_at"]),
            by_label=by_label(change.get("changed_by_name"), str(change["source"])),
            pushed=bool(change.get("pushed")),
        )
        for change in reversed(changes)
    ]


def status_label(item: dict[str, Any]) -> str:
    if item["type"] == "system":
        return ""
    if item.get("completed_at"):
        return "Done"
    return "Scheduled" if item.get("scheduled_at") else "To do"


def to_timeline_entry(item: dict[str, Any], owners: dict[str, str]) -> TimelineEntry:
    owner_id = item.get("owner_id")
    name = owners.get(str(owner_id)) if owner_id else None
    return TimelineEntry(
        id=str(item["id"]),
        type=str(item["type"]),
        is_system=item["type"] == "system",
        subject=str(item["subject"]),
        body=str(item.get("body") or ""),
        occurred_at=str(item["occurred_at"]),
        status_label=status_label(item),
        by_label=by_label(name, str(item.get("source") or "")),
    )
