import uuid
from datetime import datetime

from pydantic import BaseModel, computed_field

from backend.imports.parsing import Layout
from backend.models import RunStatus
from kit.schemas import ReadModel


class RowErrorRead(BaseModel):
    """Why a row (or, with `row` null, the whole file) was not imported."""

    row: int | None
    column: str | None
    reason: str


class ImportSummary(ReadModel):
    id: uuid.UUID
    filename: str
    layout: Layout
    mapping: dict[str, str]
    status: RunStatus
    total_rows: int
    processed_rows: int
    created_count: int
    updated_count: int
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def failed_rows(self) -> int:
        """Processed rows that were neither created nor updated."""
        return self.processed_rows - self.created_count - self.updated_count


class ImportRead(ImportSummary):
    errors: list[RowErrorRead]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def unlisted_failed_rows(self) -> int:
        """Failed rows beyond the cap on stored errors: counted, not listed."""
        listed = {e.row for e in self.errors if e.row is not None}
        return max(self.failed_rows - len(listed), 0)
