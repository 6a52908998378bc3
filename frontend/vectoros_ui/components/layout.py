"""The signed-in shell: a left sidebar on wide screens, a top bar under 768px."""

import reflex as rx
from reflex.event import EventHandler

from vectoros_ui import styles
from vectoros_ui.components.chat_panel import chat_button, chat_panel
from vectoros_ui.components.feedback import loading_screen
from vectoros_ui.components.logo import logo
from vectoros_ui.components.workspace_dialog import create_workspace_dialog
from vectoros_ui.components.workspace_switcher import switch_events, workspace_switcher
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.workspace_dialog import WorkspaceDialogState

NAV = [
    ("dashboard", "Dashboard", "/", "layout_dashboard"),
    ("deals", "Deals", "/deals", "handshake"),
    ("pipeline", "Pipeline", "/pipeline", "kanban"),
    ("insights", "Insights", "/insights", "lightbulb"),
    ("forecast", "Forecast", "/forecast", "trending_up"),
    ("settings", "Settings", "/settings", "settings"),
]


def app_shell(
    active: str,
    *content: rx.Component,
    on_workspace_change: EventHandler | None = None,
    wide: bool = False,
) -> rx.Component:
    """Wrap a signed-in page; `active` is the NAV key of the page; `wide` for dashboards."""
    return rx.cond(
        SessionState.signed_in,
        rx.box(
            _sidebar(active, on_workspace_change),
            _top_bar(on_workspace_change),
            rx.box(
                rx.box(
                    *content,
                    max_width=styles.WIDE_CONTENT_MAX_WIDTH if wide else styles.CONTENT_MAX_WIDTH,
                    margin_x="auto",
                ),
                margin_left=["0", "0", styles.SIDEBAR_WIDTH],
                padding=styles.PAGE_PADDING,
                min_height="100vh",
                # Nothing may push the page sideways on a phone: wide children scroll inside.
                min_width="0",
                overflow_x="clip",
            ),
            create_workspace_dialog(),
            chat_panel(),
            chat_button(),
        ),
        loading_screen(SessionState.session_error, SessionState.require_session),
    )


def _nav_link(key: str, label: str, href: str, icon: str, active: str) -> rx.Component:
    selected = key == active
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=18),
            rx.text(label, size="2", weight="medium"),
            align="center",
            spacing="3",
            padding_x="0.75rem",
            padding_y="0.5rem",
            border_radius="var(--radius-3)",
            background_color=rx.color("accent", 3) if selected else "transparent",
            color=rx.color("accent", 11) if selected else rx.color("gray", 11),
            _hover={"background_color": rx.color("accent", 3), "color": rx.color("accent", 11)},
            width="100%",
        ),
        href=href,
        underline="none",
        width="100%",
        aria_current="page" if selected else None,
        data_testid=f"nav-{key}",
    )


def _new_workspace_button(test_id: str) -> rx.Component:
    return rx.button(
        rx.icon("plus", size=16),
        "New workspace",
        variant="soft",
        size="2",
        width="100%",
        on_click=WorkspaceDialogState.set_open(True),
        data_testid=test_id,
    )


def _user_card() -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=SessionState.user_initials, size="2", radius="full"),
        rx.vstack(
            rx.text(
                SessionState.user_name,
                size="2",
                weight="medium",
                **styles.TRUNCATE,
                width="100%",
                data_testid="user-name",
            ),
            rx.text(
                SessionState.user_email,
                size="1",
                color_scheme="gray",
                **styles.TRUNCATE,
                width="100%",
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.color_mode.button(
            variant="ghost",
            color_scheme="gray",
            size="2",
            aria_label="Switch light or dark mode",
            data_testid="color-mode-toggle",
        ),
        rx.tooltip(
            rx.icon_button(
                rx.icon("log_out", size=16),
                variant="ghost",
                color_scheme="gray",
                on_click=SessionState.logout,
                aria_label="Log out",
                data_testid="logout-button",
            ),
            content="Log out",
        ),
        align="center",
        spacing="3",
        width="100%",
    )


def _sidebar(active: str, on_workspace_change: EventHandler | None) -> rx.Component:
    return rx.flex(
        logo(),
        rx.vstack(
            rx.text("Workspace", size="1", weight="medium", color_scheme="gray"),
            workspace_switcher("workspace-switcher", then=on_workspace_change),
            _new_workspace_button("new-workspace-button"),
            spacing="2",
            width="100%",
        ),
        rx.vstack(
            *[_nav_link(key, label, href, icon, active) for key, label, href, icon in NAV],
            spacing="1",
            width="100%",
        ),
        rx.spacer(),
        rx.separator(),
        _user_card(),
        direction="column",
        spacing="5",
        position="fixed",
        top="0",
        left="0",
        bottom="0",
        width=styles.SIDEBAR_WIDTH,
        padding="1.25rem 1rem",
        background_color=rx.color("gray", 2),
        border_right=f"1px solid {rx.color('gray', 4)}",
        display=styles.DESKTOP_ONLY,
        data_testid="sidebar",
    )


def _top_bar(on_workspace_change: EventHandler | None) -> rx.Component:
    return rx.hstack(
        logo("4"),
        rx.text(
            SessionState.workspace_name,
            size="2",
            color_scheme="gray",
            max_width="40vw",
            **styles.TRUNCATE,
            data_testid="top-bar-workspace",
        ),
        rx.spacer(),
        rx.color_mode.button(
            variant="ghost", color_scheme="gray", size="2", aria_label="Switch light or dark mode"
        ),
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("menu", size=18),
                    variant="soft",
                    aria_label="Open menu",
                    data_testid="mobile-menu-button",
                ),
            ),
            rx.menu.content(
                *[
                    rx.menu.item(
                        rx.hstack(rx.icon(icon, size=16), label, spacing="2", align="center"),
                        on_click=rx.redirect(href),
                        data_testid=f"mobile-nav-{key}",
                    )
                    for key, label, href, icon in NAV
                ],
                rx.menu.separator(),
                rx.menu.sub(
                    rx.menu.sub_trigger(
                        rx.hstack(rx.icon("building_2", size=16), "Switch workspace", spacing="2")
                    ),
                    rx.menu.sub_content(
                        rx.foreach(
                            SessionState.workspaces,
                            lambda w: rx.menu.item(
                                w.name, on_click=switch_events(w.id, on_workspace_change)
                            ),
                        ),
                    ),
                ),
                rx.menu.item(
                    rx.hstack(rx.icon("plus", size=16), "New workspace", spacing="2"),
                    on_click=WorkspaceDialogState.set_open(True),
                ),
                rx.menu.separator(),
                rx.menu.item(
                    rx.hstack(rx.icon("log_out", size=16), "Log out", spacing="2"),
                    on_click=SessionState.logout,
                    color_scheme="red",
                    data_testid="mobile-logout",
                ),
                align="end",
            ),
        ),
        align="center",
        position="sticky",
        top="0",
        z_index="10",
        padding="0.75rem 1rem",
        background_color=rx.color("gray", 2),
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        display=styles.MOBILE_ONLY,
        data_testid="top-bar",
    )
