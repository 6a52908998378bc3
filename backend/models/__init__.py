"""Every table, imported here so Alembic and the mapper registry see them all."""

from backend.models.activity import Activity
from backend.models.base import Base
from backend.models.conversation import ChatMessage, ChatRole, Conversation
from backend.models.csv_import import CsvImport
from backend.models.deal import Deal, DealCloseDateChange, DealStageChange, DealStageStay
from backend.models.enums import (
    ActivityType,
    ChangeSource,
    DealSource,
    InsightPriority,
    InsightStatus,
    InsightType,
    IntegrationStatus,
    IntegrationType,
    RunStatus,
    StageKind,
    SystemEvent,
)
from backend.models.hubspot_sync import HubspotSyncRun
from backend.models.insight import Insight, InsightRun
from backend.models.integration import Integration
from backend.models.invitation import InvitationMail, WorkspaceInvitation
from backend.models.notion import NotionPage, NotionSyncRun
from backend.models.pipeline import PipelineStage
from backend.models.stage_funnel import stage_funnel_reach, stage_stay_histogram
from backend.models.token import ApiKey, RateLimitBucket, RefreshToken
from backend.models.user import User
from backend.models.user_session import UserSession
from backend.models.webhook_event import HubspotPropertyVersion, WebhookEvent
from backend.models.workspace import Membership, Role, Workspace
from backend.models.workspace_preference import InsightSchedule, WorkspacePreference

__all__ = [
    "Activity",
    "ActivityType",
    "ApiKey",
    "Base",
    "ChangeSource",
    "ChatMessage",
    "ChatRole",
    "Conversation",
    "CsvImport",
    "Deal",
    "DealCloseDateChange",
    "DealSource",
    "DealStageChange",
    "DealStageStay",
    "HubspotPropertyVersion",
    "HubspotSyncRun",
    "Insight",
    "InsightPriority",
    "InsightSchedule",
    "InsightRun",
    "InsightStatus",
    "InsightType",
    "Integration",
    "IntegrationStatus",
    "IntegrationType",
    "InvitationMail",
    "Membership",
    "NotionPage",
    "NotionSyncRun",
    "PipelineStage",
    "RateLimitBucket",
    "RefreshToken",
    "Role",
    "RunStatus",
    "StageKind",
    "SystemEvent",
    "User",
    "UserSession",
    "WebhookEvent",
    "Workspace",
    "stage_funnel_reach",
    "stage_stay_histogram",
    "WorkspaceInvitation",
    "WorkspacePreference",
]
