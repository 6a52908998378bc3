"""/settings/profile : your name and password."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.components.settings_nav import section, settings_page
from vectoros_ui.states.settings_profile import CURRENT_PASSWORD_ID, NEW_PASSWORD_ID, ProfileState

State = ProfileState


def _name_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                labelled(
                    "Full name",
                    "profile-name",
                    rx.input(
                        id="profile-name",
                        name="name",
                        default_value=State.user_name,
                        max_length=200,
                        width="100%",
                    ),
                ),
                flex="1",
                width="100%",
            ),
            rx.button("Save", type="submit", loading=State.saving, data_testid="profile-save"),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="end"),
            spacing="3",
            width="100%",
        ),
        key=State.user_email,
        on_submit=State.save_name,
        width="100%",
    )


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Current password",
                CURRENT_PASSWORD_ID,
                rx.input(
                    id=CURRENT_PASSWORD_ID,
                    name="current_password",
                    type="password",
                    auto_complete="current-password",
                    width="100%",
                ),
            ),
            labelled(
                "New password",
                NEW_PASSWORD_ID,
                rx.input(
                    id=NEW_PASSWORD_ID,
                    name="password",
                    type="password",
                    auto_complete="new-password",
                    width="100%",
                ),
            ),
            error_callout(State.password_error, "password-error"),
            rx.button("Change password", type="submit", variant="soft"),
            spacing="3",
            width="100%",
            max_width="24rem",
        ),
        on_submit=State.change_password,
        reset_on_submit=False,
        width="100%",
    )


def settings_profile() -> rx.Component:
    return settings_page(
        "profile",
        "Profile",
        notice_callout(State.notice, "settings-notice"),
        error_callout(State.error, "settings-error"),
        section(
            "You",
            "How colleagues see you on deals and activities.",
            rx.text("Signed in as ", rx.code(State.user_email), size="2"),
            _name_form(),
        ),
        section("Password", "At least 8 characters.", _password_form()),
    )
