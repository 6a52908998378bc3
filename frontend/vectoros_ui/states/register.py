"""The sign-up form."""

from typing import Any

import reflex as rx

from vectoros_ui import api
from vectoros_ui.api import ApiError
from vectoros_ui.states.login import LoginState
from vectoros_ui.states.session import LOGIN_ROUTE, SessionState

MIN_PASSWORD = 8


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
        try:
            await api.call(
                "POST",
                "/api/v1/auth/register",
                json={"email": email, "password": password, "name": name},
            )
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        login = await self.get_state(LoginState)
        login.notice = f"Account created for {email}. Sign in to continue."
        login.error = ""
        yield rx.redirect(LOGIN_ROUTE)
