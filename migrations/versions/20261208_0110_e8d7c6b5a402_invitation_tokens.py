"""invitation tokens

Revision ID: e8d7c6b5a402
Revises: d7c6b5a4e301
Create Date: 2026-12-08 01:10:00
"""

from collections.abc import Sequence

revision: str = "e8d7c6b5a402"
down_revision: str | None = "d7c6b5a4e301"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
