from collections.abc import Iterator

import pytest

from backend.notion import client
from tests.fakes.notion_api import fake_notion, notion_server

__all__ = ["fake_notion", "notion_server"]


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The client's waits between retries, recorded instead of slept."""
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(client, "_sleep", record)
    yield waited
