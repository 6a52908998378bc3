"""/ : the dashboard a sales leader opens every morning: cards, charts, what needs attention."""

import reflex as rx

from vectoros_ui.components.attention import insight_dialog, needs_attention
from vectoros_ui.components.dashboard_cards import headline_cards
from vectoros_ui.components.dashboard_charts import (
    activity_by_owner,
    forecast_vs_target,
    pipeline_by_stage,
    stage_funnel,
    won_trend,
)
from vectoros_ui.components.empty_state import empty_state
from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.layout import app_shell
from vectoros_ui.components.live_badge import live_badge
from vectoros_ui.states.dashboard import EVERYONE, PERIODS, SOURCES, DashboardState
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.workspace_dialog import WorkspaceDialogState

State = DashboardState


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text("Dashboard", size="2", color_scheme="gray", weight="medium"),
            rx.hstack(
                rx.heading(SessionState.workspace_name, size="7", data_testid="dashboard-title"),
                live_badge(),
                align="center",
                spacing="3",
            ),
            rx.text(State.period_label, size="2", color_scheme="gray", data_testid="period-label"),
            spacing="1",
        ),
        rx.spacer(),
        _filters(),
        direction=rx.breakpoints(initial="column", md="row"),
        align=rx.breakpoints(initial="start", md="end"),
        spacing="4",
        width="100%",
    )


def _select(name: str, label: str, value: rx.Var[str], *items: rx.Component) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=label, aria_label=label, data_testid=f"filter-{name}"),
        rx.select.content(*items, position="popper"),
        value=value,
        on_change=lambda chosen: State.choose(name, chosen),
    )


def _filters() -> rx.Component:
    return rx.flex(
        _select(
            "period",
            "Period",
            State.period,
            *[rx.select.item(label, value=key) for key, label in PERIODS.items()],
        ),
        _select(
            "owner",
            "Owner",
            State.owner_choice,
            rx.select.item("Everyone", value=EVERYONE),
            rx.foreach(State.owners, lambda o: rx.select.item(o.name, value=o.id)),
        ),
        _select(
            "source",
            "Pipeline",
            State.source_choice,
            rx.select.item("All pipelines", value=EVERYONE),
            *[rx.select.item(label, value=key) for key, label in SOURCES.items()],
        ),
        rx.cond(
            State.has_filters,
            rx.button(
                rx.icon("x", size=14),
                "Reset",
                variant="ghost",
                color_scheme="gray",
                on_click=State.clear_filters,
                data_testid="clear-filters",
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        data_testid="dashboard-filters",
    )


def _getting_started() -> rx.Component:
    return empty_state(
        "inbox",
        "Your dashboard fills up with your deals",
        rx.text(
            "Connect HubSpot to sync your pipeline, import deals from a CSV, or explore "
            "with a realistic demo workspace.",
            color_scheme="gray",
            size="2",
            max_width="30rem",
        ),
        rx.flex(
            rx.link(
                rx.button(rx.icon("plug", size=16), "Connect HubSpot", variant="soft"),
                href="/settings/integrations",
                data_testid="empty-connect-hubspot",
            ),
            rx.link(
                rx.button(rx.icon("file_up", size=16), "Import a CSV", variant="soft"),
                href="/settings/integrations#import",
                data_testid="empty-import-csv",
            ),
            rx.cond(
                SessionState.can_manage,
                rx.button(
                    rx.icon("sparkles", size=16),
                    "Load demo data",
                    loading=State.demo_loading,
                    on_click=State.load_demo_data,
                    data_testid="load-demo-data",
                ),
            ),
            spacing="3",
            wrap="wrap",
            justify="center",
        ),
        "dashboard-empty",
    )


def _content() -> rx.Component:
    return rx.vstack(
        headline_cards(),
        needs_attention(),
        rx.grid(
            pipeline_by_stage(),
            forecast_vs_target(),
            won_trend(),
            stage_funnel(),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        activity_by_owner(),
        spacing="4",
        width="100%",
    )


def _workspace_home() -> rx.Component:
    return rx.vstack(
        _header(),
        error_callout(State.error, "dashboard-error"),
        rx.cond(State.has_deals | State.loading, _content(), _getting_started()),
        insight_dialog(),
        spacing="5",
        width="100%",
    )


def _first_workspace() -> rx.Component:
    return empty_state(
        "building_2",
        "Create your first workspace",
        rx.text(
            "A workspace holds one team's deals and forecast. You can invite colleagues to it.",
            color_scheme="gray",
            size="2",
            max_width="28rem",
        ),
        rx.button(
            rx.icon("plus", size=16),
            "Create workspace",
            on_click=WorkspaceDialogState.set_open(True),
            data_testid="first-workspace-button",
        ),
        "no-workspace",
    )


def dashboard() -> rx.Component:
    return app_shell(
        "dashboard",
        rx.cond(SessionState.has_workspaces, _workspace_home(), _first_workspace()),
        on_workspace_change=DashboardState.workspace_changed,
        wide=True,
    )
