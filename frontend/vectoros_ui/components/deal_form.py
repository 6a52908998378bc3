"""The create/edit deal dialog; open it with DealFormState.open_create / open_edit."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.field_feedback import field_with_error
from vectoros_ui.components.options import member_item, stage_item
from vectoros_ui.states.deal_form import NO_OWNER, DealFormState

State = DealFormState


def _input(name: str, label: str, **props) -> rx.Component:
    field_id = f"deal-{name.replace('_', '-')}"
    return field_with_error(
        label,
        field_id,
        rx.input(
            id=field_id,
            name=name,
            default_value=State.values[name],
            width="100%",
            data_testid=field_id,
            **props,
        ),
        State.errors[name],
    )


def _select(name: str, label: str, *items: rx.Component) -> rx.Component:
    field_id = f"deal-{name.replace('_', '-')}"
    return field_with_error(
        label,
        field_id,
        rx.select.root(
            rx.select.trigger(id=field_id, width="100%", data_testid=field_id),
            rx.select.content(*items, position="popper"),
            name=name,
            default_value=State.values[name],
        ),
        State.errors[name],
    )


def _pair(left: rx.Component, right: rx.Component) -> rx.Component:
    return rx.grid(
        left, right, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"
    )


def _fields() -> rx.Component:
    return rx.vstack(
        _input("title", "Title", placeholder="Acme renewal", max_length=300, auto_focus=True),
        _pair(
            _input("amount", "Amount", placeholder="12000", input_mode="decimal"),
            _input("currency", "Currency", placeholder="USD", max_length=3),
        ),
        _pair(
            _select("stage_id", "Stage", rx.foreach(State.stages, stage_item)),
            _input("expected_close_date", "Expected close", type="date"),
        ),
        _pair(
            _select(
                "owner_id",
                "Owner",
                rx.foreach(State.members, member_item),
                rx.select.item("No owner", value=NO_OWNER),
            ),
            _input(
                "probability_override",
                "Win probability override (%)",
                placeholder="The stage's probability",
                input_mode="decimal",
            ),
        ),
        _input("company", "Company", placeholder="Acme Inc.", max_length=200),
        _pair(
            _input("contact_name", "Contact name", max_length=200),
            _input("contact_email", "Contact email", type="email", max_length=320),
        ),
        spacing="3",
        width="100%",
    )


def new_deal_button(origin: str, test_id: str = "new-deal-button") -> rx.Component:
    """Opens the deal dialog; `origin` names the page to refresh after the save."""
    return rx.button(
        rx.icon("plus", size=16),
        "New deal",
        on_click=State.open_create(origin),
        loading=State.preparing,
        data_testid=test_id,
    )


def deal_form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(State.dialog_title),
            rx.dialog.description(
                "Stage and close-date changes are kept in the deal's history.",
                size="2",
                color_scheme="gray",
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    _fields(),
                    error_callout(State.error, "deal-form-error"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray"),
                        ),
                        rx.button(
                            State.submit_label,
                            type="submit",
                            loading=State.saving,
                            data_testid="deal-form-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="4",
                ),
                # A new key per opening remounts the fields with the deal's values.
                key=State.form_key,
                on_submit=State.submit,
            ),
            max_width="36rem",
            data_testid="deal-form-dialog",
        ),
        open=State.open,
        on_open_change=State.set_open,
    )
