"""/deals/[deal_id] : a deal's facts, stage, history and timeline, with activities added here."""

import reflex as rx

from vectoros_ui.components.activity_form import activity_form
from vectoros_ui.components.deal_form import deal_form_dialog
from vectoros_ui.components.deal_table import stage_badge
from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.layout import app_shell
from vectoros_ui.components.options import stage_item
from vectoros_ui.components.stage_history import stage_history
from vectoros_ui.components.timeline import timeline
from vectoros_ui.components.win_probability import win_probability_card
from vectoros_ui.states.deal_detail import DealDetailState
from vectoros_ui.states.deal_form import DealFormState

State = DealDetailState


def _section(title: str, *children: rx.Component, test_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4"), *children, spacing="4", width="100%"),
        size="2",
        width="100%",
        data_testid=test_id,
    )


def _stage_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label="Stage", data_testid="deal-stage-select"),
        rx.select.content(rx.foreach(State.stages, stage_item), position="popper"),
        value=State.deal.stage_id,
        on_change=State.change_stage,
        disabled=State.moving_stage,
    )


def _delete_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash_2", size=16),
                "Delete",
                variant="soft",
                color_scheme="red",
                data_testid="deal-delete",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this deal?"),
            rx.alert_dialog.description(
                f"“{State.deal.title}” will be removed with its history and timeline. "
                "This cannot be undone.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete deal",
                        color_scheme="red",
                        on_click=State.delete,
                        data_testid="deal-delete-confirm",
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="26rem",
        ),
    )


def _actions() -> rx.Component:
    return rx.hstack(
        _stage_select(),
        rx.button(
            rx.icon("pencil", size=16),
            "Edit",
            variant="soft",
            on_click=DealFormState.open_edit(State.deal.id),
            loading=DealFormState.preparing,
            data_testid="deal-edit",
        ),
        _delete_button(),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _header() -> rx.Component:
    deal = State.deal
    return rx.flex(
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow_left", size=14), "Deals", align="center", spacing="1"),
                href="/deals",
                size="2",
                color_scheme="gray",
            ),
            rx.heading(deal.title, size="7", data_testid="deal-title"),
            rx.hstack(
                stage_badge(deal.stage_name, deal.stage_color),
                rx.text(deal.amount_label, size="4", weight="bold", data_testid="deal-amount"),
                rx.cond(
                    deal.is_rotting,
                    rx.badge(rx.icon("flame", size=12), "Idle too long", color_scheme="orange"),
                ),
                align="center",
                spacing="3",
            ),
            spacing="2",
        ),
        rx.spacer(),
        rx.cond(State.can_edit, _actions()),
        align="end",
        spacing="4",
        wrap="wrap",
        width="100%",
    )


def _fact(label: str, value: rx.Component | rx.Var, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color_scheme="gray"),
        rx.box(value, data_testid=test_id),
        spacing="1",
        min_width="0",
    )


def _or_dash(value: rx.Var[str]) -> rx.Component:
    return rx.text(rx.cond(value != "", value, "—"), size="2")


def _contact() -> rx.Component:
    deal = State.deal
    return rx.vstack(
        rx.cond(
            deal.contact_name != "",
            rx.text(deal.contact_name, size="2"),
            rx.cond(deal.contact_email == "", rx.text("—", size="2")),
        ),
        rx.cond(
            deal.contact_email != "",
            rx.link(deal.contact_email, href=f"mailto:{deal.contact_email}", size="2"),
        ),
        spacing="0",
    )


def _facts() -> rx.Component:
    deal = State.deal
    return rx.card(
        rx.grid(
            _fact(
                "Win probability",
                rx.hstack(
                    rx.text(deal.probability_label, size="2"),
                    rx.cond(
                        deal.probability_overridden,
                        rx.badge("set by hand", size="1", variant="soft", color_scheme="gray"),
                    ),
                    spacing="2",
                ),
                "deal-probability",
            ),
            _fact("Owner", _or_dash(deal.owner_name), "deal-owner"),
            _fact(
                "Expected close",
                rx.hstack(
                    _or_dash(deal.close_label),
                    rx.cond(
                        deal.close_pushes > 0,
                        rx.badge(f"pushed {deal.close_pushes}×", color_scheme="orange", size="1"),
                    ),
                    spacing="2",
                ),
                "deal-close",
            ),
            _fact("Company", _or_dash(deal.company), "deal-company"),
            _fact("Contact", _contact(), "deal-contact"),
            _fact("Source", rx.text(deal.source, size="2"), "deal-source"),
            rx.cond(
                deal.lost_reason != "",
                _fact("Lost because", _or_dash(deal.lost_reason), "deal-lost"),
            ),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="4",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _deal() -> rx.Component:
    return rx.vstack(
        _header(),
        notice_callout(State.notice, "deal-notice"),
        error_callout(State.error, "deal-error"),
        _facts(),
        win_probability_card(),
        rx.flex(
            rx.box(
                _section(
                    "Timeline",
                    rx.cond(State.can_edit, activity_form()),
                    rx.cond(State.can_edit, rx.separator()),
                    timeline(),
                    test_id="timeline-section",
                ),
                flex="3",
                min_width="0",
                width="100%",
            ),
            rx.box(
                _section("Stage history", stage_history(), test_id="history-section"),
                flex="2",
                min_width="0",
                width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            align="start",
            spacing="4",
            width="100%",
        ),
        deal_form_dialog(),
        spacing="5",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.callout(
        rx.text(
            "This deal does not exist or was deleted. ",
            rx.link("Back to deals", href="/deals"),
        ),
        icon="circle_alert",
        data_testid="deal-not-found",
    )


def deal_detail() -> rx.Component:
    return app_shell(
        "deals",
        rx.cond(
            State.loading,
            rx.center(rx.spinner(size="3"), padding="4rem", width="100%"),
            rx.cond(State.not_found, _not_found(), _deal()),
        ),
        on_workspace_change=DealDetailState.workspace_changed,
    )
