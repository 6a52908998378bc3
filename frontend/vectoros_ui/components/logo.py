"""The VectorOS word mark."""

import reflex as rx


def logo(size: str = "5") -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("radar", size=18, color="white"),
            background_color=rx.color("accent", 9),
            border_radius="8px",
            width="30px",
            height="30px",
        ),
        rx.heading("VectorOS", size=size, weight="bold", letter_spacing="-0.02em"),
        align="center",
        spacing="2",
        data_testid="logo",
    )
