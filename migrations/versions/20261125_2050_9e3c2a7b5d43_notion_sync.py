"""notion sync

Revision ID: 9e3c2a7b5d43
Revises: 8d2b1f6a4c32
Create Date: 2026-11-25 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9e3c2a7b5d43"
down_revision: str | None = "8d2b1f6a4c32"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notion_page",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("page_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind in ('deal', 'note')", name=op.f("ck_notion_page_kind_known")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_notion_page_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "page_id", name=op.f("pk_notion_page")),
    )
    op.create_table(
        "notion_sync_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            postgresql.ENUM(
                "queued", "running", "succeeded", "failed", name="run_status", create_type=False
            ),
            nullable=False,
        ),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("pages_seen", sa.Integer(), nullable=False),
        sa.Column("deals_synced", sa.Integer(), nullable=False),
        sa.Column("notes_synced", sa.Integer(), nullable=False),
        sa.Column("pages_failed", sa.Integer(), nullable=False),
        sa.Column("errors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "phase in ('deals', 'notes', 'done')", name=op.f("ck_notion_sync_run_phase_known")
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integration.id"],
            name=op.f("fk_notion_sync_run_integration_id_integration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_notion_sync_run_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notion_sync_run")),
    )
    op.create_index(
        "ix_notion_sync_run_workspace_created",
        "notion_sync_run",
        ["workspace_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_notion_sync_run_workspace_created", table_name="notion_sync_run")
    op.drop_table("notion_sync_run")
    op.drop_table("notion_page")
