"""Form building blocks."""

import reflex as rx


def labelled(
    label: str, field_id: str, field: rx.Component, *, full_width: bool = True
) -> rx.Component:
    """A form field under its label; `field_id` must be the input's id."""
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_size="var(--font-size-2)", font_weight="500"),
        field,
        spacing="1",
        **({"width": "100%"} if full_width else {}),
    )
