"""The per-request session: its commit is done before the response starts."""

from collections.abc import MutableMapping
from typing import Any

from httpx import ASGITransport, AsyncClient
from sqlalchemy import Engine, text

Message = MutableMapping[str, Any]


async def test_a_created_account_is_committed_before_the_response_starts(
    database: str, sync_engine: Engine
) -> None:
    from backend.app import create_app

    app = create_app()
    committed_when_answering: list[int] = []

    async def watched(scope: Message, receive: Any, send: Any) -> None:
        async def send_after_looking(message: Message) -> None:
            if message["type"] == "http.response.start":
                with sync_engine.connect() as conn:
                    found = conn.scalar(
                        text("select count(*) from \"user\" where email = 'early@example.com'")
                    )
                committed_when_answering.append(int(found or 0))
            await send(message)

        await app(scope, receive, send_after_looking)

    transport = ASGITransport(app=watched, client=("10.0.0.2", 1234))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post(
            "/api/v1/auth/register",
            json={"email": "early@example.com", "password": "a-long-password-1", "name": "Early"},
        )

    assert response.status_code == 202, response.text
    # A client told "accepted" can sign in at once: another connection sees the account.
    assert committed_when_answering == [1]
