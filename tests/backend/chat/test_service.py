"""A turn sends the model a bounded window of the conversation, ending with the question."""

import uuid

from backend import db
from backend.auth.deps import WorkspaceContext
from backend.chat import service
from backend.chat.repository import ChatMessageRepository, ConversationRepository
from backend.chat.schemas import ChatRequest
from backend.models import ChatRole, Role
from tests.ai_core.agents.factories import Seeded


async def test_the_history_sent_is_the_last_messages_each_cut_to_size(seeded: Seeded) -> None:
    workspace_id = uuid.UUID(seeded.a.workspace_id)
    ctx = WorkspaceContext(workspace_id, Role.owner, seeded.owner.id, None)
    async with db.session_factory()() as session:
        conversation = await ConversationRepository(session).add(
            workspace_id, seeded.owner.id, "long talk"
        )
        messages = ChatMessageRepository(session)
        for n in range(30):
            role = ChatRole.user if n % 2 == 0 else ChatRole.assistant
            await messages.add(conversation, role=role, content=f"{n} " + "x" * 5000)

        turn = await service.start_turn(
            session, ctx, ChatRequest(message="and now?", conversation_id=conversation.id)
        )

    assert len(turn.history) == service.HISTORY_MESSAGES
    assert turn.history[0]["content"].startswith("11 ")
    assert all(len(m["content"]) == service.HISTORY_MESSAGE_CHARS for m in turn.history[:-1])
    assert turn.history[-1] == {"role": "user", "content": "and now?"}


async def test_a_new_conversation_is_titled_by_its_first_question(seeded: Seeded) -> None:
    ctx = WorkspaceContext(uuid.UUID(seeded.a.workspace_id), Role.viewer, seeded.owner.id, None)
    question = "Which of our enterprise deals in the Negotiation stage have gone quiet this month?"
    async with db.session_factory()() as session:
        turn = await service.start_turn(session, ctx, ChatRequest(message=question))

    assert turn.conversation.title == question[:79] + "…"
    assert turn.history == [{"role": "user", "content": question}]
