"""A form field with the API's message for it underneath."""

import reflex as rx

from vectoros_ui.components.forms import labelled


def field_with_error(
    label: str, field_id: str, field: rx.Component, error: rx.Var[str] | None = None
) -> rx.Component:
    """`labelled` plus the field's validation message, announced to screen readers."""
    if error is None:
        return labelled(label, field_id, field)
    return rx.vstack(
        labelled(label, field_id, field),
        rx.cond(
            error != "",
            rx.text(
                error,
                size="1",
                color_scheme="red",
                role="alert",
                data_testid=f"{field_id}-error",
            ),
        ),
        spacing="1",
        width="100%",
    )
