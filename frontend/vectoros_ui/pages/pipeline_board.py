"""/pipeline : the board, one column per open stage, cards movable between stages."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui import styles
from vectoros_ui.components.deal_form import deal_form_dialog, new_deal_button
from vectoros_ui.components.feedback import error_callout, notice_callout
from vectoros_ui.components.layout import app_shell
from vectoros_ui.components.options import stage_item
from vectoros_ui.states.pipeline_board import BoardColumn, PipelineBoardState
from vectoros_ui.states.records import DealRow
from vectoros_ui.states.session import SessionState

State = PipelineBoardState
COLUMN_WIDTH = "14rem"


def _move_select(deal: ObjectVar[DealRow]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder="Move to…",
            variant="ghost",
            aria_label="Move to stage",
            data_testid="card-move",
        ),
        rx.select.content(rx.foreach(State.stages, stage_item), position="popper"),
        value=deal.stage_id,
        on_change=lambda stage_id: State.move(deal.id, stage_id),
        disabled=State.moving != "",
        size="1",
    )


def _card(deal: ObjectVar[DealRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.link(
                deal.title,
                href=f"/deals/{deal.id}",
                weight="medium",
                size="2",
                width="100%",
                **styles.TRUNCATE,
                data_testid="card-title",
            ),
            rx.cond(
                deal.company != "",
                rx.text(
                    deal.company, size="1", color_scheme="gray", width="100%", **styles.TRUNCATE
                ),
            ),
            rx.hstack(
                rx.text(deal.amount_label, size="2", weight="bold", data_testid="card-amount"),
                rx.spacer(),
                rx.cond(State.can_move, _move_select(deal)),
                align="center",
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        size="1",
        width="100%",
        opacity=rx.cond(State.moving == deal.id, "0.5", "1"),
        data_testid="deal-card",
    )


def _column(column: ObjectVar[BoardColumn]) -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.hstack(
                rx.text(column.name, weight="bold", size="2", data_testid="column-name"),
                rx.badge(column.count, variant="soft", radius="full", data_testid="column-count"),
                rx.spacer(),
                rx.text(column.probability, size="1", color_scheme="gray"),
                align="center",
                width="100%",
            ),
            rx.text(column.total_label, size="2", color_scheme="gray", data_testid="column-total"),
            spacing="1",
            width="100%",
        ),
        rx.foreach(column.deals, _card),
        rx.cond(
            column.hidden > 0,
            rx.link(
                f"+{column.hidden} more in the table",
                href=f"/deals?stage={column.stage_id}",
                size="1",
            ),
        ),
        spacing="2",
        padding="0.75rem",
        min_width=COLUMN_WIDTH,
        width=COLUMN_WIDTH,
        min_height="12rem",
        background_color=rx.color("gray", 3),
        border_radius="var(--radius-4)",
        data_testid="board-column",
    )


def _skeleton_column(_: int) -> rx.Component:
    return rx.skeleton(
        rx.box(min_width=COLUMN_WIDTH, height="16rem"), loading=True, border_radius="8px"
    )


def _board() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(
                State.loading,
                rx.fragment(*[_skeleton_column(i) for i in range(4)]),
                rx.foreach(State.columns, _column),
            ),
            align="start",
            spacing="3",
        ),
        overflow_x="auto",
        padding_bottom="0.5rem",
        width="100%",
        data_testid="pipeline-board",
    )


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading("Pipeline", size="7", data_testid="pipeline-title"),
            rx.text("Open deals by stage, largest first.", size="2", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(
            rx.button(
                rx.icon("table", size=16),
                "Table",
                variant="soft",
                color_scheme="gray",
                on_click=rx.redirect("/deals"),
                data_testid="to-table",
            ),
            rx.cond(State.can_move, new_deal_button("pipeline")),
            spacing="2",
        ),
        align="end",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def pipeline_board() -> rx.Component:
    return app_shell(
        "pipeline",
        rx.cond(
            SessionState.has_workspaces,
            rx.vstack(
                _header(),
                notice_callout(State.notice, "pipeline-notice"),
                error_callout(State.error, "pipeline-error"),
                _board(),
                deal_form_dialog(),
                spacing="5",
                width="100%",
            ),
            rx.callout(
                "Create a workspace first; its pipeline will appear here.",
                icon="building_2",
                data_testid="pipeline-no-workspace",
            ),
        ),
        on_workspace_change=PipelineBoardState.load,
    )
