import uuid
from typing import Annotated, Literal

from pydantic import Field, SecretStr, StringConstraints, field_validator

from kit.schemas import RequestModel

MAX_MESSAGES = 41


class ChatMessageIn(RequestModel):
    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(max_length=20_000)]


class ChatTurn(RequestModel):
    """One question to answer, from the backend, on behalf of a user of a workspace."""

    workspace_id: uuid.UUID
    user_id: uuid.UUID | None = None
    user_token: SecretStr = Field(
        description="The user's short-lived, read-only token limited to this workspace; the "
        "tools read the backend with it and nothing else."
    )
    messages: list[ChatMessageIn] = Field(
        min_length=1,
        max_length=MAX_MESSAGES,
        description="The conversation so far, oldest first, ending with the question.",
    )

    @field_validator("messages")
    @classmethod
    def _ends_with_a_question(cls, messages: list[ChatMessageIn]) -> list[ChatMessageIn]:
        if messages[-1].role != "user" or not messages[-1].content.strip():
            raise ValueError("the last message must be the user's question")
        return messages
