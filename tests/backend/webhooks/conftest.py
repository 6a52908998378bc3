import pytest

from backend.config import settings
from tests.backend.webhooks.factories import BASE_URL, CLIENT_SECRET


@pytest.fixture(autouse=True)
def hubspot_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "hubspot_client_secret", CLIENT_SECRET)
    monkeypatch.setattr(settings, "public_base_url", BASE_URL)
