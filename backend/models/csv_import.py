import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column

from backend.models.base import Base, Timestamps, UUIDPrimaryKey
from backend.models.enums import RunStatus, pg_enum


class CsvImport(UUIDPrimaryKey, Timestamps, Base):
    """A deals CSV being imported in the background, with progress and per-row errors."""

    __tablename__ = "csv_import"
    __table_args__ = (Index("ix_csv_import_workspace_created", "workspace_id", "created_at"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(String(300))
    layout: Mapped[str] = mapped_column(String(30))
    mapping: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict, server_default="{}")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    status: Mapped[RunStatus] = mapped_column(pg_enum(RunStatus, "run_status"))
    total_rows: Mapped[int] = mapped_column(default=0, server_default="0")
    processed_rows: Mapped[int] = mapped_column(default=0, server_default="0")
    created_count: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_count: Mapped[int] = mapped_column(default=0, server_default="0")
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
