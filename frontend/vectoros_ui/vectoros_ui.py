"""The VectorOS web app: its routes, each with the event that guards or loads it."""

import reflex as rx

from vectoros_ui import styles
from vectoros_ui.pages.dashboard import dashboard
from vectoros_ui.pages.deal_detail import deal_detail
from vectoros_ui.pages.deals import deals
from vectoros_ui.pages.insights import insights
from vectoros_ui.pages.login import login
from vectoros_ui.pages.pipeline_board import pipeline_board
from vectoros_ui.pages.register import register
from vectoros_ui.pages.workspace_settings import workspace_settings
from vectoros_ui.states.deal_detail import DealDetailState
from vectoros_ui.states.deals import DealsState
from vectoros_ui.states.insights import InsightsState
from vectoros_ui.states.login import LoginState
from vectoros_ui.states.pipeline_board import PipelineBoardState
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
app.add_page(
    deals,
    route="/deals",
    title="Deals · VectorOS",
    on_load=[SessionState.require_session, DealsState.load],
)
app.add_page(
    deal_detail,
    route="/deals/[deal_id]",
    title="Deal · VectorOS",
    on_load=[SessionState.require_session, DealDetailState.load],
)
app.add_page(
    pipeline_board,
    route="/pipeline",
    title="Pipeline · VectorOS",
    on_load=[SessionState.require_session, PipelineBoardState.load],
)
app.add_page(
    insights,
    route="/insights",
    title="Insights · VectorOS",
    on_load=[SessionState.require_session, InsightsState.load],
)
