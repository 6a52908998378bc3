"""The import row and its job are written in one transaction: both or neither."""

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import Engine, text

from backend.auth.deps import WorkspaceContext
from backend.db import get_session
from backend.imports import service
from backend.imports.parsing import Layout
from backend.models import Role
from tests.backend.deals.factories import make_pipeline
from tests.backend.imports.factories import hubspot_csv, hubspot_row


async def start_in_a_request(client: AsyncClient, *, fail_after_insert: bool) -> str:
    """Run the service inside the request's own session dependency, failing or not."""
    pipeline = await make_pipeline(client)
    ctx = WorkspaceContext(uuid.UUID(pipeline.workspace_id), Role.owner, pipeline.owner.id, None)
    request_session = get_session()
    session = await anext(request_session)
    started = await service.start(
        session,
        ctx,
        filename="deals.csv",
        content=hubspot_csv([hubspot_row(1)]),
        layout=Layout.hubspot,
        mapping=None,
    )
    if fail_after_insert:
        with pytest.raises(RuntimeError):
            await request_session.athrow(RuntimeError("the request failed after the insert"))
    else:
        with pytest.raises(StopAsyncIteration):
            await anext(request_session)
    return str(started.id)


def queue_state(engine: Engine) -> tuple[list[str], list[str]]:
    with engine.connect() as conn:
        imports = conn.scalars(text("select id::text from csv_import")).all()
        jobs = conn.scalars(text("select args->>'import_id' from procrastinate_jobs")).all()
    return list(imports), list(jobs)


async def test_a_failed_request_leaves_neither_the_import_nor_its_job(
    client: AsyncClient, sync_engine: Engine
) -> None:
    await start_in_a_request(client, fail_after_insert=True)

    assert queue_state(sync_engine) == ([], [])


async def test_a_committed_request_leaves_the_import_and_exactly_one_job_for_it(
    client: AsyncClient, sync_engine: Engine
) -> None:
    import_id = await start_in_a_request(client, fail_after_insert=False)

    assert queue_state(sync_engine) == ([import_id], [import_id])
