"""/forecast : what the period will really bring, by simulation, and how it is worked out."""

import reflex as rx

from vectoros_ui.components.feedback import error_callout
from vectoros_ui.components.forecast_chart import forecast_chart
from vectoros_ui.components.layout import app_shell
from vectoros_ui.states.forecast import GROUPINGS, ForecastState
from vectoros_ui.states.forecast_format import Figure, SpanRow
from vectoros_ui.states.session import SessionState

State = ForecastState


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text("Forecast", size="2", color_scheme="gray", weight="medium"),
            rx.heading(SessionState.workspace_name, size="7", data_testid="forecast-title"),
            rx.text(
                State.period_label,
                " · ",
                State.open_deals,
                " open deals · ",
                State.simulations,
                " simulations",
                size="2",
                color_scheme="gray",
                data_testid="forecast-period",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.select.root(
            rx.select.trigger(aria_label="Group by", data_testid="forecast-group"),
            rx.select.content(
                *[rx.select.item(label, value=key) for key, label in GROUPINGS.items()],
                position="popper",
            ),
            value=State.group_by,
            on_change=State.choose,
            disabled=State.loading,
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        align=rx.breakpoints(initial="start", md="end"),
        spacing="4",
        width="100%",
    )


def _figure(figure: Figure) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(figure.label, size="1", weight="medium", color_scheme="gray"),
            rx.text(figure.value, size="5", weight="bold", data_testid=f"figure-{figure.key}"),
            rx.text(figure.detail, size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def _figures() -> rx.Component:
    return rx.grid(
        rx.foreach(State.figures, _figure),
        columns=rx.breakpoints(initial="2", md="5"),
        spacing="3",
        width="100%",
        data_testid="forecast-figures",
    )


def _row(row: SpanRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.label),
        rx.table.cell(row.won),
        rx.table.cell(row.p10),
        rx.table.cell(row.p50, weight="bold"),
        rx.table.cell(row.p90),
        rx.table.cell(row.weighted),
        rx.table.cell(row.pipeline),
        rx.table.cell(row.target),
        data_testid="forecast-row",
    )


def _table() -> rx.Component:
    headers = ["", "Won", "P10", "P50", "P90", "Weighted", "Pipeline due", "Target"]
    return rx.card(
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(State.rows, _row)),
                width="100%",
                size="1",
            ),
            overflow_x="auto",
            width="100%",
        ),
        width="100%",
        data_testid="forecast-table",
    )


def _model() -> rx.Component:
    model = State.model
    return rx.callout.root(
        rx.callout.icon(rx.icon(rx.cond(model.used, "brain", "layers"))),
        rx.vstack(
            rx.hstack(
                rx.text(model.title, weight="bold", size="2"),
                rx.badge(
                    rx.cond(model.used, "Learned model", "Stage baseline"),
                    color_scheme=rx.cond(model.used, "grass", "gray"),
                    data_testid="win-model-badge",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(model.detail, size="2"),
            rx.cond(model.backtest != "", rx.text(model.backtest, size="1")),
            spacing="1",
        ),
        color_scheme=rx.cond(model.used, "grass", "gray"),
        variant="surface",
        width="100%",
        data_testid="forecast-model",
    )


def _method() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("How this forecast is made", size="3"),
            rx.text(State.method, size="2", data_testid="forecast-method"),
            spacing="2",
        ),
        width="100%",
    )


def _content() -> rx.Component:
    return rx.cond(
        State.loading,
        rx.center(
            rx.vstack(
                rx.spinner(size="3"),
                rx.text("Simulating the period…", size="2", color_scheme="gray"),
                align="center",
            ),
            padding="4rem",
            width="100%",
            data_testid="forecast-loading",
        ),
        rx.cond(
            State.error == "",
            rx.vstack(
                _figures(),
                forecast_chart(),
                _table(),
                _model(),
                _method(),
                spacing="4",
                width="100%",
            ),
        ),
    )


def forecast() -> rx.Component:
    return app_shell(
        "forecast",
        rx.vstack(
            _header(),
            error_callout(State.error, "forecast-error"),
            _content(),
            spacing="5",
            width="100%",
        ),
        on_workspace_change=State.workspace_changed,
        wide=True,
    )
