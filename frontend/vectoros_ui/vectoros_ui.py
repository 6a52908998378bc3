"""The VectorOS web app: its routes, each with the event that guards or loads it."""

import reflex as rx

from vectoros_ui import styles
from vectoros_ui.pages.dashboard import dashboard
from vectoros_ui.pages.login import login
from vectoros_ui.pages.register import register
from vectoros_ui.pages.workspace_settings import workspace_settings
from vectoros_ui.states.login import LoginState
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.workspace_settings import WorkspaceSettingsState

app = rx.App(style=styles.base_style)
app.add_page(
    login, route="/login", title="Sign in · VectorOS", on_load=LoginState.redirect_if_signed_in
)
app.add_page(register, route="/register", title="Create your account · VectorOS")
app.add_page(
    dashboard, route="/", title="Dashboard · VectorOS", on_load=SessionState.require_session
)
app.add_page(
    workspace_settings,
    route="/settings",
    title="Workspace settings · VectorOS",
    on_load=[SessionState.require_session, WorkspaceSettingsState.load],
)
