"""The "Live" badge: shown while the page follows the workspace's changes."""

import reflex as rx

from vectoros_ui.states.live import LiveState


def live_badge() -> rx.Component:
    return rx.cond(
        LiveState.live,
        rx.badge(
            rx.box(
                width="0.5rem",
                height="0.5rem",
                border_radius="50%",
                background_color=rx.color("grass", 9),
                class_name="vos-pulse",
            ),
            "Live",
            color_scheme="grass",
            variant="soft",
            data_testid="live-badge",
        ),
    )
