"""Issue 10: text Postgres cannot store, and numbers or dates beyond any column, in an import.

NUL characters are dropped wherever a file brings them (header, cells, mapping, filename);
an out-of-range cell is that row's error. Nothing crashes the upload or the batch.
"""

import pytest
from httpx import AsyncClient

from backend.imports.csvfile import read_header, read_table
from backend.imports.values import CellError, parse_amount
from tests.backend.deals.factories import make_pipeline
from tests.backend.imports.factories import (
    HUBSPOT_HEADERS,
    hubspot_row,
    import_and_wait,
    to_csv,
    upload,
)

pytestmark = pytest.mark.usefixtures("database")


def test_nul_characters_are_dropped_from_headers_and_cells() -> None:
    content = b"Deal\x00 Name,Amount\r\nAc\x00me,12\x0034\r\n"
    assert read_header(content) == ["Deal Name", "Amount"]
    assert read_table(content).rows == [(2, ["Acme", "1234"])]


@pytest.mark.parametrize("value", ["1e999999", "1E+200000", "99999999999999999"])
def test_an_amount_too_big_for_the_column_is_a_cell_error(value: str) -> None:
    with pytest.raises(CellError):
        parse_amount(value)


async def test_an_upload_with_nul_everywhere_imports(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    content = to_csv(["Na\x00me", "Value"], [{"Na\x00me": "Ini\x00tech", "Value": "1\x00200"}])
    finished = await import_and_wait(
        client,
        pipeline.workspace_id,
        pipeline.owner,
        content,
        layout="generic",
        mapping={"Na\x00me": "title", "Value": "amount"},
        filename="de\x00als.csv",
    )
    assert finished["status"] == "succeeded", finished
    assert "\x00" not in finished["filename"]
    assert finished["created_count"] == 1
    deals = await client.get(pipeline.deals_url, headers=pipeline.owner.headers)
    assert [(d["title"], d["amount"]) for d in deals.json()["items"]] == [("Initech", "1200.00")]


async def test_out_of_range_cells_fail_their_row_only(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    rows = [
        hubspot_row(1),
        hubspot_row(2, Amount="1e999999"),
        hubspot_row(3, **{"Close Date": "9999-12-31"}),
        hubspot_row(4, **{"Create Date": "9999-12-31T23:59:59-12:00"}),
        hubspot_row(5, **{"Create Date": "0001-01-01T00:00:00+14:00"}),
    ]
    finished = await import_and_wait(
        client, pipeline.workspace_id, pipeline.owner, to_csv(HUBSPOT_HEADERS, rows)
    )
    assert finished["status"] == "succeeded", finished
    assert finished["created_count"] == 1
    assert sorted(e["row"] for e in finished["errors"]) == [3, 4, 5, 6]


async def test_a_header_only_upload_with_a_nul_mapping_is_not_a_500(client: AsyncClient) -> None:
    pipeline = await make_pipeline(client)
    response = await upload(
        client,
        pipeline.workspace_id,
        pipeline.owner,
        b"Title\r\nx\r\n",
        layout="generic",
        mapping={"Missing\x00": "title"},
    )
    assert response.status_code == 422, response.text
