"""One error shape for every failure: {"error": {"code", "message", "details"}}."""

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers
        if code:
            self.code = code


class BadRequest(AppError):
    pass


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class UnprocessableEntity(AppError):
    status_code = 422
    code = "validation_error"


class TooManyRequests(AppError):
    status_code = 429
    code = "rate_limited"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status_code: int, code: str, message: str, details: Any = None, headers: dict | None = None
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, details), status_code=status_code, headers=headers
    )


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        details.append(
            {
                "field": ".".join(str(part) for part in err.get("loc", ())),
                "message": err.get("msg", "invalid value"),
                "type": err.get("type", "value_error"),
            }
        )
    return details


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    if any(d["type"] == "json_invalid" for d in details):
        return error_response(400, "malformed_json", "The request body is not valid JSON.", details)
    return error_response(422, "validation_error", "The request has invalid fields.", details)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = HTTPStatus(exc.status_code)
    code = status.phrase.lower().replace(" ", "_").replace("-", "_")
    message = exc.detail if isinstance(exc.detail, str) else status.phrase
    return error_response(exc.status_code, code, message, None, getattr(exc, "headers", None))


INTERNAL_ERROR = "Something went wrong on our side."
# What the log line says of the error besides its traceback (messages may be huge: SQL, rows).
MAX_ERROR_CHARS = 1_000


def log_unhandled(exc: BaseException) -> None:
    """One line with the traceback; `kit.logging` renders it off the event loop."""
    log.error(
        "unhandled_error", error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS], exc_info=exc
    )


async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
    log_unhandled(exc)
    return error_response(500, "internal_error", INTERNAL_ERROR)


class UnhandledErrorMiddleware:
    """An unexpected exception becomes one logged line and a 500 in the one error shape.

    It sits inside the app's own middleware (request ids, CORS, security headers still
    apply) and does not re-raise: Starlette's ServerErrorMiddleware would re-raise it to
    the server, which logs the same traceback a second time. If the response had already
    started, it is cut short (the server closes the connection).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log_unhandled(exc)
            if not started:
                response = error_response(500, "internal_error", INTERNAL_ERROR)
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """The one error shape for every failure, and the checks every request goes through.

    Call it before adding other middleware: what it adds then runs innermost, inside the
    request context (request ids, access log) and CORS.
    """
    from kit.http import InputGuardMiddleware  # kit.http imports this module

    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Only what escapes the middleware below (a failing middleware) still gets here.
    app.add_exception_handler(Exception, _unhandled)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(InputGuardMiddleware)
