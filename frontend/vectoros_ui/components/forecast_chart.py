"""The Forecast page's chart: the simulated P10/P50/P90 per span, the weighted pipeline and
the target (rx.recharts)."""

import reflex as rx

from vectoros_ui.states.forecast import ForecastState as State

HEIGHT = 300
COMPACT = "(value) => new Intl.NumberFormat('en', {notation: 'compact'}).format(value)"


def _line(key: str, color: str, *, dashed: bool = False) -> rx.Component:
    return rx.recharts.line(
        data_key=key,
        stroke=rx.color(color, 9),
        stroke_width=2,
        stroke_dasharray="5 4" if dashed else "",
        dot=True,
        type_="monotone",
    )


def forecast_chart() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading("Simulated vs weighted", size="3"),
                rx.text(
                    "Bars: the likely outcome (P50). Dashed: worst (P10) and best (P90) of 8 in "
                    "10 simulated futures. The weighted pipeline and the target as lines.",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.recharts.composed_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                rx.recharts.x_axis(data_key="span", font_size=12),
                rx.recharts.y_axis(tick_formatter=COMPACT, width=52, font_size=12),
                rx.recharts.graphing_tooltip(
                    content_style={
                        "backgroundColor": "var(--color-panel-solid)",
                        "border": "1px solid var(--gray-6)",
                        "borderRadius": "var(--radius-3)",
                    }
                ),
                rx.recharts.legend(),
                rx.recharts.bar(data_key="P50", fill=rx.color("accent", 8), radius=4),
                _line("P10", "gray", dashed=True),
                _line("P90", "grass", dashed=True),
                _line("Weighted", "amber"),
                rx.cond(State.has_target, _line("Target", "crimson")),
                data=State.chart,
                width="100%",
                height=HEIGHT,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="forecast-chart",
    )
