"""The VectorOS web app: its routes, each with the event that guards or loads it."""

import reflex as rx

from vectoros_ui import styles
from vectoros_ui.pages.dashboard import dashboard
from vectoros_ui.pages.deal_detail import deal_detail
from vectoros_ui.pages.deals import deals
from vectoros_ui.pages.insights import insights
from vectoros_ui.pages.invitation_accept import invitation_accept
from vectoros_ui.pages.login import login
from vectoros_ui.pages.pipeline_board import pipeline_board
from vectoros_ui.pages.register import register
from vectoros_ui.pages.settings_api_keys import settings_api_keys
from vectoros_ui.pages.settings_insights import settings_insights
from vectoros_ui.pages.settings_integrations import settings_integrations
from vectoros_ui.pages.settings_pipeline import settings_pipeline
from vectoros_ui.pages.settings_profile import settings_profile
from vectoros_ui.pages.workspace_settings import workspace_settings
from vectoros_ui.security import SecurityHeadersMiddleware
from vectoros_ui.states import live
from vectoros_ui.states.dashboard import DashboardState
from vectoros_ui.states.deal_detail import DealDetailState
from vectoros_ui.states.deals import DealsState
from vectoros_ui.states.insights import InsightsState
from vectoros_ui.states.invitation_accept import InvitationAcceptState
from vectoros_ui.states.live import LiveState
from vectoros_ui.states.login import LoginState
from vectoros_ui.states.pipeline_board import PipelineBoardState
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_api_keys import ApiKeysState
from vectoros_ui.states.settings_insights import InsightSettingsState
from vectoros_ui.states.settings_integrations import IntegrationsState
from vectoros_ui.states.settings_pipeline import PipelineSettingsState
from vectoros_ui.states.settings_profile import ProfileState
from vectoros_ui.states.workspace_settings import WorkspaceSettingsState

# New insights appear on the insights page as they are generated (see states/live.py);
# triage (insight.updated) is left alone, so a card just actioned stays where it is.
live.on_change(
    "insights",
    ("insight.created", "insight.generated"),
    lambda _changes: [InsightsState.refresh],
)

# On the live pages, following starts before the load, so a change made while the page
# loads is not missed (the stream does not replay).
# Every response (pages, assets, /ping) gets the security headers; see security.py.
app = rx.App(
    style=styles.base_style,
    stylesheets=styles.STYLESHEETS,
    api_transformer=SecurityHeadersMiddleware,
)
app.add_page(
    login, route="/login", title="Sign in · VectorOS", on_load=LoginState.redirect_if_signed_in
)
app.add_page(register, route="/register", title="Create your account · VectorOS")
app.add_page(
    invitation_accept,
    route="/invitations/accept",
    title="Join a workspace · VectorOS",
    on_load=InvitationAcceptState.load,
)
app.add_page(
    dashboard,
    route="/",
    title="Dashboard · VectorOS",
    on_load=[SessionState.require_session, LiveState.follow("dashboard"), DashboardState.load],
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
    on_load=[SessionState.require_session, LiveState.follow("insights"), InsightsState.load],
)

for route, title, page, state in [
    ("/settings/profile", "Profile", settings_profile, ProfileState),
    ("/settings/api-keys", "API keys", settings_api_keys, ApiKeysState),
    ("/settings/pipeline", "Pipeline stages", settings_pipeline, PipelineSettingsState),
    ("/settings/integrations", "Integrations", settings_integrations, IntegrationsState),
    ("/settings/insights", "Insights & targets", settings_insights, InsightSettingsState),
]:
    app.add_page(
        page,
        route=route,
        title=f"{title} · Settings · VectorOS",
        on_load=[SessionState.require_session, state.load],
    )

from vectoros_ui.pages.forecast import forecast  # noqa: E402
from vectoros_ui.states.forecast import ForecastState  # noqa: E402

app.add_page(
    forecast,
    route="/forecast",
    title="Forecast · VectorOS",
    on_load=[SessionState.require_session, ForecastState.load],
)
