"""/ : the workspace's home, an honest empty state until CRM data arrives."""

import reflex as rx

from vectoros_ui.components.layout import app_shell
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.workspace_dialog import WorkspaceDialogState


def _empty_state(
    icon: str, title: str, body: rx.Component, action: rx.Component, test_id: str
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=26, color=rx.color("accent", 11)),
                background_color=rx.color("accent", 3),
                border_radius="50%",
                width="56px",
                height="56px",
            ),
            rx.heading(title, size="4"),
            body,
            action,
            align="center",
            spacing="3",
            padding_y="2.5rem",
            padding_x="1rem",
            text_align="center",
        ),
        width="100%",
        data_testid=test_id,
    )


def _workspace_home() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.text("Dashboard", size="2", color_scheme="gray", weight="medium"),
            rx.heading(SessionState.workspace_name, size="7", data_testid="dashboard-title"),
            rx.hstack(
                rx.text(f"Welcome back, {SessionState.user_name}.", color_scheme="gray"),
                rx.badge(SessionState.workspace_role, variant="soft"),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            spacing="1",
        ),
        _empty_state(
            "inbox",
            "No deals yet",
            rx.text(
                "Your pipeline, deal health and forecast will appear here once this "
                "workspace's CRM data is connected.",
                color_scheme="gray",
                size="2",
                max_width="28rem",
            ),
            rx.cond(
                SessionState.can_manage,
                rx.button(
                    rx.icon("user_plus", size=16),
                    "Invite your team",
                    variant="soft",
                    on_click=rx.redirect("/settings"),
                ),
            ),
            "dashboard-empty",
        ),
        spacing="6",
        width="100%",
    )


def _first_workspace() -> rx.Component:
    return _empty_state(
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
    )
