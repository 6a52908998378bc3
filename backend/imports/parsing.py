"""A deals CSV's layouts: which column feeds which deal field, and one row into a `DealUpsert`.

Pure, no I/O: the job hands over the file's rows and the workspace's stages and members.
Row numbers are the ones a spreadsheet shows (the header is row 1).
"""

import enum
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from backend.deals.schemas import DealUpsert
from backend.imports.csvfile import InvalidFile, RowError
from backend.imports.values import (
    CellError,
    Lookups,
    midnight_utc,
    parse_amount,
    parse_contact,
    parse_date,
    parse_datetime,
)
from backend.models import StageKind


class Layout(enum.StrEnum):
    hubspot = "hubspot"
    generic = "generic"


class Field(enum.Enum):
    """What a column feeds; the generic layout maps columns to these by name."""

    external_id = "external_id"
    title = "title"
    amount = "amount"
    currency = "currency"
    stage = "stage"
    expected_close_date = "expected_close_date"
    contact_name = "contact_name"
    contact_email = "contact_email"
    company = "company"
    owner_email = "owner_email"
    created_at = "created_at"
    lost_reason = "lost_reason"
    # HubSpot's "Associated Contact" cell: "Name (email)"; not offered to the generic layout.
    contact = "contact"


GENERIC_FIELDS = frozenset(Field) - {Field.contact}

# HubSpot's "export deals" headers (compared case-insensitively) -> what they feed.
HUBSPOT_COLUMNS = {
    "record id": Field.external_id,
    "deal name": Field.title,
    "amount": Field.amount,
    "currency": Field.currency,
    "deal stage": Field.stage,
    "close date": Field.expected_close_date,
    "deal owner": Field.owner_email,
    "associated contact": Field.contact,
    "associated company": Field.company,
    "create date": Field.created_at,
    "closed lost reason": Field.lost_reason,
}
HUBSPOT_REQUIRED = {Field.external_id: "Record ID", Field.title: "Deal Name"}

# Where a DealUpsert validation error points, and how it is named in the reason.
_UPSERT_FIELDS = {
    "title": (Field.title, "bad title"),
    "amount": (Field.amount, "bad amount"),
    "currency": (Field.currency, "bad currency"),
    "expected_close_date": (Field.expected_close_date, "bad date"),
    "contact_name": (Field.contact_name, "bad contact name"),
    "contact_email": (Field.contact_email, "bad email"),
    "company": (Field.company, "bad company"),
    "lost_reason": (Field.lost_reason, "bad lost reason"),
    "created_at": (Field.created_at, "bad date"),
}
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True)
class Columns:
    """Which cell feeds which field, and the header to name in errors."""

    layout: Layout
    index: dict[Field, int]
    header: dict[Field, str]


@dataclass(frozen=True)
class ParsedRow:
    row: int
    external_id: str
    fields: DealUpsert


def resolve_columns(headers: list[str], layout: Layout, mapping: dict[str, str]) -> Columns:
    """Match the header row to the layout; every problem is reported at once."""
    if layout == Layout.hubspot:
        return _hubspot_columns(headers)
    return _generic_columns(headers, mapping)


def parse_row(
    row: int, cells: list[str], columns: Columns, lookups: Lookups
) -> ParsedRow | list[RowError]:
    """One CSV row as the fields to upsert, or every reason it cannot be imported."""
    values = {
        field: cells[i].strip() if i < len(cells) else "" for field, i in columns.index.items()
    }
    errors: list[RowError] = []
    fields: dict[str, object] = {}
    for field, value in values.items():
        if not value or field == Field.external_id:
            continue  # a blank cell leaves the deal's value as it is
        try:
            fields.update(_convert(field, value, lookups))
        except CellError as exc:
            errors.append(RowError(row, columns.header[field], str(exc)))
    if not values.get(Field.title):
        errors.append(RowError(row, columns.header[Field.title], "missing title"))
    external_id = values.get(Field.external_id, "")
    if len(external_id) > MAX_EXTERNAL_ID:
        reason = f"the id is longer than {MAX_EXTERNAL_ID} characters"
        errors.append(RowError(row, columns.header[Field.external_id], reason))
    elif not external_id and columns.layout == Layout.hubspot:
        errors.append(RowError(row, columns.header[Field.external_id], "missing Record ID"))
    if errors:
        return errors
    stage_id, closes = fields.get("stage_id"), fields.get("expected_close_date")
    if isinstance(stage_id, uuid.UUID) and isinstance(closes, date):
        if lookups.stage_kind(stage_id) != StageKind.open:
            # A closed deal closed on its close date, not on the day it was imported.
            fields["closed_at"] = midnight_utc(closes)
    try:
        upsert = DealUpsert.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        return [_validation_error(row, columns, err) for err in exc.errors()]
    return ParsedRow(row=row, external_id=external_id or content_id(values), fields=upsert)


def content_id(values: dict[Field, str]) -> str:
    """The id of a row that has none: a hash of its mapped cells.

    Re-importing the same row then updates the deal instead of adding a duplicate; a row
    edited between imports is a different row, so it becomes a new deal.
    """
    content = json.dumps(sorted((f.value, v) for f, v in values.items()), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()


def _convert(field: Field, value: str, lookups: Lookups) -> dict[str, object]:
    match field:
        case Field.amount:
            return {"amount": parse_amount(value)}
        case Field.expected_close_date:
            return {"expected_close_date": parse_date(value)}
        case Field.created_at:
            return {"created_at": parse_datetime(value)}
        case Field.stage:
            return {"stage_id": lookups.stage_id(value)}
        case Field.owner_email:
            return {"owner_id": lookups.owner_id(value)}
        case Field.contact:
            name, email = parse_contact(value)
            return {"contact_name": name, "contact_email": email}
        case _:
            return {field.value: value}


def _validation_error(row: int, columns: Columns, err: Any) -> RowError:
    name = str(err["loc"][0]) if err.get("loc") else ""
    field, label = _UPSERT_FIELDS.get(name, (None, "bad value"))
    column = columns.header.get(field) if field else None
    if field in (Field.contact_name, Field.contact_email) and column is None:
        column = columns.header.get(Field.contact)
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return RowError(row, column, f"{label}: {message}")


def _hubspot_columns(headers: list[str]) -> Columns:
    index: dict[Field, int] = {}
    header: dict[Field, str] = {}
    for i, name in enumerate(headers):
        field = HUBSPOT_COLUMNS.get(" ".join(name.split()).casefold())
        if field is not None and field not in index:
            index[field], header[field] = i, name
    missing = [
        RowError(1, name, "a HubSpot deals export has this column; it is missing")
        for field, name in HUBSPOT_REQUIRED.items()
        if field not in index
    ]
    if missing:
        raise InvalidFile(missing)
    return Columns(layout=Layout.hubspot, index=index, header=header)


def _generic_columns(headers: list[str], mapping: dict[str, str]) -> Columns:
    exact = {h: i for i, h in reversed(list(enumerate(headers)))}
    folded = {h.casefold(): i for i, h in reversed(list(enumerate(headers)))}
    allowed = {f.value: f for f in GENERIC_FIELDS}
    errors: list[RowError] = []
    index: dict[Field, int] = {}
    header: dict[Field, str] = {}
    for column, target in mapping.items():
        i = exact.get(column.strip(), folded.get(column.strip().casefold()))
        field = allowed.get(target)
        if i is None:
            errors.append(RowError(1, column, "the mapping names a column the file does not have"))
        elif field is None:
            choices = ", ".join(sorted(allowed))
            errors.append(RowError(1, column, f"unknown deal field '{target}' (one of: {choices})"))
        elif field in index:
            errors.append(RowError(1, column, f"'{target}' is already mapped from another column"))
        else:
            index[field], header[field] = i, headers[i]
    if Field.title not in index and not errors:
        errors.append(RowError(None, None, "map a column to 'title': every deal needs one"))
    if errors:
        raise InvalidFile(errors)
    return Columns(layout=Layout.generic, index=index, header=header)
