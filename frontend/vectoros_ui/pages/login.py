"""/login"""

import reflex as rx

from vectoros_ui.components.auth_card import auth_card
from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.states.login import LoginState


def login() -> rx.Component:
    return auth_card(
        "Sign in",
        "Welcome back. Sign in to your revenue workspace.",
        notice_callout(LoginState.notice, "login-notice"),
        rx.form(
            rx.vstack(
                labelled(
                    "Email",
                    "login-email",
                    rx.input(
                        id="login-email",
                        name="email",
                        type="email",
                        placeholder="you@company.com",
                        auto_complete="email",
                        width="100%",
                        size="3",
                        data_testid="login-email",
                    ),
                ),
                labelled(
                    "Password",
                    "login-password",
                    rx.input(
                        id="login-password",
                        name="password",
                        type="password",
                        auto_complete="current-password",
                        width="100%",
                        size="3",
                        data_testid="login-password",
                    ),
                ),
                error_callout(LoginState.error, "login-error"),
                rx.button(
                    "Sign in",
                    type="submit",
                    size="3",
                    width="100%",
                    loading=LoginState.loading,
                    data_testid="login-submit",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.submit,
            width="100%",
        ),
        rx.text(
            "New to VectorOS? ",
            rx.link("Create an account", href="/register", data_testid="to-register"),
            size="2",
            color_scheme="gray",
        ),
    )
