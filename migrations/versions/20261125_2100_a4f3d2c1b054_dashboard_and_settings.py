"""dashboard and settings

Revision ID: a4f3d2c1b054
Revises: 9e3c2a7b5d43
Create Date: 2026-11-25 21:00:00
"""

from collections.abc import Sequence

revision: str = "a4f3d2c1b054"
down_revision: str | None = "9e3c2a7b5d43"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
