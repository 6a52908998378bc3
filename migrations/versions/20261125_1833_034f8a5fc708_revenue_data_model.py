"""revenue data model

Revision ID: 034f8a5fc708
Revises: 045a440ed30e
Create Date: 2026-11-25 18:33:50.234718
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "034f8a5fc708"
down_revision: str | None = "045a440ed30e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ENUM_TYPES = [
    "run_status",
    "integration_type",
    "integration_status",
    "stage_kind",
    "deal_source",
    "activity_type",
    "system_event",
    "change_source",
    "insight_type",
    "insight_priority",
    "insight_status",
]


def upgrade() -> None:
    op.execute("create extension if not exists pg_trgm")
    op.create_table(
        "csv_import",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("layout", sa.String(length=30), nullable=False),
        sa.Column(
            "mapping", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "succeeded", "failed", name="run_status"),
            nullable=False,
        ),
        sa.Column("total_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("processed_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "errors", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_csv_import_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_csv_import_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_import")),
    )
    op.create_index(
        "ix_csv_import_workspace_created",
        "csv_import",
        ["workspace_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "insight_run",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "succeeded", "failed", name="run_status"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("used_ai", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("input_tokens", sa.Integer(), server_default="0", nullable=False),
        sa.Column("output_tokens", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "cost_usd", sa.Numeric(precision=12, scale=6), server_default="0", nullable=False
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_insight_run_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_run")),
    )
    op.create_index(
        "ix_insight_run_workspace_created",
        "insight_run",
        ["workspace_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "integration",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Enum("hubspot", "notion", name="integration_type"), nullable=False),
        sa.Column(
            "status",
            sa.Enum("connected", "syncing", "error", "disconnected", name="integration_status"),
            nullable=False,
        ),
        sa.Column(
            "config", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("credentials_encrypted", sa.Text(), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_integration_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration")),
    )
    op.create_index(
        "uq_integration_workspace_type", "integration", ["workspace_id", "type"], unique=True
    )
    op.create_table(
        "pipeline_stage",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("kind", sa.Enum("open", "won", "lost", name="stage_kind"), nullable=False),
        sa.Column("rotting_days", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
            "probability >= 0 and probability <= 100",
            name=op.f("ck_pipeline_stage_probability_range"),
        ),
        sa.CheckConstraint(
            "rotting_days is null or rotting_days > 0",
            name=op.f("ck_pipeline_stage_rotting_days_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_pipeline_stage_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_stage")),
    )
    op.create_index(
        "ix_pipeline_stage_workspace_position",
        "pipeline_stage",
        ["workspace_id", "position"],
        unique=False,
    )
    op.create_index(
        "uq_pipeline_stage_workspace_name", "pipeline_stage", ["workspace_id", "name"], unique=True
    )
    op.create_table(
        "deal",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("stage_id", sa.Uuid(), nullable=False),
        sa.Column("probability_override", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("expected_close_date", sa.Date(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column(
            "source",
            sa.Enum("manual", "hubspot", "notion", "import", name="deal_source"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lost_reason", sa.String(length=500), nullable=True),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_date_push_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.CheckConstraint("amount >= 0", name=op.f("ck_deal_amount_not_negative")),
        sa.CheckConstraint(
            "probability_override is null or (probability_override between 0 and 100)",
            name=op.f("ck_deal_probability_override_range"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_deal_owner_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["pipeline_stage.id"], name=op.f("fk_deal_stage_id_pipeline_stage")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_deal_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
    )
    op.execute(
        "create index ix_deal_search_trgm on deal using gin ("
        "(lower(title || ' ' || coalesce(company, '') || ' ' || coalesce(contact_name, '')))"
        " gin_trgm_ops)"
    )
    op.create_index("ix_deal_workspace_amount", "deal", ["workspace_id", "amount"], unique=False)
    op.create_index(
        "ix_deal_workspace_close_date",
        "deal",
        ["workspace_id", "expected_close_date"],
        unique=False,
    )
    op.create_index(
        "ix_deal_workspace_closed_at", "deal", ["workspace_id", "closed_at"], unique=False
    )
    op.create_index(
        "ix_deal_workspace_created", "deal", ["workspace_id", "created_at", "id"], unique=False
    )
    op.create_index("ix_deal_workspace_owner", "deal", ["workspace_id", "owner_id"], unique=False)
    op.create_index("ix_deal_workspace_stage", "deal", ["workspace_id", "stage_id"], unique=False)
    op.create_index(
        "uq_deal_workspace_source_external_id",
        "deal",
        ["workspace_id", "source", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id is not null"),
    )
    op.create_table(
        "activity",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=True),
        sa.Column(
            "type",
            sa.Enum("call", "email", "meeting", "note", "task", "system", name="activity_type"),
            nullable=False,
        ),
        sa.Column(
            "system_event",
            sa.Enum(
                "deal_created",
                "stage_changed",
                "close_date_moved",
                "synced_from_hubspot",
                "synced_from_notion",
                "insight_raised",
                "imported",
                name="system_event",
            ),
            nullable=True,
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column(
            "source",
            sa.Enum("manual", "hubspot", "notion", "import", name="deal_source"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column(
            "details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_activity_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_activity_owner_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_activity_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    op.create_index(
        "ix_activity_deal_occurred", "activity", ["deal_id", "occurred_at", "id"], unique=False
    )
    op.create_index(
        "ix_activity_workspace_occurred",
        "activity",
        ["workspace_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_activity_workspace_type_occurred",
        "activity",
        ["workspace_id", "type", "occurred_at"],
        unique=False,
    )
    op.create_index(
        "uq_activity_workspace_source_external_id",
        "activity",
        ["workspace_id", "source", "external_id"],
        unique=True,
        postgresql_where=sa.text("external_id is not null"),
    )
    op.create_table(
        "deal_close_date_change",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "source",
            sa.Enum("user", "api", "hubspot", "notion", "import", "system", name="change_source"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name=op.f("fk_deal_close_date_change_changed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deal.id"],
            name=op.f("fk_deal_close_date_change_deal_id_deal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_deal_close_date_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_close_date_change")),
    )
    op.create_index(
        "ix_deal_close_date_change_deal",
        "deal_close_date_change",
        ["deal_id", "changed_at"],
        unique=False,
    )
    op.create_index(
        "ix_deal_close_date_change_workspace",
        "deal_close_date_change",
        ["workspace_id", "changed_at"],
        unique=False,
    )
    op.create_table(
        "deal_stage_change",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=False),
        sa.Column("from_stage_id", sa.Uuid(), nullable=True),
        sa.Column("to_stage_id", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "source",
            sa.Enum("user", "api", "hubspot", "notion", "import", "system", name="change_source"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name=op.f("fk_deal_stage_change_changed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deal.id"],
            name=op.f("fk_deal_stage_change_deal_id_deal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_stage_id"],
            ["pipeline_stage.id"],
            name=op.f("fk_deal_stage_change_from_stage_id_pipeline_stage"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"],
            ["pipeline_stage.id"],
            name=op.f("fk_deal_stage_change_to_stage_id_pipeline_stage"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_deal_stage_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_stage_change")),
    )
    op.create_index(
        "ix_deal_stage_change_deal", "deal_stage_change", ["deal_id", "changed_at"], unique=False
    )
    op.create_index(
        "ix_deal_stage_change_workspace",
        "deal_stage_change",
        ["workspace_id", "changed_at"],
        unique=False,
    )
    op.create_table(
        "insight",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("deal_id", sa.Uuid(), nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column(
            "type",
            sa.Enum("risk", "recommendation", "prediction", "summary", name="insight_type"),
            nullable=False,
        ),
        sa.Column("signal_key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "priority",
            sa.Enum("low", "medium", "high", "critical", name="insight_priority"),
            nullable=False,
        ),
        sa.Column("confidence", sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column(
            "evidence", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "suggested_actions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("new", "viewed", "actioned", "dismissed", name="insight_status"),
            nullable=False,
        ),
        sa.Column("generated_without_ai", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
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
            "confidence >= 0 and confidence <= 1", name=op.f("ck_insight_confidence_range")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_insight_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["insight_run.id"],
            name=op.f("fk_insight_run_id_insight_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_insight_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight")),
    )
    op.create_index("ix_insight_deal", "insight", ["deal_id"], unique=False)
    op.create_index(
        "ix_insight_workspace_created",
        "insight",
        ["workspace_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_insight_workspace_status_priority",
        "insight",
        ["workspace_id", "status", "priority"],
        unique=False,
    )
    op.create_index(
        "uq_insight_open_signal",
        "insight",
        ["workspace_id", "signal_key"],
        unique=True,
        postgresql_where=sa.text("status in ('new', 'viewed')"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_insight_open_signal",
        table_name="insight",
        postgresql_where=sa.text("status in ('new', 'viewed')"),
    )
    op.drop_index("ix_insight_workspace_status_priority", table_name="insight")
    op.drop_index("ix_insight_workspace_created", table_name="insight")
    op.drop_index("ix_insight_deal", table_name="insight")
    op.drop_table("insight")
    op.drop_index("ix_deal_stage_change_workspace", table_name="deal_stage_change")
    op.drop_index("ix_deal_stage_change_deal", table_name="deal_stage_change")
    op.drop_table("deal_stage_change")
    op.drop_index("ix_deal_close_date_change_workspace", table_name="deal_close_date_change")
    op.drop_index("ix_deal_close_date_change_deal", table_name="deal_close_date_change")
    op.drop_table("deal_close_date_change")
    op.drop_index(
        "uq_activity_workspace_source_external_id",
        table_name="activity",
        postgresql_where=sa.text("external_id is not null"),
    )
    op.drop_index("ix_activity_workspace_type_occurred", table_name="activity")
    op.drop_index("ix_activity_workspace_occurred", table_name="activity")
    op.drop_index("ix_activity_deal_occurred", table_name="activity")
    op.drop_table("activity")
    op.drop_index(
        "uq_deal_workspace_source_external_id",
        table_name="deal",
        postgresql_where=sa.text("external_id is not null"),
    )
    op.drop_index("ix_deal_workspace_stage", table_name="deal")
    op.drop_index("ix_deal_workspace_owner", table_name="deal")
    op.drop_index("ix_deal_workspace_created", table_name="deal")
    op.drop_index("ix_deal_workspace_closed_at", table_name="deal")
    op.drop_index("ix_deal_workspace_close_date", table_name="deal")
    op.drop_index("ix_deal_workspace_amount", table_name="deal")
    op.execute("drop index if exists ix_deal_search_trgm")
    op.drop_table("deal")
    op.drop_index("uq_pipeline_stage_workspace_name", table_name="pipeline_stage")
    op.drop_index("ix_pipeline_stage_workspace_position", table_name="pipeline_stage")
    op.drop_table("pipeline_stage")
    op.drop_index("uq_integration_workspace_type", table_name="integration")
    op.drop_table("integration")
    op.drop_index("ix_insight_run_workspace_created", table_name="insight_run")
    op.drop_table("insight_run")
    op.drop_index("ix_csv_import_workspace_created", table_name="csv_import")
    op.drop_table("csv_import")
    for name in ENUM_TYPES:
        op.execute(f"drop type if exists {name}")
