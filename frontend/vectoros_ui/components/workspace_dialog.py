"""The "create workspace" dialog; any button opens it with WorkspaceDialogState.set_open(True)."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.states.workspace_dialog import WorkspaceDialogState


def create_workspace_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Create a workspace"),
            rx.dialog.description(
                "A workspace holds one team's pipeline. You will be its owner.",
                size="2",
                color_scheme="gray",
                margin_bottom="1rem",
            ),
            rx.form(
                rx.vstack(
                    labelled(
                        "Workspace name",
                        "workspace-name",
                        rx.input(
                            id="workspace-name",
                            name="name",
                            placeholder="Acme Sales",
                            max_length=200,
                            auto_focus=True,
                            width="100%",
                            data_testid="workspace-name-input",
                        ),
                    ),
                    error_callout(WorkspaceDialogState.error, "create-workspace-error"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray"),
                        ),
                        rx.button(
                            "Create workspace",
                            type="submit",
                            loading=WorkspaceDialogState.loading,
                            data_testid="create-workspace-submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="4",
                ),
                on_submit=WorkspaceDialogState.submit,
            ),
            max_width="28rem",
            data_testid="create-workspace-dialog",
        ),
        open=WorkspaceDialogState.open,
        on_open_change=WorkspaceDialogState.set_open,
    )
