"""dashboard and settings

Revision ID: a4f3d2c1b054
Revises: 9e3c2a7b5d43
Create Date: 2026-11-25 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a4f3d2c1b054"
down_revision: str | None = "9e3c2a7b5d43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_preference",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("monthly_target", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("insight_schedule", sa.String(length=20), server_default="daily", nullable=False),
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
            "monthly_target is null or monthly_target >= 0",
            name=op.f("ck_workspace_preference_monthly_target_not_negative"),
        ),
        sa.CheckConstraint(
            "insight_schedule in ('daily', 'weekly', 'off')",
            name=op.f("ck_workspace_preference_insight_schedule"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_workspace_preference_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_preference")),
    )


def downgrade() -> None:
    op.drop_table("workspace_preference")
