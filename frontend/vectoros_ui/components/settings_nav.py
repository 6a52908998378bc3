"""The settings pages' frame: a heading, the tabs between them, and the page's sections."""

import reflex as rx
from reflex.event import EventHandler

from vectoros_ui.components.layout import app_shell
from vectoros_ui.states.session import SessionState

TABS = [
    ("workspace", "Workspace", "/settings"),
    ("profile", "Profile", "/settings/profile"),
    ("api-keys", "API keys", "/settings/api-keys"),
    ("pipeline", "Pipeline", "/settings/pipeline"),
    ("integrations", "Integrations", "/settings/integrations"),
    ("insights", "Insights & targets", "/settings/insights"),
]


def _tab(key: str, label: str, href: str, active: str) -> rx.Component:
    selected = key == active
    return rx.link(
        label,
        href=href,
        size="2",
        weight="medium",
        underline="none",
        padding_x="0.75rem",
        padding_y="0.375rem",
        border_radius="var(--radius-3)",
        white_space="nowrap",
        background_color=rx.color("accent", 3) if selected else "transparent",
        color=rx.color("accent", 11) if selected else rx.color("gray", 11),
        _hover={"background_color": rx.color("accent", 3)},
        aria_current="page" if selected else None,
        data_testid=f"settings-tab-{key}",
    )


def settings_tabs(active: str) -> rx.Component:
    return rx.flex(
        *[_tab(key, label, href, active) for key, label, href in TABS],
        wrap="wrap",
        spacing="1",
        width="100%",
        role="navigation",
        aria_label="Settings sections",
    )


def section(title: str, description: str, *children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        **props,
    )


def settings_page(
    active: str, title: str, *content: rx.Component, on_workspace_change: EventHandler | None = None
) -> rx.Component:
    """A settings page inside the app shell; workspace-less users are told to make one."""
    body = rx.vstack(
        rx.vstack(
            rx.text("Settings", size="2", color_scheme="gray", weight="medium"),
            rx.heading(title, size="7", data_testid="settings-title"),
            spacing="1",
        ),
        settings_tabs(active),
        *content,
        spacing="5",
        width="100%",
    )
    if active != "profile":
        body = rx.cond(
            SessionState.has_workspaces,
            body,
            rx.callout(
                "Create a workspace first; its settings will appear here.",
                icon="building_2",
                data_testid="settings-no-workspace",
            ),
        )
    return app_shell("settings", body, on_workspace_change=on_workspace_change)
