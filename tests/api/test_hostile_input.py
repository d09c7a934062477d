"""Hostile input on every route, through the Chalice test client (staff auth included).

Routes are enumerated from `app.app.routes` (OPTIONS left out), so a route added
later is covered by the every-route tests without editing this file. Each case
is sent with the organiser token and with no token, and to staff routes with a
desk token of the workshop too, and must be refused with a 4xx in the contract's
envelope: never a 5xx, never an echo of the personal data sent (every name and
email carries a per-test marker that must not come back in an error). Without
an Authorization header a staff route gets the gateway's own 401 body, which
API.md allows.

Nothing may be half-written: after the hostile requests the events' counters
and attendee listings (read through the API) are what they were, the table
holds no new or changed item other than scan-log entries (every scan attempt is
logged) and print history, and after a registration route the marker's email
still registers exactly once (no email lock without its attendee).

Where the app has to choose (duplicate JSON keys, repeated query parameters, a
missing Content-Type, badge codes with whitespace around them) the tests pin
today's choice and say so.

Speed: a fresh moto per test costs about 0.2 s, so this module overrides
conftest's `dynamodb` fixture with a module-scoped one (same table); the other
conftest fixtures (`hadir`, `api`, `register`, `desk_token`...) are used as
they are. The shared world (a checked-in attendee, a second event) is built
once through the API, and moto's table is put back to that state before each
test, so no test sees another's leftovers and the table stays small (moto
answers a GSI query by reading the whole table).

Moto accepts key values of any size; DynamoDB refuses a partition key over 2048
bytes or a sort key over 1024 bytes with a ValidationException, on reads as
well as writes. The module's client is held to those limits (a botocore hook
below), so a hostile path parameter that would reach DynamoDB in production
fails here as it would there.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

import app as app_module
from chalicelib.core.badges import issue_code
from tests.support.api import STAFF_ROUTES, Reply, altered, assert_error, badge_code, text_of
from tests.support.aws import moto_table
from tests.support.values import DAY1, DAY2, TABLE, WORKSHOP_ID, new_scan_id, registration_body

OTHER_ID = "hostile-other-2016"
MIB = 1 << 20
UNKNOWN_ATTENDEE = "a" * 16  # well-formed, never issued (ids are random base32)
UNKNOWN_TOKEN_ID = "0123456789abcdef"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


# --- every route ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # the template, e.g. /events/{event_id}/attendees/{attendee_id}
    view: str
    staff: bool

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def takes_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


# Staff routes: those whose spec names a role (staff authenticate in the app).
STAFF = {(spec.method, spec.path) for spec in app_module.routes.specs if spec.role is not None}
ROUTES = [
    Route(method, path, entry.view_name, (method, path) in STAFF)
    for path, methods in sorted(app_module.app.routes.items())
    for method, entry in sorted(methods.items())
    if method != "OPTIONS"
]
BODY_ROUTES = [route for route in ROUTES if route.takes_body]
GET_ROUTES = [route for route in ROUTES if route.method == "GET"]
PARAM_SLOTS = [(route, name) for route in ROUTES for name in route.params]
TOKENS = ["organiser", "desk", "none"]
# Views that read the query string; every other route ignores it.
QUERY_VIEWS = {"find_attendees", "scans", "badge_sheet", "sign_in_sheet", "arrivals_svg"}
# Views that create an attendee: their hostile tests also check the email lock.
REGISTERING_VIEWS = {"register", "walk_in"}
# A valid query for the views that need one (badges.pdf limited to one badge).
BASE_QUERY = {
    "find_attendees": "q=baseline",
    "sign_in_sheet": f"date={DAY1}",
    "arrivals_svg": f"date={DAY1}",
}


def route_id(route: Route) -> str:
    return f"{route.method}-{route.path}"


# --- DynamoDB's key-size limits, which moto enforces on PutItem only ------------

_HASH_KEYS = {"pk", "gsi1pk"}
_RANGE_KEYS = {"sk", "gsi1sk"}


def _key_values(params: dict) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def add(item: dict | None) -> None:
        for name, value in (item or {}).items():
            if name in _HASH_KEYS | _RANGE_KEYS and isinstance(value, dict) and "S" in value:
                found.append((name, value["S"]))

    add(params.get("Key"))
    add(params.get("Item"))
    for table in params.get("RequestItems", {}).values():
        if isinstance(table, dict):  # BatchGetItem
            for key in table.get("Keys", []):
                add(key)
        else:  # BatchWriteItem
            for request in table:
                add(request.get("PutRequest", {}).get("Item"))
                add(request.get("DeleteRequest", {}).get("Key"))
    for entry in params.get("TransactItems", []):
        for action in entry.values():
            add(action.get("Key"))
            add(action.get("Item"))
    condition = params.get("KeyConditionExpression")
    if condition:
        names = params.get("ExpressionAttributeNames", {})
        values = params.get("ExpressionAttributeValues", {})
        pairs = re.findall(r"([#\w]+)\s*(?:=|<=|>=|<|>)\s*(:\w+)", condition)
        pairs += re.findall(r"begins_with\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)", condition)
        for name, placeholder in pairs:
            value = values.get(placeholder, {})
            if "S" in value:
                found.append((names.get(name, name), value["S"]))
    return found


# Key-size refusals raised since the last request, named in a failing case's report.
KEY_LIMIT_HITS: list[str] = []


def enforce_dynamodb_key_limits(params, model, **_):
    for name, value in _key_values(params):
        size = len(value.encode("utf-8", "surrogatepass"))
        if name in _HASH_KEYS and size > 2048:
            message = (
                "One or more parameter values were invalid: Size of hashkey has exceeded"
                " the maximum size limit of2048 bytes"
            )
        elif name in _RANGE_KEYS and size > 1024:
            message = (
                "One or more parameter values were invalid: Aggregated size of all range"
                " keys has exceeded the size limit of 1024 bytes"
            )
        else:
            continue
        KEY_LIMIT_HITS.append(f"{model.name} with a {size}-byte {name}")
        raise ClientError(
            {"Error": {"Code": "ValidationException", "Message": message}}, model.name
        )


@pytest.fixture(scope="module")
def dynamodb():
    """conftest's table, shared by this module's tests, held to DynamoDB's key limits."""
    with moto_table(TABLE) as client:
        client.meta.events.register("provide-client-params.dynamodb.*", enforce_dynamodb_key_limits)
        yield client


# --- the shared world ------------------------------------------------------------


@dataclass
class World:
    attendee_id: str  # a workshop attendee, checked in on day 1
    code: str
    token_id: str  # a workshop desk token's id
    other_code: str  # a badge of OTHER_ID
    other_attendee_id: str
    workshop_doc: dict


def moto_tables() -> dict:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-3"].tables


@pytest.fixture(scope="module")
def _world_cache(dynamodb):
    return {}


@pytest.fixture(autouse=True)
def _fresh_world(_world_cache):
    """Put the table back to the state the shared world was built in."""
    if "table" in _world_cache:
        moto_tables()[TABLE] = copy.deepcopy(_world_cache["table"])


@pytest.fixture
def world(api, organiser, register, _world_cache) -> World:
    """Built once per module: a checked-in workshop attendee, a second event with two."""
    if "world" not in _world_cache:
        baseline = register(name="Baseline Person", email="baseline@example.org")
        register(name="Second Person", email="second@example.org")  # listings page
        for _ in range(2):  # two scans, so the scan log pages with limit=1
            reply = api.post(
                f"/events/{WORKSHOP_ID}/checkins",
                {"code": badge_code(baseline), "scan_id": new_scan_id()},
                token=organiser,
            )
            assert reply.status in (200, 201), reply
        token = api.post(f"/events/{WORKSHOP_ID}/desk-tokens", {"label": "Desk W"}, token=organiser)
        assert token.status == 201, token
        doc = api.get(f"/events/{WORKSHOP_ID}").json
        reply = api.put(f"/events/{OTHER_ID}", {**doc, "id": OTHER_ID}, token=organiser)
        assert reply.status in (200, 201), reply
        other = register(event_id=OTHER_ID, name="Other Person", email="other@example.org")
        register(event_id=OTHER_ID, name="Another Person", email="another@example.org")
        _world_cache["world"] = World(
            attendee_id=baseline["attendee_id"],
            code=badge_code(baseline),
            token_id=token.json["id"],
            other_code=badge_code(other),
            other_attendee_id=other["attendee_id"],
            workshop_doc=doc,
        )
        _world_cache["table"] = copy.deepcopy(moto_tables()[TABLE])
    return _world_cache["world"]


@pytest.fixture
def marker() -> str:
    """A string that never occurs by chance: it must never come back in an error."""
    return "Hostile" + secrets.token_hex(5)


@pytest.fixture
def tokens(world, organiser, desk_token):
    return {"organiser": organiser, "desk": desk_token, "none": None}.get


def fill(route: Route, world: World, *, inert: bool = False, **given: str) -> str:
    """The route's path with its parameters filled in (`given` raw URL text first).

    inert: ids that name nothing (for non-GET routes whose request might succeed).
    """
    real = {
        "event_id": WORKSHOP_ID,
        "code": world.code,
        "attendee_id": world.attendee_id,
        "token_id": world.token_id,
        "date": DAY1,
    }
    if inert and route.method != "GET":
        real.update(attendee_id=UNKNOWN_ATTENDEE, token_id=UNKNOWN_TOKEN_ID, date=DAY2)
    path = route.path
    for name in route.params:
        value = given[name] if name in given else real.get(name, "unknown")
        path = path.replace("{" + name + "}", value)
    query = "&".join(
        part
        for part in (
            BASE_QUERY.get(route.view),
            f"attendee_id={world.attendee_id}&layout=a6" if route.view == "badge_sheet" else None,
        )
        if part
    )
    return f"{path}?{query}" if query else path


def valid_body(route: Route, world: World, marker: str) -> dict:
    """A body the route would accept, carrying the marker in its personal data."""
    person = registration_body(
        name=f"{marker} Siti",
        email=f"{marker.lower()}@example.org",
        organisation=f"{marker} Org",
        phone="+62 812 3456 7890",
        job_title="Campaigner",
        days=[DAY1, DAY2],
    )
    bodies = {
        "put_event": lambda: json.loads(json.dumps(world.workshop_doc)),
        "register": lambda: person,
        "walk_in": lambda: {**person, "check_in": True, "scan_id": new_scan_id(), "desk": "Desk H"},
        # The baseline is checked in already: a valid scan answers already_checked_in.
        "check_in": lambda: {
            "code": world.code,
            "scan_id": new_scan_id(),
            "desk": f"Desk {marker}",
            "scanned_at": "2016-11-29T09:00:00+07:00",
        },
        "reissue_badge": lambda: {"reason": f"lost {marker}"},
        "create_desk_token": lambda: {"label": f"Desk {marker}"},
    }
    return bodies.get(route.view, lambda: {"name": marker})()


# Fields whose null is not "absent" (required, or not Optional): null must be refused.
NOT_NULL = {
    "put_event": {"id", "title", "organisers", "venue", "timezone", "days", "registration_open"},
    "register": {"name", "email", "organisation", "consent"},
    # At the desk the email may be left out, or null (issue 16).
    "walk_in": {"name", "organisation", "consent", "check_in", "scan_id"},
    "check_in": {"code", "scan_id"},
    "reissue_badge": {"reason"},
    "create_desk_token": {"label"},
}
# The text field a huge or odd string goes into.
TEXT_FIELD = {
    "put_event": "title",
    "register": "name",
    "walk_in": "name",
    "check_in": "desk",
    "reissue_badge": "reason",
    "create_desk_token": "label",
}


def text_field(route: Route, body: dict) -> str:
    if route.view in TEXT_FIELD:
        return TEXT_FIELD[route.view]
    return next((key for key, value in body.items() if isinstance(value, str)), "name")


# --- sending, judging, and the before/after state ---------------------------------


def tokens_for(route: Route) -> list[str]:
    """A desk token is worth sending to staff routes only; public ones ignore tokens."""
    return TOKENS if route.staff else ["organiser", "none"]


def shorten(value: Any, keep: int = 90) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= keep:
        return text
    return f"{text[: keep - 30]}…<{len(text)} chars>…{text[-20:]}"


@dataclass
class Probe:
    """Sends requests and collects every broken expectation, to fail once with repros."""

    api: Any
    token: Any
    marker: str
    problems: list[str] = field(default_factory=list)

    def send(
        self,
        method: str,
        path: str,
        token: str = "none",
        body: Any = None,
        raw: bytes | None = None,
        headers: dict | None = None,
        content_type: str | None = "application/json",
    ) -> tuple[Reply, str]:
        sent = {"Accept": "*/*", **(headers or {})}
        if content_type is not None:
            sent["Content-Type"] = content_type
        secret = self.token(token)
        if secret is not None:
            sent["Authorization"] = f"Bearer {secret}"
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        KEY_LIMIT_HITS.clear()
        reply = Reply(self.api.http.request(method, path, headers=sent, body=data))
        reply.sent_no_token = secret is None
        reply.key_limit_hits = list(KEY_LIMIT_HITS)
        shown_headers = {k: v for k, v in sent.items() if k not in ("Accept", "Authorization")}
        request = f"{method} {shorten(path)} token={token} headers={shown_headers}"
        if data:
            request += f" body={shorten(data, 120)} ({len(data)} bytes)"
        return reply, request

    def fail(self, request: str, reply: Reply, why: str) -> None:
        if getattr(reply, "key_limit_hits", None):
            why += f" (DynamoDB would refuse: {'; '.join(reply.key_limit_hits)})"
        self.problems.append(
            f"{request}\n    -> {reply.status} {shorten(text_of(reply), 300)}: {why}"
        )

    def refused(self, reply, request, *, status=None, code=None) -> None:
        """A 4xx in the contract's envelope (the exact one if given), no echo."""
        for why in envelope_problems(reply, self.marker):
            self.fail(request, reply, why)
            return
        if status is not None and reply.status not in (
            status if isinstance(status, tuple) else (status,)
        ):
            self.fail(request, reply, f"expected status {status}")
        elif code is not None and reply.error_code not in (
            code if isinstance(code, tuple) else (code,)
        ):
            self.fail(request, reply, f"expected error code {code}")

    def like(self, reply, request, control: Reply) -> None:
        """Ignored input: the same status as without it (and never a 5xx)."""
        if reply.status >= 500 or reply.status != control.status:
            self.fail(request, reply, f"expected the same status as without it ({control.status})")
        elif reply.status >= 400:
            for why in envelope_problems(reply, self.marker):
                self.fail(request, reply, why)
                return

    def refused_or_like(self, reply, request, control: Reply) -> None:
        if reply.status == control.status and reply.status < 400:
            return
        self.refused(reply, request)

    def check(self) -> None:
        if self.problems:
            pytest.fail(f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems), False)


GATEWAY_401 = {"message": "Unauthorized"}


def envelope_problems(reply: Reply, marker: str) -> list[str]:
    if not 400 <= reply.status < 500:
        return [f"expected a 4xx, got {reply.status}"]
    body = reply.json
    if getattr(reply, "sent_no_token", False) and (reply.status, body) == (401, GATEWAY_401):
        # No Authorization header on a staff route: the gateway refuses it before
        # Hadir runs, with its own body; API.md allows this.
        return []
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return ["not the contract's error envelope"]
    error = body["error"]
    problems = []
    if not SNAKE.match(str(error.get("code"))):
        problems.append("error code is not snake_case")
    if set(error) - {"code", "message", "fields"}:
        problems.append(f"unexpected keys {sorted(set(error) - {'code', 'message', 'fields'})}")
    if "fields" in error:
        fields = error["fields"]
        if reply.status != 422:
            problems.append("fields on a non-422")
        elif not isinstance(fields, list) or not all(
            isinstance(item, dict) and set(item) == {"field", "message"} for item in fields
        ):
            problems.append("fields not a list of {field, message}")
    try:
        assert_error(reply, reply.status, error.get("code"), personal=(marker,))
    except (AssertionError, KeyError, TypeError, AttributeError) as failure:
        problems.append(f"envelope/echo check failed: {shorten(str(failure), 200)}")
    return problems


def listing(api, organiser, event_id) -> list:
    people, cursor = [], None
    while True:
        path = f"/events/{event_id}/attendees?limit=100" + (f"&next={cursor}" if cursor else "")
        reply = api.get(path, token=organiser)
        assert reply.status == 200, reply
        people += reply.json["attendees"]
        cursor = reply.json["next"]
        if not cursor:
            return people


def api_state(api, organiser) -> dict:
    """What the API says of both events: counters (as_of aside) and attendee listings."""
    state = {}
    for event_id in (WORKSHOP_ID, OTHER_ID):
        counts = api.get(f"/events/{event_id}/attendance", token=organiser).json
        counts.pop("as_of", None)
        state[event_id] = {"attendance": counts, "attendees": listing(api, organiser, event_id)}
    return state


def table_items() -> dict[tuple[str, str], dict]:
    table = moto_tables()[TABLE]
    items = (item.to_json()["Attributes"] for item in table.all_items())
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in items}


def unexpected_writes(before: dict, after: dict) -> list[str]:
    """Items a refused request may not leave behind. Allowed: scan-log entries
    (every scan attempt is logged) and print history (a GET of badges.pdf)."""
    problems = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new or (old is None and key[1] == "SCAN"):
            continue
        if old is None or new is None:
            problems.append(f"{'added' if old is None else 'removed'} {shorten(key, 120)}")
            continue
        changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
        if changed != ["prints"]:
            problems.append(f"changed {shorten(key, 120)}: {changed}")
    return problems


class State:
    """The state before a test's hostile requests, to compare after them."""

    def __init__(self, api, organiser, cache: dict) -> None:
        self.api, self.organiser = api, organiser
        # Every test starts from the same restored world: the API's view of it
        # is computed once.
        if "api_state" not in cache:
            cache["api_state"] = api_state(api, organiser)
        self.before_api = cache["api_state"]
        self.before_items = table_items()

    def unchanged(self) -> None:
        writes = unexpected_writes(self.before_items, table_items())
        assert not writes, "refused requests wrote to the table:\n" + "\n".join(writes[:30])
        after = api_state(self.api, self.organiser)
        for key, value in after.items():
            assert value == self.before_api[key], f"{key}: counters or listing changed"


@pytest.fixture
def state(api, organiser, world, tokens, _world_cache) -> State:
    return State(api, organiser, _world_cache)


def assert_email_free(api, marker: str) -> None:
    """No lock without an attendee: the marker's email registers exactly once."""
    body = registration_body(name="Legit Person", email=f"{marker.lower()}@example.org")
    first = api.post(f"/events/{WORKSHOP_ID}/registrations", body)
    assert first.status == 201, f"a legit registration of the marker's email failed: {first}"
    again = api.post(f"/events/{WORKSHOP_ID}/registrations", {**body, "name": "Legit Again"})
    assert again.status == 409 and again.error_code == "already_registered", again


def finish(probe: Probe, state: State, route: Route | None = None) -> None:
    probe.check()
    state.unchanged()
    if route is not None and route.view in REGISTERING_VIEWS:
        assert_email_free(probe.api, probe.marker)


@pytest.fixture
def probe(api, tokens, marker):
    return Probe(api, tokens, marker)


# --- 0. the enumeration itself ----------------------------------------------------


def test_every_route_is_enumerated_and_fillable(world):
    templates = [re.compile("^" + re.sub(r"{\w+}", "[^/]+", r.path) + "$") for r in ROUTES]
    for param in STAFF_ROUTES:
        method, path = param.values[0], param.values[1].format(event=WORKSHOP_ID).split("?")[0]
        assert any(
            route.method == method and pattern.match(path)
            for route, pattern in zip(ROUTES, templates, strict=True)
        ), f"{method} {path} is not enumerated"
    assert len(ROUTES) >= 25
    for route in ROUTES:
        assert "{" not in fill(route, world), route


# --- 1. bodies of 1 MiB and 5 MiB, and JSON nested 10,000 deep ---------------------


def huge_string(marker: str, size: int) -> str:
    return (f"{marker} " * (size // (len(marker) + 1) + 1))[:size]


def huge_array(marker: str, size: int) -> bytes:
    return json.dumps([marker] * (size // (len(marker) + 4))).encode()


DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000


def with_field(body: dict, name: str, raw_value: bytes) -> bytes:
    """The body as JSON with one field's value replaced by raw JSON text."""
    placeholder = "PLACEHOLDER-" + secrets.token_hex(8)
    text = json.dumps({**body, name: placeholder}).encode()
    return text.replace(json.dumps(placeholder).encode(), raw_value)


def hostile_body(kind: str, route: Route, world: World, marker: str, size: int = MIB) -> bytes:
    body = valid_body(route, world, marker)
    name = text_field(route, body)
    if kind == "huge-string-in-field":
        return json.dumps({**body, name: huge_string(marker, size)}).encode()
    if kind == "huge-array":
        return huge_array(marker, size)
    if kind == "huge-array-in-field":
        return with_field(body, name, huge_array(marker, size))
    if kind == "deep-array":
        return DEEP_ARRAY
    if kind == "deep-object":
        return DEEP_OBJECT
    if kind == "deep-in-field":
        return with_field(body, name, DEEP_ARRAY)
    raise AssertionError(kind)


BODY_KINDS = [
    "huge-string-in-field",
    "huge-array",
    "huge-array-in-field",
    "deep-array",
    "deep-object",
    "deep-in-field",
]
# A body sent to a route that reads none is ignored; two kinds show it.
IGNORED_BODY_KINDS = ["huge-array", "deep-array"]


@pytest.mark.parametrize("kind", BODY_KINDS)
@pytest.mark.parametrize("route", [pytest.param(r, id=route_id(r)) for r in BODY_ROUTES])
def test_huge_and_deep_bodies(probe, state, world, route, kind):
    path = fill(route, world, inert=True)
    raw = hostile_body(kind, route, world, probe.marker)
    for token in tokens_for(route):
        reply, request = probe.send(route.method, path, token, raw=raw)
        probe.refused(reply, request)
    finish(probe, state, route)


@pytest.mark.parametrize(
    "route", [pytest.param(r, id=route_id(r)) for r in ROUTES if not r.takes_body]
)
def test_huge_and_deep_bodies_on_routes_that_read_none(probe, state, world, route):
    path = fill(route, world, inert=True)
    for token in tokens_for(route):
        control, _ = probe.send(route.method, path, token)
        for kind in IGNORED_BODY_KINDS:
            raw = hostile_body(kind, route, world, probe.marker)
            reply, request = probe.send(route.method, path, token, raw=raw)
            probe.like(reply, request, control)
    finish(probe, state, route)


FIVE_MIB_VIEWS = {"register", "check_in", "put_event", "walk_in"}


@pytest.mark.parametrize(
    "route",
    [pytest.param(r, id=route_id(r)) for r in BODY_ROUTES if r.view in FIVE_MIB_VIEWS],
)
def test_five_mib_bodies(probe, state, world, route):
    path = fill(route, world, inert=True)
    for kind in ("huge-string-in-field", "huge-array"):
        raw = hostile_body(kind, route, world, probe.marker, size=5 * MIB)
        for token in ("organiser", "none"):
            reply, request = probe.send(route.method, path, token, raw=raw)
            probe.refused(reply, request)
    finish(probe, state, route)


# --- 2. wrong JSON types -------------------------------------------------------------


def confusions(value: Any, nullable: bool) -> list[Any]:
    """Values of every other JSON type (numbers for strings, strings for numbers...)."""
    if isinstance(value, bool):
        out = ["true", 1, 0, 1.0, [], {}]
    elif isinstance(value, int):
        out = [str(value), 1.5, True, [], {}]
    elif isinstance(value, str):
        out = [42, 4.2, True, False, [], {}, [value], {"value": value}]
    elif isinstance(value, list):
        out = ["x", 42, True, {}, {"0": value[0]} if value else {"0": "x"}]
    elif isinstance(value, dict):
        out = ["x", 42, True, [], [value]]
    else:  # null now, e.g. capacity
        out = ["1", 1.5, True, [], {}]
    if not nullable and value is not None:
        out.append(None)
    return out


# Nested places worth a wrong type too: (dotted path, value).
NESTED_CONFUSIONS = {
    "put_event": [
        ("venue.name", 42),
        ("venue.phone", 2139082150),
        ("venue", []),
        ("days.0", []),
        ("days.0.number", "1"),
        ("days.0.number", 1.0),
        ("days.0.number", True),
        ("days.0.date", 20161129),
        ("days.0.opens", 900),
        ("days.0.opens", None),
        ("organisers.0", 1),
        ("organisers.0", None),
        ("capacity", "100"),
    ],
    "register": [("days.0", 20161129), ("days.0", True), ("days.0", None), ("days.0", [DAY1])],
    "walk_in": [("days.0", 1480377600), ("days.0", {"date": DAY1})],
}


def set_path(body: dict, dotted: str, value: Any) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


@pytest.mark.parametrize("route", [pytest.param(r, id=route_id(r)) for r in BODY_ROUTES])
def test_wrong_json_types(probe, state, world, route):
    path = fill(route, world, inert=True)
    body = valid_body(route, world, probe.marker)
    not_null = NOT_NULL.get(route.view, set(body))
    cases = [
        (f"body={shorten(whole)}", whole) for whole in ([], [body], "body", 42, True, None, {})
    ]
    for name, value in body.items():
        for wrong in confusions(value, nullable=name not in not_null):
            cases.append((f"{name}={wrong!r}", {**body, name: wrong}))
    for dotted, wrong in NESTED_CONFUSIONS.get(route.view, []):
        cases.append((f"{dotted}={wrong!r}", set_path(body, dotted, wrong)))
    for token in tokens_for(route):
        for label, sent in cases:
            reply, request = probe.send(route.method, path, token, raw=json.dumps(sent).encode())
            probe.refused(reply, f"[{label}] {request}")
    finish(probe, state, route)


# --- 3. NUL, lone surrogates, invalid UTF-8, bidi override, ZWJ, emoji in fields ------

# Each kind is the raw JSON text of a string value; {m} is the marker.
ODD_KINDS = {
    "nul": '"{m} Si\\u0000ti"',
    "raw-nul-byte": '"{m} Si\x00ti"',  # an unescaped control character: invalid JSON
    "lone-high-surrogate": '"{m} Si\\ud800ti"',
    "lone-low-surrogate": '"{m} Si\\udfffti"',
    "invalid-utf8": b'"{m} Si\xff\xfeti"',
    "overlong-utf8": b'"{m} Si\xc0\xafti"',
    "rlo": '"{m} Si\\u202eti"',
    "zwj": '"{m} Si\\u200dti"',
    "emoji": '"{m} Si\U0001f33fti"',
}
# Refused everywhere: not text at all, or a control character.
BROKEN = ["nul", "raw-nul-byte", "lone-high-surrogate", "lone-low-surrogate", "invalid-utf8"]
BROKEN += ["overlong-utf8"]


def odd_value(kind: str, marker: str, name: str) -> bytes:
    """The odd string for a field; for emails, scan ids and codes with no other flaw."""
    template = ODD_KINDS[kind]
    raw = template if isinstance(template, bytes) else template.encode()
    raw = raw.replace(b"{m}", marker.lower().encode() if name == "email" else marker.encode())
    if name in ("email", "scan_id", "code"):
        raw = raw.replace(b" ", b"")  # "HostileXX Si?ti" -> "HostileXXSi?ti"
    if name == "email":
        raw = raw[:-1] + b'@example.org"'
    return raw


# (view, field, kinds that must be refused). The bidi override (U+202E) turns a
# printed badge, the sign-in sheet or a CSV cell into text that reads backwards;
# like U+2028/U+2029, which the app already refuses, it has no place in a name or
# label. A ZWJ in an email makes a second, invisible spelling of the same address
# (a way round "one registration per email"). ZWJ and emoji are part of real
# names and labels: see test_unicode_that_real_names_use_is_kept_intact.
ODD_FIELD_CASES = [
    ("register", "name", [*BROKEN, "rlo"]),
    ("register", "organisation", [*BROKEN, "rlo"]),
    ("register", "job_title", [*BROKEN, "rlo"]),
    ("register", "display_name", [*BROKEN, "rlo"]),
    ("register", "email", [*BROKEN, "rlo", "zwj"]),
    ("walk_in", "name", [*BROKEN, "rlo"]),
    ("walk_in", "display_name", [*BROKEN, "rlo"]),
    ("walk_in", "email", [*BROKEN, "rlo", "zwj"]),
    ("walk_in", "desk", [*BROKEN, "rlo"]),
    ("walk_in", "scan_id", list(ODD_KINDS)),
    ("check_in", "desk", [*BROKEN, "rlo"]),
    ("check_in", "scan_id", list(ODD_KINDS)),
    ("check_in", "code", list(ODD_KINDS)),
    ("reissue_badge", "reason", [*BROKEN, "rlo"]),
    ("create_desk_token", "label", [*BROKEN, "rlo"]),
    ("put_event", "title", [*BROKEN, "rlo"]),
]


@pytest.mark.parametrize(
    ("route", "name", "kinds"),
    [
        pytest.param(route, name, kinds, id=f"{view}-{name}")
        for view, name, kinds in ODD_FIELD_CASES
        for route in BODY_ROUTES
        if route.view == view
    ],
)
def test_odd_characters_in_body_fields(probe, state, world, route, name, kinds):
    token = "none" if not route.staff else "organiser"
    path = fill(route, world, inert=True)
    for kind in kinds:
        body = valid_body(route, world, probe.marker)  # a fresh scan_id each time
        raw = with_field(body, name, odd_value(kind, probe.marker, name))
        reply, request = probe.send(route.method, path, token, raw=raw)
        probe.refused(reply, f"[{name}: {kind}] {request}")
    finish(probe, state, route)


@pytest.fixture
def scratch_event(api, organiser, world):
    event_id = "hostile-scratch-" + secrets.token_hex(4)
    reply = api.put(f"/events/{event_id}", {**world.workshop_doc, "id": event_id}, token=organiser)
    assert reply.status == 201, reply
    return event_id


KEPT_NAMES = [
    pytest.param("Siti 🌿 Rahmawati", id="emoji"),
    pytest.param("👩‍🔬 Đỗ Thị Hương", id="zwj-emoji-sequence"),
    pytest.param("محمد\u200cعبد الله", id="zwnj-arabic"),
    pytest.param("क्\u200dष Devi", id="zwj-devanagari"),
    pytest.param("🇮🇩🏳️‍🌈", id="flags-only"),
]


@pytest.mark.parametrize("name", KEPT_NAMES)
def test_unicode_that_real_names_use_is_kept_intact(api, organiser, scratch_event, name):
    """Pinned: emoji, ZWJ and ZWNJ are accepted in names and labels, stored exactly,
    and no route that renders them (PDFs, CSV, SVG, search) fails on them."""
    body = registration_body(
        name=name, display_name=name, organisation=f"Org {name}", email="kept@example.org"
    )
    registered = api.post(f"/events/{scratch_event}/registrations", body)
    assert registered.status == 201, registered
    code, attendee_id = badge_code(registered.json), registered.json["attendee_id"]
    assert registered.json["name"] == unicodedata.normalize("NFC", name)
    assert registered.json["display_name"] == unicodedata.normalize("NFC", name)
    label = f"Meja {name}"[:64]
    desk = api.post(f"/events/{scratch_event}/desk-tokens", {"label": label}, token=organiser)
    assert desk.status == 201 and desk.json["label"] == unicodedata.normalize("NFC", label), desk
    scan = api.post(
        f"/events/{scratch_event}/checkins",
        {"code": code, "scan_id": new_scan_id()},
        token=desk.json["token"],
    )
    assert scan.status == 201, scan
    assert api.get(f"/badges/{code}").json["name"] == unicodedata.normalize("NFC", name)
    pdf = {"Accept": "*/*"}
    for path in (
        f"/badges/{code}/qr.png",
        f"/badges/{code}/badge.pdf",
        f"/events/{scratch_event}/attendees/{attendee_id}",
        f"/events/{scratch_event}/attendees?q=org",
        f"/events/{scratch_event}/attendees",
        f"/events/{scratch_event}/badges.pdf",
        f"/events/{scratch_event}/sign-in-sheet.pdf?date={DAY1}",
        f"/events/{scratch_event}/scans",
        f"/events/{scratch_event}/attendance/report",
        f"/events/{scratch_event}/attendance.csv",
        f"/events/{scratch_event}/arrivals.svg?date={DAY1}",
        f"/events/{scratch_event}/desk-tokens",
    ):
        reply = api.get(path, token=organiser, headers=pdf)
        assert reply.status < 400, (path, reply)


def test_emoji_in_an_email_is_accepted_and_still_unique(api, scratch_event):
    """Pinned: the app accepts non-ASCII local parts (RFC 6531 addresses); uniqueness holds."""
    path = f"/events/{scratch_event}/registrations"
    first = api.post(path, registration_body(email="siti🌿@example.org"))
    assert first.status == 201, first
    again = api.post(path, registration_body(email="  SITI🌿@Example.ORG "))
    assert (again.status, again.error_code) == (409, "already_registered"), again


# --- 4. path parameters ----------------------------------------------------------------

# As URL text. The Chalice test client does not percent-decode path parameters:
# the app receives "%2F" as those three characters. API Gateway decodes them
# (see DECODED_SEGMENTS, sent through gateway_decoding).
RAW_SEGMENTS = {
    "dot": ".",
    "dotdot": "..",
    "encoded-slash": "%2F",
    "encoded-traversal": "..%2F..%2Fhealth",
    "double-encoded": "%252F",
    "encoded-nul": "%00",
    "id-then-nul": f"{WORKSHOP_ID}%00",
    "bad-escape": "%ZZ",
    "lone-percent": "%",
    "2000-chars": "x" * 2000,
    "2000-emoji": "🌿" * 2000,
    "unicode": "Đỗ-Thị",
    "emoji": "🌿",
    "rlo": "\u202e" + WORKSHOP_ID,
    "zwj": WORKSHOP_ID + "\u200d",
    "space": "a%20b",
    "empty": "",
}
# What the app receives from API Gateway, which percent-decodes path parameters.
DECODED_SEGMENTS = {
    "traversal": "../health",
    "deep-traversal": "../../../../etc/passwd",
    "slash": "/",
    "id-slash": WORKSHOP_ID + "/",
    "nul": "\x00",
    "id-then-nul": WORKSHOP_ID + "\x00",
    "id-then-space": WORKSHOP_ID + " ",
    "id-upper": WORKSHOP_ID.upper(),
    "2000-chars": "y" * 2000,
    "2000-emoji": "🐘" * 2000,
    "unicode": "Đỗ Thị Hương",
    "rlo": "\u202e" + WORKSHOP_ID,
    "zwj": WORKSHOP_ID + "\u200d",
    "crlf": "a\r\nb",
}


@pytest.fixture
def gateway_decoding(api, monkeypatch):
    """Make the test client hand the app percent-decoded path parameters, as API Gateway does."""
    converter = api.http._local_gateway.event_converter
    original = converter.create_lambda_event

    def create_lambda_event(*args, **kwargs):
        event = original(*args, **kwargs)
        event["pathParameters"] = {
            name: unquote(value) for name, value in (event["pathParameters"] or {}).items()
        }
        return event

    monkeypatch.setattr(converter, "create_lambda_event", create_lambda_event)


PATH_CASES = [
    pytest.param(route, name, id=f"{route_id(route)}-{name}") for route, name in PARAM_SLOTS
]


def send_with_param(probe, world, route, name, label, segment) -> None:
    # The other parameters are real (the workshop, its checked-in attendee, a live
    # desk token): a hostile value must not reach them.
    path = fill(route, world, **{name: segment})
    body = valid_body(route, world, probe.marker) if route.takes_body else None
    for token in tokens_for(route):
        reply, request = probe.send(route.method, path, token, body=body)
        probe.refused(reply, f"[{name}={label}] {request}")


@pytest.mark.parametrize(("route", "name"), PATH_CASES)
def test_hostile_path_parameters(probe, state, world, route, name):
    for label, segment in RAW_SEGMENTS.items():
        if segment == "" and route.path.endswith("{" + name + "}"):
            continue  # "/badges/" is "/badges" to both gateways: no route, the app never runs
        send_with_param(probe, world, route, name, label, segment)
    probe.check()
    state.unchanged()


@pytest.mark.parametrize(("route", "name"), PATH_CASES)
def test_hostile_path_parameters_as_api_gateway_decodes_them(
    probe, state, world, gateway_decoding, route, name
):
    for label, value in DECODED_SEGMENTS.items():
        send_with_param(probe, world, route, name, label, quote(value, safe=""))
    probe.check()
    state.unchanged()


@pytest.mark.parametrize(
    "path",
    [
        f"/events/{WORKSHOP_ID}/../health",
        "/events/../../etc/passwd",
        f"/events/{WORKSHOP_ID}/attendance/../attendance.csv",
        "/badges/A/B/C/qr.png",
        f"/events/{WORKSHOP_ID}/desk-tokens/a/b",
    ],
)
def test_paths_that_match_no_route_never_reach_the_app(api, organiser, path):
    # A "../" that adds or removes a segment matches no route: the gateway answers
    # 403 itself ({"message": "Missing Authentication Token"}, or, with an
    # Authorization header, a message that quotes that header back, as API
    # Gateway does). Hadir never runs, so only the status is Hadir's concern.
    for token in (organiser, None):
        reply = api.get(path, token=token)
        assert 400 <= reply.status < 500, (path, reply)


# --- 5. duplicate JSON keys: pinned, the last occurrence counts -------------------------


def test_duplicate_keys_in_a_registration_the_last_one_counts(api, marker):
    """Pinned: pydantic's JSON parser keeps a repeated key's last value, like json.loads."""
    first, last = f"{marker.lower()}.first@example.org", f"{marker.lower()}.last@example.org"
    raw = (
        f'{{"name": "{marker} Dup", "email": "{first}", "email": "{last}",'
        f' "organisation": "Org", "consent": true}}'
    ).encode()
    reply = api.post(f"/events/{WORKSHOP_ID}/registrations", raw=raw)
    assert reply.status == 201, reply
    taken = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body(email=last))
    assert (taken.status, taken.error_code) == (409, "already_registered"), taken
    free = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body(email=first))
    assert free.status == 201, free
    # An escaped spelling of the same key is the same key.
    raw = raw.replace(b'"email": "' + last.encode(), b'"\\u0065mail": "' + last.encode())
    raw = raw.replace(first.encode(), f"{marker.lower()}.third@example.org".encode())
    again = api.post(f"/events/{WORKSHOP_ID}/registrations", raw=raw)
    assert (again.status, again.error_code) == (409, "already_registered"), again


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        pytest.param(
            '{"name": "{m}", "email": "{e}", "organisation": "O", "consent": true,'
            ' "consent": false}',
            422,
            "validation_error",
            id="consent-true-then-false",
        ),
        pytest.param(
            '{"name": "{m}", "email": "{e}", "Email": "{e}", "organisation": "O", "consent": true}',
            422,
            "validation_error",
            id="key-differing-in-case",
        ),
        pytest.param(
            '{"name": "{m}", "email": "{e}", "organisation": "O", "consent": true, "name": 42}',
            422,
            "validation_error",
            id="valid-then-wrong-type",
        ),
    ],
)
def test_duplicate_keys_whose_last_value_is_invalid_are_422(probe, state, raw, status, code):
    text = raw.replace("{m}", probe.marker).replace("{e}", f"{probe.marker.lower()}@example.org")
    path = f"/events/{WORKSHOP_ID}/registrations"
    reply, request = probe.send("POST", path, raw=text.encode())
    probe.refused(reply, request, status=status, code=code)
    finish(probe, state, Route("POST", path, "register", False))


def test_duplicate_keys_in_a_checkin_the_last_code_counts(api, desk_token, world):
    forged = "A" * 40
    raw = '{{"code": "{}", "code": "{}", "scan_id": "{}"}}'
    path = f"/events/{WORKSHOP_ID}/checkins"
    reply = api.post(
        path, raw=raw.format(forged, world.code, new_scan_id()).encode(), token=desk_token
    )
    assert (reply.status, reply.json["result"]) == (200, "already_checked_in"), reply
    reply = api.post(
        path, raw=raw.format(world.code, forged, new_scan_id()).encode(), token=desk_token
    )
    assert (reply.status, reply.error_code) == (404, "badge_not_found"), reply


def test_duplicate_keys_in_a_desk_label_and_an_event_id(api, organiser, world):
    path = f"/events/{WORKSHOP_ID}/desk-tokens"
    reply = api.post(path, raw=b'{"label": "First", "label": "Second"}', token=organiser)
    assert (reply.status, reply.json["label"]) == (201, "Second"), reply
    assert api.delete(f"{path}/{reply.json['id']}", token=organiser).status == 204
    doc = json.dumps(world.workshop_doc)
    raw = doc.replace('"id": ', '"id": "not-this-event", "id": ', 1).encode()
    assert api.put(f"/events/{WORKSHOP_ID}", raw=raw, token=organiser).status == 200
    raw = doc.replace(f'"id": "{WORKSHOP_ID}"', f'"id": "{WORKSHOP_ID}", "id": "other"', 1)
    reply = api.put(f"/events/{WORKSHOP_ID}", raw=raw.encode(), token=organiser)
    assert (reply.status, reply.error_code) == (422, "validation_error"), reply


# --- 6. Content-Type ------------------------------------------------------------------

CONTENT_TYPES = [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----hadir",
    "application/xml",
    "application/jsonx",
]


def body_as(content_type: str, body: dict) -> bytes:
    raw = json.dumps(body).encode()
    if content_type.startswith("application/x-www-form"):
        return "&".join(f"{k}={quote(str(v))}" for k, v in body.items()).encode()
    if content_type.startswith("multipart"):
        part = b'------hadir\r\nContent-Disposition: form-data; name="json"\r\n\r\n'
        return part + raw + b"\r\n------hadir--\r\n"
    return raw


@pytest.mark.parametrize("route", [pytest.param(r, id=route_id(r)) for r in BODY_ROUTES])
def test_wrong_content_type_is_refused(probe, state, world, route):
    path = fill(route, world, inert=True)
    body = valid_body(route, world, probe.marker)
    for content_type in CONTENT_TYPES:
        raw = body_as(content_type, body)
        for token in tokens_for(route):
            reply, request = probe.send(
                route.method, path, token, raw=raw, content_type=content_type
            )
            if token == "organiser":
                probe.refused(reply, request, status=415, code="unsupported_media_type")
            else:
                probe.refused(reply, request)
    finish(probe, state, route)


@pytest.mark.parametrize("route", [pytest.param(r, id=route_id(r)) for r in BODY_ROUTES])
def test_json_in_another_encoding_is_refused(probe, state, world, route):
    body = valid_body(route, world, probe.marker)
    path = fill(route, world, inert=True)
    for content_type, raw in [
        ("application/json; charset=utf-16", json.dumps(body).encode("utf-16")),
        ("application/json", json.dumps(body, ensure_ascii=False).encode("utf-32")),
        ("application/json; charset=latin-1", json.dumps(body).encode() + b"\xe9"),
    ]:
        reply, request = probe.send(
            route.method, path, "organiser", raw=raw, content_type=content_type
        )
        probe.refused(reply, request)
    finish(probe, state, route)


def test_missing_content_type_is_read_as_json(api, organiser, marker, world):
    """Pinned: Chalice reads a body without Content-Type as JSON (its default);
    bad JSON is then refused as with the header, and good JSON is accepted."""

    def post(path, body, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return Reply(api.http.request("POST", path, headers=headers, body=raw))

    path = f"/events/{WORKSHOP_ID}/registrations"
    refused = post(path, b"[" * 10_000 + b"]" * 10_000)
    assert_error(refused, 400, "invalid_json", personal=(marker,))
    refused = post(path, registration_body(name=marker, email=f"{marker}@example.org", consent=1))
    assert_error(refused, 422, "validation_error", personal=(marker,))
    accepted = post(path, registration_body(email=f"{marker.lower()}@example.org"))
    assert accepted.status == 201, accepted
    again = post(path, registration_body(email=f"{marker.lower()}@example.org"))
    assert (again.status, again.error_code) == (409, "already_registered"), again
    label = post(f"/events/{WORKSHOP_ID}/desk-tokens", {"label": "D" * 65}, organiser)
    assert_error(label, 422, "validation_error")


# --- 7. badge codes -----------------------------------------------------------------------

FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"}


def code_variants(world: World) -> dict[str, str]:
    code = world.code
    return {
        "forged-random": "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in code),
        "forged-other-secret": issue_code(b"not-the-badge-secret", world.attendee_id, 0),
        "forged-other-secret-next-serial": issue_code(b"guess", world.attendee_id, 1),
        "truncated-39": code[:-1],
        "truncated-20": code[:20],
        "truncated-1": code[:1],
        "altered-0": altered(code, 0),
        "altered-1": altered(code, 1),
        "altered-20": altered(code, 20),
        "altered-39": altered(code, 39),
        # A code is read case-insensitively: changed, then lower-cased, it is still changed.
        "altered-lowercase": altered(code, 5).lower(),
        "altered-mixed-case": altered(code, 30)[:20].lower() + altered(code, 30)[20:],
        "padded-equals": code + "=",
        "padded-4-equals": code + "====",
        "padded-prefix": "A" + code,
        "padded-suffix": code + "A",
        "doubled": code + code,
        "nul-suffix": code + "\x00",
        "zwj-suffix": code + "\u200d",
        "fullwidth": "".join(FULLWIDTH.get(c, c) for c in code),
        "cyrillic-lookalike": "\u0410" + code[1:] if code[0] == "A" else code[:-1] + "\u0410",
        "rlo-reversed": "\u202e" + code[::-1],
        "2000-chars": code * 50,
        "with-slash-encoded": code[:20] + "/" + code[20:],
    }


VARIANT_NAMES = list(code_variants(World("a" * 16, "A" * 40, "", "", "", {})))


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_forged_and_altered_badge_codes(probe, state, world, variant):
    code = code_variants(world)[variant]
    for view in ("badge", "badge_qr", "badge_pdf"):
        route = next(route for route in ROUTES if route.view == view)
        reply, request = probe.send("GET", fill(route, world, code=quote(code, safe="")))
        probe.refused(reply, request, status=404, code="badge_not_found")
    for token in ("organiser", "desk"):
        body = {"code": code, "scan_id": new_scan_id()}
        reply, request = probe.send("POST", f"/events/{WORKSHOP_ID}/checkins", token, body=body)
        if len(code) > 512:  # longer than any code could be: a validation error
            probe.refused(reply, request, status=422, code="validation_error")
        else:
            probe.refused(reply, request, status=404, code="badge_not_found")
    probe.check()
    state.unchanged()


def test_a_real_badge_of_another_event_is_wrong_event_at_the_door(probe, state, world):
    for token in ("organiser", "desk"):
        body = {"code": world.other_code, "scan_id": new_scan_id(), "desk": "Desk X"}
        reply, request = probe.send("POST", f"/events/{WORKSHOP_ID}/checkins", token, body=body)
        probe.refused(reply, request, status=409, code="wrong_event")
        body = {"attendee_id": world.other_attendee_id, "scan_id": new_scan_id()}
        reply, request = probe.send("POST", f"/events/{WORKSHOP_ID}/checkins", token, body=body)
        probe.refused(reply, request, status=(404, 409))
    # The badge itself is real: public routes show it (the code is the secret).
    assert probe.api.get(f"/badges/{world.other_code}").status == 200
    probe.check()
    state.unchanged()


def test_whitespace_around_a_scanned_code_is_ignored(api, register, desk_token, marker):
    """Pinned: scanners append CR/LF; the server strips whitespace around a code."""
    registration = register(email=f"{marker.lower()}@example.org")
    code = badge_code(registration)
    path = f"/events/{WORKSHOP_ID}/checkins"
    first = api.post(path, {"code": f"  {code}\r\n", "scan_id": new_scan_id()}, token=desk_token)
    assert first.status == 201, first
    again = api.post(path, {"code": code, "scan_id": new_scan_id()}, token=desk_token)
    assert (again.status, again.json["result"]) == (200, "already_checked_in"), again


# --- 8. query strings -----------------------------------------------------------------------


def other_cursor(api, organiser) -> str:
    reply = api.get(f"/events/{OTHER_ID}/attendees?limit=1", token=organiser)
    assert reply.status == 200 and reply.json["next"], reply
    return reply.json["next"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def hostile_queries(api, organiser, world) -> dict[str, str]:
    cursor = other_cursor(api, organiser)
    return {
        "limit-negative": "limit=-1",
        "limit-zero": "limit=0",
        "limit-huge": "limit=" + "9" * 400,
        "limit-exponent": "limit=1e3",
        "limit-float": "limit=1.5",
        "limit-text": "limit=abc",
        "limit-nul": "limit=%00",
        "limit-repeated": "limit=5&limit=-5",
        "date-word": "date=yesterday",
        "date-impossible": "date=2016-13-45",
        "date-feb-30": "date=2016-02-30",
        "date-nul": "date=%00",
        "date-then-nul": f"date={DAY1}%00",
        "date-10kb": "date=" + "2" * 10_240,
        "date-repeated": f"date={DAY1}&date=garbage",
        "next-random-base64": "next=" + b64(secrets.token_bytes(48)),
        "next-other-event": "next=" + cursor,
        "next-10kb": "next=" + "A" * 10_240,
        "next-nul": "next=%00",
        "next-invalid-utf8": "next=%FF%FE",
        "next-not-base64": "next=!!!",
        "q-nul": "q=%00%00",
        "q-10kb": "q=" + "q" * 10_240,
        "layout-unknown": "layout=a5",
        "layout-nul": "layout=%00",
        "result-traversal": "result=..%2F",
        "attendee-id-nul": "attendee_id=%00",
        "attendee-id-2000": "attendee_id=" + "b" * 2000,
        "unknown-param": "foo=bar",
        "nul-name": "%00=1",
    }


IGNORED_QUERY_SAMPLE = ["limit-repeated", "date-then-nul", "next-10kb", "q-nul", "nul-name"]


@pytest.mark.parametrize("route", [pytest.param(r, id=route_id(r)) for r in GET_ROUTES])
def test_hostile_query_strings(probe, state, world, organiser, route):
    base = fill(route, world)
    joiner = "&" if "?" in base else "?"
    queries = hostile_queries(probe.api, organiser, world)
    if route.view not in QUERY_VIEWS:  # ignored: a sample is enough
        queries = {label: queries[label] for label in IGNORED_QUERY_SAMPLE}
    for token in tokens_for(route):
        control, _ = probe.send("GET", base, token)
        for label, query in queries.items():
            reply, request = probe.send("GET", base + joiner + query, token)
            request = f"[{label}] {request}"
            if route.view in QUERY_VIEWS:
                probe.refused(reply, request)
            else:  # a route that reads no query string ignores it
                probe.refused_or_like(reply, request, control)
    probe.check()
    state.unchanged()


@pytest.mark.parametrize("listing_path", ["attendees", "scans"])
def test_garbage_paging_cursors(probe, state, world, organiser, listing_path):
    path = f"/events/{WORKSHOP_ID}/{listing_path}"
    elsewhere = "scans" if listing_path == "attendees" else "attendees"
    foreign = probe.api.get(f"/events/{WORKSHOP_ID}/{elsewhere}?limit=1", token=organiser)
    assert foreign.json["next"], foreign
    own = probe.api.get(f"{path}?limit=1", token=organiser)
    assert own.status == 200 and own.json["next"], own
    decoded = json.loads(base64.urlsafe_b64decode(own.json["next"] + "=="))
    cursors = {
        "random-base64": b64(secrets.token_bytes(64)),
        "other-event": other_cursor(probe.api, organiser),
        "other-listing": foreign.json["next"],
        "10kb": "A" * 10_240,
        "json-list": b64(b"[1, 2, 3]"),
        "json-deep": b64(b"[" * 750 + b"]" * 750),
        "json-object-deep": b64(b'{"a":' * 200 + b"1" + b"}" * 200),
        "json-non-string-values": b64(json.dumps(dict.fromkeys(decoded, 1)).encode()),
        "json-extra-key": b64(json.dumps({**decoded, "x": "y"}).encode()),
        "json-other-partition": b64(
            json.dumps({k: v.replace(WORKSHOP_ID, OTHER_ID) for k, v in decoded.items()}).encode()
        ),
        "invalid-utf8": b64(b"\xff\xfe\xfd"),
        "nul": quote("\x00"),
        "padding-only": "====",
        "marker": probe.marker,
    }
    for label, cursor in cursors.items():
        reply, request = probe.send("GET", f"{path}?next={cursor}", "organiser")
        probe.refused(reply, f"[{label}] {request}", status=422, code="validation_error")
    ok = probe.api.get(f"{path}?limit=1&next={own.json['next']}", token=organiser)
    assert ok.status == 200, ok
    probe.check()
    state.unchanged()


def test_repeated_query_params_the_last_one_counts(api, organiser, world):
    """Pinned: a repeated parameter takes its last value (as API Gateway's
    queryStringParameters does), except attendee_id, which repeats by design."""
    attendees = f"/events/{WORKSHOP_ID}/attendees"
    assert api.get(f"{attendees}?limit=500&limit=5", token=organiser).status == 200
    assert api.get(f"{attendees}?limit=5&limit=500", token=organiser).error_code == (
        "validation_error"
    )
    scans = f"/events/{WORKSHOP_ID}/scans"
    assert api.get(f"{scans}?date=garbage&date={DAY1}", token=organiser).status == 200
    assert api.get(f"{scans}?date={DAY1}&date=garbage", token=organiser).status == 422
    pdf = f"/events/{WORKSHOP_ID}/badges.pdf?attendee_id={world.attendee_id}"
    reply = api.get(f"{pdf}&layout=a5&layout=a6", token=organiser, headers={"Accept": "*/*"})
    assert reply.status == 200, reply
    reply = api.get(f"{pdf}&layout=a6&layout=a5", token=organiser, headers={"Accept": "*/*"})
    assert reply.status == 422, reply


SEARCH_TEXT = {
    "rlo": "%E2%80%AEsiti",
    "zwj": "si%E2%80%8Dti",
    "emoji": "%F0%9F%8C%BF%F0%9F%8C%BF",
    "nul-inside": "si%00ti",
    "invalid-utf8": "%FF%FEsiti",
    "surrogate-bytes": "%ED%A0%80siti",
    "only-spaces": "%20%20%20",
    "traversal": "..%2F..%2F",
    "sql-ish": "'%20OR%201%3D1%20--",
    "regex-ish": ".*%5B(",
    "200-chars": "s" * 200,
}


def test_odd_search_text_is_answered_or_refused_never_5xx(probe, state, world):
    """Search text is free text: a result (200) or a 422, never a 5xx, never an echo."""
    path = f"/events/{WORKSHOP_ID}/attendees"
    for token in ("organiser", "desk"):
        for label, text in {**SEARCH_TEXT, "marker": quote(probe.marker)}.items():
            reply, request = probe.send("GET", f"{path}?q={text}", token)
            if reply.status == 200:
                if probe.marker.lower() in text_of(reply).lower():
                    probe.fail(f"[{label}] {request}", reply, "echoes the search text")
                continue
            probe.refused(reply, f"[{label}] {request}", status=422)
    probe.check()
    state.unchanged()


# --- 9. runtime guard ----------------------------------------------------------------------


def test_a_five_mib_body_is_refused_without_touching_the_table(api, marker, dynamodb):
    raw = json.dumps(registration_body(name=huge_string(marker, 5 * MIB))).encode()
    calls = []

    def record(model, **_):
        calls.append(model.name)

    dynamodb.meta.events.register("before-call.dynamodb", record)
    try:
        reply = api.post(f"/events/{WORKSHOP_ID}/registrations", raw=raw)
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", record)
    assert reply.status == 422, reply
    assert calls == [], "refused on parsing, before any DynamoDB request"
