"""The error catalogue: every refusal Hadir can give, by code, with no HTTP in it.

The core, the store and the use cases raise `Refusal(Code.X, message)`. The edge
(`chalicelib/api/errors.py`) holds the one table from code to HTTP status, which
also feeds the OpenAPI document. Messages are written here and at the raise,
never built from what a client sent, so they cannot echo personal data.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # Input
    VALIDATION_ERROR = "validation_error"
    INVALID_JSON = "invalid_json"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    # Who is asking
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    # What is not there
    NOT_FOUND = "not_found"
    EVENT_NOT_FOUND = "event_not_found"
    BADGE_NOT_FOUND = "badge_not_found"
    ATTENDEE_NOT_FOUND = "attendee_not_found"
    CHECKIN_NOT_FOUND = "checkin_not_found"
    DESK_TOKEN_NOT_FOUND = "desk_token_not_found"
    # What the rules refuse
    ALREADY_REGISTERED = "already_registered"
    EVENT_FULL = "event_full"
    REGISTRATION_CLOSED = "registration_closed"
    REGISTRATION_CANCELLED = "registration_cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    WRONG_EVENT = "wrong_event"
    NOT_REGISTERED_FOR_DAY = "not_registered_for_day"
    NOT_AN_EVENT_DAY = "not_an_event_day"
    OUTSIDE_CHECKIN_HOURS = "outside_checkin_hours"
    TOO_MANY_REISSUES = "too_many_reissues"
    BADGE_REVOKED = "badge_revoked"
    SHEET_TOO_LARGE = "sheet_too_large"
    # Certificates (API.md section 11)
    NOT_YET_AVAILABLE = "not_yet_available"
    NOT_ELIGIBLE = "not_eligible"
    CERTIFICATE_NOT_FOUND = "certificate_not_found"
    CERTIFICATE_REVOKED = "certificate_revoked"
    # Correcting records (issue 16)
    DAY_HAS_CHECKIN = "day_has_checkin"
    EVENT_DAY_IN_USE = "event_day_in_use"
    # The attendee's own data (API.md section 10)
    EVENT_OVER = "event_over"
    # Money and paper (API.md section 12)
    ALLOWANCE_NOT_FOUND = "allowance_not_found"
    PAYMENT_NOT_FOUND = "payment_not_found"
    ALREADY_PAID = "already_paid"
    NOT_CHECKED_IN = "not_checked_in"
    # Importing a participant list (API.md section 14)
    FILE_TOO_LARGE = "file_too_large"
    UNREADABLE_FILE = "unreadable_file"
    # Not now
    TEMPORARILY_UNAVAILABLE = "temporarily_unavailable"
    # Made at the edge, for requests that never reach a route
    BAD_REQUEST = "bad_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INTERNAL_ERROR = "internal_error"


class Refusal(Exception):
    """Something a client is told no about: a code from the catalogue and one clear sentence."""

    def __init__(
        self, code: Code, message: str, fields: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields

    def body(self) -> dict:
        """The contract's error envelope."""
        error: dict = {"code": self.code.value, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}

    def __repr__(self) -> str:
        return f"Refusal({self.code.value!r})"


def validation_error(fields: list[dict[str, str]], message: str | None = None) -> Refusal:
    return Refusal(
        Code.VALIDATION_ERROR, message or "Some fields are missing or invalid.", fields=fields
    )


def temporarily_unavailable() -> Refusal:
    # The edge adds Retry-After: resending with the same scan_id or
    # Idempotency-Key is always safe.
    return Refusal(
        Code.TEMPORARILY_UNAVAILABLE,
        "The event is very busy right now; please try again in a moment.",
    )


def unauthorized() -> Refusal:
    return Refusal(Code.UNAUTHORIZED, "A valid staff token is required.")


def forbidden() -> Refusal:
    return Refusal(Code.FORBIDDEN, "This token may not do that.")


def event_not_found() -> Refusal:
    return Refusal(Code.EVENT_NOT_FOUND, "There is no event with that id.")


def badge_not_found() -> Refusal:
    return Refusal(Code.BADGE_NOT_FOUND, "This badge is not one Hadir issued.")


def badge_revoked() -> Refusal:
    return Refusal(Code.BADGE_REVOKED, "This badge has been revoked.")


def attendee_not_found() -> Refusal:
    return Refusal(Code.ATTENDEE_NOT_FOUND, "This event has no attendee with that id.")


def not_an_event_day(on: str) -> Refusal:
    return Refusal(Code.NOT_AN_EVENT_DAY, f"{on} is not a day of this event.")


def already_checked_in_somewhere() -> Refusal:
    return Refusal(
        Code.ALREADY_CHECKED_IN,
        "This attendee has checked in; undo those check-ins before cancelling.",
    )


class AlreadyPaid(Refusal):
    """409 already_paid: the envelope also names the first payment's time and desk."""

    def __init__(self, paid_at: str, desk: str | None) -> None:
        super().__init__(
            Code.ALREADY_PAID,
            f"This allowance was already paid for that day, at {paid_at} by {desk or 'a desk'}.",
        )
        self.paid_at = paid_at
        self.desk = desk

    def body(self) -> dict:
        body = super().body()
        body["error"]["paid_at"] = self.paid_at
        body["error"]["desk"] = self.desk
        return body


def allowance_not_found() -> Refusal:
    return Refusal(Code.ALLOWANCE_NOT_FOUND, "This event has no allowance with that code.")
