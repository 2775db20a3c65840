"""What the client raises: one exception per API error, carrying the API's error code, status and details."""

from __future__ import annotations

from typing import Any


class OmniError(Exception):
    """An API error (`code` as the API names it, e.g. `NOT_FOUND`, `VALIDATION_ERROR`), or a client-side one
    (`CONNECTION_ERROR`, `TIMEOUT`, `BAD_RESPONSE`, `AMBIGUOUS`, `NOT_CONFIGURED`)."""

    def __init__(self, message: str, *, code: str = "ERROR", status: int | None = None,
                 details: dict[str, Any] | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details or {}

    @property
    def fields(self) -> dict[str, list[str]]:
        """For `VALIDATION_ERROR`: each field at fault and what is wrong with it."""
        return dict(self.details.get("fields") or {})

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, message={self.message!r})"


class ApiUnavailable(OmniError):
    """The server could not be reached (not running, wrong `apiUrl`, network) or did not answer in time."""


class AuthError(OmniError):
    """401: no key, a wrong, revoked or expired key."""


class Forbidden(OmniError):
    """403: the key lacks the scope (`details.requiredScope`) or the instance."""


class NotFound(OmniError):
    """404."""


class ValidationFailed(OmniError):
    """400 (or 413): bad input; `fields` names each field at fault."""


class Conflict(OmniError):
    """409: a unique value is taken, or the state does not allow it."""


class RateLimited(OmniError):
    """429: the key's rate limit; `retry_after` seconds (when the server said)."""

    @property
    def retry_after(self) -> float | None:
        value = self.details.get("retryAfterMs")
        return float(value) / 1000 if value is not None else None


class NotSupported(OmniError):
    """The channel cannot do this (`CAPABILITY_NOT_SUPPORTED`)."""


class ServerError(OmniError):
    """5xx."""


class Ambiguous(OmniError):
    """A name or id prefix matched more than one object; `details.candidates` lists them."""


_BY_STATUS: dict[int, type[OmniError]] = {400: ValidationFailed, 401: AuthError, 403: Forbidden, 404: NotFound,
                                          409: Conflict, 413: ValidationFailed, 422: ValidationFailed,
                                          429: RateLimited}  # fmt: skip


def from_response(status: int, body: Any, reason: str = "") -> OmniError:
    """The exception for an error response (the API's envelope `{error: {code, message, details}}`, or anything)."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or "ERROR")
        message = str(error.get("message") or reason or f"HTTP {status}")
        details = error.get("details") if isinstance(error.get("details"), dict) else {}
    else:
        code, message, details = f"HTTP_{status}", reason or f"HTTP {status}", {}
    if code == "CAPABILITY_NOT_SUPPORTED":
        cls: type[OmniError] = NotSupported
    else:
        cls = _BY_STATUS.get(status, ServerError if status >= 500 else OmniError)
    return cls(message, code=code, status=status, details=details)
