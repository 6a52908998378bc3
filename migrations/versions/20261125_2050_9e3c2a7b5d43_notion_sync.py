"""notion sync

Revision ID: 9e3c2a7b5d43
Revises: 8d2b1f6a4c32
Create Date: 2026-11-25 20:50:00
"""

from collections.abc import Sequence

revision: str = "9e3c2a7b5d43"
down_revision: str | None = "8d2b1f6a4c32"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
