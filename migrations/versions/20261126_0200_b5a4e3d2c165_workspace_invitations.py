"""workspace invitations

Revision ID: b5a4e3d2c165
Revises: a4f3d2c1b054
Create Date: 2026-11-26 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b5a4e3d2c165"
down_revision: str | None = "a4f3d2c1b054"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_invitation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column(
            "role",
            # The type already exists (workspace_member.role); reuse it.
            postgresql.ENUM("owner", "admin", "member", "viewer", name="role", create_type=False),
            nullable=False,
        ),
        sa.Column("invited_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "email = lower(email)", name=op.f("ck_workspace_invitation_email_lowercase")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_workspace_invitation_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user.id"],
            name=op.f("fk_workspace_invitation_invited_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_invitation")),
    )
    op.create_index(
        "uq_workspace_invitation_workspace_email_pending",
        "workspace_invitation",
        ["workspace_id", "email"],
        unique=True,
        postgresql_where=sa.text("accepted_at is null"),
    )
    op.create_index(
        "ix_workspace_invitation_email_pending",
        "workspace_invitation",
        ["email"],
        unique=False,
        postgresql_where=sa.text("accepted_at is null"),
    )


def downgrade() -> None:
    op.drop_index("ix_workspace_invitation_email_pending", table_name="workspace_invitation")
    op.drop_index(
        "uq_workspace_invitation_workspace_email_pending", table_name="workspace_invitation"
    )
    op.drop_table("workspace_invitation")
