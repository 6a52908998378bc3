"""Notion API objects in their real wire shapes (Notion-Version 2022-06-28).

Page objects are built from the real `GET /v1/pages` response fixture in
../shared/data/notion, so every field Notion sends is there; database schemas and
property values follow the API reference's shapes.
"""

import copy
import itertools
import json
import uuid
from typing import Any

from tests.shared_data import SHARED_DATA

JSON = dict[str, Any]
FIXTURES = SHARED_DATA / "notion"
PAGE_FIXTURE = FIXTURES / "zulip_fixture_notion_page_info_api_response.json"
_ids = itertools.count(1)


def fixture_page() -> JSON:
    """The real page response, as recorded."""
    return json.loads(PAGE_FIXTURE.read_text())


def new_id() -> str:
    return str(uuid.uuid4())


def _property_id() -> str:
    # Notion's property ids are short url-encoded strings like "XGe%40".
    return f"p{next(_ids):03d}"


def rich_text(content: str) -> list[JSON]:
    """Rich text as the fixture's title carries it."""
    part = copy.deepcopy(fixture_page()["properties"]["title"]["title"][0])
    part["text"]["content"] = content
    part["plain_text"] = content
    return [part]


# -- database schema properties ------------------------------------------------------------


def title_schema() -> JSON:
    return {"id": "title", "type": "title", "title": {}}


def number_schema(id_: str | None = None) -> JSON:
    return {"id": id_ or _property_id(), "type": "number", "number": {"format": "dollar"}}


def rich_text_schema() -> JSON:
    return {"id": _property_id(), "type": "rich_text", "rich_text": {}}


def select_schema(options: list[str], id_: str | None = None) -> JSON:
    return {
        "id": id_ or _property_id(),
        "type": "select",
        "select": {"options": [_option(name) for name in options]},
    }


def status_schema(options: list[str]) -> JSON:
    return {
        "id": _property_id(),
        "type": "status",
        "status": {
            "options": [_option(name) for name in options],
            "groups": [{"id": new_id(), "name": "To-do", "color": "gray", "option_ids": []}],
        },
    }


def date_schema(id_: str | None = None) -> JSON:
    return {"id": id_ or _property_id(), "type": "date", "date": {}}


def formula_schema(expression: str, id_: str | None = None) -> JSON:
    return {"id": id_ or _property_id(), "type": "formula", "formula": {"expression": expression}}


def relation_schema(database_id: str) -> JSON:
    return {
        "id": _property_id(),
        "type": "relation",
        "relation": {
            "database_id": database_id,
            "type": "single_property",
            "single_property": {},
        },
    }


def _option(name: str) -> JSON:
    return {"id": new_id()[:8], "name": name, "color": "default"}


def database(database_id: str, title: str, properties: dict[str, JSON]) -> JSON:
    return {
        "object": "database",
        "id": database_id,
        "cover": None,
        "icon": None,
        "created_time": "2026-04-01T10:00:00.000Z",
        "last_edited_time": "2026-04-01T10:00:00.000Z",
        "created_by": {"object": "user", "id": new_id()},
        "last_edited_by": {"object": "user", "id": new_id()},
        "title": rich_text(title),
        "description": [],
        "is_inline": False,
        "properties": {name: {**prop, "name": name} for name, prop in properties.items()},
        "parent": {"type": "page_id", "page_id": new_id()},
        "url": f"https://www.notion.so/{database_id.replace('-', '')}",
        "public_url": None,
        "archived": False,
        "in_trash": False,
    }


# -- page property values ------------------------------------------------------------------


def title_value(text: str) -> JSON:
    return {"type": "title", "title": rich_text(text)}


def number_value(value: float | int | None) -> JSON:
    return {"type": "number", "number": value}


def select_value(name: str | None) -> JSON:
    chosen = {"id": new_id()[:8], "name": name, "color": "default"} if name else None
    return {"type": "select", "select": chosen}


def status_value(name: str) -> JSON:
    return {"type": "status", "status": {"id": new_id()[:8], "name": name, "color": "default"}}


def date_value(start: str | None) -> JSON:
    return {
        "type": "date",
        "date": {"start": start, "end": None, "time_zone": None} if start else None,
    }


def formula_date_value(start: str) -> JSON:
    return {"type": "formula", "formula": {"type": "date", "date": {"start": start}}}


def relation_value(page_ids: list[str]) -> JSON:
    return {"type": "relation", "relation": [{"id": i} for i in page_ids], "has_more": False}


def page(
    page_id: str,
    database_id: str | None,
    properties: dict[str, JSON],
    *,
    created_time: str = "2026-04-03T18:04:00.000Z",
    last_edited_time: str = "2026-04-03T18:07:00.000Z",
    in_trash: bool = False,
) -> JSON:
    """A page in the fixture's shape, as a row of `database_id` (or under a page if None)."""
    built = fixture_page()
    built.update(
        id=page_id,
        created_time=created_time,
        last_edited_time=last_edited_time,
        properties=properties,
        in_trash=in_trash,
        archived=in_trash,
        url=f"https://www.notion.so/{page_id.replace('-', '')}",
        request_id=new_id(),
    )
    if database_id is not None:
        built["parent"] = {"type": "database_id", "database_id": database_id}
    return built
