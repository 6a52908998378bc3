"""/insights : what needs attention, most urgent first, with filters and a way to generate more."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.insight_card import insight_card
from vectoros_ui.components.layout import app_shell
from vectoros_ui.components.live_badge import live_badge
from vectoros_ui.states.deals import ANY
from vectoros_ui.states.insights import OPEN, PRIORITIES, STATUSES, TYPES, InsightsState
from vectoros_ui.states.session import SessionState

State = InsightsState


def _generate_button(test_id: str) -> rx.Component:
    return rx.cond(
        State.can_triage,
        rx.button(
            rx.icon("sparkles", size=16),
            rx.cond(State.generating, "Generating…", "Generate insights"),
            loading=State.generating,
            on_click=State.generate,
            data_testid=test_id,
        ),
    )


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.heading("Insights", size="7", data_testid="insights-title"),
                live_badge(),
                align="center",
                spacing="3",
            ),
            rx.text(
                rx.cond(State.loading, "Loading…", State.total_label),
                size="2",
                color_scheme="gray",
                data_testid="insights-total",
            ),
            spacing="1",
        ),
        rx.spacer(),
        _generate_button("generate-insights"),
        align="end",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _choice(name: str, label: str, value: rx.Var[str], *items: rx.Component) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=label, aria_label=label, data_testid=f"filter-{name}"),
        rx.select.content(*items, position="popper"),
        value=value,
        on_change=lambda chosen: State.choose(name, chosen),
    )


def _items(values: list[str], any_label: str) -> list[rx.Component]:
    return [
        rx.select.item(any_label, value=ANY),
        *[rx.select.item(value.capitalize(), value=value) for value in values],
    ]


def _filters() -> rx.Component:
    return rx.flex(
        _choice(
            "status",
            "Status",
            State.status_choice,
            rx.select.item("Open", value=OPEN),
            *_items(STATUSES, "Any status"),
        ),
        _choice("priority", "Priority", State.priority_choice, *_items(PRIORITIES, "Any priority")),
        _choice("kind", "Type", State.kind_choice, *_items(TYPES, "Any type")),
        rx.cond(
            State.has_filters,
            rx.button(
                rx.icon("x", size=14),
                "Clear filters",
                variant="ghost",
                color_scheme="gray",
                on_click=State.clear_filters,
                data_testid="clear-filters",
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon("lightbulb", size=24, color=rx.color("accent", 11)),
                background_color=rx.color("accent", 3),
                border_radius="full",
                width="3rem",
                height="3rem",
            ),
            rx.cond(
                State.has_filters,
                rx.vstack(
                    rx.heading("No insights match these filters", size="4"),
                    rx.button("Clear filters", variant="soft", on_click=State.clear_filters),
                    align="center",
                    spacing="3",
                ),
                rx.vstack(
                    rx.heading("No insights yet — generate them", size="4"),
                    rx.text(
                        "VectorOS reads your open deals for risks, slipping dates and next steps.",
                        size="2",
                        color_scheme="gray",
                    ),
                    _generate_button("empty-generate-insights"),
                    align="center",
                    spacing="3",
                ),
            ),
            align="center",
            spacing="3",
            padding="2rem",
        ),
        width="100%",
        data_testid="insights-empty",
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
                data_testid="insights-load-more",
            ),
            width="100%",
        ),
    )


def _feed() -> rx.Component:
    return rx.vstack(rx.foreach(State.insights, insight_card), spacing="3", width="100%")


def _insights() -> rx.Component:
    return rx.vstack(
        _header(),
        error_callout(State.error, "insights-error"),
        notice_callout(State.notice, "insights-notice"),
        _filters(),
        rx.cond(~State.loading & (State.total == 0), _empty(), _feed()),
        _load_more(),
        spacing="5",
        width="100%",
    )


def insights() -> rx.Component:
    return app_shell(
        "insights",
        rx.cond(
            SessionState.has_workspaces,
            _insights(),
            rx.callout(
                "Create a workspace first; its insights will appear here.",
                icon="building_2",
                data_testid="insights-no-workspace",
            ),
        ),
        on_workspace_change=InsightsState.workspace_changed,
    )
