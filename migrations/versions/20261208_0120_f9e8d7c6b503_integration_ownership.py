"""integration ownership

Revision ID: f9e8d7c6b503
Revises: e8d7c6b5a402
Create Date: 2026-12-08 01:20:00
"""

from collections.abc import Sequence

revision: str = "f9e8d7c6b503"
down_revision: str | None = "e8d7c6b5a402"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
