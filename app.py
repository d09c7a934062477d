"""Hadir's HTTP routes: parse, authorise, call a service, shape the response.

The contract is ../shared/API.md; the OpenAPI document served at
/openapi.json is built by chalicelib/api/openapi.py and tested against these routes.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from contextvars import ContextVar

from chalice import AuthResponse, Chalice, Response
from chalice.app import Request

from chalicelib.api.errors import outcome_status, refusal_parts
from chalicelib.api.pages import PAGES
from chalicelib.config import ConfigurationError, cors_origins
from chalicelib.core.auth import DESK, ORGANISER, UNAVAILABLE, Staff, bearer_token, require
from chalicelib.core.errors import Refusal, event_not_found, validation_error
from chalicelib.core.models import (
    AttendeeQuery,
    BadgeSheetQuery,
    CheckinRequest,
    DeskTokenRequest,
    Event,
    Registration,
    ReissueRequest,
    ScanQuery,
    SignInSheetQuery,
    WalkIn,
    is_event_id,
    parse_body,
    parse_idempotency_key,
    parse_query,
)
from chalicelib.services import Hadir
from chalicelib.store import Unavailable

app = Chalice(app_name="hadir")
app.log.setLevel(logging.INFO)
# Responses of these types are binary. API Gateway (and Chalice, which mimics
# it) hands them back only to requests whose Accept header names them: browsers
# do ("image/*", "*/*"); a scripted client must send "Accept: image/png".
app.api.binary_types = ["image/png", "image/*", "application/pdf"]

_hadir: Hadir | None = None
# The request being handled. Chalice keeps one `app.current_request` per app,
# which `chalice local` (a threaded server) shares between concurrent requests;
# the middleware records each request here, per thread, instead.
_request: ContextVar[Request] = ContextVar("request")


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


# --- errors: mapped once, here ----------------------------------------------

_CHALICE_ERRORS = {
    # The one 400 Chalice makes itself: a binary response the request's Accept
    # header does not name.
    400: (
        "bad_request",
        "Send an Accept header that names this response's type (image/png, application/pdf).",
    ),
    403: ("forbidden", "This token may not do that."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    500: ("internal_error", "Something went wrong on our side; the request may be retried."),
}
_OTHER_CLIENT_ERROR = ("bad_request", "The request could not be handled.")


# --- CORS: the configured origins only ---------------------------------------


def allowed_origin(request: Request) -> str | None:
    """The request's Origin if HADIR_CORS_ORIGINS lists it exactly; else None."""
    origin = request.headers.get("origin")
    return origin if origin in cors_origins() else None


def vary_on_origin(response: Response) -> None:
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Origin"
    elif "origin" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Origin"


# Registered before contract_errors, so it wraps it and sees every response,
# error envelopes included.
@app.middleware("http")
def cors(event, get_response):
    try:
        origin = allowed_origin(event)
    except ConfigurationError:
        app.log.exception("HADIR_CORS_ORIGINS is misconfigured")
        code, message = _CHALICE_ERRORS[500]
        return json_response({"error": {"code": code, "message": message}}, 500)
    response = get_response(event)
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
    if cors_origins():
        # Whether the header is there depends on Origin: caches must key on it.
        vary_on_origin(response)
    return response


def preflight(**_):
    """A browser's CORS preflight: the answer API Gateway would otherwise make up itself.

    No authorizer: a preflight never carries the Authorization header.
    """
    request = _request.get()
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


def preflight_name(path: str) -> str:
    """A view name per path, e.g. preflight_events_event_id: the OpenAPI operationId."""
    return "preflight_" + re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")


@app.middleware("http")
def contract_errors(event, get_response):
    _request.set(event)
    response = get_response(event)
    # Chalice answers some requests itself (wrong content type, unhandled
    # exceptions) with its own body shape; clients get the contract's instead.
    if response.status_code >= 400 and not (
        isinstance(response.body, dict) and "error" in response.body
    ):
        fallback = _CHALICE_ERRORS[500] if response.status_code >= 500 else _OTHER_CLIENT_ERROR
        code, message = _CHALICE_ERRORS.get(response.status_code, fallback)
        kept = {k: v for k, v in response.headers.items() if k.lower() == "allow"}
        return json_response(
            {"error": {"code": code, "message": message}}, response.status_code, kept
        )
    return response


# --- staff ------------------------------------------------------------------


@app.authorizer(ttl_seconds=0)
def staff_token(auth_request):
    # Every token is let through with who it belongs to (role "none" if
    # nobody), and each route checks the role it needs. API Gateway can only
    # refuse with its own body; this way an unknown token gets the contract's
    # 401. TTL 0: a revoked desk token is refused on its very next request,
    # and no cached policy for one route can decide another.
    try:
        staff = hadir().identify(bearer_token(auth_request.token))
    except Unavailable:
        # An authorizer can only allow or deny; the route answers 503 with Retry-After.
        staff = Staff(role=UNAVAILABLE)
    return AuthResponse(
        routes=["*"], principal_id=staff.token_id or staff.role, context=staff.context()
    )


def staff(role: str, event_id: str | None = None) -> Staff:
    context = _request.get().context.get("authorizer")
    return require(Staff.from_context(context), role, event_id)


def body(model):
    return parse_body(model, _request.get().raw_body)


def idempotency_key() -> str | None:
    """The Idempotency-Key header: a retried request with it gets the first answer."""
    return parse_idempotency_key(_request.get().headers.get("idempotency-key"))


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        body=payload,
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


# --- public -----------------------------------------------------------------


@app.route("/health", methods=["GET"])
def health():
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


@app.route("/openapi.json", methods=["GET"])
def openapi():
    from chalicelib.api.openapi import openapi_document

    return openapi_document()


@app.route("/events/{event_id}", methods=["GET"])
def get_event(event_id):
    from chalicelib.core.presenters import event_json

    return event_json(hadir().get_event(event_id))


@app.route("/events/{event_id}", methods=["PUT"], authorizer=staff_token)
def put_event(event_id):
    from chalicelib.core.presenters import event_json

    staff(ORGANISER)
    event = body(Event)
    if event.id != event_id:
        raise validation_error([{"field": "id", "message": "must match the event id in the path"}])
    created = hadir().put_event(event)
    return json_response(event_json(event), 201 if created else 200)


@app.route("/events/{event_id}/registrations", methods=["POST"])
def register(event_id):
    registration = body(Registration)
    return json_response(hadir().register(event_id, registration, idempotency_key()), 201)


@app.route("/badges/{code}", methods=["GET"])
def badge(code):
    return json_response(hadir().badge_view(code), headers={"Cache-Control": "no-store"})


@app.route("/badges/{code}/qr.png", methods=["GET"])
def badge_qr(code):
    from chalicelib.documents.qr import qr_png

    code = hadir().badge_holder(code).code
    return Response(
        body=qr_png(code),
        status_code=200,
        headers={"Content-Type": "image/png", "Cache-Control": "private, max-age=300"},
    )


@app.route("/badges/{code}/badge.pdf", methods=["GET"])
def badge_pdf(code):
    return pdf_response(hadir().badge_pdf(code), "badge.pdf")


def pdf_response(pdf: bytes, filename: str) -> Response:
    return file_response(pdf, "application/pdf", filename, "inline")


def file_response(body, content_type: str, filename: str, disposition: str) -> Response:
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


# --- desk -------------------------------------------------------------------


@app.route("/events/{event_id}/checkins", methods=["POST"], authorizer=staff_token)
def check_in(event_id):
    desk = staff(DESK, event_id)
    request = body(CheckinRequest)
    answer = hadir().check_in(event_id, request, desk)
    return json_response(answer.body, outcome_status(answer.outcome))


@app.route("/events/{event_id}/attendees", methods=["GET"], authorizer=staff_token)
def find_attendees(event_id):
    desk = staff(DESK, event_id)
    query = parse_query(AttendeeQuery, _request.get().query_params)
    return json_response(
        hadir().find_attendees(event_id, query, desk), headers={"Cache-Control": "no-store"}
    )


@app.route("/events/{event_id}/attendees", methods=["POST"], authorizer=staff_token)
def walk_in(event_id):
    desk = staff(DESK, event_id)
    answer = hadir().walk_in(event_id, body(WalkIn), desk, idempotency_key())
    return json_response(answer.body, outcome_status(answer.outcome))


@app.route("/events/{event_id}/attendees/{attendee_id}", methods=["GET"], authorizer=staff_token)
def attendee(event_id, attendee_id):
    staff(DESK, event_id)
    return json_response(
        hadir().attendee(event_id, attendee_id), headers={"Cache-Control": "no-store"}
    )


@app.route(
    "/events/{event_id}/attendees/{attendee_id}/badge", methods=["POST"], authorizer=staff_token
)
def reissue_badge(event_id, attendee_id):
    desk = staff(DESK, event_id)
    request = body(ReissueRequest)
    reissued = hadir().reissue_badge(event_id, attendee_id, request.reason, desk, idempotency_key())
    return json_response(reissued, 201)


@app.route("/events/{event_id}/sign-in-sheet.pdf", methods=["GET"], authorizer=staff_token)
def sign_in_sheet(event_id):
    staff(DESK, event_id)
    query = parse_query(SignInSheetQuery, _request.get().query_params)
    return pdf_response(hadir().sign_in_sheet(event_id, query.day), f"daftar-hadir-{query.day}.pdf")


# --- organiser --------------------------------------------------------------


@app.route("/events/{event_id}/badges.pdf", methods=["GET"], authorizer=staff_token)
def badge_sheet(event_id):
    staff(ORGANISER)
    params = _request.get().query_params
    # attendee_id repeats; Chalice's getlist raises for a parameter that is absent.
    attendee_ids = params.getlist("attendee_id") if params and "attendee_id" in params else []
    others = {name: value for name, value in (params or {}).items() if name != "attendee_id"}
    query = parse_query(BadgeSheetQuery, others)
    return pdf_response(
        hadir().badge_sheet(event_id, query.layout, attendee_ids), f"badges-{event_id}.pdf"
    )


@app.route("/events/{event_id}/attendees/{attendee_id}", methods=["DELETE"], authorizer=staff_token)
def cancel_registration(event_id, attendee_id):
    staff(ORGANISER)
    return json_response(hadir().cancel(event_id, attendee_id))


@app.route(
    "/events/{event_id}/checkins/{attendee_id}/{date}", methods=["DELETE"], authorizer=staff_token
)
def undo_checkin(event_id, attendee_id, date):
    organiser = staff(ORGANISER)
    return json_response(hadir().undo_checkin(event_id, attendee_id, date, organiser))


@app.route("/events/{event_id}/scans", methods=["GET"], authorizer=staff_token)
def scans(event_id):
    staff(ORGANISER)
    query = parse_query(ScanQuery, _request.get().query_params)
    return json_response(hadir().scans(event_id, query))


@app.route("/events/{event_id}/attendance", methods=["GET"], authorizer=staff_token)
def attendance(event_id):
    staff(ORGANISER)
    return json_response(hadir().attendance(event_id), headers={"Cache-Control": "no-store"})


@app.route("/events/{event_id}/attendance/report", methods=["GET"], authorizer=staff_token)
def attendance_report(event_id):
    staff(ORGANISER)
    return json_response(hadir().report(event_id), headers={"Cache-Control": "no-store"})


@app.route("/events/{event_id}/attendance.csv", methods=["GET"], authorizer=staff_token)
def attendance_csv(event_id):
    staff(ORGANISER)
    return file_response(
        hadir().attendance_csv(event_id),
        "text/csv; charset=utf-8",
        f"attendance-{event_id}.csv",
        "attachment",
    )


@app.route("/events/{event_id}/arrivals.svg", methods=["GET"], authorizer=staff_token)
def arrivals_svg(event_id):
    staff(ORGANISER)
    query = parse_query(SignInSheetQuery, _request.get().query_params)
    return Response(
        body=hadir().arrivals_svg(event_id, query.day),
        status_code=200,
        headers={"Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store"},
    )


@app.route("/events/{event_id}/desk-tokens", methods=["POST"], authorizer=staff_token)
def create_desk_token(event_id):
    staff(ORGANISER)
    request = body(DeskTokenRequest)
    return json_response(
        hadir().create_desk_token(event_id, request.label), 201, {"Cache-Control": "no-store"}
    )


@app.route("/events/{event_id}/desk-tokens", methods=["GET"], authorizer=staff_token)
def list_desk_tokens(event_id):
    staff(ORGANISER)
    return json_response(hadir().list_desk_tokens(event_id))


@app.route("/events/{event_id}/desk-tokens/{token_id}", methods=["DELETE"], authorizer=staff_token)
def revoke_desk_token(event_id, token_id):
    staff(ORGANISER)
    hadir().revoke_desk_token(event_id, token_id)
    return Response(body="", status_code=204)


# --- pages (API.md §9) --------------------------------------------------------


def static_response(body: str, headers: dict[str, str]) -> Response:
    if _request.get().headers.get("if-none-match") == headers["ETag"]:
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers=headers)


def page_route(name: str):
    def view(event_id):
        from chalicelib.api.pages import page

        if not is_event_id(event_id):
            raise event_not_found()
        return static_response(*page(name))

    app.route(f"/{name}/{{event_id}}", methods=["GET"], name=f"{name}_page")(view)


for _page in PAGES:
    page_route(_page)


@app.route("/assets/{name}", methods=["GET"])
def page_asset(name):
    from chalicelib.api.pages import asset

    return static_response(*asset(name))


# --- after every route ------------------------------------------------------


def answer_refusals(view):
    """Chalice lets no exception of ours out of a view: refusals are answered here."""

    @functools.wraps(view)
    def answered(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except Refusal as refusal:
            return json_response(*refusal_parts(refusal))

    return answered


for _methods in app.routes.values():
    for _entry in _methods.values():
        _entry.view_function = answer_refusals(_entry.view_function)

# Chalice's own CORS allows one origin, and API Gateway would answer its OPTIONS
# without the app; an OPTIONS route on every path answers for several.
for _path in list(app.routes):
    app.route(_path, methods=["OPTIONS"], name=preflight_name(_path))(preflight)

# In Lambda, build the services in the init phase: the secrets are read once per
# cold start, and a misconfiguration fails the init (logged by Lambda, never
# served) instead of the first request. Elsewhere (tests, chalice local and
# package) they are built on first use, as before.
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    hadir()
