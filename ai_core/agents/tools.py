"""The agent's tools: read-only lookups in the user's workspace, written for the model to read.

Each returns compact JSON labelled as untrusted data (content) and a one-line summary for the
user's tool indicator (artifact). A failure comes back to the model as an error result it
can recover from, never as an exception that ends the answer.
"""

from collections.abc import Awaitable
from decimal import Decimal
from typing import Any, Literal

import structlog
from langchain.tools import ToolRuntime, tool
from langchain_core.tools import BaseTool, ToolException

from ai_core.agents import deals, reports
from ai_core.agents.context import ChatContext
from ai_core.agents.prompts import as_untrusted
from ai_core.agents.views import Found, QueryError
from ai_core.clients.workspace_api import WorkspaceApiError

log = structlog.get_logger(__name__)

Runtime = ToolRuntime[ChatContext]
ToolOutput = tuple[str, dict[str, Any]]


async def _answer(name: str, work: Awaitable[Found]) -> ToolOutput:
    try:
        found = await work
    except (WorkspaceApiError, QueryError) as exc:
        raise ToolException(f"{name} failed: {exc}") from exc
    except Exception as exc:  # a bug in one lookup must not end the whole answer
        log.exception("tool_crashed", tool=name)
        raise ToolException(f"{name} failed unexpectedly; try another tool.") from exc
    return as_untrusted(name, found.data), {"summary": found.summary}


@tool(parse_docstring=True, response_format="content_and_artifact")
async def search_deals(
    runtime: Runtime,
    query: str | None = None,
    stage: str | None = None,
    status: Literal["open", "won", "lost"] | None = None,
    owner: str | None = None,
    min_amount: Decimal | None = None,
    sort: deals.DealSort = "largest",
    limit: int = 10,
) -> ToolOutput:
    """Find deals in this workspace, with their amount, stage, owner, close date and link.

    Use it to look a deal up by name before get_deal, or to list deals matching filters.
    `total_matching` is the exact number of matching deals even when fewer are shown.

    Args:
        runtime: Injected by the agent.
        query: Words found in the deal title, company or contact name, e.g. "Acme".
        stage: Pipeline stage name, e.g. "Proposal" (an error lists the valid names).
        status: "open" for deals still in play, "won" or "lost" for closed ones; omit for all.
        owner: Owner's name or email, or "me" for the signed-in user.
        min_amount: Only deals worth at least this amount.
        sort: Order of results: largest, smallest, newest, closing_soonest, recently_updated.
        limit: How many deals to show, 1 to 25.
    """
    return await _answer(
        "search_deals",
        deals.search_deals(
            runtime.context,
            query=query,
            stage=stage,
            status=status,
            owner=owner,
            min_amount=min_amount,
            sort=sort,
            limit=limit,
        ),
    )


@tool(parse_docstring=True, response_format="content_and_artifact")
async def get_deal(runtime: Runtime, deal_id: str) -> ToolOutput:
    """One deal in depth: its fields, recent timeline, stage and close-date history, risk signals.

    `risk.signals` come from the deterministic risk engine, each with the numbers it rests on;
    `win_probability_pct` is the deal's stage probability or its manual override.

    Args:
        runtime: Injected by the agent.
        deal_id: The deal's id (a UUID) as returned by search_deals or at_risk_deals.
    """
    return await _answer("get_deal", deals.get_deal(runtime.context, deal_id))


@tool(parse_docstring=True, response_format="content_and_artifact")
async def pipeline_summary(runtime: Runtime) -> ToolOutput:
    """Open pipeline by stage: deal count, total amount and probability-weighted amount.

    Args:
        runtime: Injected by the agent.
    """
    return await _answer("pipeline_summary", reports.pipeline_summary(runtime.context))


@tool(parse_docstring=True, response_format="content_and_artifact")
async def funnel(runtime: Runtime) -> ToolOutput:
    """Stage-to-stage conversion rates and typical days spent in each stage.

    Args:
        runtime: Injected by the agent.
    """
    return await _answer("funnel", reports.funnel(runtime.context))


@tool(parse_docstring=True, response_format="content_and_artifact")
async def forecast(runtime: Runtime, period: reports.Period = "this_quarter") -> ToolOutput:
    """Revenue forecast for a period: won so far, weighted open pipeline, forecast, best case.

    Args:
        runtime: Injected by the agent.
        period: this_month, next_month, this_quarter, next_quarter, this_year or next_12_months.
    """
    return await _answer("forecast", reports.forecast(runtime.context, period=period))


@tool(parse_docstring=True, response_format="content_and_artifact")
async def at_risk_deals(runtime: Runtime, limit: int = 10) -> ToolOutput:
    """Open deals most at risk, ranked by value at risk, each with its risk signals and evidence.

    Signals: stalled (idle past the stage's limit), slipping (close date pushed or past due),
    closing_soon_unscheduled, high_value_low_probability, owner_activity_drop.

    Args:
        runtime: Injected by the agent.
        limit: How many deals to return, 1 to 25.
    """
    return await _answer("at_risk_deals", deals.at_risk_deals(runtime.context, limit=limit))


@tool(parse_docstring=True, response_format="content_and_artifact")
async def list_insights(
    runtime: Runtime,
    status: reports.InsightStatus = "open",
    limit: int = 10,
) -> ToolOutput:
    """Insights already generated for this workspace, most urgent first.

    Args:
        runtime: Injected by the agent.
        status: open (new or viewed), new, viewed, actioned, dismissed, or all.
        limit: How many insights to return, 1 to 25.
    """
    return await _answer(
        "list_insights", reports.list_insights(runtime.context, status=status, limit=limit)
    )


@tool(parse_docstring=True, response_format="content_and_artifact")
async def activity_stats_by_owner(runtime: Runtime, days: int = 30) -> ToolOutput:
    """Calls, emails, meetings, notes and tasks per deal owner over the last N days.

    Args:
        runtime: Injected by the agent.
        days: How many days back to count, 1 to 365.
    """
    return await _answer(
        "activity_stats_by_owner", reports.activity_stats_by_owner(runtime.context, days=days)
    )


TOOLS: list[BaseTool] = [
    search_deals,
    get_deal,
    pipeline_summary,
    funnel,
    forecast,
    at_risk_deals,
    list_insights,
    activity_stats_by_owner,
]
for _tool in TOOLS:
    _tool.handle_tool_error = True
