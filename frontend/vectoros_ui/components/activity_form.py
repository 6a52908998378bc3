"""The "Add activity" form on a deal page; a saved activity lands on the timeline."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.field_feedback import field_with_error
from vectoros_ui.states.deal_detail import ACTIVITY_TYPES, DealDetailState

State = DealDetailState


def _type_and_when() -> rx.Component:
    return rx.grid(
        field_with_error(
            "Type",
            "activity-type",
            rx.select.root(
                rx.select.trigger(id="activity-type", width="100%", data_testid="activity-type"),
                rx.select.content(
                    *[rx.select.item(kind.capitalize(), value=kind) for kind in ACTIVITY_TYPES],
                    position="popper",
                ),
                name="type",
                default_value="call",
            ),
        ),
        field_with_error(
            "When (empty: now)",
            "activity-when",
            rx.input(
                id="activity-when",
                name="when",
                type="datetime-local",
                width="100%",
                data_testid="activity-when",
            ),
            State.activity_errors["scheduled_at"] + State.activity_errors["completed_at"],
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="3",
        width="100%",
    )


def activity_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _type_and_when(),
            field_with_error(
                "Subject",
                "activity-subject",
                rx.input(
                    id="activity-subject",
                    name="subject",
                    placeholder="Discovery call with the CFO",
                    max_length=300,
                    width="100%",
                    data_testid="activity-subject",
                ),
                State.activity_errors["subject"],
            ),
            field_with_error(
                "Notes",
                "activity-body",
                rx.text_area(
                    id="activity-body",
                    name="body",
                    rows="3",
                    width="100%",
                    data_testid="activity-body",
                ),
                State.activity_errors["body"],
            ),
            error_callout(State.activity_error, "activity-error"),
            rx.hstack(
                rx.checkbox("Done already", name="done", default_checked=True),
                rx.spacer(),
                rx.button(
                    rx.icon("plus", size=16),
                    "Add activity",
                    type="submit",
                    loading=State.saving_activity,
                    data_testid="activity-submit",
                ),
                align="center",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        # A new key after each save empties the form.
        key=State.activity_form_key,
        on_submit=State.add_activity,
        width="100%",
        data_testid="activity-form",
    )
