import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from backend.integrations.schemas import VendorToken
from backend.models import IntegrationStatus, RunStatus
from backend.notion.mapping import normalize_id
from kit.schemas import ReadModel, RequestModel


def _notion_id(value: str) -> str:
    found = normalize_id(value)
    if found is None:
        raise ValueError("must be a Notion id (32 hex digits, dashed or not) or a Notion URL")
    return found


NotionId = Annotated[str, Field(min_length=32, max_length=500), AfterValidator(_notion_id)]
PropertyName = Annotated[str, Field(min_length=1, max_length=200)]
IntegrationToken = Annotated[VendorToken, Field(min_length=1, max_length=4096)]


class DealProperties(RequestModel):
    """Notion property names (or ids) feeding each deal field; the title defaults to the title."""

    title: PropertyName | None = None
    amount: PropertyName | None = None
    stage: PropertyName | None = None
    close_date: PropertyName | None = None


class NoteProperties(RequestModel):
    """Notion property names of the meeting-notes database: `deal` relates a note to a deal."""

    title: PropertyName | None = None
    deal: PropertyName
    date: PropertyName | None = None


class NotionConnect(RequestModel):
    """The integration token, the deals database with its mapping, optionally meeting notes."""

    access_token: IntegrationToken
    deals_database_id: NotionId
    deal_properties: DealProperties = DealProperties()
    # Stage options whose names differ from our stages': option name -> our stage name.
    stage_aliases: dict[PropertyName, PropertyName] = Field(default_factory=dict, max_length=100)
    notes_database_id: NotionId | None = None
    note_properties: NoteProperties | None = None

    @model_validator(mode="after")
    def _notes_need_both(self) -> "NotionConnect":
        if (self.notes_database_id is None) != (self.note_properties is None):
            raise ValueError("notes_database_id and note_properties go together")
        return self


class NotionUpdate(RequestModel):
    """Only the fields sent change; `notes_database_id: null` stops syncing notes."""

    access_token: IntegrationToken | None = None
    deals_database_id: NotionId | None = None
    deal_properties: DealProperties | None = None
    stage_aliases: dict[PropertyName, PropertyName] | None = Field(default=None, max_length=100)
    notes_database_id: NotionId | None = None
    note_properties: NoteProperties | None = None


class NotionSyncRunRead(ReadModel):
    id: uuid.UUID
    trigger: str
    status: RunStatus
    phase: str
    pages_seen: int
    deals_synced: int
    notes_synced: int
    pages_failed: int
    errors: list[dict[str, Any]]
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime


class NotionConnectionRead(BaseModel):
    """The connection as the settings page shows it; the token only masked."""

    integration_id: uuid.UUID
    status: IntegrationStatus
    access_token: str
    # The URL to give Notion; its last segment is secret, so only admins see it whole
    # (others get None).
    webhook_url: str | None
    # An admin confirmed the handshake's token: events are accepted and verified with it.
    webhook_verified: bool
    # A handshake's token waits for an admin to confirm it.
    verification_pending: bool
    handshake_at: datetime | None
    config: dict[str, Any]
    last_synced_at: datetime | None
    last_error: str | None
    latest_sync: NotionSyncRunRead | None


class VerificationTokenRead(BaseModel):
    """What the admin pastes into Notion to activate the subscription, then confirms here."""

    # The pending token from the last handshake (None once confirmed, or before one came).
    verification_token: str | None
    received_at: datetime | None
    confirmed: bool
    confirmed_at: datetime | None


class VerificationConfirm(RequestModel):
    """The token the admin copied into Notion: it must be the pending one, exactly."""

    verification_token: str = Field(min_length=1, max_length=500)
