"""hubspot sync

Revision ID: 8d2b1f6a4c32
Revises: 7c1a0e5f3b21
Create Date: 2026-11-25 20:40:00
"""

from collections.abc import Sequence

revision: str = "8d2b1f6a4c32"
down_revision: str | None = "7c1a0e5f3b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
