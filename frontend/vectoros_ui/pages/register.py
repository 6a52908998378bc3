"""/register"""

import reflex as rx

from vectoros_ui.components.auth_card import auth_card
from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.states.register import MIN_PASSWORD, RegisterState


def register() -> rx.Component:
    return auth_card(
        "Create your account",
        "Start a workspace for your team, or join the one that invited you.",
        rx.form(
            rx.vstack(
                labelled(
                    "Full name",
                    "register-name",
                    rx.input(
                        id="register-name",
                        name="name",
                        placeholder="Ada Lovelace",
                        auto_complete="name",
                        max_length=200,
                        width="100%",
                        size="3",
                        data_testid="register-name",
                    ),
                ),
                labelled(
                    "Work email",
                    "register-email",
                    rx.input(
                        id="register-email",
                        name="email",
                        type="email",
                        placeholder="you@company.com",
                        auto_complete="email",
                        width="100%",
                        size="3",
                        data_testid="register-email",
                    ),
                ),
                labelled(
                    "Password",
                    "register-password",
                    rx.input(
                        id="register-password",
                        name="password",
                        type="password",
                        placeholder=f"At least {MIN_PASSWORD} characters",
                        auto_complete="new-password",
                        width="100%",
                        size="3",
                        data_testid="register-password",
                    ),
                ),
                error_callout(RegisterState.error, "register-error"),
                rx.button(
                    "Create account",
                    type="submit",
                    size="3",
                    width="100%",
                    loading=RegisterState.loading,
                    data_testid="register-submit",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=RegisterState.submit,
            width="100%",
        ),
        rx.text(
            "Already have an account? ",
            rx.link("Sign in", href="/login", data_testid="to-login"),
            size="2",
            color_scheme="gray",
        ),
    )
