"""invitation tokens

An invitation is accepted with a secret link (only its hash is stored), by the account
with the invited email, before it expires; registering that email no longer joins.

Invitations still pending from before have no link anyone knows: they are kept, expired,
so their admins see them and invite again (which sends a fresh link).

Revision ID: e8d7c6b5a402
Revises: d7c6b5a4e301
Create Date: 2026-12-08 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e8d7c6b5a402"
down_revision: str | None = "d7c6b5a4e301"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "workspace_invitation"
MAIL_STATES = ("unsent", "queued", "sent", "failed")


def upgrade() -> None:
    mail_enum = postgresql.ENUM(*MAIL_STATES, name="invitation_mail")
    mail_enum.create(op.get_bind())
    op.add_column(TABLE, sa.Column("token_hash", sa.String(length=64), nullable=True))
    op.add_column(TABLE, sa.Column("token_sealed", sa.Text(), nullable=True))
    op.add_column(TABLE, sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        TABLE,
        sa.Column(
            "mail_status",
            postgresql.ENUM(*MAIL_STATES, name="invitation_mail", create_type=False),
            nullable=True,
        ),
    )
    op.add_column(TABLE, sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(TABLE, sa.Column("accepted_by_id", sa.Uuid(), nullable=True))
    # The hash of a secret nobody holds; pending ones expire now (see the docstring).
    op.execute(
        sa.text(
            f"update {TABLE} set "
            "token_hash = encode(sha256(convert_to(gen_random_uuid()::text || id::text, "
            "'UTF8')), 'hex'), "
            "expires_at = case when accepted_at is null then now() "
            "else created_at + interval '7 days' end, "
            "mail_status = 'unsent'"
        )
    )
    for column in ("token_hash", "expires_at", "mail_status"):
        op.alter_column(TABLE, column, nullable=False)
    op.create_unique_constraint(op.f("uq_workspace_invitation_token_hash"), TABLE, ["token_hash"])
    op.create_foreign_key(
        op.f("fk_workspace_invitation_accepted_by_id_user"),
        TABLE,
        "user",
        ["accepted_by_id"],
        ["id"],
        ondelete="SET NULL",
    )
    # Registration looked pending invitations up by email; nothing does now.
    op.drop_index("ix_workspace_invitation_email_pending", table_name=TABLE)


def downgrade() -> None:
    op.create_index(
        "ix_workspace_invitation_email_pending",
        TABLE,
        ["email"],
        unique=False,
        postgresql_where=sa.text("accepted_at is null"),
    )
    op.drop_constraint(
        op.f("fk_workspace_invitation_accepted_by_id_user"), TABLE, type_="foreignkey"
    )
    op.drop_constraint(op.f("uq_workspace_invitation_token_hash"), TABLE, type_="unique")
    for column in (
        "accepted_by_id",
        "mailed_at",
        "mail_status",
        "expires_at",
        "token_sealed",
        "token_hash",
    ):
        op.drop_column(TABLE, column)
    postgresql.ENUM(name="invitation_mail").drop(op.get_bind())
