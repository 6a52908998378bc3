"""A deal's stage path (how long it sat in each stage, who moved it) and close-date moves."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.components.local_time import local_date_time
from vectoros_ui.states.deal_detail import DealDetailState
from vectoros_ui.states.deal_history import CloseDateRow, StageStay

State = DealDetailState


def _stay(stay: ObjectVar[StageStay]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(stay.stage_name, size="2", weight="medium"),
            rx.cond(stay.current, rx.badge("current", size="1", variant="soft")),
            rx.spacer(),
            rx.text(stay.days_label, size="1", color_scheme="gray", white_space="nowrap"),
            spacing="2",
            align="center",
            width="100%",
        ),
        rx.text(
            "Entered ",
            local_date_time(stay.entered_at),
            f" · {stay.by_label}",
            size="1",
            color_scheme="gray",
        ),
        spacing="0",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="stage-history-row",
    )


def _close_change(change: ObjectVar[CloseDateRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(change.from_label, size="2", color_scheme="gray"),
            rx.icon("arrow_right", size=14),
            rx.text(change.to_label, size="2", weight="medium"),
            rx.cond(change.pushed, rx.badge("slipped", color_scheme="orange", size="1")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(
            local_date_time(change.changed_at),
            f" · {change.by_label}",
            size="1",
            color_scheme="gray",
        ),
        spacing="0",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="close-date-row",
    )


def stage_history() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.foreach(State.stage_stays, _stay),
            spacing="0",
            width="100%",
            data_testid="stage-history",
        ),
        rx.cond(
            State.close_changes.length() > 0,
            rx.vstack(
                rx.text("Expected close date", size="2", weight="bold"),
                rx.foreach(State.close_changes, _close_change),
                spacing="0",
                width="100%",
                data_testid="close-date-history",
            ),
        ),
        spacing="4",
        width="100%",
    )
