"""/settings/pipeline : the stages deals move through, their win probability and order."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.forms import labelled
from vectoros_ui.components.settings_nav import section, settings_page
from vectoros_ui.states.session import SessionState
from vectoros_ui.states.settings_pipeline import (
    NEW_STAGE_ID,
    STAGE_KINDS,
    PipelineSettingsState,
    StageRow,
)

State = PipelineSettingsState


def _stage(stage: ObjectVar[StageRow]) -> rx.Component:
    editable = SessionState.can_manage
    return rx.form(
        rx.flex(
            rx.el.input(type="hidden", name="stage_id", value=stage.id),
            rx.input(
                name="name",
                default_value=stage.name,
                aria_label="Stage name",
                disabled=~editable,
                flex="2",
                min_width="8rem",
                data_testid="stage-name",
            ),
            rx.input(
                name="probability",
                default_value=stage.probability,
                aria_label="Win probability (%)",
                # The API checks the range; its message says what to fix.
                input_mode="decimal",
                disabled=~editable,
                width="6rem",
                data_testid="stage-probability",
            ),
            rx.select(
                STAGE_KINDS,
                name="kind",
                default_value=stage.kind,
                disabled=~editable,
                size="2",
            ),
            rx.input(
                name="rotting_days",
                default_value=stage.rotting_days,
                aria_label="Days before a deal counts as stuck",
                placeholder="Stuck after (days)",
                type="number",
                min=1,
                disabled=~editable,
                width="9rem",
            ),
            rx.cond(
                editable,
                rx.hstack(
                    rx.icon_button(
                        rx.icon("arrow_up", size=14),
                        type="button",
                        variant="ghost",
                        disabled=stage.first,
                        aria_label="Move up",
                        on_click=State.move(stage.id, -1),
                    ),
                    rx.icon_button(
                        rx.icon("arrow_down", size=14),
                        type="button",
                        variant="ghost",
                        disabled=stage.last,
                        aria_label="Move down",
                        on_click=State.move(stage.id, 1),
                    ),
                    rx.button("Save", type="submit", size="2", variant="soft"),
                    rx.icon_button(
                        rx.icon("trash_2", size=14),
                        type="button",
                        variant="ghost",
                        color_scheme="red",
                        aria_label="Delete stage",
                        on_click=State.delete(stage.id),
                    ),
                    spacing="2",
                    align="center",
                ),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        # Remounted when the stage changes on the server, so the fields show what is saved.
        key=stage.id + stage.name + stage.probability + stage.kind + stage.rotting_days,
        on_submit=State.save,
        reset_on_submit=False,
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="stage-row",
    )


def _add_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                labelled(
                    "New stage",
                    NEW_STAGE_ID,
                    rx.input(id=NEW_STAGE_ID, name="name", placeholder="e.g. Security review"),
                ),
                flex="1",
            ),
            labelled(
                "Win probability (%)",
                "new-stage-probability",
                rx.input(
                    id="new-stage-probability",
                    name="probability",
                    type="number",
                    min=0,
                    max=100,
                    width="8rem",
                ),
            ),
            rx.button(rx.icon("plus", size=16), "Add stage", type="submit", loading=State.adding),
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="end"),
            spacing="3",
            width="100%",
        ),
        on_submit=State.add,
        reset_on_submit=False,
        width="100%",
    )


def settings_pipeline() -> rx.Component:
    return settings_page(
        "pipeline",
        "Pipeline",
        notice_callout(State.notice, "settings-notice"),
        error_callout(State.error, "settings-error"),
        section(
            "Stages",
            "Deals move through these stages in order. The win probability weighs the "
            "pipeline and the forecast; a stuck deal is flagged after its stage's days.",
            rx.cond(
                State.loading,
                rx.vstack(*[rx.skeleton(height="2.5rem") for _ in range(4)], width="100%"),
                rx.vstack(rx.foreach(State.stages, _stage), spacing="0", width="100%"),
            ),
            rx.cond(SessionState.can_manage, _add_form()),
        ),
        on_workspace_change=PipelineSettingsState.load,
    )
