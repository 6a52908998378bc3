"""integration ownership

A HubSpot portal belongs to the workspace that proved it: its id moves from the free-form
`config` (which any admin could write) to `integration.hubspot_portal_id`, set only by the
OAuth and private-app connect flows, with one live claim per portal. Webhook URLs (Notion's)
get a random per-connection path segment.

Existing rows: a portal id is kept only for integrations a connect flow wrote (`auth` set),
and where several live integrations claimed one portal, only the oldest keeps it (the
others must connect again, and are refused while it stays connected). Every integration
gets a URL key: a Notion webhook URL changes and must be entered in Notion again, and its
verification token confirmed by an admin in settings.

Revision ID: f9e8d7c6b503
Revises: e8d7c6b5a402
Create Date: 2026-12-08 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f9e8d7c6b503"
down_revision: str | None = "e8d7c6b5a402"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_PORTAL = "hubspot_portal_id is not null and status <> 'disconnected'"


def upgrade() -> None:
    op.add_column("integration", sa.Column("hubspot_portal_id", sa.BigInteger(), nullable=True))
    op.add_column("integration", sa.Column("webhook_path_key", sa.String(length=64), nullable=True))
    op.execute(
        """
        with proven as (
            select id, (config ->> 'portal_id')::bigint as portal, status, created_at
            from integration
            where type = 'hubspot'
              and config ->> 'auth' in ('oauth', 'private_app')
              and config ->> 'portal_id' ~ '^[0-9]{1,18}$'
        ),
        ranked as (
            select id, portal,
                   row_number() over (
                       partition by portal, status <> 'disconnected'
                       order by created_at, id
                   ) as claim
            from proven
        )
        update integration as i
        set hubspot_portal_id = r.portal
        from ranked as r
        where i.id = r.id and r.claim = 1
        """
    )
    # Where an old disconnected claim and a live one share a portal, both may stay: the
    # index only covers live claims.
    op.execute(
        """
        update integration
        set config = config - 'portal_id' - 'portalId' - 'hub_id' - 'hubId'
        where type = 'hubspot'
        """
    )
    op.execute(
        """
        update integration
        set webhook_path_key = replace(
            cast(gen_random_uuid() as text) || cast(gen_random_uuid() as text), '-', ''
        )
        where webhook_path_key is null
        """
    )
    op.create_index(
        "uq_integration_hubspot_portal_id",
        "integration",
        ["hubspot_portal_id"],
        unique=True,
        postgresql_where=sa.text(LIVE_PORTAL),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_integration_hubspot_portal_id",
        table_name="integration",
        postgresql_where=sa.text(LIVE_PORTAL),
    )
    op.execute(
        """
        update integration
        set config = config || jsonb_build_object('portal_id', hubspot_portal_id)
        where hubspot_portal_id is not null
        """
    )
    op.drop_column("integration", "webhook_path_key")
    op.drop_column("integration", "hubspot_portal_id")
