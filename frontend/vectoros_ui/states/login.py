"""The sign-in form."""

from typing import Any

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError
from vectoros_ui.states.invitation_accept import InvitationAcceptState
from vectoros_ui.states.session import HOME_ROUTE, SessionState

INVITATION_NOTICE = (
    "Sign in with the email address your invitation was sent to: you join the workspace next."
)


async def after_sign_in(state: SessionState) -> str:
    """Where a fresh sign-in leads: back to a waiting invitation link, or the dashboard."""
    invitation = await state.get_state(InvitationAcceptState)
    return invitation.return_route() or HOME_ROUTE


class LoginState(SessionState):
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)

    @rx.event
    async def redirect_if_signed_in(self):
        """on_load: a signed-in visitor has nothing to do here."""
        if self.signed_in:
            return rx.redirect(await after_sign_in(self))
        invitation = await self.get_state(InvitationAcceptState)
        if invitation.return_route() and not self.notice:
            self.notice = INVITATION_NOTICE
        return None

    @rx.event
    async def submit(self, form: dict[str, Any]):
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        if not email or not password:
            self.error = "Enter your email and password."
            return
        self.error = ""
        self.loading = True
        yield
        try:
            tokens = await api.call(
                "POST", "/api/v1/auth/login", json={"email": email, "password": password}
            )
            self._keep_tokens(tokens)
            await self._load_session()
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self.notice = ""
        yield rx.redirect(await after_sign_in(self))
