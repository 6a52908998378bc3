import pytest

from backend.hubspot import client, service
from tests.fakes.hubspot_api import fake_hubspot, hubspot_server

__all__ = ["fake_hubspot", "hubspot_server"]


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back off in milliseconds, not seconds: what is tested is that retries happen."""
    monkeypatch.setattr(client, "BACKOFF_SECONDS", 0.01)


@pytest.fixture(autouse=True)
def no_scheduled_syncs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process worker also defers periodic jobs; only the syncs a test starts run."""

    async def nothing() -> int:
        return 0

    monkeypatch.setattr(service, "schedule_incremental_syncs", nothing)
