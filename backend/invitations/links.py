"""Where an invitation's link points: the frontend page that accepts it."""

from urllib.parse import urlencode

from backend.config import settings

ACCEPT_PATH = "/invitations/accept"


def accept_url(token: str) -> str:
    return f"{settings.public_frontend_url}{ACCEPT_PATH}?{urlencode({'token': token})}"
