"""The sign-up form."""

from typing import Any

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError
from vectoros_ui.states.login import LoginState, after_sign_in
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

MIN_PASSWORD = 8
ALREADY_REGISTERED = (
    "We could not sign you in with that email and password. If the email already has an "
    "account, sign in with its password."
)


class RegisterState(SessionState):
    error: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)

    @rx.event
    async def submit(self, form: dict[str, Any]):
        name = str(form.get("name", "")).strip()
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        if not name or not email:
            self.error = "Enter your name and your work email."
            return
        if len(password) < MIN_PASSWORD:
            self.error = f"Choose a password of at least {MIN_PASSWORD} characters."
            return
        self.error = ""
        self.loading = True
        yield
        credentials = {"email": email, "password": password}
        try:
            # The same answer whether or not the email had an account: signing in tells.
            await api.call("POST", "/api/v1/auth/register", json={**credentials, "name": name})
        except ApiError as exc:
            self.loading = False
            self.error = exc.message
            return
        try:
            tokens = await api.call("POST", "/api/v1/auth/login", json=credentials)
            self._keep_tokens(tokens)
            await self._load_session()
        except ApiError as exc:
            if exc.status not in (401, 429):
                self.error = exc.message
                return
            # The email had an account with another password (or sign-in is throttled):
            # the sign-in page takes it from here.
            login = await self.get_state(LoginState)
            login.notice = ALREADY_REGISTERED
            login.error = ""
            yield rx.redirect(LOGIN_ROUTE)
            return
        finally:
            self.loading = False
        yield rx.redirect(await after_sign_in(self))
