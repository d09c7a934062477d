"""The one error type Hadir raises for anything a client should be told.

`app.py` maps it, in one middleware, to the contract's envelope:
``{"error": {"code", "message"[, "fields"]}}``. Messages are written here,
never built from what a client sent, so they cannot echo personal data.
"""

from __future__ import annotations

from chalice.app import ChaliceUnhandledError


# Subclassing ChaliceUnhandledError is what lets the error leave a view
# function and reach the middleware; Chalice swallows every other exception.
class HadirError(ChaliceUnhandledError):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers or {}

    def body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}

    def __repr__(self) -> str:
        return f"HadirError({self.status}, {self.code!r})"


def validation_error(fields: list[dict[str, str]], message: str | None = None) -> HadirError:
    return HadirError(
        422,
        "validation_error",
        message or "Some fields are missing or invalid.",
        fields=fields,
    )


def temporarily_unavailable() -> HadirError:
    # Retry-After: a client (or a desk's offline queue) knows when to resend;
    # resending with the same scan_id or Idempotency-Key is always safe.
    return HadirError(
        503,
        "temporarily_unavailable",
        "The event is very busy right now; please try again in a moment.",
        headers={"Retry-After": "1"},
    )


def unauthorized() -> HadirError:
    return HadirError(401, "unauthorized", "A valid staff token is required.")


def forbidden() -> HadirError:
    return HadirError(403, "forbidden", "This token may not do that.")


def event_not_found() -> HadirError:
    return HadirError(404, "event_not_found", "There is no event with that id.")


def badge_not_found() -> HadirError:
    return HadirError(404, "badge_not_found", "This badge is not one Hadir issued.")


def badge_revoked() -> HadirError:
    return HadirError(410, "badge_revoked", "This badge has been revoked.")


def attendee_not_found() -> HadirError:
    return HadirError(404, "attendee_not_found", "This event has no attendee with that id.")


def already_checked_in_somewhere() -> HadirError:
    return HadirError(
        409,
        "already_checked_in",
        "This attendee has checked in; undo those check-ins before cancelling.",
    )
