"""/settings/integrations : HubSpot (connect, sync, disconnect), the Notion webhook and CSV
imports."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.components.settings_nav import section, settings_page
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_integrations import (
    TOKEN_ID,
    UPLOAD_ID,
    ImportRow,
    IntegrationsState,
)

State = IntegrationsState


def _status() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(
                rx.cond(State.connected, State.hubspot_status, "not connected"),
                color_scheme=rx.cond(State.connected, "grass", "gray"),
                data_testid="hubspot-status",
            ),
            rx.cond(State.portal != "", rx.text("Portal ", State.portal, size="2")),
            spacing="3",
            align="center",
        ),
        rx.cond(
            State.connected,
            rx.text("Last synced: ", State.last_synced, size="2", color_scheme="gray"),
        ),
        rx.cond(
            State.last_error != "",
            rx.callout(State.last_error, icon="triangle_alert", color_scheme="red", size="1"),
        ),
        spacing="2",
        width="100%",
    )


def _connect_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                labelled(
                    "Private app access token",
                    TOKEN_ID,
                    rx.input(
                        id=TOKEN_ID,
                        name="access_token",
                        type="password",
                        placeholder="pat-na1-…",
                        auto_complete="off",
                        width="100%",
                    ),
                ),
                flex="1",
                width="100%",
            ),
            rx.button(
                rx.icon("plug", size=16),
                "Connect HubSpot",
                type="submit",
                loading=State.connecting,
                data_testid="hubspot-connect",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="end"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.connect,
        reset_on_submit=False,
        width="100%",
    )


def _connected_actions() -> rx.Component:
    return rx.flex(
        rx.button(
            rx.icon("refresh_cw", size=16),
            "Sync now",
            loading=State.syncing,
            on_click=State.sync_now,
            data_testid="hubspot-sync",
        ),
        rx.button(
            "Disconnect",
            variant="soft",
            color_scheme="red",
            on_click=State.disconnect,
            data_testid="hubspot-disconnect",
        ),
        spacing="3",
        wrap="wrap",
    )


def _hubspot() -> rx.Component:
    return section(
        "HubSpot",
        "Deals, owners and activities sync from HubSpot; changes arrive live through its "
        "webhooks. Create a private app in HubSpot with the CRM deal scopes and paste its token.",
        rx.cond(State.loading, rx.skeleton(height="3rem"), _status()),
        rx.cond(
            SessionState.can_manage,
            rx.cond(State.connected, _connected_actions(), _connect_form()),
        ),
        data_testid="hubspot-section",
    )


def _notion_confirm() -> rx.Component:
    """The handshake's token: paste it into Notion, then confirm it here."""
    return rx.cond(
        State.notion_pending_token != "",
        rx.vstack(
            rx.text(
                "Notion sent this verification token to the webhook URL",
                rx.cond(State.notion_received != "", rx.text.span(" on ", State.notion_received)),
                ". Paste it into Notion to verify the subscription, then confirm it here: "
                "until you do, no event is accepted.",
                size="2",
            ),
            rx.code(
                State.notion_pending_token,
                size="2",
                word_break="break_all",
                max_width="100%",
                data_testid="notion-pending-token",
            ),
            rx.button(
                rx.icon("shield_check", size=16),
                "Confirm this token",
                loading=State.confirming,
                on_click=State.confirm_notion,
                data_testid="notion-confirm",
            ),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            ~State.notion_verified,
            rx.text(
                "Create the webhook subscription in Notion with this URL; the token Notion "
                "sends to it appears here for you to confirm.",
                size="2",
                color_scheme="gray",
            ),
        ),
    )


def _notion() -> rx.Component:
    return section(
        "Notion webhook",
        "Page changes in the connected Notion databases arrive through this webhook once "
        "an admin confirms its verification token.",
        rx.cond(
            State.notion_connected,
            rx.vstack(
                rx.badge(
                    rx.cond(State.notion_verified, "confirmed", "waiting for confirmation"),
                    color_scheme=rx.cond(State.notion_verified, "grass", "amber"),
                    data_testid="notion-webhook-status",
                ),
                rx.cond(
                    State.notion_webhook_url != "",
                    rx.vstack(
                        rx.text("Webhook URL (keep it private)", size="2", weight="medium"),
                        rx.code(
                            State.notion_webhook_url,
                            size="1",
                            word_break="break_all",
                            max_width="100%",
                            data_testid="notion-webhook-url",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                ),
                rx.cond(SessionState.can_manage, _notion_confirm()),
                spacing="3",
                width="100%",
            ),
            rx.text("Notion is not connected.", size="2", color_scheme="gray"),
        ),
        data_testid="notion-section",
    )


def _import_row(item: ObjectVar[ImportRow]) -> rx.Component:
    return rx.hstack(
        rx.icon("file_spreadsheet", size=16),
        rx.vstack(
            rx.text(item.filename, size="2", weight="medium"),
            rx.text(item.created, " · ", item.progress, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.badge(item.status, variant="soft"),
        align="center",
        spacing="3",
        width="100%",
        data_testid="import-row",
    )


def _csv() -> rx.Component:
    return section(
        "Import a CSV",
        "A HubSpot deals export, or any CSV with one deal per row. Importing the same file "
        "again updates the deals instead of duplicating them.",
        rx.radio_group.root(
            rx.flex(
                rx.text(
                    rx.flex(rx.radio_group.item(value="hubspot"), "HubSpot export", spacing="2"),
                    as_="label",
                    size="2",
                ),
                rx.text(
                    rx.flex(rx.radio_group.item(value="generic"), "Other CSV", spacing="2"),
                    as_="label",
                    size="2",
                ),
                spacing="4",
            ),
            value=State.layout,
            on_change=State.set_layout,
        ),
        rx.upload.root(
            rx.vstack(
                rx.icon("upload", size=20, color=rx.color("accent", 11)),
                rx.text("Drop a CSV here, or click to choose one", size="2"),
                rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.code(name, size="1")),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            accept={"text/csv": [".csv"]},
            max_files=1,
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="var(--radius-3)",
            padding="1.5rem",
            width="100%",
        ),
        rx.button(
            rx.icon("file_up", size=16),
            "Import",
            loading=State.uploading,
            on_click=State.upload(rx.upload_files(upload_id=UPLOAD_ID)),
            data_testid="csv-import",
        ),
        rx.vstack(rx.foreach(State.imports, _import_row), spacing="2", width="100%"),
        id="import",
    )


def settings_integrations() -> rx.Component:
    return settings_page(
        "integrations",
        "Integrations",
        notice_callout(State.notice, "settings-notice"),
        error_callout(State.error, "settings-error"),
        _hubspot(),
        _notion(),
        _csv(),
        on_workspace_change=IntegrationsState.load,
    )
