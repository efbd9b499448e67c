"""Every error as JSON ``{"error": CODE, "message": WORDS, ...}``, never quoting the request.

FastAPI's own validation answer (422 with the offending input echoed back) is replaced by a 400
``malformed`` that names nothing; Starlette's HTTP errors (404, 405) get codes of their own; an
unexpected exception is answered by :class:`sync.hub.api.middleware.HubMiddleware` (500).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.hub.service.errors import Refused

MALFORMED = "the request is not in the form this endpoint takes (see /openapi.json)"
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "oversized",
               400: "malformed", 401: "bad_request_signature"}
_HTTP_WORDS = {404: "there is nothing at this address", 405: "this address does not take that "
               "method", 413: "the request is larger than this hub accepts"}


def error_response(status: int, code: str, message: str, **extras: object) -> JSONResponse:
    return JSONResponse({**extras, "error": code, "message": message}, status_code=status)


async def refused(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return JSONResponse(exc.body(), status_code=exc.status)


async def validation(_request: Request, _exc: Exception) -> JSONResponse:
    return error_response(400, "malformed", MALFORMED)


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _HTTP_CODES.get(status, f"http_{status}")
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
    response = error_response(status, code, _HTTP_WORDS.get(status, "the request was refused"))
    response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
