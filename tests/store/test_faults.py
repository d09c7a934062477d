"""DynamoDB throttling, failing, conflicting and timing out under Hadir, with moto.

The fault injector (tests/support/faults.py) sits on the client's botocore events.
Backoff runs on a fake clock, so the ~2 s budget is exercised without
waiting. Each test checks the outcome a client sees and the state left behind:
exactly one check-in or registration, exact counts, nothing half-written.

moto ignores ClientRequestToken, and Hadir never sends one: idempotency rests
on Hadir's own records (the scan log's scan_id, the email lock's holder, the
reissue's request id), and these tests prove it.
"""

from __future__ import annotations

from random import Random

import pytest

from chalicelib.core.auth import hash_token
from chalicelib.core.backoff import Backoff
from chalicelib.seed import WORKSHOP_ID, seed_events
from chalicelib.services import Hadir
from chalicelib.store import Store
from tests.support.faults import (
    CONFLICT,
    FAULTS,
    INTERNAL,
    THROTTLED,
    THROTTLING,
    TIMEOUT_AFTER_WRITE,
    FakeTime,
    FaultInjector,
)
from tests.support.values import BADGE_SECRET, ORGANISER_TOKEN, TABLE, registration_body

BASE = f"/events/{WORKSHOP_ID}"
BUDGET = 2.0
BEFORE_THE_WRITE = (THROTTLED, THROTTLING, INTERNAL, CONFLICT)


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def backoff(fake_time):
    return Backoff(
        budget_seconds=BUDGET,
        sleep=fake_time.sleep,
        monotonic=fake_time.monotonic,
        random=Random(20161129).random,
    )


@pytest.fixture
def faults(dynamodb):
    return FaultInjector(dynamodb)


# These replace conftest's, so `api`, `desk_token` and `register` run on them.
@pytest.fixture
def store(dynamodb, backoff):
    return Store(dynamodb, TABLE, backoff)


@pytest.fixture
def hadir(store, clock, backoff):
    services = Hadir(store, clock, BADGE_SECRET, hash_token(ORGANISER_TOKEN), backoff=backoff)
    for event in seed_events():
        services.put_event(event)
    return services


def attendance(api):
    reply = api.get(f"{BASE}/attendance", token=ORGANISER_TOKEN)
    assert reply.status == 200, reply
    return reply.json


def checked_in_today(api):
    return attendance(api)["days"][0]["checked_in"]


def everyone(api):
    reply = api.get(f"{BASE}/attendees?limit=100", token=ORGANISER_TOKEN)
    assert reply.status == 200, reply
    return reply.json["attendees"]


def scans_logged(api, scan_id):
    reply = api.get(f"{BASE}/scans", token=ORGANISER_TOKEN)
    assert reply.status == 200, reply
    return [entry for entry in reply.json["scans"] if entry["scan_id"] == scan_id]


def scan(api, token, code, scan_id="door-scan-0001"):
    return api.post(f"{BASE}/checkins", {"code": code, "scan_id": scan_id}, token=token)


def assert_unavailable(reply):
    assert reply.status == 503, reply
    assert reply.json == {
        "error": {
            "code": "temporarily_unavailable",
            "message": "The event is very busy right now; please try again in a moment.",
        }
    }
    assert reply.headers["Retry-After"] == "1"


# --- the backoff itself (no moto) --------------------------------------------


def test_pauses_are_jittered_growing_and_inside_the_budget():
    time = FakeTime()
    backoff = Backoff(sleep=time.sleep, monotonic=time.monotonic, random=Random(7).random)
    assert list(backoff.attempts()) == list(range(backoff.max_attempts))
    assert len(time.pauses) == backoff.max_attempts - 1
    for retry, pause in enumerate(time.pauses, start=1):
        assert 0 <= pause < min(backoff.longest_pause, backoff.first_pause * 2 ** (retry - 1))
    assert len(set(time.pauses)) == len(time.pauses), "full jitter: no two pauses alike"
    assert time.now <= backoff.budget_seconds


def test_the_budget_ends_the_attempts_before_max_attempts():
    time = FakeTime()
    backoff = Backoff(
        budget_seconds=0.5,
        max_attempts=100,
        sleep=time.sleep,
        monotonic=time.monotonic,
        random=lambda: 0.999,
    )
    attempts = 0
    for _ in backoff.attempts():
        attempts += 1
        time.now += 0.05  # each attempt's own call takes 50 ms
    assert 2 < attempts < 100
    assert time.now <= 0.5 + 0.05


# --- check-in ----------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("times", [1, 3])
def test_a_check_in_survives_a_passing_fault(
    api, desk_token, register, faults, fake_time, fault, times
):
    code = register()["badge"]["code"]
    faults.fail("TransactWriteItems", fault, times=times)

    reply = scan(api, desk_token, code)

    assert reply.status == 201, reply
    assert reply.json["result"] == "checked_in"
    # A timeout after the write is met once: the retry finds the scan recorded.
    assert len(faults.injected) == (1 if fault == TIMEOUT_AFTER_WRITE else times)
    assert fake_time.now <= BUDGET
    assert checked_in_today(api) == 1
    assert len(scans_logged(api, "door-scan-0001")) == 1
    # The desk resends (its answer was lost too): the same answer, nothing new.
    again = scan(api, desk_token, code)
    assert (again.status, again.json) == (201, reply.json)
    assert checked_in_today(api) == 1


@pytest.mark.parametrize("fault", BEFORE_THE_WRITE)
def test_a_check_in_gives_up_with_503_and_retry_after_then_a_resend_counts_once(
    api, desk_token, register, faults, fake_time, fault
):
    code = register()["badge"]["code"]
    faults.fail("TransactWriteItems", fault, times=-1)

    reply = scan(api, desk_token, code)

    assert_unavailable(reply)
    assert 1 < len(faults.injected) <= Backoff.max_attempts
    assert fake_time.now <= BUDGET
    faults.clear()
    assert checked_in_today(api) == 0
    assert scans_logged(api, "door-scan-0001") == []

    # The desk's queue resends the same scan_id once DynamoDB is back.
    resent = scan(api, desk_token, code)
    assert resent.status == 201, resent
    assert checked_in_today(api) == 1
    assert attendance(api)["attended_any"] == 1


def test_a_check_in_whose_answers_keep_getting_lost_is_still_made_once(
    api, desk_token, register, faults
):
    code = register()["badge"]["code"]
    # Every write lands, and every answer to a write is lost.
    faults.fail("TransactWriteItems", TIMEOUT_AFTER_WRITE, times=-1)
    faults.fail("PutItem", TIMEOUT_AFTER_WRITE, times=-1)

    reply = scan(api, desk_token, code)

    assert reply.status == 201, reply
    faults.clear()
    assert checked_in_today(api) == 1
    assert len(scans_logged(api, "door-scan-0001")) == 1


@pytest.mark.parametrize("fault", [THROTTLED, INTERNAL])
def test_reads_are_retried_too(api, desk_token, register, faults, fault):
    code = register()["badge"]["code"]
    faults.fail("BatchGetItem", fault, times=2)  # the token's lookup is in this batch

    reply = scan(api, desk_token, code)

    assert reply.status == 201, reply
    assert ("BatchGetItem", fault) in faults.injected


def test_reads_that_keep_failing_answer_503(api, desk_token, register, faults):
    code = register()["badge"]["code"]
    faults.fail("BatchGetItem", THROTTLED, times=-1)
    assert_unavailable(scan(api, desk_token, code))
    faults.clear()
    assert checked_in_today(api) == 0


def test_staff_auth_answers_503_not_500_when_it_cannot_look_a_token_up(api, desk_token, faults):
    # The token is read with the route's event, in one BatchGetItem.
    faults.fail("BatchGetItem", THROTTLING, times=-1)
    reply = api.get(f"{BASE}/attendees?q=siti", token=desk_token)
    assert_unavailable(reply)
    # A token read alone (an organiser's route) fails the same way.
    faults.fail("GetItem", THROTTLING, times=-1)
    assert_unavailable(api.get(f"{BASE}/attendance", token=desk_token))


# --- registration ------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
def test_a_registration_survives_a_passing_fault(api, faults, fault):
    faults.fail("TransactWriteItems", fault, times=1)

    reply = api.post(f"{BASE}/registrations", registration_body())

    assert reply.status == 201, reply
    people = everyone(api)
    assert [person["id"] for person in people] == [reply.json["attendee_id"]]
    assert attendance(api)["registered"] == 1
    assert api.get(f"/badges/{reply.json['badge']['code']}").status == 200
    # The email lock is there, and is this attendee's.
    second = api.post(f"{BASE}/registrations", registration_body(name="Someone Else"))
    assert second.error_code == "already_registered"


@pytest.mark.parametrize("fault", BEFORE_THE_WRITE)
def test_a_registration_that_gives_up_leaves_nothing_behind(api, faults, fault):
    faults.fail("TransactWriteItems", fault, times=-1)

    assert_unavailable(api.post(f"{BASE}/registrations", registration_body()))

    faults.clear()
    assert everyone(api) == []
    assert attendance(api)["registered"] == 0
    # No orphan email lock: the same address registers at once.
    assert api.post(f"{BASE}/registrations", registration_body()).status == 201
    assert attendance(api)["registered"] == 1


def test_a_registration_resent_with_its_idempotency_key_gets_the_first_answer(api):
    headers = {"Idempotency-Key": "form-submit-7f3a9c21"}
    first = api.post(f"{BASE}/registrations", registration_body(), headers=headers)
    assert first.status == 201, first

    again = api.post(f"{BASE}/registrations", registration_body(), headers=headers)

    assert (again.status, again.json) == (201, first.json)
    assert attendance(api)["registered"] == 1
    # Without the key, a resend is a second registration of the same email.
    assert api.post(f"{BASE}/registrations", registration_body()).error_code == (
        "already_registered"
    )


def test_an_idempotency_key_reused_for_another_person_is_refused(api):
    headers = {"Idempotency-Key": "form-submit-7f3a9c21"}
    assert api.post(f"{BASE}/registrations", registration_body(), headers=headers).status == 201

    other = api.post(
        f"{BASE}/registrations", registration_body(email="other@example.org"), headers=headers
    )

    assert other.status == 422, other
    assert other.error_code == "idempotency_key_reused"
    assert "other@example.org" not in other.raw.decode()
    assert attendance(api)["registered"] == 1
    # The other person's email was not taken by the refused attempt.
    assert (
        api.post(f"{BASE}/registrations", registration_body(email="other@example.org")).status
        == 201
    )


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space!", "ünïcode-key-123"])
def test_a_malformed_idempotency_key_is_a_422(api, key):
    reply = api.post(
        f"{BASE}/registrations",
        registration_body(),
        headers={"Idempotency-Key": key.encode("utf-8").decode("latin-1")},
    )
    assert reply.status == 422, reply
    assert reply.json["error"]["fields"] == [
        {"field": "Idempotency-Key", "message": "must be 8-64 of A-Za-z0-9_-"}
    ]
    assert attendance(api)["registered"] == 0


# --- desk work -----------------------------------------------------------------


def test_a_walk_in_whose_answer_was_lost_is_registered_once(api, desk_token, faults):
    faults.fail("TransactWriteItems", TIMEOUT_AFTER_WRITE)
    reply = api.post(f"{BASE}/attendees", registration_body(), token=desk_token)
    assert reply.status == 201, reply
    assert reply.json["checkin"] is None
    assert len(everyone(api)) == 1


def test_a_walk_in_checked_in_whose_answer_was_lost_is_checked_in_once(api, desk_token, faults):
    faults.fail("TransactWriteItems", TIMEOUT_AFTER_WRITE)
    body = {**registration_body(), "check_in": True, "scan_id": "walk-in-00000001"}
    reply = api.post(f"{BASE}/attendees", body, token=desk_token)
    assert reply.status == 201, reply
    assert reply.json["checkin"]["result"] == "checked_in"
    assert len(everyone(api)) == 1
    assert checked_in_today(api) == 1
    assert attendance(api)["registered"] == 1


def test_a_reissue_whose_answer_was_lost_reissues_once(api, desk_token, register, faults):
    registration = register()
    old_code = registration["badge"]["code"]
    path = f"{BASE}/attendees/{registration['attendee_id']}/badge"
    faults.fail("UpdateItem", TIMEOUT_AFTER_WRITE)

    reply = api.post(path, {"reason": "lost"}, token=desk_token)

    assert reply.status == 201, reply
    new_code = reply.json["badge"]["code"]
    assert new_code != old_code
    assert api.get(f"/badges/{old_code}").error_code == "badge_revoked"
    assert api.get(f"/badges/{new_code}").status == 200
    person = api.get(f"{BASE}/attendees/{registration['attendee_id']}", token=ORGANISER_TOKEN).json
    assert len(person["badge"]["reissues"]) == 1


def test_a_reissue_resent_with_its_idempotency_key_keeps_the_new_badge(api, desk_token, register):
    registration = register()
    path = f"{BASE}/attendees/{registration['attendee_id']}/badge"
    headers = {"Idempotency-Key": "reissue-click-0001"}
    first = api.post(path, {"reason": "lost"}, token=desk_token, headers=headers)
    again = api.post(path, {"reason": "lost"}, token=desk_token, headers=headers)
    assert first.status == again.status == 201
    assert again.json == first.json
    assert api.get(f"/badges/{first.json['badge']['code']}").status == 200


@pytest.mark.parametrize("fault", [TIMEOUT_AFTER_WRITE, CONFLICT, THROTTLED])
def test_a_cancel_under_faults_drops_the_counts_once(api, register, faults, fault):
    registration = register()
    faults.fail("TransactWriteItems", fault)
    reply = api.delete(f"{BASE}/attendees/{registration['attendee_id']}", token=ORGANISER_TOKEN)
    assert (reply.status, reply.json) == (200, {"status": "cancelled"})
    assert attendance(api)["registered"] == 0


@pytest.mark.parametrize("fault", [CONFLICT, THROTTLED])
def test_an_undo_under_faults_undoes_once(api, desk_token, register, faults, fault):
    registration = register()
    assert scan(api, desk_token, registration["badge"]["code"]).status == 201
    faults.fail("TransactWriteItems", fault)
    reply = api.delete(
        f"{BASE}/checkins/{registration['attendee_id']}/2016-11-29", token=ORGANISER_TOKEN
    )
    assert reply.status == 200, reply
    assert checked_in_today(api) == 0
    assert attendance(api)["attended_any"] == 0
