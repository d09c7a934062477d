"""What each staff route costs in DynamoDB requests, auth included, counted by a botocore hook.

Staff authenticate in the app: the organiser token is compared with its hash
(no request), and a desk or kiosk token is read in the same request as the
route's own first read. So a desk token costs what the organiser token costs,
and a check-in is two requests in all (one BatchGetItem, one
TransactWriteItems), a replayed scan_id one.
"""

from __future__ import annotations

import pytest

from tests.support.api import badge_code
from tests.support.values import DAY1, WORKSHOP_ID, new_scan_id, registration_body

EVENT = f"/events/{WORKSHOP_ID}"


@pytest.fixture
def kiosk_token(api, organiser):
    body = {"label": "Pintu / Door", "role": "kiosk"}
    reply = api.post(f"{EVENT}/desk-tokens", body, token=organiser)
    assert reply.status == 201, reply
    return reply.json["token"]


@pytest.fixture
def cost(api, requests_made):
    """cost(method, path, token, body=None, status=...) -> the requests it made."""

    def cost(method, path, token, body=None, status=200):
        headers = {"Accept": "application/pdf"} if ".pdf" in path else None
        requests_made.clear()
        reply = api.call(method, path, body=body, token=token, headers=headers)
        assert reply.status == status, reply
        return dict(requests_made)

    return cost


def checkin_body(person, scan_id=None):
    return {"code": badge_code(person), "scan_id": scan_id or new_scan_id()}


# --- check-in: 2 requests, a replay 1 -------------------------------------------


@pytest.mark.parametrize("caller", ["desk", "kiosk", "organiser"])
def test_a_checkin_is_two_requests_in_all_and_a_replay_one(
    cost, register, caller, desk_token, kiosk_token, organiser
):
    token = {"desk": desk_token, "kiosk": kiosk_token, "organiser": organiser}[caller]
    siti = register()
    body = checkin_body(siti)
    new = {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert cost("POST", f"{EVENT}/checkins", token, body, 201) == new
    assert cost("POST", f"{EVENT}/checkins", token, body, 201) == {"BatchGetItem": 1}
    # Already in: the read, and the scan's log entry.
    again = {"BatchGetItem": 1, "PutItem": 1}
    assert cost("POST", f"{EVENT}/checkins", token, checkin_body(siti), 200) == again


def test_a_refused_token_on_a_checkin_is_its_one_read(cost, register, organiser, api):
    siti = register()
    body = checkin_body(siti)
    made = api.post(f"{EVENT}/desk-tokens", {"label": "Old"}, token=organiser).json
    api.delete(f"{EVENT}/desk-tokens/{made['id']}", token=organiser)
    assert cost("POST", f"{EVENT}/checkins", made["token"], body, 401) == {"BatchGetItem": 1}
    # No token at all, or the organiser's mistyped: decided without the store.
    assert cost("POST", f"{EVENT}/checkins", None, body, 401) == {}


def test_a_kiosk_checkin_by_attendee_id_is_refused_on_its_one_read(cost, register, kiosk_token):
    siti = register()
    body = {"attendee_id": siti["attendee_id"], "scan_id": new_scan_id()}
    assert cost("POST", f"{EVENT}/checkins", kiosk_token, body, 403) == {"BatchGetItem": 1}


def test_a_checkin_with_a_bad_body_reads_the_token_alone_first(cost, desk_token):
    assert cost("POST", f"{EVENT}/checkins", desk_token, {"scan_id": "x"}, 422) == {"GetItem": 1}


# --- desk routes: a desk token costs what the organiser's does -------------------


def desk_route_costs(cost, register, token, tag):
    """Each desk route's requests with `token`, on people of its own (`tag`)."""
    siti = register(email=f"siti-{tag}@example.org")
    attendee = f"{EVENT}/attendees/{siti['attendee_id']}"
    walk_in = registration_body(email=f"walk-{tag}@example.org", name=f"Walk {tag}")
    walk_in_now = {
        **registration_body(email=f"now-{tag}@example.org", name=f"Now {tag}"),
        "check_in": True,
        "scan_id": new_scan_id(),
    }
    return {
        "search": cost("GET", f"{EVENT}/attendees?q=siti", token),
        "attendee": cost("GET", attendee, token),
        "walk-in": cost("POST", f"{EVENT}/attendees", token, walk_in, 201),
        "walk-in, checked in": cost("POST", f"{EVENT}/attendees", token, walk_in_now, 201),
        "reissue": cost("POST", f"{attendee}/badge", token, {"reason": "lost"}, 201),
        "sign-in sheet": cost("GET", f"{EVENT}/sign-in-sheet.pdf?date={DAY1}", token),
    }


def test_desk_routes_cost_the_same_with_a_desk_token_as_with_the_organisers(
    cost, register, desk_token, organiser
):
    by_desk = desk_route_costs(cost, register, desk_token, "desk")
    by_organiser = desk_route_costs(cost, register, organiser, "organiser")
    # The desk token's lookup joins the event's read (a BatchGetItem instead of a GetItem).
    assert by_desk == {
        "search": {"BatchGetItem": 2, "Query": 1},  # the event, then the people found
        # and their payments, and their emails (issue 21)
        "attendee": {"BatchGetItem": 1, "GetItem": 1, "Query": 2},
        "walk-in": {"BatchGetItem": 1, "TransactWriteItems": 1},
        "walk-in, checked in": {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1},
        "reissue": {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1},
        "sign-in sheet": {"BatchGetItem": 1, "Query": 1},
    }
    assert by_organiser == {
        "search": {"GetItem": 1, "BatchGetItem": 1, "Query": 1},
        "attendee": {"GetItem": 2, "Query": 2},
        "walk-in": {"GetItem": 1, "TransactWriteItems": 1},
        "walk-in, checked in": {"GetItem": 2, "TransactWriteItems": 1},
        "reissue": {"GetItem": 2, "TransactWriteItems": 1},
        "sign-in sheet": {"GetItem": 1, "Query": 1},
    }
    for route, requests in by_desk.items():
        assert sum(requests.values()) == sum(by_organiser[route].values()), route


# --- organiser routes: the organiser token costs nothing ------------------------


def test_organiser_routes_cost_only_their_own_requests(cost, api, register, organiser):
    siti = register()
    budi = register(email="budi@example.org", name="Budi Santoso")
    api.post(f"{EVENT}/checkins", checkin_body(siti), token=organiser)
    token_id = api.post(f"{EVENT}/desk-tokens", {"label": "Z"}, token=organiser).json["id"]
    event = api.get(EVENT).json
    costs = {
        "put event": cost("PUT", EVENT, organiser, event),
        "badges.pdf": cost("GET", f"{EVENT}/badges.pdf?layout=a6&mark_printed=true", organiser),
        "badges.pdf preview": cost("GET", f"{EVENT}/badges.pdf?layout=a6", organiser),
        "undo": cost("DELETE", f"{EVENT}/checkins/{siti['attendee_id']}/{DAY1}", organiser),
        "cancel": cost("DELETE", f"{EVENT}/attendees/{budi['attendee_id']}", organiser),
        "scans": cost("GET", f"{EVENT}/scans", organiser),
        "attendance": cost("GET", f"{EVENT}/attendance", organiser),
        "report": cost("GET", f"{EVENT}/attendance/report", organiser),
        "attendance.csv": cost("GET", f"{EVENT}/attendance.csv", organiser),
        "arrivals.svg": cost("GET", f"{EVENT}/arrivals.svg?date={DAY1}", organiser),
        "create token": cost("POST", f"{EVENT}/desk-tokens", organiser, {"label": "Q"}, 201),
        "list tokens": cost("GET", f"{EVENT}/desk-tokens", organiser),
        "revoke token": cost("DELETE", f"{EVENT}/desk-tokens/{token_id}", organiser, None, 204),
    }
    assert costs == {
        # The event as it was: which days the new document drops (event_day_in_use).
        "put event": {"GetItem": 1, "UpdateItem": 1},
        "badges.pdf": {"GetItem": 1, "Query": 1, "TransactWriteItems": 1},
        "badges.pdf preview": {"GetItem": 1, "Query": 1},
        "undo": {"GetItem": 2, "TransactWriteItems": 1},
        "cancel": {"GetItem": 2, "TransactWriteItems": 1},
        "scans": {"GetItem": 1, "Query": 1},
        "attendance": {"GetItem": 1},
        "report": {"GetItem": 1},
        "attendance.csv": {"GetItem": 1, "Query": 1},
        "arrivals.svg": {"GetItem": 1},
        "create token": {"GetItem": 1, "TransactWriteItems": 1},
        "list tokens": {"GetItem": 1, "Query": 1},
        "revoke token": {"GetItem": 2, "TransactWriteItems": 1},
    }


ORGANISER_ONLY = [
    ("PUT", ""),
    ("GET", "/badges.pdf?layout=a6"),
    ("DELETE", "/checkins/" + "a" * 16 + "/" + DAY1),
    ("DELETE", "/attendees/" + "a" * 16),
    ("GET", "/scans"),
    ("GET", "/attendance"),
    ("GET", "/attendance/report"),
    ("GET", "/attendance.csv"),
    ("GET", f"/arrivals.svg?date={DAY1}"),
    ("POST", "/desk-tokens"),
    ("GET", "/desk-tokens"),
    ("DELETE", "/desk-tokens/0123456789abcdef"),
]


@pytest.mark.parametrize(("method", "tail"), ORGANISER_ONLY)
def test_a_desk_token_on_an_organiser_route_is_refused_after_one_read(
    cost, api, desk_token, method, tail
):
    body = {"label": "Q"} if tail == "/desk-tokens" and method == "POST" else None
    if method == "PUT":
        body = api.get(EVENT).json
    assert cost(method, f"{EVENT}{tail}", desk_token, body, 403) == {"GetItem": 1}
