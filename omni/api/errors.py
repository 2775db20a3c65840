"""The error envelope `{error: {code, message, details}}`; error codes are named here once."""

from __future__ import annotations

from typing import Any

from sanic import Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json

UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
VALIDATION_ERROR = "VALIDATION_ERROR"
CONFLICT = "CONFLICT"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL = "INTERNAL_ERROR"
CAPABILITY_NOT_SUPPORTED = "CAPABILITY_NOT_SUPPORTED"
PROVIDER_UNREACHABLE = "PROVIDER_UNREACHABLE"  # an agent provider could not be reached (502)
PROVIDER_FAILED = "PROVIDER_FAILED"  # an agent provider answered with an error (502; `details.providerCode` says which)

_BY_STATUS = {
    400: VALIDATION_ERROR,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    409: CONFLICT,
    413: "PAYLOAD_TOO_LARGE",
    429: RATE_LIMITED,
    503: "SERVICE_UNAVAILABLE",
}


class ApiError(SanicException):
    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, status_code=status)
        self.code = code
        self.details = details or {}


def envelope(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> HTTPResponse:
    return json({"error": {"code": code, "message": message, "details": details or {}}}, status=status)


async def handle(request: Request, exc: Exception) -> HTTPResponse:
    if isinstance(exc, ApiError):
        return envelope(exc.status_code, exc.code, str(exc), exc.details)
    if isinstance(exc, SanicException):
        status = exc.status_code
        return envelope(status, _BY_STATUS.get(status, "HTTP_ERROR"), str(exc) or "request failed")
    request.app.ctx.log.exception("unhandled error on %s %s", request.method, request.path)
    return envelope(500, INTERNAL, "internal error; the server log has the details")
