"""webhook events

Revision ID: 5b2e9c41d7a3
Revises: d8cf745a3ca1
Create Date: 2026-11-25 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5b2e9c41d7a3"
down_revision: str | None = "d8cf745a3ca1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=True),
        sa.Column("integration_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "source in ('hubspot', 'notion')", name=op.f("ck_webhook_event_source_known")
        ),
        sa.CheckConstraint(
            "status in ('received', 'processed', 'ignored', 'failed')",
            name=op.f("ck_webhook_event_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integration.id"],
            name=op.f("fk_webhook_event_integration_id_integration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_webhook_event_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_event")),
    )
    op.create_index(
        "uq_webhook_event_source_dedupe_key",
        "webhook_event",
        ["source", "dedupe_key"],
        unique=True,
    )
    op.create_index(
        "ix_webhook_event_pending",
        "webhook_event",
        ["workspace_id", "occurred_at"],
        postgresql_where=sa.text("status = 'received'"),
    )
    op.create_table(
        "hubspot_property_version",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("object_id", sa.BigInteger(), nullable=False),
        sa.Column("property", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_hubspot_property_version_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "object_id", "property", name=op.f("pk_hubspot_property_version")
        ),
    )


def downgrade() -> None:
    op.drop_table("hubspot_property_version")
    op.drop_index("ix_webhook_event_pending", table_name="webhook_event")
    op.drop_index("uq_webhook_event_source_dedupe_key", table_name="webhook_event")
    op.drop_table("webhook_event")
