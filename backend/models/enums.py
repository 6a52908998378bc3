"""Enumerations shared by the revenue tables, stored as Postgres enums."""

import enum

from sqlalchemy import Enum


class StageKind(enum.StrEnum):
    open = "open"
    won = "won"
    lost = "lost"


class DealSource(enum.StrEnum):
    manual = "manual"
    hubspot = "hubspot"
    notion = "notion"
    import_ = "import"


class ChangeSource(enum.StrEnum):
    """Who or what made a change recorded in a deal's history."""

    user = "user"
    api = "api"
    hubspot = "hubspot"
    notion = "notion"
    import_ = "import"
    system = "system"


class ActivityType(enum.StrEnum):
    call = "call"
    email = "email"
    meeting = "meeting"
    note = "note"
    task = "task"
    system = "system"


class SystemEvent(enum.StrEnum):
    deal_created = "deal_created"
    stage_changed = "stage_changed"
    close_date_moved = "close_date_moved"
    synced_from_hubspot = "synced_from_hubspot"
    synced_from_notion = "synced_from_notion"
    insight_raised = "insight_raised"
    imported = "imported"


class InsightType(enum.StrEnum):
    risk = "risk"
    recommendation = "recommendation"
    prediction = "prediction"
    summary = "summary"


class InsightPriority(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class InsightStatus(enum.StrEnum):
    new = "new"
    viewed = "viewed"
    actioned = "actioned"
    dismissed = "dismissed"


class RunStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class IntegrationType(enum.StrEnum):
    hubspot = "hubspot"
    notion = "notion"


class IntegrationStatus(enum.StrEnum):
    connected = "connected"
    syncing = "syncing"
    error = "error"
    disconnected = "disconnected"


def pg_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(enum_cls, name=name, values_callable=lambda e: [m.value for m in e])
