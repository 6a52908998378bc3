"""Checking a Notion mapping before it is stored: the token with Notion, each chosen
property against its database's schema, each stage option against our stages."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.notion.client import (
    NotionClient,
    NotionError,
    NotionNotFound,
    NotionUnauthorized,
    NotionUnavailable,
    notion_client,
)
from backend.notion.mapping import (
    DEAL_FIELDS,
    NOTE_FIELDS,
    Problems,
    find_property,
    relation_target_problem,
    stage_options,
)
from backend.notion.schemas import DealProperties, NoteProperties
from backend.notion.values import database_title
from backend.pipelines.repository import StageRepository
from kit.errors import ServiceUnavailable, UnprocessableEntity


@dataclass
class Mapping:
    """What the admin chose, by Notion property name: checked before anything is stored."""

    deals_database_id: str
    deal_properties: DealProperties
    stage_aliases: dict[str, str]
    notes_database_id: str | None
    note_properties: NoteProperties | None


async def checked_config(
    session: AsyncSession, workspace_id: uuid.UUID, token: str, mapping: Mapping
) -> dict[str, Any]:
    """The config to store, once Notion accepts the token and the mapping fits the schemas."""
    if not mapping.deals_database_id:
        raise _invalid([{"field": "deals_database_id", "message": "choose the deals database"}])
    # A person is waiting: few, short retries.
    async with notion_client(token, max_attempts=3, max_wait_seconds=5) as notion:
        try:
            bot = await notion.me()
            problems: Problems = []
            deals = await _database(
                notion, mapping.deals_database_id, "deals_database_id", problems
            )
            notes = (
                await _database(notion, mapping.notes_database_id, "notes_database_id", problems)
                if mapping.notes_database_id
                else None
            )
        except NotionUnauthorized as exc:
            raise UnprocessableEntity(
                "Notion does not accept this integration token.",
                code="notion_token_invalid",
                details=[{"field": "access_token", "message": "rejected by Notion (401)"}],
            ) from exc
        except NotionUnavailable as exc:
            raise ServiceUnavailable(
                "Notion is not answering right now; try again in a minute.",
                code="notion_unavailable",
            ) from exc
        except NotionError as exc:
            raise UnprocessableEntity(
                f"Notion refused the request: {exc}", code="notion_refused"
            ) from exc
    if deals is None or problems:
        raise _invalid(problems)
    deal_refs = {
        field: find_property(
            deals,
            getattr(mapping.deal_properties, field),
            types,
            f"deal_properties.{field}",
            problems,
        )
        for field, types in DEAL_FIELDS.items()
    }
    options: list[dict[str, Any]] = []
    if deal_refs["stage"] is not None:
        stages = await StageRepository(session).list(workspace_id)
        options = stage_options(deals, deal_refs["stage"], stages, mapping.stage_aliases, problems)
    note_refs = {}
    if notes is not None and mapping.note_properties is not None:
        note_refs = {
            field: find_property(
                notes,
                getattr(mapping.note_properties, field),
                types,
                f"note_properties.{field}",
                problems,
            )
            for field, types in NOTE_FIELDS.items()
        }
        deal_ref = note_refs["deal"]
        target_problem = (
            relation_target_problem(deal_ref, notes, str(deals["_id"])) if deal_ref else None
        )
        if target_problem:
            problems.append({"field": "note_properties.deal", "message": target_problem})
    if problems:
        raise _invalid(problems)
    return {
        "notion_workspace": (bot.get("bot") or {}).get("workspace_name"),
        "deals_database": {"id": deals["_id"], "title": database_title(deals)},
        "deal_properties": {k: v.as_json() if v else None for k, v in deal_refs.items()},
        "stage_aliases": mapping.stage_aliases,
        "stage_options": options,
        "notes_database": (
            {"id": notes["_id"], "title": database_title(notes)} if notes is not None else None
        ),
        "note_properties": (
            {k: v.as_json() if v else None for k, v in note_refs.items()} if note_refs else None
        ),
    }


async def _database(
    notion: NotionClient, database_id: str, field: str, problems: Problems
) -> dict[str, Any] | None:
    try:
        database = await notion.database(database_id)
    except NotionNotFound:
        problems.append(
            {
                "field": field,
                "message": "no such database, or it is not shared with the integration "
                "(in Notion: ••• > Connections > add the integration)",
            }
        )
        return None
    # The id as we asked for it (normalized), whatever form Notion answers with.
    return {**database, "_id": database_id}


def _invalid(problems: Problems) -> UnprocessableEntity:
    fields = ", ".join(sorted({p["field"] for p in problems}))
    return UnprocessableEntity(
        f"The Notion mapping does not fit the database: {fields}.",
        code="notion_mapping_invalid",
        details=problems,
    )


def stored_mapping(config: dict[str, Any]) -> Mapping:
    def names(raw: dict[str, Any] | None) -> dict[str, str]:
        return {k: v["name"] for k, v in (raw or {}).items() if v}

    notes = names(config.get("note_properties"))
    return Mapping(
        str((config.get("deals_database") or {}).get("id") or ""),
        DealProperties(**names(config.get("deal_properties"))),
        dict(config.get("stage_aliases") or {}),
        (config.get("notes_database") or {}).get("id"),
        NoteProperties(**notes) if notes.get("deal") else None,
    )
