"""/deals : every deal of the workspace in a filtered, sortable table."""

import reflex as rx

from vectoros_ui.components.deal_filters import deal_filters
from vectoros_ui.components.deal_form import deal_form_dialog, new_deal_button
from vectoros_ui.components.deal_table import deal_table
from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.layout import app_shell
from vectoros_ui.states.deals import DealsState
from vectoros_ui.states.session import SessionState

State = DealsState


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading("Deals", size="7", data_testid="deals-title"),
            rx.text(
                rx.cond(State.loading, "Loading…", State.total_label),
                size="2",
                color_scheme="gray",
                data_testid="deals-total",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(
            rx.button(
                rx.icon("kanban", size=16),
                "Board",
                variant="soft",
                color_scheme="gray",
                on_click=rx.redirect("/pipeline"),
                data_testid="to-board",
            ),
            rx.cond(State.can_create, new_deal_button("deals")),
            spacing="2",
        ),
        align="end",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("inbox", size=24, color=rx.color("accent", 11)),
                background_color=rx.color("accent", 3),
                border_radius="full",
                width="3rem",
                height="3rem",
            ),
            rx.cond(
                State.has_filters,
                rx.vstack(
                    rx.heading("No deals match these filters", size="4"),
                    rx.button("Clear filters", variant="soft", on_click=State.clear_filters),
                    align="center",
                    spacing="3",
                ),
                rx.vstack(
                    rx.heading("No deals yet — create one or import a CSV", size="4"),
                    rx.text(
                        "Deals you add, import or sync from your CRM show up here.",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.cond(State.can_create, new_deal_button("deals", "empty-new-deal-button")),
                    align="center",
                    spacing="3",
                ),
            ),
            align="center",
            spacing="3",
            padding="2rem",
        ),
        width="100%",
        data_testid="deals-empty",
    )


def _load_more() -> rx.Component:
    return rx.cond(
        State.has_more & ~State.loading,
        rx.center(
            rx.button(
                "Load more",
                variant="soft",
                loading=State.loading_more,
                on_click=State.load_more,
                data_testid="deals-load-more",
            ),
            width="100%",
        ),
    )


def _deals() -> rx.Component:
    return rx.vstack(
        _header(),
        error_callout(State.error, "deals-error"),
        deal_filters(),
        rx.cond(~State.loading & (State.total == 0), _empty(), deal_table()),
        _load_more(),
        deal_form_dialog(),
        spacing="5",
        width="100%",
    )


def deals() -> rx.Component:
    return app_shell(
        "deals",
        rx.cond(
            SessionState.has_workspaces,
            _deals(),
            rx.callout(
                "Create a workspace first; its deals will appear here.",
                icon="building_2",
                data_testid="deals-no-workspace",
            ),
        ),
        on_workspace_change=DealsState.workspace_changed,
    )
