"""Reading a Notion page object: its parent, state and property values, as our types."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from backend.notion.mapping import PropertyRef, normalize_id
from kit.fields import in_range, to_utc
from kit.text import storable

JSON = dict[str, Any]


def plain_text(rich_text: Any) -> str:
    if not isinstance(rich_text, list):
        return ""
    # NUL characters go (Postgres cannot store them); the rest of the text stays.
    return storable("".join(str(part.get("plain_text") or "") for part in rich_text)).strip()


def database_title(database: JSON) -> str:
    return plain_text(database.get("title")) or "Untitled"


def parent_database_id(page: JSON) -> str | None:
    """The database the page is a row of (2022-06-28 and 2025-09-03 parents alike)."""
    parent = page.get("parent") or {}
    if parent.get("type") in ("database_id", "data_source_id"):
        return normalize_id(parent.get("database_id"))
    return None


def is_trashed(page: JSON) -> bool:
    return bool(page.get("in_trash") or page.get("archived") or page.get("is_archived"))


def timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        # In UTC and within the years requests may hold; anything else is unreadable.
        return to_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        return None


def value_of(page: JSON, ref: PropertyRef | None) -> JSON | None:
    """The page's value object of the property, found by id first (it survives renames)."""
    if ref is None:
        return None
    properties: dict[str, JSON] = page.get("properties") or {}
    by_id = next((p for p in properties.values() if p.get("id") == ref.id), None)
    return by_id or properties.get(ref.name)


def title(prop: JSON | None) -> str:
    return plain_text((prop or {}).get("title"))


def number(prop: JSON | None) -> Decimal | None:
    raw = (prop or {}).get("number")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def option(prop: JSON | None) -> str | None:
    """The chosen option's name of a select or status property."""
    if not prop:
        return None
    chosen = prop.get(str(prop.get("type"))) or {}
    if not isinstance(chosen, dict) or not chosen.get("name"):
        return None
    return storable(str(chosen["name"])) or None


def day(prop: JSON | None) -> date | None:
    """The start day of a date property, or of a formula that yields a date."""
    if not prop:
        return None
    value = prop.get("date")
    if prop.get("type") == "formula":
        formula = prop.get("formula") or {}
        value = formula.get("date") if formula.get("type") == "date" else None
    start = (value or {}).get("start") if isinstance(value, dict) else None
    if not start:
        return None
    try:
        found = date.fromisoformat(str(start)[:10])
    except ValueError:
        return None
    return found if in_range(found) else None


def relation_ids(prop: JSON | None) -> list[str]:
    found = [normalize_id(str(r.get("id"))) for r in (prop or {}).get("relation") or []]
    return [page_id for page_id in found if page_id]
