"""The route registry: each view declares its spec once, and `Routes.route` does the rest.

A spec says what a route is (summary, role, body and query models, what it
answers, the error codes it may give). `route()` registers the view with Chalice,
works out who is asking and checks their role, parses the body and the query,
answers any refusal with the contract's envelope, and keeps the spec, from which
chalicelib/api/openapi.py builds the OpenAPI document. A view is then left to
call a use case and shape its answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalice import Chalice, Response
from chalice.app import Request
from pydantic import BaseModel

from chalicelib.api.errors import refusal_parts
from chalicelib.core.auth import KIOSK, NOBODY, Gate, Staff
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import parse_body, parse_idempotency_key, parse_query

if TYPE_CHECKING:
    from chalicelib.usecases import Hadir

# Responses of these types are binary. API Gateway (and Chalice, which mimics
# it) hands them back only to requests whose Accept header names them: browsers
# do ("image/*", "*/*"); a scripted client must send "Accept: image/png".
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A request of one of these types reaches the app base64-encoded by API Gateway
# and decoded by Chalice: an uploaded XLSX arrives byte for byte (a CSV is text).
OCTET_STREAM = "application/octet-stream"
BINARY_TYPES = ["image/png", "image/*", "application/pdf", XLSX, OCTET_STREAM]

PNG = "image/png"
PDF = "application/pdf"
CSV = "text/csv"
SVG = "image/svg+xml"
HTML = "text/html"

# The request being handled. Chalice keeps one `app.current_request` per app,
# which `chalice local` (a threaded server) shares between concurrent requests;
# the app's middleware records each request here, per thread, instead.
_request: ContextVar[Request] = ContextVar("request")


def remember_request(request: Request) -> None:
    _request.set(request)


def current_request() -> Request:
    return _request.get()


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        body=payload,
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


# Every answer of a route, downloads above all (PDF, CSV, XLSX, SVG, PNG), is read as
# the type it names and nothing else; the types a browser could open as a document
# and run (an SVG can hold script, a CSV can be sniffed as HTML) are also locked down.
NOSNIFF = {"X-Content-Type-Options": "nosniff"}
LOCKED_DOWN_TYPES = ("text/csv", "image/svg+xml")
LOCKED_DOWN = "default-src 'none'; frame-ancestors 'none'; sandbox"


def with_download_headers(reply: Any) -> Any:
    """`reply` with nosniff, and a Content-Security-Policy if it is a CSV or an SVG."""
    if not isinstance(reply, Response):
        return reply
    headers = reply.headers
    for name, value in NOSNIFF.items():
        headers.setdefault(name, value)
    if str(headers.get("Content-Type", "")).startswith(LOCKED_DOWN_TYPES):
        headers.setdefault("Content-Security-Policy", LOCKED_DOWN)
    return reply


@dataclass(frozen=True)
class Reply:
    """One answer a route gives when it succeeds.

    JSON of `shape` (a TypedDict of chalicelib.core.shapes, or a pydantic model),
    a file or page of one of `media` types, or, with neither, no body at all.
    """

    description: str
    shape: Any = None
    media: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """What a route is, declared once beside its view.

    `role` is None for a public route, else `desk` (a desk token for the path's
    event, or an organiser) or `organiser`. `kiosk`, if given, says of a parsed
    body whether a kiosk token of the path's event may send it too (a check-in
    by badge code). `reads_token`: the use case reads the caller's token in its
    own first read (the check-in's batch), so the view gets `Call.gate` to hand
    it, not a `Call.staff`; otherwise the token is read here, with the path's
    event (kept for the use case: `Hadir.admit`). `errors` are the refusal codes the
    route's use case may give; those that follow from the spec itself (a body, a
    role, a binary reply, the table) are added by `codes()`. `notes` say when a
    code is given, where that is not obvious. `lists` are query parameters that
    repeat (read as lists, beside the query model), with their descriptions.
    `stored` routes read or write the table, so may answer 503.
    """

    name: str
    path: str
    method: str
    summary: str
    replies: dict[int, Reply]
    description: str = ""
    role: str | None = None
    kiosk: Callable[[Any], bool] | None = None
    reads_token: bool = False
    tag: str = ""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    query_notes: dict[str, str] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)
    errors: tuple[Code, ...] = ()
    notes: dict[Code, str] = field(default_factory=dict)
    idempotent: bool = False
    stored: bool = True
    # A raw request body (a file) of these media types, read by the view
    # from `call.request.raw_body`; Chalice answers 415 to any other type.
    uploads: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kiosk is not None and not self.reads_token:
            # Whether a kiosk may call depends on the body, parsed after the token is read.
            raise ValueError(f"{self.name}: `kiosk` needs `reads_token`")

    @property
    def group(self) -> str:
        """The tag the route is listed under: its own, else its role's."""
        return self.tag or self.role or "public"

    def binaries(self) -> list[str]:
        """The binary media types the route answers with (they need an Accept header)."""
        return [
            media
            for reply in self.replies.values()
            for media in reply.media
            if media in BINARY_TYPES
        ]

    def codes(self) -> list[Code]:
        """Every error code the route may answer, declared or implied, each once."""
        implied: list[Code] = []
        if self.binaries():
            implied.append(Code.BAD_REQUEST)
        if self.role is not None:
            implied += [Code.UNAUTHORIZED, Code.FORBIDDEN]
        if self.body is not None:
            implied += [Code.INVALID_JSON, Code.UNSUPPORTED_MEDIA_TYPE, Code.VALIDATION_ERROR]
        if self.uploads:
            implied.append(Code.UNSUPPORTED_MEDIA_TYPE)
        if self.query is not None:
            implied.append(Code.VALIDATION_ERROR)
        if self.idempotent:
            implied.append(Code.IDEMPOTENCY_KEY_REUSED)
        if self.stored:
            implied.append(Code.TEMPORARILY_UNAVAILABLE)
        return list(dict.fromkeys([*self.errors, *implied]))


@dataclass(frozen=True)
class Call:
    """A request as a view sees it: parsed, and its staff allowed.

    `staff` is who is asking; on a public route nobody is (role NOBODY). On a
    route whose use case reads the token itself (`Spec.reads_token`) there is
    no `staff` yet, only the `gate` to hand to the use case.
    """

    request: Request
    admitted: Staff | None
    body: Any = None
    query: Any = None
    lists: dict[str, list[str]] = field(default_factory=dict)
    idempotency_key: str | None = None
    checked_by: Gate | None = None

    @property
    def gate(self) -> Gate:
        """The staff route's gate, for a use case that reads the token itself."""
        if self.checked_by is None:
            raise RuntimeError("a public route has no gate")
        return self.checked_by

    @property
    def staff(self) -> Staff:
        if self.admitted is None:
            raise RuntimeError("this route's use case checks its token: hand it `call.gate`")
        return self.admitted


View = Callable[..., Any]


def staff_of(request: Request, hadir: Hadir, spec: Spec, params: dict[str, str]) -> Gate:
    """Who is asking: the one place a request becomes a `Staff` (through its `Gate`).

    The organiser token is compared with its hash, and no token is nobody, at
    once; an event (desk or kiosk) token is read later, with the route's own
    first read: `Hadir.admit` reads it with the path's event, a use case that
    `reads_token` with its own batch. Roles are checked by
    `chalicelib.core.auth.require`, through `Gate.admit`.
    """
    assert spec.role is not None
    return hadir.gate(request.headers.get("authorization"), spec.role, params.get("event_id"))


class Routes:
    """The app's routes and their specs, in the order they were declared.

    `services` gives the use cases (built on first use), for staff routes only.
    """

    def __init__(self, app: Chalice, services: Callable[[], Hadir]) -> None:
        self.app = app
        self.services = services
        self.specs: list[Spec] = []

    def route(
        self, path: str, method: str, *, name: str = "", **spec: Any
    ) -> Callable[[View], View]:
        """Declare a route: `@routes.route("/events/{event_id}", "GET", summary=..., ...)`.

        The keywords are `Spec`'s; the view's name is the route's name (the
        OpenAPI operationId) unless `name` is given. The view is called with the
        `Call` and the path's parameters.
        """

        def register(view: View) -> View:
            self.add(Spec(name=name or view.__name__, path=path, method=method, **spec), view)
            return view

        return register

    def add(self, spec: Spec, view: View) -> None:
        def handler(**params: str) -> Any:
            try:
                return with_download_headers(
                    view(self.call(spec, current_request(), params), **params)
                )
            except Refusal as refusal:
                # Chalice lets no exception of ours out of a view: refusals are answered here.
                return with_download_headers(json_response(*refusal_parts(refusal)))
            finally:
                if spec.role is not None:
                    self.services().end_request()

        handler.__name__ = handler.__qualname__ = spec.name
        handler.__doc__ = view.__doc__
        # No API Gateway authorizer: every staff route authenticates in the app.
        types = {"content_types": list(spec.uploads)} if spec.uploads else {}
        self.app.route(spec.path, methods=[spec.method], name=spec.name, **types)(handler)
        self.specs.append(spec)

    def call(self, spec: Spec, request: Request, params: dict[str, str]) -> Call:
        """Authorise, then parse the body, the query and the Idempotency-Key, as the spec says.

        401 and 403 come before any other refusal: a route whose use case reads
        the token itself reads it alone first when the request is refused here.
        """
        staff: Staff | None = Staff(role=NOBODY)
        gate = None
        if spec.role is not None:
            gate = staff_of(request, self.services(), spec, params)
            if spec.kiosk is not None:
                gate = gate.needing(KIOSK)  # the most a kiosk may do here, until the body says
            if spec.reads_token and gate.token_hash is not None:
                staff = None  # read by the use case, with its own first read
            else:
                staff = self.services().admit(gate)
        try:
            parsed = self.parse(spec, request)
        except Refusal:
            if gate is not None and staff is None:
                self.services().lookup(gate)  # 401 or 403 first
            raise
        kiosk = spec.kiosk
        if gate is not None and spec.role is not None and kiosk and not kiosk(parsed[0]):
            gate = gate.needing(spec.role)  # not for a kiosk: the route's own role
        return Call(request, staff, *parsed, checked_by=gate)

    @staticmethod
    def parse(spec: Spec, request: Request) -> tuple[Any, Any, dict[str, list[str]], str | None]:
        """The body, the query, the repeated parameters and the Idempotency-Key."""
        body = parse_body(spec.body, request.raw_body) if spec.body is not None else None
        given = request.query_params
        # Chalice's getlist raises for a parameter that is absent.
        lists = {
            name: given.getlist(name) if given is not None and name in given else []
            for name in spec.lists
        }
        others = {name: value for name, value in (given or {}).items() if name not in spec.lists}
        query = parse_query(spec.query, others) if spec.query is not None else None
        key = None
        if spec.idempotent:
            # A retried request with the same key gets the first answer.
            key = parse_idempotency_key(request.headers.get("idempotency-key"))
        return body, query, lists, key


def preflight_name(path: str) -> str:
    """A view name per path, e.g. preflight_events_event_id: the OpenAPI operationId."""
    return "preflight_" + re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")
