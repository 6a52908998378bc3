"""auth sessions and api key ownership

Revision ID: d7c6b5a4e301
Revises: c6b5f4e3d276
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

revision: str = "d7c6b5a4e301"
down_revision: str | None = "c6b5f4e3d276"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
