"""The filters above the deal table: typed ones apply on Enter or Apply, selects at once."""

import reflex as rx

from vectoros_ui.components.options import member_item, stage_item
from vectoros_ui.states.deals import ANY, STATUSES, DealsState

State = DealsState
DATE_WIDTH = "9.75rem"
AMOUNT_WIDTH = "6.5rem"


def _choice(name: str, placeholder: str, value: rx.Var[str], *items: rx.Component) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=placeholder, aria_label=placeholder, data_testid=f"filter-{name}"
        ),
        rx.select.content(rx.select.item(f"Any {name}", value=ANY), *items, position="popper"),
        value=value,
        on_change=lambda chosen: State.choose(name, chosen),
    )


def _selects() -> list[rx.Component]:
    return [
        _choice("stage", "Stage", State.stage_choice, rx.foreach(State.stages, stage_item)),
        _choice(
            "status",
            "Status",
            State.status_choice,
            *[rx.select.item(status.capitalize(), value=status) for status in STATUSES],
        ),
        _choice("owner", "Owner", State.owner_choice, rx.foreach(State.members, member_item)),
    ]


def _bound(name: str, label: str, width: str, **props) -> rx.Component:
    return rx.input(
        name=name,
        default_value=getattr(State, name),
        aria_label=label,
        size="2",
        width=width,
        data_testid=f"filter-{name.replace('_', '-')}",
        **props,
    )


def _range(label: str, low: rx.Component, high: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray"),
        low,
        rx.text("–", color_scheme="gray"),
        high,
        align="center",
        spacing="1",
    )


def _search() -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            name="q",
            default_value=State.q,
            placeholder="Search title, company, contact…",
            aria_label="Search deals",
            type="search",
            flex="1",
            data_testid="deal-search",
        ),
        rx.button(
            rx.icon("list_filter", size=16),
            "Apply",
            type="submit",
            variant="soft",
            data_testid="apply-filters",
        ),
        spacing="2",
        width="100%",
    )


def _clear() -> rx.Component:
    return rx.cond(
        State.has_filters,
        rx.button(
            rx.icon("x", size=14),
            "Clear filters",
            variant="ghost",
            color_scheme="gray",
            type="button",
            on_click=State.clear_filters,
            data_testid="clear-filters",
        ),
    )


def deal_filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            _search(),
            rx.flex(
                *_selects(),
                _range(
                    "Closing",
                    _bound("close_from", "Closing from", DATE_WIDTH, type="date"),
                    _bound("close_to", "Closing until", DATE_WIDTH, type="date"),
                ),
                _range(
                    "Amount",
                    _bound(
                        "amount_min",
                        "Minimum amount",
                        AMOUNT_WIDTH,
                        placeholder="Min",
                        input_mode="decimal",
                    ),
                    _bound(
                        "amount_max",
                        "Maximum amount",
                        AMOUNT_WIDTH,
                        placeholder="Max",
                        input_mode="decimal",
                    ),
                ),
                _clear(),
                spacing="3",
                wrap="wrap",
                align="center",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        # The typed fields are uncontrolled: a new key remounts them with the URL's values.
        key=State.filters_key,
        on_submit=State.apply_filters,
        width="100%",
    )
