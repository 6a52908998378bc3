"""Inline messages: errors from the API, confirmations, and the loading screen."""

import reflex as rx
from reflex.event import EventType


def error_callout(message: rx.Var[str], test_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid=test_id,
        ),
    )


def notice_callout(message: rx.Var[str], test_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="circle_check",
            color_scheme="green",
            role="status",
            width="100%",
            data_testid=test_id,
        ),
    )


def loading_screen(error: rx.Var[str], retry: EventType[()]) -> rx.Component:
    """A spinner while the session loads, or why it could not, with a way to try again."""
    return rx.center(
        rx.cond(
            error != "",
            rx.vstack(
                error_callout(error, "session-error"),
                rx.button("Try again", variant="soft", on_click=retry),
                align="center",
                spacing="4",
                max_width="28rem",
            ),
            rx.spinner(size="3"),
        ),
        height="100vh",
        width="100%",
        padding="1.5rem",
        data_testid="loading-screen",
    )
