"""/invitations/accept?token=... : the page an invitation link opens."""

import reflex as rx

from vectoros_ui.components.auth_card import auth_card
from vectoros_ui.components.feedback import error_callout
from vectoros_ui.states.invitation_accept import InvitationAcceptState
from vectoros_ui.states.session import SessionState

State = InvitationAcceptState


def _accepting() -> rx.Component:
    return rx.hstack(
        rx.spinner(),
        rx.text("Joining the workspace…", size="2"),
        spacing="3",
        align="center",
        data_testid="invitation-accepting",
    )


def _sign_in_first() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Sign in, or create your account, with the email address this invitation was "
            "sent to. You join the workspace right after.",
            size="2",
        ),
        rx.link(
            rx.button("Sign in", size="3", width="100%"),
            href="/login",
            width="100%",
            data_testid="invitation-sign-in",
        ),
        rx.link(
            rx.button("Create an account", size="3", variant="soft", width="100%"),
            href="/register",
            width="100%",
            data_testid="invitation-register",
        ),
        spacing="3",
        width="100%",
        data_testid="invitation-sign-in-first",
    )


def _invalid() -> rx.Component:
    return rx.vstack(
        error_callout(State.error, "invitation-error"),
        rx.text(
            "You are signed in as ",
            rx.text.strong(SessionState.user_email),
            ". If the invitation was sent to another address, sign in with that one.",
            size="2",
        ),
        rx.button(
            "Sign in with another account",
            size="3",
            width="100%",
            on_click=State.sign_in_as_someone_else,
            data_testid="invitation-switch-account",
        ),
        rx.button(
            "Go to my dashboard",
            size="3",
            variant="soft",
            width="100%",
            on_click=State.give_up,
            data_testid="invitation-give-up",
        ),
        spacing="3",
        width="100%",
    )


def _missing() -> rx.Component:
    return rx.callout(
        "This invitation link is incomplete. Open the whole link from the invitation, or ask "
        "the person who invited you to send it again.",
        icon="triangle_alert",
        color_scheme="red",
        width="100%",
        data_testid="invitation-missing",
    )


def invitation_accept() -> rx.Component:
    return auth_card(
        "Join a workspace",
        "You have been invited to a VectorOS workspace.",
        rx.match(
            State.status,
            ("sign_in", _sign_in_first()),
            ("invalid", _invalid()),
            ("missing", _missing()),
            _accepting(),
        ),
    )
