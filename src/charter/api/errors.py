"""One error shape at the edge: every refusal becomes ``{"error": {message, type, param, code}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from charter.api.responses import JSONResponse
from charter.errors import CharterError
from charter.store.engine import store_outage, unstorable_input

__all__ = ["install_error_handlers"]

log = logging.getLogger(__name__)

_HTTP_CODES = {
    404: ("not_found_error", "not_found"),
    405: ("invalid_request_error", "method_not_allowed"),
    400: ("invalid_request_error", "invalid_request"),
    401: ("authentication_error", "invalid_api_key"),
    403: ("permission_error", "out_of_scope"),
    413: ("invalid_request_error", "body_too_large"),
}


def _validation_code(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind == "json_invalid":
        return "invalid_json"
    if kind == "missing":
        return "missing_field"
    if kind == "extra_forbidden":
        return "unknown_field"
    if kind.endswith("_type") or kind.endswith("_parsing") or kind in ("model_attributes_type", "dict_type"):
        return "invalid_type"
    return "invalid_value"


def _internal_error(exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    body = {
        "error": {
            "message": "internal error; the request was not completed",
            "type": "server_error",
            "param": None,
            "code": "internal_error",
        }
    }
    return JSONResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CharterError)
    async def charter_error(_: Request, exc: CharterError) -> JSONResponse:
        return JSONResponse(exc.to_body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        param = ".".join(loc) or None
        message = f"{param}: {first.get('msg', 'invalid')}" if param else str(first.get("msg", "invalid request"))
        body = {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": param,
                "code": _validation_code(first),
            }
        }
        return JSONResponse(body, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind, code = _HTTP_CODES.get(exc.status_code, ("invalid_request_error", "http_error"))
        body = {"error": {"message": str(exc.detail), "type": kind, "param": None, "code": code}}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    async def store_refusal(_: Request, exc: Exception) -> JSONResponse:
        # a read the store refuses because of the caller's value: NUL on PostgreSQL (charter.api.edge
        # refuses it up front; this is the backstop), an integer beyond 64 bits on either store
        # (PostgreSQL's DataError, sqlite3's OverflowError): the client's 400, not a 500
        refusal = unstorable_input(exc)
        if refusal is not None:
            return JSONResponse(refusal.to_body(), status_code=refusal.status)
        # the store down, dropped, unopenable or out of connections: the documented 503, not a 500
        outage = store_outage(exc)
        if outage is not None:
            log.warning("store unavailable: %s", exc)
            return JSONResponse(outage.to_body(), status_code=outage.status)
        return _internal_error(exc)

    app.add_exception_handler(DBAPIError, store_refusal)
    app.add_exception_handler(PoolTimeout, store_refusal)
    app.add_exception_handler(OverflowError, store_refusal)

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, _: ClientDisconnect) -> Response:
        # the client went away mid-body: nobody is left to answer, and it is not Charter's fault
        log.info("client disconnected during %s %s", request.method, request.url.path)
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _internal_error(exc)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["message", "type", "code"],
                    "properties": {
                        "message": {"type": "string"},
                        "type": {"type": "string"},
                        "param": {"type": ["string", "null"]},
                        "code": {"type": "string"},
                    },
                }
            },
        }
        schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        schema["security"] = [{"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
