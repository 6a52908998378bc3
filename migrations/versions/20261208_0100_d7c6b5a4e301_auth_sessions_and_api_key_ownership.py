"""auth sessions and api key ownership

A login becomes a `user_session` row whose id is the refresh-token family id and every
access token's `sid`: revoking it (logout, a password change elsewhere, refresh-token
reuse) refuses that login's refresh and access tokens at once. Existing families get their
session row (revoked when every token of the family was), so refresh tokens in use keep
working.

API keys belong to their creator from now on: a key acts with at most its creator's current
role and is revoked when the creator leaves the workspace. Keys whose creator is gone (the
account was deleted, or they were minted by another key and so have no creator) or is no
longer a member are revoked here, so the listing says what the authentication does.

Revision ID: d7c6b5a4e301
Revises: c6b5f4e3d276
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7c6b5a4e301"
down_revision: str | None = "c6b5f4e3d276"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
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
            ["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"], unique=False)
    # One session per existing family; ended when every token of the family was revoked.
    op.execute(
        sa.text(
            "insert into user_session (id, user_id, created_at, updated_at, revoked_at) "
            "select family_id, user_id, min(created_at), max(updated_at), "
            "case when bool_and(revoked_at is not null) then max(revoked_at) end "
            "from refresh_token group by family_id, user_id"
        )
    )
    op.create_foreign_key(
        op.f("fk_refresh_token_family_id_user_session"),
        "refresh_token",
        "user_session",
        ["family_id"],
        ["id"],
        ondelete="CASCADE",
    )

    op.create_index(op.f("ix_api_key_created_by_id"), "api_key", ["created_by_id"], unique=False)
    op.execute(
        sa.text(
            "update api_key set revoked_at = now(), updated_at = now() "
            "where revoked_at is null and not exists ("
            "select 1 from workspace_member m "
            "where m.workspace_id = api_key.workspace_id and m.user_id = api_key.created_by_id)"
        )
    )


def downgrade() -> None:
    # Keys revoked by the upgrade stay revoked: their secrets may be held by people who left.
    op.drop_index(op.f("ix_api_key_created_by_id"), table_name="api_key")
    op.drop_constraint(
        op.f("fk_refresh_token_family_id_user_session"), "refresh_token", type_="foreignkey"
    )
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
