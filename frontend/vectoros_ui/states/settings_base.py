"""What every settings page state shares: the message fields and how API errors land."""

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.session import LOGIN_ROUTE


class SettingsMessages:
    """Mixed into a page state next to SessionState: `error`, `notice` and `_fail`."""

    error: str
    notice: str
    loading: bool

    def _clear(self) -> None:
        self.error = ""
        self.notice = ""

    async def _load_page(self) -> AsyncIterator[Any]:
        """A page's load: messages cleared, `loading` shown while the state's `_fetch` runs."""
        self._clear()
        if not self.workspace_id:  # type: ignore[attr-defined]
            return
        self.loading = True
        yield
        try:
            await self._fetch()  # type: ignore[attr-defined]
        except ApiError as exc:
            yield self._fail(exc)
        finally:
            self.loading = False

    def _fail(self, exc: ApiError) -> Any:
        """Show the API's message, or send the user to sign in again when the session is gone."""
        if isinstance(exc, SessionExpired):
            return rx.redirect(LOGIN_ROUTE)
        self.error = exc.message
        return None
