"""hubspot sync

Revision ID: 8d2b1f6a4c32
Revises: 7c1a0e5f3b21
Create Date: 2026-11-25 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8d2b1f6a4c32"
down_revision: str | None = "7c1a0e5f3b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_pipeline_stage_workspace_external_id",
        "pipeline_stage",
        ["workspace_id", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id is not null"),
    )
    op.add_column(
        "integration",
        sa.Column("sync_checkpoint", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "integration", sa.Column("sync_watermark", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "hubspot_sync_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            postgresql.ENUM(
                "queued", "running", "succeeded", "failed", name="run_status", create_type=False
            ),
            nullable=False,
        ),
        sa.Column("phase", sa.String(length=32), nullable=True),
        sa.Column(
            "counts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "problems",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "kind in ('backfill', 'incremental')", name=op.f("ck_hubspot_sync_run_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integration.id"],
            name=op.f("fk_hubspot_sync_run_integration_id_integration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_hubspot_sync_run_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hubspot_sync_run")),
    )
    op.create_index(
        "ix_hubspot_sync_run_workspace_created",
        "hubspot_sync_run",
        ["workspace_id", "created_at", "id"],
    )
    op.create_index(
        "ix_hubspot_sync_run_integration_status",
        "hubspot_sync_run",
        ["integration_id", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_hubspot_sync_run_integration_status", table_name="hubspot_sync_run")
    op.drop_index("ix_hubspot_sync_run_workspace_created", table_name="hubspot_sync_run")
    op.drop_table("hubspot_sync_run")
    op.drop_column("integration", "sync_watermark")
    op.drop_column("integration", "sync_checkpoint")
    op.drop_index("uq_pipeline_stage_workspace_external_id", table_name="pipeline_stage")
