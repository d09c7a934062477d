"""Staff authentication inside the app (no API Gateway authorizer), and kiosk tokens.

The organiser token is compared with its configured hash; a desk or kiosk token
is read with the route's own first read. Every refusal is the contract's
envelope, a revoked token is refused on its very next request, and a kiosk
token checks in by badge code and sees the person's greeting, nothing more.
"""

from __future__ import annotations

from collections import Counter

import pytest

import app as app_module
from chalicelib.core.auth import DESK, KIOSK, NOBODY, ORGANISER, Gate, Staff, hash_token, require
from chalicelib.core.errors import Refusal
from chalicelib.core.records import StaffToken
from tests.support.api import assert_error, assert_validation, badge_code, checkin
from tests.support.values import ORGANISER_TOKEN, WORKSHOP_ID, new_scan_id

EVENT = f"/events/{WORKSHOP_ID}"
ORGANISER_HASH = hash_token(ORGANISER_TOKEN)


def mint(api, organiser, role=None, label="Pintu / Door"):
    body = {"label": label} if role is None else {"label": label, "role": role}
    reply = api.post(f"{EVENT}/desk-tokens", body, token=organiser)
    assert reply.status == 201, reply
    return reply.json


@pytest.fixture
def kiosk_token(api, organiser):
    return mint(api, organiser, "kiosk")["token"]


# --- who is asking: decided without the store where it can be ------------------


def test_the_organiser_and_no_token_are_known_without_a_lookup():
    organiser = Gate.of(f"Bearer {ORGANISER_TOKEN}", ORGANISER_HASH, DESK, WORKSHOP_ID)
    assert organiser.token_hash is None
    assert organiser.admit().role == ORGANISER
    for header in (None, "", "Bearer", "Bearer ", "Basic abc", ORGANISER_TOKEN):
        gate = Gate.of(header, ORGANISER_HASH, DESK, WORKSHOP_ID)
        assert gate.token_hash is None and gate.known == Staff(role=NOBODY)
        with pytest.raises(Refusal) as refused:
            gate.admit()
        assert refused.value.code.value == "unauthorized"
    other = Gate.of("Bearer desk_something", ORGANISER_HASH, DESK, WORKSHOP_ID)
    assert other.known is None and other.token_hash is not None


def test_require_is_the_one_place_roles_are_checked():
    kiosk = Staff(role=KIOSK, event_id=WORKSHOP_ID, token_id="k")
    desk = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="d")
    assert require(kiosk, KIOSK, WORKSHOP_ID) is kiosk
    assert require(desk, KIOSK, WORKSHOP_ID) is desk
    assert require(Staff(role=ORGANISER), DESK, "any-event").role == ORGANISER
    for staff, role, event_id in (
        (kiosk, DESK, WORKSHOP_ID),
        (desk, ORGANISER, WORKSHOP_ID),
        (desk, DESK, "other-event"),
        (kiosk, KIOSK, "other-event"),
    ):
        with pytest.raises(Refusal) as refused:
            require(staff, role, event_id)
        assert refused.value.code.value == "forbidden"
    with pytest.raises(Refusal) as refused:
        require(Staff(role="something-else", event_id=WORKSHOP_ID), KIOSK, WORKSHOP_ID)
    assert refused.value.code.value == "unauthorized"


def test_an_event_token_found_by_its_hash_is_who_holds_it():
    gate = Gate.of("Bearer kiosk_abc", ORGANISER_HASH, KIOSK, WORKSHOP_ID)
    found = StaffToken(token_id="t1", event_id=WORKSHOP_ID, label="Door", role=KIOSK)
    assert gate.admit(found) == Staff(KIOSK, WORKSHOP_ID, "t1", "Door")
    with pytest.raises(Refusal):
        gate.needing(DESK).admit(found)
    with pytest.raises(Refusal) as refused:
        gate.admit(None)  # not found: revoked, or never ours
    assert refused.value.code.value == "unauthorized"


# --- over HTTP --------------------------------------------------------------------


def test_no_authorization_header_is_the_contracts_401(api):
    for path in (f"{EVENT}/attendance", f"{EVENT}/attendees?q=siti", f"{EVENT}/desk-tokens"):
        reply = api.get(path)
        assert_error(reply, 401, "unauthorized")
        assert reply.headers["Content-Type"] == "application/json"


def test_unauthorized_comes_before_a_bad_body(api, desk_token, organiser):
    bad = {"scan_id": "!"}
    assert_error(api.post(f"{EVENT}/checkins", bad, token="desk_unknown"), 401, "unauthorized")
    assert_error(api.post(f"{EVENT}/checkins", bad), 401, "unauthorized")
    assert_validation(api.post(f"{EVENT}/checkins", bad, token=desk_token), "scan_id")
    # A desk token on an organiser's route: 403, whatever the body.
    refused = api.post(f"{EVENT}/desk-tokens", {"label": 5}, token=desk_token)
    assert_error(refused, 403, "forbidden")


def test_a_revoked_token_is_refused_on_its_very_next_request_even_a_replay(
    api, organiser, register
):
    siti = register()
    made = mint(api, organiser, "kiosk")
    scan_id = new_scan_id()
    body = {"code": badge_code(siti), "scan_id": scan_id}
    assert api.post(f"{EVENT}/checkins", body, token=made["token"]).status == 201
    assert api.delete(f"{EVENT}/desk-tokens/{made['id']}", token=organiser).status == 204
    # The same scan_id again: the token is checked before any earlier answer is given.
    assert_error(api.post(f"{EVENT}/checkins", body, token=made["token"]), 401, "unauthorized")


def test_tokens_are_minted_with_a_role_and_listed_with_it(api, organiser):
    desk = mint(api, organiser, label="Meja A")
    kiosk = mint(api, organiser, "kiosk")
    assert desk["role"] == "desk" and desk["token"].startswith("desk_")
    assert kiosk["role"] == "kiosk" and kiosk["token"].startswith("kiosk_")
    listed = api.get(f"{EVENT}/desk-tokens", token=organiser).json["desk_tokens"]
    assert {entry["id"]: entry["role"] for entry in listed} == {
        desk["id"]: "desk",
        kiosk["id"]: "kiosk",
    }
    for role in ("organiser", "KIOSK", "", None, 1):
        body = {"label": "X", "role": role}
        assert_validation(api.post(f"{EVENT}/desk-tokens", body, token=organiser), "role")


# --- kiosk tokens -------------------------------------------------------------------


def test_a_kiosk_checks_in_by_code_and_sees_the_greeting_alone(api, register, kiosk_token):
    siti = register(name="Siti Rahmawati", organisation="Yayasan Rahasia")
    body = {"code": badge_code(siti), "scan_id": new_scan_id(), "desk": "Pintu"}
    first = api.post(f"{EVENT}/checkins", body, token=kiosk_token)
    assert first.status == 201, first
    assert first.json["result"] == "checked_in"
    assert first.json["attendee"] == {"id": siti["attendee_id"], "display_name": "Siti"}
    assert "Rahmawati" not in first.raw.decode() and "Yayasan" not in first.raw.decode()

    replay = api.post(f"{EVENT}/checkins", body, token=kiosk_token)
    assert (replay.status, replay.json) == (201, first.json)

    again = checkin(api, kiosk_token, code=badge_code(siti))
    assert again.status == 200, again
    assert again.json["result"] == "already_checked_in"
    assert again.json["attendee"] == {"id": siti["attendee_id"], "display_name": "Siti"}


def test_a_kiosk_replay_of_a_desks_answer_shows_the_greeting_alone(
    api, register, desk_token, kiosk_token
):
    siti = register()
    body = {"code": badge_code(siti), "scan_id": new_scan_id()}
    by_desk = api.post(f"{EVENT}/checkins", body, token=desk_token)
    assert by_desk.json["attendee"]["name"] == "Siti Rahmawati"
    by_kiosk = api.post(f"{EVENT}/checkins", body, token=kiosk_token)
    assert by_kiosk.status == 201
    assert by_kiosk.json["attendee"] == {"id": siti["attendee_id"], "display_name": "Siti"}


def test_a_kiosk_refusal_is_the_usual_envelope(api, kiosk_token):
    reply = checkin(api, kiosk_token, code="A" * 40)
    assert_error(reply, 404, "badge_not_found")


def test_a_kiosk_may_not_check_in_by_attendee_id_even_for_a_scan_answered_before(
    api, register, desk_token, kiosk_token
):
    siti = register()
    body = {"attendee_id": siti["attendee_id"], "scan_id": new_scan_id()}
    assert api.post(f"{EVENT}/checkins", body, token=desk_token).status == 201
    assert_error(api.post(f"{EVENT}/checkins", body, token=kiosk_token), 403, "forbidden")


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("GET", "/attendees?q=siti", None),
        ("GET", "/attendees/" + "a" * 16, None),
        ("POST", "/attendees/" + "a" * 16 + "/badge", {"reason": "lost"}),
        ("GET", "/sign-in-sheet.pdf?date=2016-11-29", None),
        ("GET", "/attendance", None),
        ("GET", "/desk-tokens", None),
    ],
)
def test_a_kiosk_may_do_nothing_else(api, kiosk_token, method, tail, body):
    headers = {"Accept": "application/pdf"} if ".pdf" in tail else None
    reply = api.call(method, f"{EVENT}{tail}", body=body, token=kiosk_token, headers=headers)
    assert_error(reply, 403, "forbidden")


# --- the read ahead lives for one request --------------------------------------------


def test_an_event_read_ahead_is_forgotten_when_the_request_ends(api, hadir, dynamodb, organiser):
    other = api.get(EVENT).json
    other.update(id="other-event-2016", title="Another")
    assert api.put("/events/other-event-2016", other, token=organiser).status == 201
    foreign = api.post(
        "/events/other-event-2016/desk-tokens", {"label": "Other"}, token=organiser
    ).json["token"]
    # Read ahead with the token, then refused: the event read must not linger.
    assert_error(api.get(f"{EVENT}/attendees?q=siti", token=foreign), 403, "forbidden")
    counts: Counter = Counter()

    def count(model, **_):
        counts[model.name] += 1

    dynamodb.meta.events.register("before-call.dynamodb", count)
    try:
        assert hadir.store.events.get(WORKSHOP_ID) is not None
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", count)
    assert counts == Counter(GetItem=1)


def test_an_event_read_ahead_is_taken_once(hadir, store, dynamodb, organiser):
    gate = hadir.gate(f"Bearer {organiser}", DESK, WORKSHOP_ID)
    assert hadir.admit(gate).role == ORGANISER
    store.read_ahead(WORKSHOP_ID, "0" * 64)
    counts: Counter = Counter()

    def count(model, **_):
        counts[model.name] += 1

    dynamodb.meta.events.register("before-call.dynamodb", count)
    try:
        first = store.events.get(WORKSHOP_ID)
        assert counts == Counter()
        second = store.events.get(WORKSHOP_ID)
        assert counts == Counter(GetItem=1)
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", count)
        store.forget_read_ahead()
    assert first == second


def test_no_route_has_an_api_gateway_authorizer():
    for path, methods in app_module.app.routes.items():
        for method, entry in methods.items():
            assert entry.authorizer is None, (method, path)
    assert not app_module.app.builtin_auth_handlers
