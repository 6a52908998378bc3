"""'Needs attention': at-risk deals with their main signal, and the newest insights."""

import reflex as rx
from reflex.vars import ObjectVar

from vectoros_ui.states.dashboard import AtRisk, DashboardState, InsightItem

State = DashboardState


def _risk_row(deal: ObjectVar[AtRisk]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("triangle_alert", size=16, color=rx.color(deal.priority_color, 10)),
            rx.vstack(
                rx.text(deal.title, size="2", weight="medium", data_testid="at-risk-title"),
                rx.text(deal.signal, size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
                flex="1",
            ),
            rx.text(deal.amount, size="2", weight="medium"),
            align="center",
            spacing="3",
            width="100%",
            padding="0.5rem",
            border_radius="var(--radius-3)",
            _hover={"background_color": rx.color("gray", 3)},
        ),
        href="/deals/" + deal.deal_id,
        underline="none",
        color="inherit",
        width="100%",
        key=deal.deal_id,
        data_testid="at-risk-deal",
    )


def _insight_row(item: ObjectVar[InsightItem]) -> rx.Component:
    return rx.el.button(
        rx.hstack(
            rx.badge(item.priority, color_scheme=item.priority_color, variant="soft"),
            rx.text(item.title, size="2", weight="medium", text_align="left", flex="1"),
            rx.icon("chevron_right", size=16, color=rx.color("gray", 9)),
            align="center",
            spacing="3",
            width="100%",
        ),
        on_click=State.open_insight(item.id),
        # Keyed by id: a new insight mounts (and fades in) instead of repainting a row.
        key=item.id,
        class_name="vos-arrive",
        width="100%",
        padding="0.5rem",
        border_radius="var(--radius-3)",
        background="transparent",
        border="none",
        cursor="pointer",
        color="inherit",
        _hover={"background_color": rx.color("gray", 3)},
        data_testid="attention-insight",
    )


def _insight_dialog() -> rx.Component:
    selected = State.selected
    return rx.dialog.root(
        rx.dialog.content(
            rx.cond(
                selected,
                rx.vstack(
                    rx.hstack(
                        rx.badge(selected.priority, color_scheme=selected.priority_color),
                        rx.badge(selected.kind, variant="outline"),
                        spacing="2",
                    ),
                    rx.dialog.title(selected.title, data_testid="insight-dialog-title"),
                    rx.dialog.description(selected.description, size="2"),
                    rx.flex(
                        rx.cond(
                            selected.deal_id != "",
                            rx.link(
                                rx.button(
                                    rx.icon("handshake", size=16), "Open deal", variant="soft"
                                ),
                                href="/deals/" + selected.deal_id,
                            ),
                        ),
                        rx.spacer(),
                        rx.button(
                            rx.icon("x", size=16),
                            "Dismiss",
                            variant="soft",
                            color_scheme="gray",
                            loading=State.triaging,
                            on_click=State.triage("dismissed"),
                            data_testid="insight-dialog-dismiss",
                        ),
                        rx.button(
                            rx.icon("check", size=16),
                            "Mark actioned",
                            loading=State.triaging,
                            on_click=State.triage("actioned"),
                            data_testid="insight-dialog-actioned",
                        ),
                        spacing="3",
                        wrap="wrap",
                        width="100%",
                    ),
                    spacing="3",
                ),
            ),
            max_width="32rem",
            data_testid="insight-dialog",
        ),
        open=State.dialog_open,
        on_open_change=State.set_dialog_open,
    )


def needs_attention() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Needs attention", size="3"),
                rx.spacer(),
                rx.link("All insights", href="/insights", size="2"),
                align="center",
                width="100%",
            ),
            rx.cond(
                State.attention_empty & ~State.loading,
                rx.text(
                    "Nothing urgent. Generate insights to have VectorOS read your deals.",
                    size="2",
                    color_scheme="gray",
                    data_testid="attention-empty",
                ),
                rx.grid(
                    rx.vstack(
                        rx.text("At-risk deals", size="1", weight="bold", color_scheme="gray"),
                        rx.foreach(State.at_risk, _risk_row),
                        spacing="1",
                        width="100%",
                        data_testid="at-risk-list",
                    ),
                    rx.vstack(
                        rx.text("Newest insights", size="1", weight="bold", color_scheme="gray"),
                        rx.foreach(State.insights, _insight_row),
                        spacing="1",
                        width="100%",
                        data_testid="newest-insights",
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="needs-attention",
    )


def insight_dialog() -> rx.Component:
    return _insight_dialog()
