import pytest

from backend.config import settings
from tests.backend.webhooks.factories import BASE_URL, CLIENT_SECRET


@pytest.fixture(autouse=True)
def hubspot_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "hubspot_client_secret", CLIENT_SECRET)
    monkeypatch.setattr(settings, "public_base_url", BASE_URL)


@pytest.fixture(autouse=True)
def no_scheduled_syncs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process worker defers periodic jobs too; no HubSpot sync may reach the internet."""
    from backend.hubspot import service

    async def nothing() -> int:
        return 0

    monkeypatch.setattr(service, "schedule_incremental_syncs", nothing)
