"""/invitations/accept?token=... : join the workspace an invitation link is for.

Signed in, the link is accepted at once. Signed out, the token waits here (server-side)
while the visitor signs in or registers; those pages come back to this one afterwards.
"""

from urllib.parse import urlencode

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError, SessionExpired
from vectoros_ui.states.session import HOME_ROUTE, LOGIN_ROUTE, SessionState

ACCEPT_ROUTE = "/invitations/accept"


class InvitationAcceptState(SessionState):
    # The link's secret while the visitor signs in; never sent to the browser.
    _pending_token: str = ""

    # accepting | sign_in | invalid | missing
    status: rx.Field[str] = rx.field("accepting")
    error: rx.Field[str] = rx.field("")

    def return_route(self) -> str | None:
        """Where signing in or registering should lead: back here, with the waiting link."""
        if not self._pending_token:
            return None
        return f"{ACCEPT_ROUTE}?{urlencode({'token': self._pending_token})}"

    @rx.event
    async def load(self):
        """on_load: accept the link, or keep it and ask the visitor to sign in first."""
        self.error = ""
        token = str(self.router.url.query_parameters.get("token", "") or "").strip()
        if token:
            self._pending_token = token
        if not self._pending_token:
            self.status = "missing"
            return
        if not self._refresh_token:
            self.status = "sign_in"
            return
        self.status = "accepting"
        yield
        redirect = await self._accept()
        if redirect is not None:
            yield redirect

    async def _accept(self):
        token = self._pending_token
        try:
            joined = await self._api("POST", "/api/v1/invitations/accept", json={"token": token})
            await self._load_session()
        except SessionExpired:
            self.status = "sign_in"
            return None
        except ApiError as exc:
            # Kept: signing in with the invited email's account may still accept it.
            self.status = "invalid"
            self.error = exc.message
            return None
        self._pending_token = ""
        self.workspace_id = str(joined["id"])
        return rx.redirect(HOME_ROUTE)

    @rx.event
    async def sign_in_as_someone_else(self):
        """Signed in with another account: sign out, keeping the link for the right one."""
        if self._refresh_token:
            try:
                await api.call(
                    "POST", "/api/v1/auth/logout", json={"refresh_token": self._refresh_token}
                )
            except ApiError:
                pass  # the session is forgotten here either way
        self._forget()
        self.status = "sign_in"
        self.error = ""
        return rx.redirect(LOGIN_ROUTE)

    @rx.event
    def give_up(self):
        """Leave the link behind and go to the dashboard."""
        self._pending_token = ""
        return rx.redirect(HOME_ROUTE)
