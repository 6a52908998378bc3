"""The centred card the login and register pages share."""

import reflex as rx

from vectoros_ui.components.logo import logo


def auth_card(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    return rx.center(
        rx.vstack(
            logo("6"),
            rx.card(
                rx.vstack(
                    rx.heading(title, size="6"),
                    rx.text(subtitle, color_scheme="gray", size="2"),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                size="3",
                width="100%",
            ),
            align="center",
            spacing="6",
            width="100%",
            max_width="26rem",
        ),
        min_height="100vh",
        padding="1.5rem",
        width="100%",
    )
