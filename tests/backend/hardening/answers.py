"""What an answer to a bad request must look like, and sending one in-process."""

import json

from httpx import AsyncClient

from .openapi_inputs import FOREIGN, Operation, Request, Slot

# NUL in a path is refused before routing (kit.http.InputGuardMiddleware), where the route's
# parameter names are not known yet: its details name the path as a whole.
WHOLE_PATH = "path"


def error_shape_problem(body: str) -> str | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    error = payload.get("error") if isinstance(payload, dict) else None
    if set(payload if isinstance(payload, dict) else ()) != {"error"} or not isinstance(
        error, dict
    ):
        return "the body is not {'error': {...}}"
    if set(error) != {"code", "message", "details"}:
        return f"the error has the keys {sorted(error)}"
    if not isinstance(error["code"], str) or not isinstance(error["message"], str):
        return "code and message must be strings"
    return None


def judge(
    op: Operation, slot: Slot | None, label: str, status: int, body: str, *, alone: bool = True
) -> str | None:
    """What is wrong with this answer to a bad request (None if nothing).

    `alone`: the slot is valid on its own; when a rule across fields refuses even a valid
    value there (e.g. `note_properties` without `notes_database_id`), the 422 may name the
    body as a whole instead of the field.
    """
    if status >= 500:
        return f"{status}: {body[:400]}"
    if status < 400:
        if label == FOREIGN and slot is not None and slot.location == "body":
            return f"{status}: another workspace's id was accepted"
        return None
    problem = error_shape_problem(body)
    if problem:
        return f"{status}: {problem}: {body[:300]}"
    error = json.loads(body)["error"]
    if status == 422 and error["code"] == "validation_error" and slot is not None and alone:
        fields = [d.get("field") for d in error["details"] or [] if isinstance(d, dict)]
        if slot.location == "path" and fields == [WHOLE_PATH]:
            return None
        if slot.name not in json.dumps(error["details"]):
            return f"422 whose details do not name {slot.name!r}: {error['details']}"[:500]
    in_workspace = op.path.startswith("/api/v1/workspaces/{workspace_id}")
    if label == FOREIGN and slot is not None and slot.location == "path" and in_workspace:
        if status == 404:
            return None
        return f"{status} instead of 404 for another workspace's id"
    return None


async def send(client: AsyncClient, request: Request) -> tuple[int, str]:
    try:
        response = await client.request(
            request.method,
            request.url,
            params=request.params or None,
            content=request.content,
            data=request.data,
            files=request.files,
            headers=request.headers,
        )
    except Exception as exc:  # the app raised: the transport re-raises it after the 500
        return 500, f"raised {type(exc).__name__}: {str(exc).splitlines()[0]}"
    return response.status_code, response.text
