"""The property mapping: checked against a database's schema, stored, and read back.

Properties are stored by id and name: Notion keeps the id when a property is renamed, so
pages are read by id first.
"""

import re
import uuid
from dataclasses import dataclass
from typing import Any

from backend.models import PipelineStage

JSON = dict[str, Any]
Problems = list[dict[str, str]]

# Our field -> the Notion property types that can feed it.
DEAL_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "amount": ("number",),
    "stage": ("select", "status"),
    # A formula counts when it yields a date (Notion's docs example uses one).
    "close_date": ("date", "formula"),
}
NOTE_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "deal": ("relation",),
    "date": ("date", "formula"),
}
_HEX_ID = re.compile(
    r"([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})"
)


def normalize_id(value: str | None) -> str | None:
    """A Notion id in its dashed lower-case form; it may come undashed or inside a URL."""
    if not value:
        return None
    found = _HEX_ID.findall(value)
    return str(uuid.UUID(found[-1])) if found else None


@dataclass(frozen=True)
class PropertyRef:
    id: str
    name: str
    type: str

    def as_json(self) -> JSON:
        return {"id": self.id, "name": self.name, "type": self.type}

    @classmethod
    def from_json(cls, raw: JSON | None) -> "PropertyRef | None":
        return cls(str(raw["id"]), str(raw["name"]), str(raw["type"])) if raw else None


@dataclass(frozen=True)
class NotionConfig:
    """What an integration's `config` says to sync; None from `parse` when not set up."""

    deals_database_id: str
    deal: dict[str, PropertyRef | None]
    stage_options: dict[str, uuid.UUID]  # lower-cased option name -> our stage
    notes_database_id: str | None
    note: dict[str, PropertyRef | None]

    @classmethod
    def parse(cls, config: JSON) -> "NotionConfig | None":
        try:
            deals = config["deals_database"]["id"]
            deal = {k: PropertyRef.from_json(v) for k, v in config["deal_properties"].items()}
            options = {
                str(o["option"]).lower(): uuid.UUID(str(o["stage_id"]))
                for o in config.get("stage_options") or []
            }
            notes = (config.get("notes_database") or {}).get("id")
            note = {
                k: PropertyRef.from_json(v)
                for k, v in (config.get("note_properties") or {}).items()
            }
        except (KeyError, TypeError, ValueError):
            return None
        if deal.get("title") is None:
            return None
        return cls(str(deals), deal, options, str(notes) if notes else None, note)


def find_property(
    schema: JSON, wanted: str | None, types: tuple[str, ...], field: str, problems: Problems
) -> PropertyRef | None:
    """The database property `wanted` names (or whose id it is), if its type fits the field."""
    properties: dict[str, JSON] = schema.get("properties") or {}
    if wanted is None:
        if types == ("title",):  # every database has exactly one title property
            wanted = next((n for n, p in properties.items() if p.get("type") == "title"), None)
        if wanted is None:
            return None
    found = properties.get(wanted) or next(
        (p for n, p in properties.items() if n.lower() == wanted.lower() or p.get("id") == wanted),
        None,
    )
    if found is None:
        known = ", ".join(sorted(properties)) or "none"
        problems.append(
            {"field": field, "message": f"'{wanted}' is not a property of the database ({known})"}
        )
        return None
    name = str(found.get("name") or wanted)
    if found.get("type") not in types:
        problems.append(
            {
                "field": field,
                "message": f"'{name}' is a {found.get('type')} property; "
                f"{field.rsplit('.', 1)[-1]} needs {' or '.join(types)}",
            }
        )
        return None
    return PropertyRef(str(found.get("id") or name), name, str(found["type"]))


def stage_options(
    schema: JSON,
    stage: PropertyRef,
    stages: list[PipelineStage],
    aliases: dict[str, str],
    problems: Problems,
) -> list[JSON]:
    """Every option of the stage property matched to one of our stages, by name."""
    prop = (schema.get("properties") or {}).get(stage.name) or {}
    options = [str(o.get("name")) for o in (prop.get(stage.type) or {}).get("options") or []]
    ours = {s.name.lower(): s for s in stages}
    alias_of = {k.lower(): v for k, v in aliases.items()}
    for alias in alias_of.keys() - {o.lower() for o in options}:
        problems.append(
            {"field": "stage_aliases", "message": f"'{alias}' is not an option of '{stage.name}'"}
        )
    matched = []
    for option in options:
        target = alias_of.get(option.lower(), option)
        found = ours.get(target.strip().lower())
        if found is None:
            problems.append(
                {
                    "field": "deal_properties.stage",
                    "message": f"option '{option}' of '{stage.name}' matches no stage "
                    f"({', '.join(s.name for s in stages)}); rename it or map it in "
                    "stage_aliases",
                }
            )
            continue
        matched.append({"option": option, "stage_id": str(found.id)})
    return matched


def relation_target_problem(note_deal: PropertyRef, schema: JSON, deals_id: str) -> str | None:
    """Why the notes' relation property does not point at the deals database, if it doesn't."""
    prop = (schema.get("properties") or {}).get(note_deal.name) or {}
    target = normalize_id((prop.get("relation") or {}).get("database_id"))
    if target is not None and target != deals_id:
        return f"'{note_deal.name}' relates to another database, not the deals database"
    return None
