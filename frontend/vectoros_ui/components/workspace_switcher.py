"""The select that picks the workspace every page shows."""

import reflex as rx
from reflex.event import EventHandler
from reflex.vars import ObjectVar

from vectoros_ui.states.session import SessionState, Workspace


def workspace_switcher(test_id: str, then: EventHandler | None = None) -> rx.Component:
    """`then` runs after a switch, for pages whose data depend on the workspace."""

    return rx.select.root(
        rx.select.trigger(placeholder="No workspace yet", width="100%", data_testid=test_id),
        rx.select.content(rx.foreach(SessionState.workspaces, _option), position="popper"),
        value=SessionState.workspace_id,
        on_change=lambda workspace_id: switch_events(workspace_id, then),
        size="2",
    )


def switch_events(workspace_id: rx.Var[str], then: EventHandler | None) -> list:
    events = [SessionState.switch_workspace(workspace_id)]
    return events if then is None else [*events, then]


def _option(workspace: ObjectVar[Workspace]) -> rx.Component:
    return rx.select.item(workspace.name, value=workspace.id, data_testid="workspace-option")
