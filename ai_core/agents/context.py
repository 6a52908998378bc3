"""What a chat turn's tools run with: passed as LangChain runtime context, never as globals."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ai_core.clients.workspace_api import WorkspaceApi


@dataclass(frozen=True)
class ChatContext:
    workspace_id: uuid.UUID
    user_id: uuid.UUID | None
    # The backend API with the user's scoped, read-only token for this workspace.
    api: WorkspaceApi
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()
