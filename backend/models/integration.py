import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import IntegrationStatus, IntegrationType, pg_enum


def new_webhook_path_key() -> str:
    """A fresh random webhook URL segment (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class Integration(UUIDPrimaryKey, Timestamps, Base):
    """A connected outside system; secrets live only in `credentials_encrypted`."""

    __tablename__ = "integration"
    __table_args__ = (
        Index("uq_integration_workspace_type", "workspace_id", "type", unique=True),
        # A HubSpot portal's webhooks go to one workspace: at most one live claim per portal,
        # enforced here so two concurrent connects cannot both win.
        Index(
            "uq_integration_hubspot_portal_id",
            "hubspot_portal_id",
            unique=True,
            postgresql_where=text("hubspot_portal_id is not null and status <> 'disconnected'"),
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    type: Mapped[IntegrationType] = mapped_column(pg_enum(IntegrationType, "integration_type"))
    status: Mapped[IntegrationStatus] = mapped_column(
        pg_enum(IntegrationStatus, "integration_status")
    )
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    credentials_encrypted: Mapped[str | None] = mapped_column(Text)
    # The HubSpot portal this workspace proved it owns (OAuth, or a private-app token whose
    # account-info answered it): only HubSpot's answer sets it, never a request body. Webhook
    # deliveries for a portal are routed by this column alone.
    hubspot_portal_id: Mapped[int | None] = mapped_column(BigInteger)
    # The random, per-connection segment of a vendor webhook URL (Notion's), so the URL
    # cannot be guessed from the integration id.
    webhook_path_key: Mapped[str | None] = mapped_column(String(64), default=new_webhook_path_key)
    last_synced_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Where an interrupted sync resumes (phase and page cursor); null when none is under way.
    sync_checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The next incremental sync asks for records changed since this instant.
    sync_watermark: Mapped[datetime | None]
