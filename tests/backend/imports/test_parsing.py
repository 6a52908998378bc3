"""A row of either layout becomes the deal fields to upsert, or every reason it cannot."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from backend.imports.csvfile import InvalidFile, RowError
from backend.imports.parsing import Columns, Layout, ParsedRow, parse_row, resolve_columns
from backend.imports.values import Lookups, Member, Stage
from backend.models import StageKind

LEAD, WON, LOST = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ADA, BOB, BOB_TWIN = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
LOOKUPS = Lookups.build(
    [
        Stage(LEAD, "Lead", StageKind.open),
        Stage(WON, "Won", StageKind.won),
        Stage(LOST, "Lost", StageKind.lost),
    ],
    [
        Member(ADA, "ada@example.com", "Ada Seller"),
        Member(BOB, "bob@example.com", "Bob Smith"),
        Member(BOB_TWIN, "bob2@example.com", "Bob Smith"),
    ],
)
HUBSPOT_HEADERS = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Amount",
    "Close Date",
    "Deal owner",
    "Create Date",
    "Associated Contact",
    "Associated Company",
    "Closed Lost Reason",
]


def hubspot(**cells: str) -> ParsedRow | list[RowError]:
    columns = resolve_columns(HUBSPOT_HEADERS, Layout.hubspot, {})
    row = {"Record ID": "101", "Deal Name": "Globex renewal", **cells}
    return parse_row(7, [row.get(h, "") for h in HUBSPOT_HEADERS], columns, LOOKUPS)


def generic(mapping: dict[str, str], **cells: str) -> ParsedRow | list[RowError]:
    headers = list(mapping)
    columns = resolve_columns(headers, Layout.generic, mapping)
    return parse_row(2, [cells.get(h, "") for h in headers], columns, LOOKUPS)


def parsed(result: ParsedRow | list[RowError]) -> ParsedRow:
    assert isinstance(result, ParsedRow), result
    return result


def errors(result: ParsedRow | list[RowError]) -> list[tuple[int | None, str | None, str]]:
    assert isinstance(result, list), result
    return [(e.row, e.column, e.reason) for e in result]


def test_a_hubspot_row_maps_every_export_column() -> None:
    row = parsed(
        hubspot(
            **{
                "Deal Stage": "lead",
                "Amount": "12,500.50",
                "Close Date": "2026-03-31 00:00",
                "Deal owner": "ADA@example.com",
                "Create Date": "2025-11-02 09:30",
                "Associated Contact": "Jane Doe (jane@acme.example); Joe (joe@acme.example)",
                "Associated Company": "Acme",
            }
        )
    )

    assert (row.row, row.external_id) == (7, "101")
    fields = row.fields
    assert (fields.title, fields.amount, fields.stage_id) == (
        "Globex renewal",
        Decimal("12500.50"),
        LEAD,
    )
    assert (fields.expected_close_date, fields.owner_id) == (date(2026, 3, 31), ADA)
    assert fields.created_at == datetime(2025, 11, 2, 9, 30, tzinfo=UTC)
    assert (fields.contact_name, fields.contact_email, fields.company) == (
        "Jane Doe",
        "jane@acme.example",
        "Acme",
    )
    assert fields.closed_at is None


def test_hubspot_closed_stages_map_to_the_won_and_lost_stages() -> None:
    won = parsed(hubspot(**{"Deal Stage": "Closed Won", "Close Date": "2025-12-15"}))
    lost = parsed(hubspot(**{"Deal Stage": "closed lost", "Closed Lost Reason": "Budget"}))

    assert (won.fields.stage_id, lost.fields.stage_id) == (WON, LOST)
    assert won.fields.closed_at == datetime(2025, 12, 15, tzinfo=UTC)
    assert lost.fields.lost_reason == "Budget"


def test_blank_cells_are_left_out_so_a_reimport_keeps_the_current_values() -> None:
    row = parsed(hubspot(Amount="", **{"Deal Stage": " ", "Close Date": ""}))

    assert row.fields.model_fields_set == {"title"}


def test_an_owner_is_found_by_a_unique_name() -> None:
    assert parsed(hubspot(**{"Deal owner": "ada  seller"})).fields.owner_id == ADA


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Amount": "12.5.0"}, "Amount", "bad amount '12.5.0': expected a number like 12500.00"),
        ({"Amount": "-3"}, "Amount", "bad amount '-3': must not be negative"),
        ({"Amount": "NaN"}, "Amount", "bad amount 'NaN': expected a number like 12500.00"),
        (
            {"Deal Stage": "Signed"},
            "Deal Stage",
            "unknown stage 'Signed' (the pipeline has: Lead, Won, Lost)",
        ),
        (
            {"Close Date": "31/12/2025"},
            "Close Date",
            "bad date '31/12/2025': expected a date like 2025-03-31",
        ),
        (
            {"Deal owner": "eve@example.com"},
            "Deal owner",
            "unknown owner 'eve@example.com': no member has this email",
        ),
        (
            {"Deal owner": "Bob Smith"},
            "Deal owner",
            "ambiguous owner 'Bob Smith': several members have this name; use an email",
        ),
        ({"Deal Name": ""}, "Deal Name", "missing title"),
        ({"Record ID": ""}, "Record ID", "missing Record ID"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_column_and_reason(
    cells: dict[str, str], column: str, reason: str
) -> None:
    assert errors(hubspot(**cells)) == [(7, column, reason)]


def test_a_bad_email_is_reported_on_the_contact_column() -> None:
    [(row, column, reason)] = errors(hubspot(**{"Associated Contact": "Ann (ann@@x)"}))

    assert (row, column) == (7, "Associated Contact")
    assert reason.startswith("bad email: ")


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    result = hubspot(Amount="lots", **{"Deal Stage": "?", "Close Date": "soon"})

    assert [column for _, column, _ in errors(result)] == ["Deal Stage", "Amount", "Close Date"]


def test_an_overlong_title_is_a_row_error_not_a_crash() -> None:
    [(_, column, reason)] = errors(hubspot(**{"Deal Name": "x" * 301}))

    assert (column, reason.split(":")[0]) == ("Deal Name", "bad title")


def test_a_generic_row_maps_its_columns_to_deal_fields() -> None:
    mapping = {"Opp": "title", "Val": "amount", "Cur": "currency", "Rep": "owner_email"}

    row = parsed(generic(mapping, Opp="Initech", Val="5000", Cur="eur", Rep="bob@example.com"))

    assert (row.fields.title, row.fields.amount, row.fields.currency, row.fields.owner_id) == (
        "Initech",
        Decimal("5000.00"),
        "EUR",
        BOB,
    )
    assert row.external_id.startswith("sha256:")


def test_a_generic_bad_currency_names_its_column() -> None:
    result = generic({"Opp": "title", "Cur": "currency"}, Opp="Initech", Cur="euros")

    assert [(row, column) for row, column, _ in errors(result)] == [(2, "Cur")]


def test_rows_without_an_id_get_one_from_their_content() -> None:
    mapping = {"Opp": "title", "Val": "amount"}

    same = parsed(generic(mapping, Opp="Initech", Val="5000")).external_id
    again = parsed(generic(mapping, Opp=" Initech ", Val="5000")).external_id
    edited = parsed(generic(mapping, Opp="Initech", Val="5001")).external_id

    assert same == again != edited


def test_a_given_external_id_is_used_as_is() -> None:
    row = parsed(generic({"Opp": "title", "Key": "external_id"}, Opp="Initech", Key="crm-9"))

    assert row.external_id == "crm-9"


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1200", "1200.00"), ("1,234,567.891", "1234567.89"), ("0.005", "0.01"), (" 7 ", "7.00")],
)
def test_amounts_are_read_and_rounded_to_cents(text: str, amount: str) -> None:
    assert parsed(hubspot(Amount=text)).fields.amount == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["2026-03-31", "2026-03-31T00:00:00Z", "2026-03-31 17:45", "2026/3/31"]
)
def test_dates_are_read_in_iso_forms(text: str) -> None:
    assert parsed(hubspot(**{"Close Date": text})).fields.expected_close_date == date(2026, 3, 31)


def test_a_hubspot_file_needs_its_record_id_and_deal_name_columns() -> None:
    with pytest.raises(InvalidFile) as raised:
        resolve_columns(["Deal Stage", "Amount"], Layout.hubspot, {})

    assert [(e.row, e.column) for e in raised.value.errors] == [(1, "Record ID"), (1, "Deal Name")]


def test_hubspot_headers_match_whatever_their_case_and_spacing() -> None:
    columns = resolve_columns([" record id", "DEAL  NAME"], Layout.hubspot, {})

    assert isinstance(columns, Columns)
    assert sorted(columns.header.values()) == [" record id", "DEAL  NAME"]


def test_a_generic_mapping_is_checked_against_the_header_and_the_fields() -> None:
    with pytest.raises(InvalidFile) as raised:
        resolve_columns(
            ["Name", "Value", "Other"],
            Layout.generic,
            {"Name": "title", "Missing": "amount", "Value": "colour", "Other": "title"},
        )

    assert [(e.column, e.reason.split(" ")[0]) for e in raised.value.errors] == [
        ("Missing", "the"),
        ("Value", "unknown"),
        ("Other", "'title'"),
    ]


def test_a_generic_mapping_must_give_a_title() -> None:
    with pytest.raises(InvalidFile) as raised:
        resolve_columns(["Value"], Layout.generic, {"Value": "amount"})

    assert "title" in raised.value.errors[0].reason


def test_generic_mapping_columns_match_case_insensitively() -> None:
    columns = resolve_columns(["Deal", "Value"], Layout.generic, {"deal": "title"})

    assert list(columns.header.values()) == ["Deal"]
