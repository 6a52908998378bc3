"""Property: whatever body a write route (POST, PUT, PATCH) is sent, it never answers 5xx.

Bodies are drawn from each route's OpenAPI schema by `hostile`: arbitrary text (NUL, lone
surrogates, control characters), numbers past any column and non-finite ones, dates outside
Python's years, wrong types. Derandomized and bounded, so every run sends the same requests.
"""

import pytest
from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.app import create_app

from .answers import error_shape_problem, send
from .hostile import form_fields, hostile_body
from .openapi_inputs import Operation, build, operations, to_json
from .world import World

pytestmark = pytest.mark.xdist_group("write_properties")

WRITE_OPERATIONS = [
    op for op in operations(create_app().openapi()) if op.writes and op.body_schema is not None
]
EXAMPLES = 50


@pytest.mark.parametrize("op", WRITE_OPERATIONS, ids=lambda op: op.name)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_no_body_gets_a_server_error(
    op: Operation, sweep_client: AsyncClient, worlds: tuple[World, World], data: st.DataObject
) -> None:
    mine = worlds[0]
    request = build(op, mine.ids, mine.headers)
    if op.body_type == "application/json":
        assert op.body_schema is not None
        request.content = to_json(data.draw(hostile_body(op, op.body_schema, mine.ids)))
    else:
        fields = data.draw(form_fields(op, mine.ids))
        request.files = {
            k: ("deals.csv", v, "text/csv") for k, v in fields.items() if isinstance(v, bytes)
        }
        request.data = {
            k: v.encode("utf-8", "surrogatepass") for k, v in fields.items() if isinstance(v, str)
        }
    status, body = await send(sweep_client, request)
    assert status < 500, f"{status} {body[:300]}\n{request.describe()}"
    if status >= 400:
        assert error_shape_problem(body) is None, body[:300]
