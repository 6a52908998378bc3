"""API records turned into the typed, display-ready rows the deal pages show."""

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

ApiCall = Callable[..., Awaitable[Any]]

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥"}
STAGE_COLORS = {"won": "green", "lost": "red"}
OPEN_STAGE_COLOR = "indigo"


@dataclasses.dataclass
class StageOption:
    id: str
    name: str
    kind: str
    probability: str


@dataclasses.dataclass
class MemberOption:
    id: str
    name: str
    email: str


@dataclasses.dataclass
class DealRow:
    """One deal as a table row or a board card."""

    id: str
    title: str
    company: str
    stage_id: str
    stage_name: str
    stage_color: str
    amount_label: str
    owner_name: str
    close_label: str
    updated_at: str
    is_rotting: bool


def money(amount: Decimal | str | int, currency: str = "") -> str:
    """'$12,500' / '$99.90' / '1,200 SEK'; cents only when there are some."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    digits = f"{value:,.2f}".removesuffix(".00")
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{symbol}{digits}"
    return f"{digits} {currency}".strip()


def day_label(iso_date: str | None) -> str:
    """'2026-03-05' -> 'Mar 5, 2026'; '' when there is no date."""
    if not iso_date:
        return ""
    day = date.fromisoformat(iso_date[:10])
    return f"{day:%b} {day.day}, {day.year}"


def percent(value: Decimal | str | int) -> str:
    return f"{Decimal(str(value)).normalize():f}%"


def stage_color(kind: str) -> str:
    return STAGE_COLORS.get(kind, OPEN_STAGE_COLOR)


def to_stage(item: dict[str, Any]) -> StageOption:
    return StageOption(
        id=str(item["id"]),
        name=str(item["name"]),
        kind=str(item["kind"]),
        probability=percent(item["probability"]),
    )


def to_member(item: dict[str, Any]) -> MemberOption:
    return MemberOption(id=str(item["user_id"]), name=str(item["name"]), email=str(item["email"]))


def to_deal_row(item: dict[str, Any], owners: dict[str, str]) -> DealRow:
    owner_id = item.get("owner_id")
    return DealRow(
        id=str(item["id"]),
        title=str(item["title"]),
        company=str(item.get("company") or ""),
        stage_id=str(item["stage_id"]),
        stage_name=str(item["stage_name"]),
        stage_color=stage_color(str(item["stage_kind"])),
        amount_label=money(item["amount"], str(item["currency"])),
        owner_name=owners.get(str(owner_id), "") if owner_id else "",
        close_label=day_label(item.get("expected_close_date")),
        updated_at=str(item["updated_at"]),
        is_rotting=bool(item.get("is_rotting")),
    )


def owner_names(members: list[MemberOption]) -> dict[str, str]:
    return {m.id: m.name for m in members}


async def fetch_options(
    api: ApiCall, workspace_id: str
) -> tuple[list[StageOption], list[MemberOption]]:
    """The workspace's stages (in pipeline order) and members, for selects and owner names."""
    base = f"/api/v1/workspaces/{workspace_id}"
    stages = [to_stage(s) for s in await api("GET", f"{base}/stages")]
    members = [to_member(m) for m in await api("GET", f"{base}/members")]
    return stages, members
