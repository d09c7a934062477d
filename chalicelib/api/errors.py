"""The one table from the catalogue's codes to HTTP statuses, and the error envelope.

Every answer that is an error goes through `error_status`; the OpenAPI document
reads the same table, so what it promises is what the app sends.
"""

from __future__ import annotations

from chalicelib.core.backoff import RETRY_AFTER_SECONDS
from chalicelib.core.errors import Code, Refusal

STATUS: dict[Code, int] = {
    Code.VALIDATION_ERROR: 422,
    Code.INVALID_JSON: 400,
    Code.IDEMPOTENCY_KEY_REUSED: 422,
    Code.UNAUTHORIZED: 401,
    Code.FORBIDDEN: 403,
    Code.NOT_FOUND: 404,
    Code.EVENT_NOT_FOUND: 404,
    Code.BADGE_NOT_FOUND: 404,
    Code.ATTENDEE_NOT_FOUND: 404,
    Code.CHECKIN_NOT_FOUND: 404,
    Code.DESK_TOKEN_NOT_FOUND: 404,
    Code.ALREADY_REGISTERED: 409,
    Code.EVENT_FULL: 409,
    Code.REGISTRATION_CLOSED: 409,
    Code.REGISTRATION_CANCELLED: 409,
    Code.ALREADY_CHECKED_IN: 409,
    Code.WRONG_EVENT: 409,
    Code.NOT_REGISTERED_FOR_DAY: 409,
    Code.NOT_AN_EVENT_DAY: 409,
    Code.OUTSIDE_CHECKIN_HOURS: 409,
    Code.TOO_MANY_REISSUES: 409,
    Code.BADGE_REVOKED: 410,
    Code.SHEET_TOO_LARGE: 413,
    Code.NOT_YET_AVAILABLE: 409,
    Code.NOT_ELIGIBLE: 409,
    Code.CERTIFICATE_NOT_FOUND: 404,
    Code.CERTIFICATE_REVOKED: 410,
    Code.EVENT_OVER: 409,
    Code.ALLOWANCE_NOT_FOUND: 404,
    Code.PAYMENT_NOT_FOUND: 404,
    Code.ALREADY_PAID: 409,
    Code.NOT_CHECKED_IN: 409,
    Code.TEMPORARILY_UNAVAILABLE: 503,
    Code.BAD_REQUEST: 400,
    Code.METHOD_NOT_ALLOWED: 405,
    Code.PAYLOAD_TOO_LARGE: 413,
    Code.UNSUPPORTED_MEDIA_TYPE: 415,
    Code.INTERNAL_ERROR: 500,
    # Correcting records (issue 16)
    Code.DAY_HAS_CHECKIN: 409,
    Code.EVENT_DAY_IN_USE: 409,
    # Importing a participant list (API.md section 14)
    Code.FILE_TOO_LARGE: 413,
    Code.UNREADABLE_FILE: 422,
}

# Outcomes a use case reports that are not refusals, and their statuses.
SUCCESS_STATUS: dict[str, int] = {
    "checked_in": 201,
    "already_checked_in": 200,
    "registered": 201,
}


def error_status(code: Code | str) -> int:
    return STATUS[Code(code)]


def outcome_status(outcome: str) -> int:
    """The status of a use case's outcome: a success's, or its refusal code's."""
    if outcome in SUCCESS_STATUS:
        return SUCCESS_STATUS[outcome]
    return error_status(outcome)


def error_headers(code: Code | str) -> dict[str, str]:
    # Retry-After: a client (or a desk's offline queue) knows when to resend.
    if code == Code.TEMPORARILY_UNAVAILABLE:
        return {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {}


def refusal_parts(refusal: Refusal) -> tuple[dict, int, dict[str, str]]:
    """Body, status and headers of a refusal's answer."""
    return refusal.body(), error_status(refusal.code), error_headers(refusal.code)


# What Chalice answers by itself (a wrong content type, an unhandled
# exception...), in the contract's envelope instead of Chalice's own.
_EDGE = {
    # The one 400 Chalice makes itself: a binary response the request's Accept
    # header does not name.
    400: Refusal(
        Code.BAD_REQUEST,
        "Send an Accept header that names this response's type (image/png, application/pdf).",
    ),
    403: Refusal(Code.FORBIDDEN, "This token may not do that."),
    404: Refusal(Code.NOT_FOUND, "There is nothing at this address."),
    405: Refusal(Code.METHOD_NOT_ALLOWED, "This address does not accept that method."),
    413: Refusal(Code.PAYLOAD_TOO_LARGE, "The request body is too large."),
    415: Refusal(Code.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
    500: Refusal(
        Code.INTERNAL_ERROR, "Something went wrong on our side; the request may be retried."
    ),
}
_OTHER_CLIENT_ERROR = Refusal(Code.BAD_REQUEST, "The request could not be handled.")


def edge_refusal(status: int) -> Refusal:
    """The refusal that stands for an error status Chalice made itself."""
    if status in _EDGE:
        return _EDGE[status]
    return _EDGE[500] if status >= 500 else _OTHER_CLIENT_ERROR
