"""An empty state that says what to do next: an icon, a title, a line, the actions."""

import reflex as rx


def empty_state(
    icon: str, title: str, body: rx.Component, action: rx.Component, test_id: str
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=26, color=rx.color("accent", 11)),
                background_color=rx.color("accent", 3),
                border_radius="50%",
                width="56px",
                height="56px",
            ),
            rx.heading(title, size="4"),
            body,
            action,
            align="center",
            spacing="3",
            padding_y="2.5rem",
            padding_x="1rem",
            text_align="center",
        ),
        width="100%",
        data_testid=test_id,
    )
