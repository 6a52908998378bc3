import re
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status

from backend.auth.deps import WorkspaceMember, WorkspaceViewer
from backend.db import SessionDep
from backend.imports import service
from backend.imports.parsing import GENERIC_FIELDS, Layout
from backend.imports.schemas import ImportRead, ImportSummary
from kit.schemas import Page

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}/imports", tags=["imports"])
# The upload route, which gets settings.max_import_bytes instead of the app's body limit.
UPLOAD_PATH = re.compile(r"^/api/v1/workspaces/[^/]+/imports/?$")
_FIELDS = ", ".join(sorted(f.value for f in GENERIC_FIELDS))


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=ImportRead)
async def start_import(
    ctx: WorkspaceMember,
    session: SessionDep,
    response: Response,
    file: Annotated[UploadFile, File(description="The CSV file (UTF-8 or Windows-1252).")],
    layout: Annotated[Layout, Form(description="`hubspot` (a HubSpot deals export) or `generic`.")],
    mapping: Annotated[
        str | None,
        Form(
            description="Generic layout only: a JSON object {csv column: deal field}; "
            f"fields: {_FIELDS}. Rows without an external_id are matched on their content."
        ),
    ] = None,
) -> ImportRead:
    """Upload a deals CSV; it is imported in the background (poll the import for progress)."""
    created = await service.start(
        session,
        ctx,
        filename=file.filename,
        content=await file.read(),
        layout=layout,
        mapping=mapping,
    )
    response.headers["Location"] = f"/api/v1/workspaces/{ctx.workspace_id}/imports/{created.id}"
    return created


@router.get("", response_model=Page[ImportSummary])
async def list_imports(
    ctx: WorkspaceViewer,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> Page[ImportSummary]:
    """The workspace's imports, newest first (without their row errors)."""
    return await service.list_imports(session, ctx, limit=limit, cursor=cursor)


@router.get("/{import_id}", response_model=ImportRead)
async def read_import(
    import_id: uuid.UUID, ctx: WorkspaceViewer, session: SessionDep
) -> ImportRead:
    """An import's status, progress, counts and per-row errors (row, column, reason)."""
    return await service.get(session, ctx, import_id)
