"""query performance

Revision ID: 7c1a0e5f3b21
Revises: 5b2e9c41d7a3
Create Date: 2026-11-25 20:30:00
"""

from collections.abc import Sequence

revision: str = "7c1a0e5f3b21"
down_revision: str | None = "5b2e9c41d7a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
