"""The Claude chat model from settings, and what its calls cost."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from langchain_anthropic import ChatAnthropic
from langchain_core.messages import AIMessage, BaseMessage

from ai_core import config

DEFAULT_TIMEOUT_SECONDS = 60.0
# The SDK's own retries: 408/409/429/5xx and connection errors, with exponential backoff
# (0.5 s doubling, jittered) or the server's retry-after.
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_TOKENS = 4096

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: Decimal
    output: Decimal


# Anthropic's list prices (platform.claude.com/docs/en/about-claude/pricing), standard tier,
# without prompt caching or batch discounts. Keys are model ids without their date suffix.
PRICES: dict[str, Price] = {
    "claude-opus-4-6": Price(Decimal("5"), Decimal("25")),
    "claude-opus-4-5": Price(Decimal("5"), Decimal("25")),
    "claude-opus-4-1": Price(Decimal("15"), Decimal("75")),
    "claude-opus-4-0": Price(Decimal("15"), Decimal("75")),
    "claude-opus-4": Price(Decimal("15"), Decimal("75")),
    "claude-sonnet-4-6": Price(Decimal("3"), Decimal("15")),
    "claude-sonnet-4-5": Price(Decimal("3"), Decimal("15")),
    "claude-sonnet-4-0": Price(Decimal("3"), Decimal("15")),
    "claude-sonnet-4": Price(Decimal("3"), Decimal("15")),
    "claude-3-7-sonnet": Price(Decimal("3"), Decimal("15")),
    "claude-haiku-4-5": Price(Decimal("1"), Decimal("5")),
    "claude-3-5-haiku": Price(Decimal("0.80"), Decimal("4")),
    "claude-3-haiku": Price(Decimal("0.25"), Decimal("1.25")),
}
# An unknown model is priced like the most expensive one above: an estimate may overstate a
# run's cost, never hide it.
UNKNOWN_MODEL_PRICE = Price(Decimal("15"), Decimal("75"))

_DATE_SUFFIX = re.compile(r"-(\d{8}|latest)$")


def chat_model(
    settings: config.Settings | None = None,
    *,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_retries: int = DEFAULT_MAX_RETRIES,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> ChatAnthropic | None:
    """Claude as configured, or None without an API key (callers then answer without AI)."""
    settings = settings or config.settings
    if settings.anthropic_api_key is None:
        return None
    return ChatAnthropic(  # type: ignore[call-arg]  # mypy sees only the field aliases
        model=settings.anthropic_model,
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url or None,
        timeout=timeout_seconds,
        max_retries=max_retries,
        max_tokens=max_tokens,
    )


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(
            self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens
        )


def token_usage(message: BaseMessage) -> TokenUsage:
    """The tokens one model reply reports (`usage_metadata`); zero when it reports none."""
    usage = message.usage_metadata if isinstance(message, AIMessage) else None
    if not usage:
        return TokenUsage()
    return TokenUsage(usage.get("input_tokens", 0), usage.get("output_tokens", 0))


def total_usage(messages: Iterable[BaseMessage]) -> TokenUsage:
    """The tokens of every model reply among `messages` (an agent run makes several calls)."""
    return sum((token_usage(m) for m in messages), TokenUsage())


def price_for(model: str) -> Price:
    return PRICES.get(_DATE_SUFFIX.sub("", model.strip().lower()), UNKNOWN_MODEL_PRICE)


def estimate_cost_usd(model: str, input_tokens: int, output_tokens: int) -> Decimal:
    """List-price cost of a call in USD, to the micro-dollar."""
    price = price_for(model)
    cost = (input_tokens * price.input + output_tokens * price.output) / MILLION
    return cost.quantize(Decimal("0.000001"))
