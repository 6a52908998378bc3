"""The deal table: sortable headers, a skeleton while loading, one row per deal."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui import styles
from vectoros_ui.components.local_time import local_date
from vectoros_ui.states.deals import DealsState
from vectoros_ui.states.records import DealRow

State = DealsState
# (label, sort field or "", right-aligned)
COLUMNS = [
    ("Deal", "title", False),
    ("Company", "", False),
    ("Stage", "", False),
    ("Amount", "amount", True),
    ("Owner", "", False),
    ("Expected close", "expected_close_date", False),
    ("Updated", "updated_at", False),
]
SKELETON_ROWS = 5


def stage_badge(name: rx.Var[str], color: rx.Var[str]) -> rx.Component:
    return rx.badge(name, color_scheme=color, variant="soft", data_testid="stage-badge")


def _sort_icon(field: str) -> rx.Component:
    return rx.cond(
        State.sort_field == field,
        rx.cond(
            State.sort_descending,
            rx.icon("arrow_down", size=14),
            rx.icon("arrow_up", size=14),
        ),
        rx.icon("chevrons_up_down", size=14, color=rx.color("gray", 8)),
    )


def _header(label: str, field: str, right: bool) -> rx.Component:
    if not field:
        return rx.table.column_header_cell(label, text_align="right" if right else "left")
    direction = rx.cond(State.sort_descending, "descending", "ascending")
    return rx.table.column_header_cell(
        rx.button(
            label,
            _sort_icon(field),
            variant="ghost",
            color_scheme="gray",
            high_contrast=True,
            size="2",
            font_weight="bold",
            on_click=State.sort_by(field),
            data_testid=f"sort-{field}",
        ),
        aria_sort=rx.cond(State.sort_field == field, direction, "none"),
        text_align="right" if right else "left",
    )


def _title_cell(deal: ObjectVar[DealRow]) -> rx.Component:
    return rx.table.cell(
        rx.hstack(
            rx.link(
                deal.title,
                href=f"/deals/{deal.id}",
                weight="medium",
                size="2",
                data_testid="deal-link",
            ),
            rx.cond(
                deal.is_rotting,
                rx.tooltip(
                    rx.icon("flame", size=14, color=rx.color("orange", 9)),
                    content="Idle for longer than its stage allows",
                ),
            ),
            align="center",
            spacing="2",
        ),
        max_width="18rem",
        **styles.TRUNCATE,
    )


def _row(deal: ObjectVar[DealRow]) -> rx.Component:
    return rx.table.row(
        _title_cell(deal),
        rx.table.cell(deal.company, color=rx.color("gray", 11)),
        rx.table.cell(stage_badge(deal.stage_name, deal.stage_color)),
        rx.table.cell(deal.amount_label, text_align="right", white_space="nowrap"),
        rx.table.cell(deal.owner_name),
        rx.table.cell(deal.close_label, white_space="nowrap"),
        rx.table.cell(
            local_date(deal.updated_at), white_space="nowrap", color=rx.color("gray", 11)
        ),
        align="center",
        data_testid="deal-row",
    )


def _skeleton_row(_: int) -> rx.Component:
    return rx.table.row(
        *[rx.table.cell(rx.skeleton(rx.text("Loading deal"), loading=True)) for _column in COLUMNS],
    )


def deal_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[_header(*column) for column in COLUMNS])),
            rx.table.body(
                rx.cond(
                    State.loading,
                    rx.fragment(*[_skeleton_row(i) for i in range(SKELETON_ROWS)]),
                    rx.foreach(State.deals, _row),
                ),
            ),
            variant="surface",
            size="2",
            width="100%",
            data_testid="deals-table",
        ),
        overflow_x="auto",
        width="100%",
    )
