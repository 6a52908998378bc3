"""/settings/api-keys : keys for scripts and tools; the secret is shown once."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.components.settings_nav import section, settings_page
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_api_keys import KEY_NAME_ID, KEY_ROLES, ApiKeyRow, ApiKeysState

State = ApiKeysState


def _create_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                labelled(
                    "Key name",
                    KEY_NAME_ID,
                    rx.input(
                        id=KEY_NAME_ID,
                        name="name",
                        placeholder="e.g. Looker export",
                        max_length=200,
                        width="100%",
                    ),
                ),
                flex="1",
                width="100%",
            ),
            labelled(
                "Access",
                "api-key-role",
                rx.select(
                    KEY_ROLES,
                    id="api-key-role",
                    name="role",
                    default_value="viewer",
                    custom_attrs={"data-testid": "api-key-role"},
                ),
                full_width=False,
            ),
            rx.button(
                rx.icon("key_round", size=16),
                "Create key",
                type="submit",
                loading=State.creating,
                data_testid="api-key-create",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="end"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.create,
        reset_on_submit=False,
        width="100%",
    )


def _secret() -> rx.Component:
    return rx.cond(
        State.secret != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("shield_alert")),
            rx.vstack(
                rx.text("Copy this key now: it will not be shown again.", weight="bold", size="2"),
                rx.code(
                    State.secret,
                    overflow_wrap="anywhere",
                    word_break="break-all",
                    data_testid="api-key-secret",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy",
                        size="1",
                        variant="soft",
                        on_click=[rx.set_clipboard(State.secret), rx.toast.success("Copied.")],
                    ),
                    rx.button(
                        "Done",
                        size="1",
                        variant="ghost",
                        on_click=State.dismiss_secret,
                        data_testid="api-key-secret-done",
                    ),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
                min_width="0",
            ),
            color_scheme="amber",
            width="100%",
        ),
    )


def _row(key: ObjectVar[ApiKeyRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(key.name, weight="medium", size="2"),
                rx.code(key.prefix + "…", size="1"),
                rx.text("Held by ", key.holder, size="1", color_scheme="gray"),
                spacing="1",
            )
        ),
        rx.table.cell(rx.badge(key.role, variant="soft")),
        rx.table.cell(
            rx.text("Last used ", key.last_used, size="1", color_scheme="gray"),
            display=["none", "table-cell"],
        ),
        rx.table.cell(
            rx.cond(
                key.revoked,
                rx.badge("revoked", color_scheme="gray", data_testid="api-key-revoked"),
                rx.cond(
                    SessionState.can_manage,
                    rx.button(
                        "Revoke",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=State.revoke(key.id),
                        data_testid="api-key-revoke",
                    ),
                ),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="api-key-row",
    )


def _table() -> rx.Component:
    return rx.cond(
        State.loading,
        rx.vstack(rx.skeleton(height="2.5rem"), rx.skeleton(height="2.5rem"), width="100%"),
        rx.cond(
            State.keys.length() == 0,
            rx.text("No keys yet.", size="2", color_scheme="gray", data_testid="api-keys-empty"),
            rx.table.root(
                rx.table.body(rx.foreach(State.keys, _row)),
                variant="surface",
                width="100%",
            ),
        ),
    )


def settings_api_keys() -> rx.Component:
    return settings_page(
        "api-keys",
        "API keys",
        notice_callout(State.notice, "settings-notice"),
        error_callout(State.error, "settings-error"),
        section(
            "Workspace API keys",
            "Scripts and tools call the VectorOS API with a key instead of a password. "
            "A key acts with the access you give it, in this workspace only, and never with "
            "more than its holder has now; it stops working when its holder leaves.",
            rx.cond(SessionState.can_manage, _create_form()),
            _secret(),
            _table(),
        ),
        on_workspace_change=ApiKeysState.load,
    )
