"""Hadir's HTTP routes: each declares its spec once, calls a use case and shapes the answer.

The contract is ../shared/API.md. `routes.route` (chalicelib/api/routes.py)
registers each view, checks its role, parses its body and query and answers
refusals; the OpenAPI document served at /openapi.json is a walk over the same
specs (chalicelib/api/openapi.py).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from chalice import Chalice, Response

from chalicelib.api.errors import edge_refusal, outcome_status, refusal_parts
from chalicelib.api.origin import request_origin
from chalicelib.api.pages import PAGE_DESCRIPTIONS, PAGES
from chalicelib.api.routes import (
    BINARY_TYPES,
    CSV,
    HTML,
    OCTET_STREAM,
    PDF,
    PNG,
    SVG,
    XLSX,
    Call,
    Reply,
    Routes,
    json_response,
    preflight_name,
    remember_request,
)
from chalicelib.config import ConfigurationError, cors_origins
from chalicelib.core import money_shapes, shapes
from chalicelib.core.auth import DESK, KIOSK, ORGANISER
from chalicelib.core.certificates import certificate_not_found, normalise_number
from chalicelib.core.errors import Code, event_not_found, validation_error
from chalicelib.core.imports import ImportQuery, ImportReport, ImportResult
from chalicelib.core.mail import EmailRequest, EmailsQueued
from chalicelib.core.models import (
    AttendeeCorrection,
    BulkCancel,
    CheckinRequest,
    DeskTokenRequest,
    Event,
    OwnCorrection,
    Registration,
    ReissueRequest,
    WalkIn,
    is_event_id,
)
from chalicelib.core.own_data import ErasedAttendee, OwnRegistration, Withdrawn
from chalicelib.core.queries import (
    AllowanceQuery,
    AllowanceSheetQuery,
    AttendeeQuery,
    BadgeSheetQuery,
    DayQuery,
    PaperSignatures,
    PaymentRequest,
    RosterQuery,
    ScanQuery,
    SheetRowsQuery,
    SignInSheetColumnsQuery,
    SignInSheetQuery,
)
from chalicelib.core.roster import Roster

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.services import Hadir

app = Chalice(app_name="hadir")
app.log.setLevel(logging.INFO)
app.api.binary_types = BINARY_TYPES

# The services are imported and built on first use, as is the store (and
# boto3): a cold start pays only for what it uses, and the OpenAPI document is
# built from the routes without them.
_hadir: Hadir | None = None


def hadir() -> Hadir:
    """The services, built on first use so that a cold start pays only for what it uses."""
    global _hadir
    if _hadir is None:
        from chalicelib.config import settings_from_environment
        from chalicelib.runtime import build_hadir

        _hadir = build_hadir(settings_from_environment())
    return _hadir


def use_hadir(services: Hadir | None) -> None:
    """Hand the app its services (tests, the local runner)."""
    global _hadir
    _hadir = services


# --- CORS: the configured origins only ---------------------------------------


def allowed_origin(request: Request) -> str | None:
    """The request's Origin if HADIR_CORS_ORIGINS lists it exactly; else None."""
    origin = request.headers.get("origin")
    return origin if origin in cors_origins() else None


def vary_on_origin(response: Response) -> None:
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Origin"
    elif "origin" not in str(vary).lower():
        response.headers["Vary"] = f"{vary}, Origin"


# Registered before contract_errors, so it wraps it and sees every response,
# error envelopes included.
@app.middleware("http")
def cors(event, get_response):
    try:
        origin = allowed_origin(event)
    except ConfigurationError:
        app.log.exception("HADIR_CORS_ORIGINS is misconfigured")
        return json_response(*refusal_parts(edge_refusal(500)))
    response = get_response(event)
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
    if cors_origins():
        # Whether the header is there depends on Origin: caches must key on it.
        vary_on_origin(response)
    return response


@app.middleware("http")
def contract_errors(event, get_response):
    remember_request(event)
    response = get_response(event)
    # Chalice answers some requests itself (wrong content type, unhandled
    # exceptions) with its own body shape; clients get the contract's instead.
    if response.status_code >= 400 and not (
        isinstance(response.body, dict) and "error" in response.body
    ):
        kept = {k: v for k, v in response.headers.items() if k.lower() == "allow"}
        body, _, _ = refusal_parts(edge_refusal(response.status_code))
        return json_response(body, response.status_code, kept)
    return response


# --- staff ------------------------------------------------------------------

# Staff authenticate in the app, in `Routes.call` (no API Gateway authorizer:
# one Lambda invocation a request, and an event token read in the same
# DynamoDB request as the route's own first read).
routes = Routes(app, hadir)
route = routes.route


def pdf_response(pdf: bytes, filename: str) -> Response:
    return file_response(pdf, "application/pdf", filename, "inline")


def file_response(body: Any, content_type: str, filename: str, disposition: str) -> Response:
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


NO_STORE = {"Cache-Control": "no-store"}
BAD_DAY = "`date` missing or not a date, or an unknown parameter."
BAD_PAGE = "a `limit` out of range, an unknown parameter, or a `next` not from this listing"
NOT_AN_EVENT_DAY = "`date` is not a day of this event."
NO_BADGE = "Not a code Hadir issued (forged, altered)."
REVOKED = "Reissued, or the registration was cancelled."
BADGE_ERRORS = (Code.BADGE_NOT_FOUND, Code.BADGE_REVOKED)
BADGE_NOTES = {Code.BADGE_NOT_FOUND: NO_BADGE, Code.BADGE_REVOKED: REVOKED}
ANY_CASE = "The code is read case-insensitively (spaces around it ignored) and shown as issued."


# --- public -----------------------------------------------------------------


@route(
    "/health",
    "GET",
    summary="Liveness check",
    replies={200: Reply("The service is up.", shapes.Health)},
    stored=False,
)
def health(call: Call) -> shapes.Health:
    from chalicelib.core.domain import utc_iso

    # The server's time: a desk page dates the scans it queues offline by it,
    # so a device with a wrong clock (or a rehearsal's replayed day) still agrees.
    return {"status": "ok", "time": utc_iso(server_clock().now())}


def server_clock():
    """The services' clock; before they are built, the same one without their secrets."""
    if _hadir is not None:
        return _hadir.clock
    from chalicelib.runtime import clock_from_environment

    return clock_from_environment()


@route(
    "/openapi.json",
    "GET",
    summary="This OpenAPI document",
    replies={200: Reply("An OpenAPI 3.1 document of every route.", dict)},
    stored=False,
)
def openapi(call: Call) -> dict:
    from chalicelib.api.openapi import openapi_document

    return openapi_document(routes)


@route(
    "/events/{event_id}",
    "GET",
    summary="Get an event",
    replies={200: Reply("The event.", Event)},
    errors=(Code.EVENT_NOT_FOUND,),
)
def get_event(call: Call, event_id: str) -> dict:
    from chalicelib.core.presenters import event_json

    return event_json(hadir().get_event(event_id))


@route(
    "/events/{event_id}",
    "PUT",
    summary="Create or replace an event",
    description="The body's `id` must match the path (else 422). A day is known by its date: "
    "a day whose date changes is dropped and another added.",
    role=ORGANISER,
    body=Event,
    replies={
        200: Reply("Replaced; the event as stored.", Event),
        201: Reply("Created; the event as stored.", Event),
    },
    errors=(Code.EVENT_DAY_IN_USE,),
    notes={
        Code.EVENT_DAY_IN_USE: "The new document drops, or changes the date of, a day that "
        "registrations or check-ins point at (correct or cancel those first)."
    },
)
def put_event(call: Call, event_id: str) -> Response:
    from chalicelib.core.presenters import event_json

    event = call.body
    if event.id != event_id:
        raise validation_error([{"field": "id", "message": "must match the event id in the path"}])
    created = hadir().put_event(event)
    return json_response(event_json(event), 201 if created else 200)


@route(
    "/events/{event_id}/registrations",
    "POST",
    summary="Register for an event",
    description="Emails are unique per event (trimmed, case-insensitive). `days` defaults to "
    "every day of the event; `consent` must be true.",
    body=Registration,
    idempotent=True,
    replies={201: Reply("Registered; the badge code is in `badge`.", shapes.Registration)},
    errors=(
        Code.EVENT_NOT_FOUND,
        Code.ALREADY_REGISTERED,
        Code.EVENT_FULL,
        Code.REGISTRATION_CLOSED,
    ),
)
def register(call: Call, event_id: str) -> Response:
    origin = request_origin(call.request)
    return json_response(hadir().register(event_id, call.body, call.idempotency_key, origin), 201)


@route(
    "/badges/{code}",
    "GET",
    summary="The badge holder's view",
    description=f"Public: the code is the secret. {ANY_CASE} Not cached.",
    replies={200: Reply("The holder, the event and their days.", shapes.BadgeHolder)},
    errors=BADGE_ERRORS,
    notes=BADGE_NOTES,
)
def badge(call: Call, code: str) -> Response:
    return json_response(hadir().badge_view(code), headers=NO_STORE)


@route(
    "/badges/{code}/qr.png",
    "GET",
    summary="The badge's QR code",
    description=f"{ANY_CASE} Send `Accept: image/png` (browsers send `image/*` or `*/*`).",
    replies={200: Reply("A PNG of a QR code holding exactly the code.", media=(PNG,))},
    errors=BADGE_ERRORS,
    notes=BADGE_NOTES,
)
def badge_qr(call: Call, code: str) -> Response:
    from chalicelib.documents.qr import qr_png

    code = hadir().badge_holder(code).code
    return Response(
        body=qr_png(code),
        status_code=200,
        headers={"Content-Type": "image/png", "Cache-Control": "private, max-age=300"},
    )


@route(
    "/badges/{code}/badge.pdf",
    "GET",
    summary="The badge, to print",
    description="For the holder to print at home: not recorded as a print. "
    f"{ANY_CASE} Send `Accept: application/pdf` (or `*/*`). Not cached.",
    replies={200: Reply("One badge on an A6 page, with its QR code.", media=(PDF,))},
    errors=BADGE_ERRORS,
    notes=BADGE_NOTES,
)
def badge_pdf(call: Call, code: str) -> Response:
    return pdf_response(hadir().badge_pdf(code), "badge.pdf")


# --- desk -------------------------------------------------------------------


@route(
    "/events/{event_id}/checkins",
    "POST",
    summary="Check an attendee in",
    description="Send exactly one of `code` (the scanned QR text, read case-insensitively) or "
    "`attendee_id`. The day is the event-local date of `scanned_at` (default: now; more than 2 "
    "minutes ahead is 422). A check-in received more than 5 minutes after its `scanned_at` is "
    "marked `late` in the scan log and counted in the report's `late`. `source` says how the "
    "attendee was found (`scan`, `search` or `paper`); it is kept in the scan log, the report "
    "and the CSV. One check-in per attendee per day; repeating a `scan_id` returns the first "
    "answer and changes nothing. A kiosk token may check in by `code` only, and its answers "
    "name the person by `id` and `display_name` alone.",
    role=DESK,
    kiosk=lambda request: request.code is not None,
    reads_token=True,
    body=CheckinRequest,
    replies={
        200: Reply("Already checked in that day; nothing changed.", shapes.CheckinResult),
        201: Reply("Checked in.", shapes.CheckinResult),
    },
    errors=(
        Code.BADGE_NOT_FOUND,
        Code.EVENT_NOT_FOUND,
        Code.WRONG_EVENT,
        Code.NOT_REGISTERED_FOR_DAY,
        Code.NOT_AN_EVENT_DAY,
        Code.OUTSIDE_CHECKIN_HOURS,
        Code.BADGE_REVOKED,
    ),
    notes={
        Code.BADGE_NOT_FOUND: "`badge_not_found`: a forged, altered or unknown code or attendee.",
        Code.OUTSIDE_CHECKIN_HOURS: "`outside_checkin_hours`: the message gives the window.",
        Code.BADGE_REVOKED: f"{REVOKED} For a desk, an old badge of someone still registered "
        "also names them: `attendee: {id, name}` beside `error`, so the desk can reissue on the "
        "spot; a kiosk's refusal names nobody.",
    },
)
def check_in(call: Call, event_id: str) -> Response:
    # The use case reads the token with its own batch read, and checks it first.
    answer = hadir().check_in(event_id, call.body, call.gate)
    return json_response(answer.body, outcome_status(answer.outcome))


@route(
    "/events/{event_id}/roster",
    "GET",
    summary="The roster a desk or kiosk keeps on the device",
    description="Everyone, by name, a page at a time (`next`); with `since` (the `since` of "
    "an earlier answer), only the people changed after it: one Query of the event's change "
    "index, never a Scan. Each person: `id`, `name`, `display_name`, `organisation`, `status`, "
    "`days`, `badge_sha256` (the hex SHA-256 of the current badge code, upper case, as issued) "
    "and `checkins` by date. A kiosk gets no `name` or `organisation`; anyone not active "
    "(cancelled, withdrawn, erased) is listed by `id` and `status` only. Not cached.",
    role=KIOSK,
    query=RosterQuery,
    query_notes={
        "since": "The `since` of an earlier answer: only the people changed after it "
        "(a time with an offset, e.g. `2016-11-29T01:52:00Z`).",
        "limit": "At most this many people on the page (up to 500).",
    },
    replies={200: Reply("A page of the roster.", Roster)},
    errors=(Code.EVENT_NOT_FOUND,),
    notes={Code.VALIDATION_ERROR: f"`since` not a time with an offset, {BAD_PAGE}."},
)
def roster(call: Call, event_id: str) -> Response:
    return json_response(hadir().roster(event_id, call.query, call.staff), headers=NO_STORE)


@route(
    "/events/{event_id}/attendees",
    "GET",
    summary="Find attendees by name",
    description="`q` is matched case- and accent-insensitively against the starts of the "
    "words of the name and organisation, and every word of it must match: `sit` finds Siti, "
    "`do thi` finds Đỗ Thị Hương. An organiser may leave `q` out to page through everyone, "
    "by name.",
    role=DESK,
    query=AttendeeQuery,
    replies={200: Reply("One page of the people found.", shapes.AttendeeList)},
    errors=(Code.EVENT_NOT_FOUND,),
    notes={
        Code.VALIDATION_ERROR: "No `q` from a desk token, a `q` without a word of 2 or more "
        f"letters, {BAD_PAGE}."
    },
)
def find_attendees(call: Call, event_id: str) -> Response:
    return json_response(hadir().find_attendees(event_id, call.query, call.staff), headers=NO_STORE)


@route(
    "/events/{event_id}/attendees",
    "POST",
    summary="Register a walk-in",
    description="The registration body, plus `check_in: true` and a `scan_id` to check the "
    "person in at once, on today's event day; that check-in's `source` is `search` (entered by "
    "hand at the desk). The desk may register after public "
    "registration has closed; capacity and one registration per email hold as online. "
    "Repeating a `scan_id` returns the first answer and changes nothing.",
    role=DESK,
    body=WalkIn,
    idempotent=True,
    replies={201: Reply("Registered; `checkin` says whether checked in too.", shapes.WalkInResult)},
    errors=(Code.EVENT_NOT_FOUND, Code.ALREADY_REGISTERED, Code.EVENT_FULL),
)
def walk_in(call: Call, event_id: str) -> Response:
    origin = request_origin(call.request)
    answer = hadir().walk_in(event_id, call.body, call.staff, call.idempotency_key, origin)
    return json_response(answer.body, outcome_status(answer.outcome))


@route(
    "/events/{event_id}/attendees/{attendee_id}",
    "GET",
    summary="An attendee's registration",
    description="Not cached.",
    role=DESK,
    replies={
        200: Reply(
            "The registration, its badge and its check-ins; for a person whose personal data "
            "is erased (withdrawn, or past the event's retention), `erased: true` and no "
            "personal field.",
            shapes.Attendee | ErasedAttendee,
        )
    },
    errors=(Code.ATTENDEE_NOT_FOUND, Code.EVENT_NOT_FOUND),
)
def attendee(call: Call, event_id: str, attendee_id: str) -> Response:
    return json_response(hadir().attendee(event_id, attendee_id), headers=NO_STORE)


@route(
    "/events/{event_id}/attendees/{attendee_id}/badge",
    "POST",
    summary="Reissue a badge",
    description="For a lost badge: a new code, and the old one answers 410 `badge_revoked` "
    "from then on. The reason is kept in the attendee's history.",
    role=DESK,
    body=ReissueRequest,
    idempotent=True,
    replies={201: Reply("The new badge.", shapes.BadgeReissued)},
    errors=(
        Code.ATTENDEE_NOT_FOUND,
        Code.EVENT_NOT_FOUND,
        Code.REGISTRATION_CANCELLED,
        Code.TOO_MANY_REISSUES,
    ),
)
def reissue_badge(call: Call, event_id: str, attendee_id: str) -> Response:
    reissued = hadir().reissue_badge(
        event_id, attendee_id, call.body.reason, call.staff, call.idempotency_key
    )
    return json_response(reissued, 201)


@route(
    "/events/{event_id}/sign-in-sheet.pdf",
    "GET",
    summary="The paper sign-in sheet of a day",
    description="The fallback when the network or power fails: numbered rows, by name (row n "
    "is the n-th person of `/sign-in-sheet/rows` for the same `date` and `as_of`, which the "
    "sheet prints at its foot). `columns` adds any of `gender` (printed L/P), `job_title` and "
    "`phone`, comma-separated. Send `Accept: application/pdf` (or `*/*`). Not cached.",
    role=DESK,
    query=SignInSheetColumnsQuery,
    query_notes={
        "date": "The event day of the sheet, `YYYY-MM-DD`.",
        "columns": "Optional columns: `gender`, `job_title`, `phone`, comma-separated.",
        "as_of": "The moment the sheet lists the registrations of (default: now).",
    },
    replies={
        200: Reply(
            "The daftar hadir: everyone registered for that day, by name, numbered, with "
            "organisation, check-in time if any and a signature box.",
            media=(PDF,),
        )
    },
    errors=(Code.EVENT_NOT_FOUND, Code.NOT_AN_EVENT_DAY),
    notes={
        Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY,
        Code.VALIDATION_ERROR: f"{BAD_DAY} Or a column that is not listed.",
    },
)
def sign_in_sheet(call: Call, event_id: str) -> Response:
    query = call.query
    day = query.day
    sheet = hadir().sign_in_sheet(event_id, day, query.extra_columns, query.as_of)
    return pdf_response(sheet, f"daftar-hadir-{day}.pdf")


# --- organiser --------------------------------------------------------------


@route(
    "/events/{event_id}/badges.pdf",
    "GET",
    summary="Print badges",
    description="The badges of every active attendee, or of those named by `attendee_id`, "
    "or (`unprinted=true`) of those never printed, sorted by name. With `mark_printed=true` "
    "each badge on the sheet is added to its attendee's `badge.prints` (without it the sheet "
    "is a preview and records nothing); one printed before is marked as a reprint. Send "
    "`Accept: application/pdf` (or `*/*`). Not cached.",
    role=ORGANISER,
    query=BadgeSheetQuery,
    query_notes={
        "mark_printed": "`true`: record each badge as printed (send it when printing for real).",
        "unprinted": "`true`: only the badges never printed (with `mark_printed`, "
        '"print the new ones").',
    },
    lists={
        "attendee_id": "Only these attendees; repeat it for each one, e.g. "
        "`?attendee_id=a&attendee_id=b`. Leave it out for every active attendee."
    },
    replies={200: Reply("The badges, by name, ready to cut.", media=(PDF,))},
    errors=(
        Code.EVENT_NOT_FOUND,
        Code.ATTENDEE_NOT_FOUND,
        Code.REGISTRATION_CANCELLED,
        Code.SHEET_TOO_LARGE,
    ),
    notes={
        Code.ATTENDEE_NOT_FOUND: "`attendee_not_found`: an `attendee_id` not of this event.",
        Code.REGISTRATION_CANCELLED: "A named attendee is cancelled, so has no badge.",
        Code.SHEET_TOO_LARGE: "Too many badges for one response: print them in parts, naming "
        "them with `attendee_id`.",
        Code.VALIDATION_ERROR: "A `layout` that is not listed.",
    },
)
def badge_sheet(call: Call, event_id: str) -> Response:
    query = call.query
    sheet = hadir().badge_sheet(
        event_id, query.layout, call.lists["attendee_id"], query.mark_printed, query.unprinted
    )
    return pdf_response(sheet, f"badges-{event_id}.pdf")


@route(
    "/events/{event_id}/attendees/{attendee_id}",
    "DELETE",
    summary="Cancel a registration",
    description="The badge answers 410 `badge_revoked` from then on, and the counts drop the "
    "registration.",
    role=ORGANISER,
    replies={200: Reply("Cancelled, or it already was.", shapes.Cancelled)},
    errors=(Code.ATTENDEE_NOT_FOUND, Code.EVENT_NOT_FOUND, Code.ALREADY_CHECKED_IN),
    notes={Code.ALREADY_CHECKED_IN: "Checked in on some day: undo those check-ins first."},
)
def cancel_registration(call: Call, event_id: str, attendee_id: str) -> Response:
    return json_response(hadir().cancel(event_id, attendee_id))


@route(
    "/events/{event_id}/attendees/{attendee_id}",
    "PATCH",
    summary="Correct a registration",
    description="Any of `name`, `display_name`, `organisation`, `job_title`, `email`, "
    "`phone`, `gender`, `organisation_type`, `days`; only the fields sent change (`null` "
    "clears an optional one; `name`, `organisation` and `days` may not be null). Counts follow "
    "a change of days, gender or organisation type, the search follows a change of name or "
    "organisation and the email's uniqueness follows a change of address, all at once. The "
    "badge code stays valid; the badge page and the next print show the new name. Each change "
    "is kept in `changes` (when, by whom, which fields; the latest 50). A cancelled "
    "registration is not corrected (409 `registration_cancelled`).",
    role=DESK,
    body=AttendeeCorrection,
    replies={200: Reply("The corrected registration.", shapes.Attendee)},
    errors=(
        Code.ATTENDEE_NOT_FOUND,
        Code.EVENT_NOT_FOUND,
        Code.ALREADY_REGISTERED,
        Code.DAY_HAS_CHECKIN,
        Code.REGISTRATION_CANCELLED,
    ),
    notes={
        Code.ALREADY_REGISTERED: "The new email address belongs to another registration.",
        Code.DAY_HAS_CHECKIN: "`days` drops a day the person checked in on: undo it first.",
        Code.REGISTRATION_CANCELLED: "The registration is cancelled.",
    },
)
def correct_attendee(call: Call, event_id: str, attendee_id: str) -> Response:
    corrected = hadir().correct_attendee(event_id, attendee_id, call.body, call.staff)
    return json_response(corrected, headers=NO_STORE)


@route(
    "/events/{event_id}/cancellations",
    "POST",
    summary="Cancel many registrations",
    description="Either `attendee_ids` (at most 100), or every active registration made in "
    "the last `registered_within_minutes` through `source` (default `online`, the public "
    "form), 100 a call: send it again while `more` is true. Each is cancelled as by "
    "`DELETE .../attendees/{attendee_id}` (counts exact, the email freed, the badge revoked); "
    "one with a check-in is left as it is and answered `already_checked_in`.",
    role=ORGANISER,
    body=BulkCancel,
    replies={200: Reply("What became of each registration.", shapes.BulkCancelled)},
    errors=(Code.EVENT_NOT_FOUND,),
    notes={
        Code.VALIDATION_ERROR: "Neither or both of `attendee_ids` and "
        "`registered_within_minutes`, more than 100 ids, or a `source` without a window."
    },
)
def cancel_many(call: Call, event_id: str) -> Response:
    return json_response(hadir().cancel_many(event_id, call.body))


@route(
    "/events/{event_id}/checkins/{attendee_id}/{date}",
    "DELETE",
    summary="Undo a day's check-in",
    description="The counts follow, and the scan log gains an entry with `result: undone`.",
    role=ORGANISER,
    replies={200: Reply("Undone; the check-in as it was.", shapes.CheckinUndone)},
    errors=(
        Code.CHECKIN_NOT_FOUND,
        Code.ATTENDEE_NOT_FOUND,
        Code.EVENT_NOT_FOUND,
        Code.VALIDATION_ERROR,
    ),
    notes={
        Code.CHECKIN_NOT_FOUND: "`checkin_not_found`: not checked in on that date.",
        Code.VALIDATION_ERROR: "`date` is not a date.",
    },
)
def undo_checkin(call: Call, event_id: str, attendee_id: str, date: str) -> Response:
    return json_response(hadir().undo_checkin(event_id, attendee_id, date, call.staff))


@route(
    "/events/{event_id}/scans",
    "GET",
    summary="The scan log",
    description="Every check-in attempt, accepted or refused, and every undone check-in, each "
    "with `late` and `source`.",
    role=ORGANISER,
    query=ScanQuery,
    query_notes={
        "late": "`true`: only scans received more than 5 minutes after `scanned_at`; "
        "`false`: only the others.",
        "desk_token_id": "Only the scans made with this desk or kiosk token (its `id`).",
    },
    replies={200: Reply("One page of the scan log.", shapes.ScanList)},
    errors=(Code.EVENT_NOT_FOUND,),
    notes={
        Code.VALIDATION_ERROR: f"A `date` that is not a date, a `late` that is not `true` or "
        f"`false`, {BAD_PAGE}."
    },
)
def scans(call: Call, event_id: str) -> Response:
    return json_response(hadir().scans(event_id, call.query))


@route(
    "/events/{event_id}/attendance",
    "GET",
    summary="Attendance counts",
    role=ORGANISER,
    replies={200: Reply("Counts per event and per day.", shapes.Attendance)},
    errors=(Code.EVENT_NOT_FOUND,),
)
def attendance(call: Call, event_id: str) -> Response:
    return json_response(hadir().attendance(event_id), headers=NO_STORE)


@route(
    "/events/{event_id}/attendance/report",
    "GET",
    summary="The attendance report",
    description="Arrival slots are in the event's time zone. `late` counts the check-ins "
    "received more than 5 minutes after they were scanned; `by_source` counts them by how the "
    "attendee was found (a walk-in checked in at the desk is `search`). Not cached.",
    role=ORGANISER,
    replies={200: Reply("The breakdowns of every event day.", shapes.AttendanceReport)},
    errors=(Code.EVENT_NOT_FOUND,),
)
def attendance_report(call: Call, event_id: str) -> Response:
    return json_response(hadir().report(event_id), headers=NO_STORE)


@route(
    "/events/{event_id}/attendance.csv",
    "GET",
    summary="The attendance list, as CSV",
    description="One row per registration, cancelled ones included, by name, under a header "
    "row of `name`, `organisation`, `organisation_type`, `gender`, `email`, `phone`, `status` "
    "(`active` or `cancelled`), `days` (the dates registered for, space-separated), "
    "`job_title`, `source` (`online`, `walk_in` or `import`), `registered_at` (local time, "
    "`YYYY-MM-DD HH:MM:SS`), then for "
    "each event day `<date>_checked_in_at` (local time, `YYYY-MM-DD HH:MM:SS`), `<date>_desk` "
    "and `<date>_source` (`scan`, `search` or `paper`). A value left out, or a day not checked "
    "in, is an empty cell; a value a spreadsheet would run as a formula (one starting `=`, `+`, "
    "`-`, `@`, a tab or a carriage return) starts with `'`. Not cached.",
    role=ORGANISER,
    replies={
        200: Reply(
            "A CSV file (UTF-8 with a byte-order mark, so Excel and Google Sheets read the "
            "names right), sent as an attachment (`Content-Disposition: attachment`).",
            media=(CSV,),
        )
    },
    errors=(Code.EVENT_NOT_FOUND,),
)
def attendance_csv(call: Call, event_id: str) -> Response:
    return file_response(
        hadir().attendance_csv(event_id),
        "text/csv; charset=utf-8",
        f"attendance-{event_id}.csv",
        "attachment",
    )


@route(
    "/events/{event_id}/attendance.xlsx",
    "GET",
    summary="The attendance list, as an Excel workbook",
    description="The CSV's table as the sheet `Peserta - Attendees`, then one sheet per event "
    "day (`Hari 1 - 2016-11-29`: everyone registered for that day or checked in on it, with "
    "`checked_in_at` as a local time, `desk` and `checkin_source`). Every cell is typed: text "
    "is text (a phone number such as `0812...` keeps its leading zero, with no quote mark), "
    "`registered_at` and check-in instants are date-times in the event's local time, and no "
    "cell is a formula (a value starting `=` is a text cell). Send `Accept: "
    f"{XLSX}` (or `*/*`). Not cached.",
    role=ORGANISER,
    replies={
        200: Reply(
            "An .xlsx workbook, sent as an attachment (`Content-Disposition: attachment`).",
            media=(XLSX,),
        )
    },
    errors=(Code.EVENT_NOT_FOUND,),
)
def attendance_xlsx(call: Call, event_id: str) -> Response:
    response = file_response(
        hadir().attendance_xlsx(event_id), XLSX, f"attendance-{event_id}.xlsx", "attachment"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@route(
    "/events/{event_id}/arrivals.svg",
    "GET",
    summary="The arrivals chart of a day",
    description="Not cached.",
    role=ORGANISER,
    query=SignInSheetQuery,
    query_notes={"date": "The event day of the chart, `YYYY-MM-DD`."},
    replies={
        200: Reply(
            "An SVG bar chart of the day's check-ins per 15-minute slot (local time), one bar "
            "per item of the report's `arrivals`.",
            media=(SVG,),
        )
    },
    errors=(Code.EVENT_NOT_FOUND, Code.NOT_AN_EVENT_DAY),
    notes={Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY, Code.VALIDATION_ERROR: BAD_DAY},
)
def arrivals_svg(call: Call, event_id: str) -> Response:
    return Response(
        body=hadir().arrivals_svg(event_id, call.query.day),
        status_code=200,
        headers={"Content-Type": "image/svg+xml; charset=utf-8", **NO_STORE},
    )


@route(
    "/events/{event_id}/desk-tokens",
    "POST",
    summary="Create a desk or kiosk token",
    description="`role`: `desk` (default: desk work on this event) or `kiosk` (an unattended "
    "door device: check-in by badge code only).",
    role=ORGANISER,
    body=DeskTokenRequest,
    replies={201: Reply("The new token, shown this once.", shapes.DeskTokenCreated)},
    errors=(Code.EVENT_NOT_FOUND,),
)
def create_desk_token(call: Call, event_id: str) -> Response:
    created = hadir().create_desk_token(event_id, call.body.label, call.body.role)
    return json_response(created, 201, NO_STORE)


@route(
    "/events/{event_id}/desk-tokens",
    "GET",
    summary="List desk and kiosk tokens",
    role=ORGANISER,
    replies={200: Reply("The event's desk tokens, revoked ones included.", shapes.DeskTokenList)},
    errors=(Code.EVENT_NOT_FOUND,),
)
def list_desk_tokens(call: Call, event_id: str) -> Response:
    return json_response(hadir().list_desk_tokens(event_id))


@route(
    "/events/{event_id}/desk-tokens/{token_id}",
    "DELETE",
    summary="Revoke a desk or kiosk token",
    role=ORGANISER,
    replies={204: Reply("Revoked (or already was); refused from now on.")},
    errors=(Code.DESK_TOKEN_NOT_FOUND,),
)
def revoke_desk_token(call: Call, event_id: str, token_id: str) -> Response:
    hadir().revoke_desk_token(event_id, token_id)
    return Response(body="", status_code=204)


# --- certificates (API.md section 11) -------------------------------------------

DOWNLOAD = {"X-Content-Type-Options": "nosniff"}
NOT_YET = "The event's last day has not closed yet, or the event gives no certificates."


@route(
    "/events/{event_id}/certificates",
    "GET",
    summary="Certificates: who has earned one, and who is short",
    description="Once the event's last day has closed, everyone the rule admits is given a "
    "number (the first listing gives them; they never change). `short` lists the active "
    "registrations the rule does not admit, with the days they missed. Not cached.",
    role=ORGANISER,
    replies={
        200: Reply(
            "The certificates, by name, and those short of the rule.", shapes.CertificateList
        )
    },
    errors=(Code.EVENT_NOT_FOUND,),
)
def certificates(call: Call, event_id: str) -> Response:
    return json_response(hadir().certificates(event_id), headers=NO_STORE)


@route(
    "/events/{event_id}/certificates.pdf",
    "GET",
    summary="Every certificate, to print",
    description="Every eligible person's certificate, one an A4 landscape page, by name. "
    "Send `Accept: application/pdf` (or `*/*`). Not cached.",
    role=ORGANISER,
    replies={200: Reply("The certificates.", media=(PDF,))},
    errors=(Code.EVENT_NOT_FOUND, Code.NOT_YET_AVAILABLE, Code.SHEET_TOO_LARGE),
    notes={Code.NOT_YET_AVAILABLE: NOT_YET},
)
def certificates_pdf(call: Call, event_id: str) -> Response:
    pdf = hadir().certificates_pdf(event_id, request_origin(call.request))
    response = file_response(pdf, "application/pdf", f"sertifikat-{event_id}.pdf", "attachment")
    response.headers.update(DOWNLOAD)
    return response


@route(
    "/certificates/{number}",
    "GET",
    summary="Verify a certificate",
    description="Public: shows only the name, the event, its dates and the days attended. "
    "The number is read case-insensitively. Not cached.",
    replies={200: Reply("The certificate is valid.", shapes.CertificateVerified)},
    errors=(Code.CERTIFICATE_NOT_FOUND, Code.CERTIFICATE_REVOKED),
    notes={
        Code.CERTIFICATE_NOT_FOUND: "Never given (any character changed, or made up).",
        Code.CERTIFICATE_REVOKED: "The registration was withdrawn, cancelled or erased.",
    },
)
def verify_certificate(call: Call, number: str) -> Response:
    return json_response(hadir().verify_certificate(number), headers=NO_STORE)


# --- the attendee's own data (API.md §10), through their manage token ----------

NO_REGISTRATION = "A malformed or unknown manage token, or one whose registration was withdrawn."
OWN = "The attendee's manage token (from their registration) is the secret: never logged."


@route(
    "/registrations/{manage_token}",
    "GET",
    summary="The attendee's own registration",
    description=f"{OWN} Everything about the registration: details, days, check-ins, consent "
    "record, badge, certificate and changes. Not cached.",
    tag="attendee",
    replies={200: Reply("The registration.", OwnRegistration)},
    errors=(Code.NOT_FOUND,),
    notes={Code.NOT_FOUND: NO_REGISTRATION},
)
def own_registration(call: Call, manage_token: str) -> Response:
    return json_response(hadir().own_registration(manage_token), headers=NO_STORE)


@route(
    "/registrations/{manage_token}",
    "PATCH",
    summary="Correct one's own registration",
    description=f"{OWN} Any of `name`, `display_name`, `organisation`, `job_title`, `phone`, "
    "`language`; `null` clears `display_name` (back to the default), `job_title` or `phone`. "
    "Open until the event's last day closes (event-local time); the badge code stays valid.",
    tag="attendee",
    body=OwnCorrection,
    replies={200: Reply("The registration as corrected.", OwnRegistration)},
    errors=(Code.NOT_FOUND, Code.EVENT_OVER, Code.REGISTRATION_CANCELLED),
    notes={
        Code.NOT_FOUND: NO_REGISTRATION,
        Code.EVENT_OVER: "`event_over`: the event's last day has closed.",
        Code.REGISTRATION_CANCELLED: "The organisers cancelled this registration.",
    },
)
def correct_own_registration(call: Call, manage_token: str) -> Response:
    return json_response(hadir().correct_own(manage_token, call.body), headers=NO_STORE)


@route(
    "/registrations/{manage_token}/export",
    "GET",
    summary="Export one's own data",
    description=f"{OWN} Everything Hadir holds about the attendee, as JSON: the registration "
    "with its consent record, badge history and check-ins, and their scan-log entries.",
    tag="attendee",
    replies={200: Reply("A JSON document, sent as an attachment.", dict)},
    errors=(Code.NOT_FOUND,),
    notes={Code.NOT_FOUND: NO_REGISTRATION},
)
def export_own_registration(call: Call, manage_token: str) -> Response:
    return json_response(
        hadir().export_own(manage_token),
        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="hadir-data.json"'},
    )


@route(
    "/registrations/{manage_token}",
    "DELETE",
    summary="Withdraw",
    description=f"{OWN} Without check-ins the registration is cancelled (the counts drop); "
    "with check-ins its personal data (name, email, phone, job title, organisation, display "
    "name) is erased and the counts stay. Either way the badge answers 410 and this manage "
    "token 404 from then on.",
    tag="attendee",
    replies={200: Reply("Withdrawn.", Withdrawn)},
    errors=(Code.NOT_FOUND,),
    notes={Code.NOT_FOUND: NO_REGISTRATION},
)
def withdraw(call: Call, manage_token: str) -> Response:
    return json_response(hadir().withdraw(manage_token), headers=NO_STORE)


@route(
    "/registrations/{manage_token}/certificate.pdf",
    "GET",
    summary="One's own certificate of attendance",
    description=f"{OWN} The certificate (A4 landscape, Bahasa Indonesia and English) once the "
    "event's last day has closed, for those the event's rule admits. Its number is given the "
    "first time and never changes. Send `Accept: application/pdf` (or `*/*`). Not cached.",
    tag="attendee",
    replies={200: Reply("The certificate.", media=(PDF,))},
    errors=(Code.NOT_FOUND, Code.NOT_YET_AVAILABLE, Code.NOT_ELIGIBLE),
    notes={
        Code.NOT_FOUND: NO_REGISTRATION,
        Code.NOT_YET_AVAILABLE: NOT_YET,
        Code.NOT_ELIGIBLE: "The message gives the days attended and the days needed.",
    },
)
def own_certificate_pdf(call: Call, manage_token: str) -> Response:
    pdf = hadir().own_certificate_pdf(manage_token, request_origin(call.request))
    response = file_response(pdf, "application/pdf", "sertifikat.pdf", "attachment")
    response.headers.update({**DOWNLOAD, **NO_STORE})
    return response


@route(
    "/me/{manage_token}",
    "GET",
    name="me_page",
    summary="The attendee's own page",
    description="Their registration and badge, corrections, data export and withdrawal, "
    "through `/registrations/{manage_token}`. The page never sends its address on "
    "(`Referrer-Policy: no-referrer`).",
    tag="pages",
    replies={
        200: Reply(
            "The page: HTML that loads its script. Sent with a strict `Content-Security-Policy`.",
            media=(HTML,),
        ),
        304: Reply("Not modified (`If-None-Match`)."),
    },
    errors=(Code.NOT_FOUND,),
    notes={Code.NOT_FOUND: "Not a manage token's shape."},
    stored=False,
)
def me_page(call: Call, manage_token: str) -> Response:
    from chalicelib.api.pages import not_found, page
    from chalicelib.core.privacy import is_manage_token

    if not is_manage_token(manage_token):
        raise not_found()
    # The same shell for every token: nothing about the person is in the HTML.
    return static_response(call.request, *page("me"))


# --- money and paper (API.md section 12) ------------------------------------------

NO_ALLOWANCE = "`allowance_not_found`: the event has no allowance with that code."


@route(
    "/events/{event_id}/allowances/{code}/payments",
    "POST",
    summary="Pay an allowance for a day attended",
    description="One payment per person, day and allowance, whatever the number of desks "
    "paying at the same moment; only for a day the person is checked in. The amount is the "
    "allowance's as it stands; the desk is the token's label.",
    role=DESK,
    body=PaymentRequest,
    replies={201: Reply("Paid.", shapes.Payment)},
    errors=(
        Code.EVENT_NOT_FOUND,
        Code.ALLOWANCE_NOT_FOUND,
        Code.ATTENDEE_NOT_FOUND,
        Code.NOT_AN_EVENT_DAY,
        Code.NOT_CHECKED_IN,
        Code.ALREADY_PAID,
    ),
    notes={
        Code.ALLOWANCE_NOT_FOUND: NO_ALLOWANCE,
        Code.NOT_CHECKED_IN: "`not_checked_in`: no check-in that day.",
        Code.ALREADY_PAID: "`already_paid`: the error also gives the first payment's "
        "`paid_at` and `desk`.",
    },
)
def pay_allowance(call: Call, event_id: str, code: str) -> Response:
    return json_response(hadir().pay_allowance(event_id, code, call.body, call.staff), 201)


@route(
    "/events/{event_id}/allowances/{code}/payments/{attendee_id}/{date}",
    "DELETE",
    summary="Undo an allowance payment",
    role=ORGANISER,
    replies={200: Reply("Undone; the payment as it was.", money_shapes.PaymentUndone)},
    errors=(
        Code.EVENT_NOT_FOUND,
        Code.ALLOWANCE_NOT_FOUND,
        Code.PAYMENT_NOT_FOUND,
        Code.VALIDATION_ERROR,
    ),
    notes={
        Code.ALLOWANCE_NOT_FOUND: NO_ALLOWANCE,
        Code.PAYMENT_NOT_FOUND: "`payment_not_found`: not paid for that day.",
        Code.VALIDATION_ERROR: "`date` is not a date.",
    },
)
def undo_payment(call: Call, event_id: str, code: str, attendee_id: str, date: str) -> Response:
    return json_response(hadir().undo_payment(event_id, code, attendee_id, date))


@route(
    "/events/{event_id}/allowance-sheet.pdf",
    "GET",
    summary="The receipt list (tanda terima) of an allowance for a day",
    description="A4 portrait: the people checked in that day, by name, numbered, with "
    "organisation, the amount in Rupiah (`Rp150.000`), a paid mark and a signature box; a "
    "total on each page and the grand total of the amounts due (people listed x amount) on "
    "the last. Send `Accept: application/pdf` (or `*/*`). Not cached.",
    role=ORGANISER,
    query=AllowanceSheetQuery,
    query_notes={
        "allowance": "The allowance's code.",
        "date": "The event day, `YYYY-MM-DD`.",
    },
    replies={200: Reply("The receipt list.", media=(PDF,))},
    errors=(
        Code.EVENT_NOT_FOUND,
        Code.ALLOWANCE_NOT_FOUND,
        Code.NOT_AN_EVENT_DAY,
        Code.SHEET_TOO_LARGE,
    ),
    notes={Code.ALLOWANCE_NOT_FOUND: NO_ALLOWANCE, Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY},
)
def allowance_sheet(call: Call, event_id: str) -> Response:
    query = call.query
    sheet = hadir().allowance_sheet(event_id, query)
    return pdf_response(sheet, f"tanda-terima-{query.allowance}-{query.day}.pdf")


@route(
    "/events/{event_id}/allowances.csv",
    "GET",
    summary="An allowance's payments, as CSV (for finance)",
    description="One row per person per day attended, by day then name, under a header row of "
    "`name`, `organisation`, `date`, `amount` (whole Rupiah due for the day, as on the "
    "receipt sheet), `paid_at` (local time, empty if unpaid) and `desk`. A value a spreadsheet "
    "would run as a formula starts with `'`. UTF-8 with a byte-order mark. Not cached.",
    role=ORGANISER,
    query=AllowanceQuery,
    query_notes={"allowance": "The allowance's code."},
    replies={200: Reply("A CSV file, sent as an attachment.", media=(CSV,))},
    errors=(Code.EVENT_NOT_FOUND, Code.ALLOWANCE_NOT_FOUND),
    notes={Code.ALLOWANCE_NOT_FOUND: NO_ALLOWANCE},
)
def allowances_csv(call: Call, event_id: str) -> Response:
    code = call.query.allowance
    return file_response(
        hadir().allowance_csv(event_id, code),
        "text/csv; charset=utf-8",
        f"allowance-{code}-{event_id}.csv",
        "attachment",
    )


@route(
    "/events/{event_id}/paper-signatures",
    "POST",
    summary="Record the ticks of a signed sign-in sheet",
    description="One tick per person per day, kept once: sending a sheet again records nothing "
    "new. `recorded` counts the ticks new to Hadir, `already_recorded` those entered before. "
    "At most 1000 people a request.",
    role=DESK,
    body=PaperSignatures,
    replies={200: Reply("Recorded.", money_shapes.SignaturesRecorded)},
    errors=(Code.EVENT_NOT_FOUND, Code.ATTENDEE_NOT_FOUND, Code.NOT_AN_EVENT_DAY),
    notes={
        Code.ATTENDEE_NOT_FOUND: "`attendee_not_found`: an id not of this event (nothing "
        "recorded).",
        Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY,
    },
)
def paper_signatures(call: Call, event_id: str) -> Response:
    return json_response(hadir().paper_signatures(event_id, call.body, call.staff))


@route(
    "/events/{event_id}/reconciliation",
    "GET",
    summary="The signed paper list against the check-ins of a day",
    description="Who signed but was never checked in (a cancelled registration's tick counts "
    "nowhere), who was checked in but never signed, and how many both. Each list by name. "
    "Check a signed-only person in with `POST /checkins`, `attendee_id`, `source: paper` and "
    "the sheet's time as `scanned_at`. Not cached.",
    role=ORGANISER,
    query=DayQuery,
    query_notes={"date": "The event day, `YYYY-MM-DD`."},
    replies={200: Reply("The differences.", money_shapes.Reconciliation)},
    errors=(Code.EVENT_NOT_FOUND, Code.NOT_AN_EVENT_DAY),
    notes={Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY, Code.VALIDATION_ERROR: BAD_DAY},
)
def reconciliation(call: Call, event_id: str) -> Response:
    return json_response(hadir().reconciliation(event_id, call.query.day), headers=NO_STORE)


@route(
    "/events/{event_id}/sign-in-sheet/rows",
    "GET",
    summary="The numbered rows of a day's sign-in sheet",
    description="Row n of the sheet printed at `as_of` is the n-th row here, whoever registered "
    "or was cancelled since: the map from a signed sheet's row numbers to people. `as_of` "
    "defaults to now (to the second); the sheet prints its own at its foot. Not cached.",
    role=DESK,
    query=SheetRowsQuery,
    query_notes={
        "date": "The event day, `YYYY-MM-DD`.",
        "as_of": "When the sheet was printed, as its foot says (ISO-8601 with an offset).",
    },
    replies={200: Reply("The rows, numbered from 1.", money_shapes.SheetRows)},
    errors=(Code.EVENT_NOT_FOUND, Code.NOT_AN_EVENT_DAY),
    notes={Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY},
)
def sign_in_sheet_rows(call: Call, event_id: str) -> Response:
    query = call.query
    rows = hadir().sheet_rows(event_id, query.day, query.as_of)
    return json_response(rows, headers=NO_STORE)


@route(
    "/events/{event_id}/allowances/{code}/unpaid",
    "GET",
    summary="Who is still unpaid an allowance for a day",
    description="The people checked in that day with no payment of the allowance yet, by "
    "name: the desk's list of who still waits for their money. Read from the event's "
    "people and the allowance's payments of the day (two queries, never a scan). Not cached.",
    role=DESK,
    query=DayQuery,
    query_notes={"date": "The event day, `YYYY-MM-DD`."},
    replies={200: Reply("The unpaid, with the day's counts.", money_shapes.Unpaid)},
    errors=(Code.EVENT_NOT_FOUND, Code.ALLOWANCE_NOT_FOUND, Code.NOT_AN_EVENT_DAY),
    notes={
        Code.ALLOWANCE_NOT_FOUND: NO_ALLOWANCE,
        Code.NOT_AN_EVENT_DAY: NOT_AN_EVENT_DAY,
        Code.VALIDATION_ERROR: BAD_DAY,
    },
)
def unpaid_allowance(call: Call, event_id: str, code: str) -> Response:
    return json_response(hadir().unpaid(event_id, code, call.query.day), headers=NO_STORE)


# --- pages (API.md §9) --------------------------------------------------------

NOT_MODIFIED = Reply("Not modified (`If-None-Match`).")


def static_response(request: Request, body: str, headers: dict[str, Any]) -> Response:
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers=headers)


# --- importing a participant list (API.md section 14) -----------------------

IMPORT_UPLOADS = (CSV, XLSX, OCTET_STREAM)


@route(
    "/events/{event_id}/imports",
    "POST",
    summary="Import a participant list (CSV or XLSX)",
    description="The body is the file: a CSV (UTF-8, with or without a BOM; comma, semicolon "
    "or tab) or an XLSX workbook (its first sheet), at most 4 MB and 5,000 rows. Columns are "
    "found by their headers in Bahasa Indonesia or English (API.md section 14); rows are "
    "numbered as the spreadsheet numbers them (the header is row 1). With `dry_run=true` "
    "nothing is written: the report says which rows would import (`valid`), each problem by "
    "row and field, and each duplicate (of an earlier row, `row 3`, or of someone "
    "`registered`). Without it each valid row becomes a registration (`source` `import`, "
    "consent channel `import`) with a badge and a manage link, written in batches; the same "
    "file sent again adds no one (`skipped`). Public registration may be open or closed, and "
    "capacity does not hold an import back.",
    role=ORGANISER,
    query=ImportQuery,
    query_notes={"dry_run": "`true`: check the file and report; nothing is written."},
    uploads=IMPORT_UPLOADS,
    replies={
        200: Reply("The dry run's report (`dry_run=true`).", ImportReport),
        201: Reply("Imported.", ImportResult),
    },
    errors=(Code.EVENT_NOT_FOUND, Code.FILE_TOO_LARGE, Code.UNREADABLE_FILE),
    notes={
        Code.FILE_TOO_LARGE: "Over 4 MB, or over 5,000 rows.",
        Code.UNREADABLE_FILE: "Not a UTF-8 CSV nor an XLSX workbook (or one that unpacks to "
        "too much), or no column of names.",
    },
)
def import_list(call: Call, event_id: str) -> Response:
    raw = call.request.raw_body or b""
    body = raw.encode() if isinstance(raw, str) else raw
    content_type = call.request.headers.get("content-type")
    dry_run = call.query.dry_run
    answer = hadir().import_list(event_id, body, content_type, dry_run)
    return json_response(answer, 200 if dry_run else 201)


def page_route(name: str) -> None:
    def view(call: Call, event_id: str) -> Response:
        from chalicelib.api.pages import page

        if not is_event_id(event_id):
            raise event_not_found()
        return static_response(call.request, *page(name))

    summary, description = PAGE_DESCRIPTIONS[name]
    route(
        f"/{name}/{{event_id}}",
        "GET",
        name=f"{name}_page",
        summary=summary,
        description=description,
        tag="pages",
        replies={
            200: Reply(
                "The page: HTML that loads its script. Sent with a strict "
                "`Content-Security-Policy`.",
                media=(HTML,),
            ),
            304: NOT_MODIFIED,
        },
        errors=(Code.EVENT_NOT_FOUND,),
        notes={Code.EVENT_NOT_FOUND: "Not an event id's shape."},
        stored=False,
    )(view)


for _page in PAGES:
    page_route(_page)


@route(
    "/c/{number}",
    "GET",
    name="certificate_page",
    summary=PAGE_DESCRIPTIONS["certificate"][0],
    description=PAGE_DESCRIPTIONS["certificate"][1],
    tag="pages",
    replies={
        200: Reply(
            "The page: HTML that loads its script. Sent with a strict `Content-Security-Policy`.",
            media=(HTML,),
        ),
        304: NOT_MODIFIED,
    },
    errors=(Code.CERTIFICATE_NOT_FOUND,),
    notes={Code.CERTIFICATE_NOT_FOUND: "Not a certificate number's shape."},
    stored=False,
)
def certificate_page(call: Call, number: str) -> Response:
    from chalicelib.api.pages import page

    if normalise_number(number) is None:
        raise certificate_not_found()
    return static_response(call.request, *page("certificate"))


@route(
    "/assets/{name}",
    "GET",
    summary="A page's static file",
    tag="pages",
    replies={
        200: Reply(
            "JavaScript, CSS or a licence text, with an `ETag`.",
            media=("text/javascript", "text/css", "text/plain"),
        ),
        304: NOT_MODIFIED,
    },
    errors=(Code.NOT_FOUND,),
    stored=False,
)
def page_asset(call: Call, name: str) -> Response:
    from chalicelib.api.pages import asset

    return static_response(call.request, *asset(name))


# --- CORS preflights ----------------------------------------------------------


def preflight(call: Call, **_: str) -> Response:
    """A browser's CORS preflight: the answer API Gateway would otherwise make up itself.

    No token: a preflight never carries the Authorization header.
    """
    request = call.request
    response = Response(body="", status_code=204, headers={"Vary": "Origin"})
    origin = allowed_origin(request)
    if origin is not None:
        methods = app.routes[request.context["resourcePath"]]
        response.headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ", ".join(methods),
                "Access-Control-Allow-Headers": "Authorization, Content-Type",
                "Access-Control-Max-Age": "600",
            }
        )
    return response


# --- email (API.md section 14) ---------------------------------------------------


@route(
    "/events/{event_id}/emails",
    "POST",
    summary="Email each person their badge or certificate",
    description="Queues one message per person, in their language: the event, the badge QR "
    "as an inline image, the badge PDF (or the certificate) attached, and their manage link "
    "`/me/<token>`. The store keeps only a manage token's hash, so each person sent a message "
    "here is given a NEW manage link (the one in the email; an older link stops working). "
    "Without `attendee_ids`: everyone not yet sent one of this `kind` (a failed send counts "
    "as not sent). People without an email address are skipped and counted. Sent off the "
    "request path; each attendee's record shows `emails` with each message's status.",
    role=ORGANISER,
    body=EmailRequest,
    replies={202: Reply("Queued.", EmailsQueued)},
    errors=(Code.EVENT_NOT_FOUND, Code.NOT_YET_AVAILABLE),
    notes={Code.NOT_YET_AVAILABLE: "`certificate` before the event's last day has closed."},
)
def send_emails(call: Call, event_id: str) -> Response:
    answer = hadir().send_emails(event_id, call.body, request_origin(call.request))
    return json_response(answer, 202)


# The worker: each SQS message is one email to render and send (chalicelib/usecases/mail.py).
# The queue is the stage's (devtools/package.py points the event source at it); a
# failed send raises, so SQS tries again and at last keeps it in the dead-letter queue.
@app.on_sqs_message(queue=os.environ.get("HADIR_EMAIL_QUEUE_NAME", "hadir-mail"), batch_size=1)
def send_mail(event: Any) -> None:
    import json

    for record in event:
        hadir().deliver_mail(json.loads(record.body))


# Chalice's own CORS allows one origin, and API Gateway would answer its OPTIONS
# without the app; an OPTIONS route on every path answers for several.
for _path in list(app.routes):
    route(
        _path,
        "OPTIONS",
        name=preflight_name(_path),
        summary="CORS preflight",
        description="Browsers send it before a cross-origin request; no token needed.",
        tag="cors",
        replies={
            204: Reply(
                "No body. When `Origin` is one of the configured origins: "
                "`Access-Control-Allow-Origin` (that origin), `-Allow-Methods` (this path's), "
                "`-Allow-Headers` (`Authorization, Content-Type`) and `-Max-Age` (600); "
                "otherwise none of them. Always `Vary: Origin`."
            )
        },
        stored=False,
    )(preflight)

# In Lambda, build the services in the init phase: the secrets are read once per
# cold start, and a misconfiguration fails the init (logged by Lambda, never
# served) instead of the first request. Elsewhere (tests, chalice local and
# package) they are built on first use, as before.
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    hadir()
