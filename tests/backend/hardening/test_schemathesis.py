"""schemathesis over every operation, signed in as a workspace owner: no answer is a 5xx.

A bounded run (`EXAMPLES` cases an operation, positive and negative, seeded); `make fuzz`
(devtools/fuzz.py) runs the long one against a served backend.

schemathesis calls the app on an event loop of its own (a thread), so while this module runs
the backend's engine opens a connection per session (NullPool) instead of sharing a pool with
the suite's loop; the engine the suite uses is put back afterwards.
"""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from backend import db
from backend.app import create_app

from .openapi_inputs import use_real_ids
from .world import World

pytestmark = pytest.mark.xdist_group("schemathesis")

EXAMPLES = 12
SEED = 20261208

APP = create_app()
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    APP,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
            "max-stream-events": 1,
            "request-timeout": 20,
        }
    ),
)


@pytest.fixture(scope="module")
def own_loop_engine(worlds: tuple[World, World], database: str) -> Iterator[None]:
    """The backend's sessions on connections made in whichever loop asks (see the docstring)."""
    engine, factory = db.engine, db.SessionFactory
    db.engine = create_async_engine(engine.url, poolclass=NullPool)
    db.SessionFactory = async_sessionmaker(db.engine, expire_on_commit=False)
    yield
    db.engine, db.SessionFactory = engine, factory


@pytest.fixture(scope="module")
def owner(worlds: tuple[World, World], own_loop_engine: None) -> World:
    return worlds[0]


@schema.parametrize()
def test_no_operation_answers_a_server_error(case: Any, owner: World) -> None:
    use_real_ids(case.method, case.path, case.path_parameters, case.body, owner.ids)
    case.call_and_validate(headers=owner.headers, checks=[not_a_server_error])


def test_the_owner_is_still_signed_in(owner: World) -> None:
    """Guards the run above: with a lost session every case would have stopped at 401."""
    response = schemathesis.python.asgi.get_client(APP).get(
        "/api/v1/users/me", headers=owner.headers
    )
    assert response.status_code == 200, response.text
    assert uuid.UUID(response.json()["id"]) == owner.owner.id
