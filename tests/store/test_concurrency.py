"""Races decided by DynamoDB's conditions, not by luck.

Each thread plays one Lambda container: its own boto3 client and services,
sharing only the table. A barrier releases them together.
"""

from __future__ import annotations

import pytest

from chalicelib.api.errors import outcome_status
from chalicelib.core.auth import DESK, Staff
from chalicelib.core.errors import Refusal
from chalicelib.core.models import CheckinRequest, Event, Registration
from chalicelib.seed import WORKSHOP_ID
from tests.support.containers import all_at_once, container

DESK_A = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="desk-a", label="Desk A")


def person(index: int, **overrides) -> Registration:
    values = {
        "name": f"Peserta {index}",
        "email": f"peserta{index}@example.org",
        "organisation": "Yayasan",
        "consent": True,
    }
    values.update(overrides)
    return Registration.model_validate(values)


def test_24_desks_scanning_one_badge_make_one_checkin(hadir, clock, dynamodb):
    code = hadir.register(WORKSHOP_ID, person(0))["badge"]["code"]
    containers = [container(clock) for _ in range(24)]

    def scan(index):
        request = CheckinRequest(code=code, scan_id=f"race-scan-{index:03d}", desk=f"Desk {index}")
        return containers[index].check_in(WORKSHOP_ID, request, DESK_A)

    answers = all_at_once(24, scan)

    statuses = sorted(outcome_status(answer.outcome) for answer in answers)
    assert statuses == [200] * 23 + [201]
    [winner] = [answer for answer in answers if outcome_status(answer.outcome) == 201]
    for answer in answers:
        # Everyone is told the same first check-in: its time and its desk.
        assert answer.body["checked_in_at"] == winner.body["checked_in_at"]
        assert answer.body["desk"] == winner.body["desk"]
    attendance = hadir.attendance(WORKSHOP_ID)
    assert attendance["days"][0]["checked_in"] == 1
    assert attendance["attended_any"] == 1
    assert attendance["attended_all_days"] == 0


def test_one_scan_id_sent_by_many_threads_is_answered_once(hadir, clock, dynamodb):
    code = hadir.register(WORKSHOP_ID, person(0))["badge"]["code"]
    containers = [container(clock) for _ in range(12)]
    request = CheckinRequest(code=code, scan_id="retried-on-bad-wifi")

    answers = all_at_once(
        12, lambda index: containers[index].check_in(WORKSHOP_ID, request, DESK_A)
    )

    assert {outcome_status(answer.outcome) for answer in answers} == {201}
    assert len({str(answer.body) for answer in answers}) == 1
    assert hadir.attendance(WORKSHOP_ID)["days"][0]["checked_in"] == 1


def test_20_registrations_for_5_places_admit_exactly_5(hadir, clock, dynamodb):
    small = Event.model_validate(
        {**hadir.get_event(WORKSHOP_ID).model_dump(mode="json"), "id": "small", "capacity": 5}
    )
    hadir.put_event(small)
    containers = [container(clock) for _ in range(20)]

    answers = all_at_once(20, lambda index: containers[index].register("small", person(index)))

    admitted = [answer for answer in answers if isinstance(answer, dict)]
    refused = [answer for answer in answers if isinstance(answer, Refusal)]
    assert len(admitted) == 5
    assert {error.code for error in refused} == {"event_full"}
    attendance = hadir.attendance("small")
    assert attendance["registered"] == 5
    assert [day["registered"] for day in attendance["days"]] == [5, 5]


def test_one_email_registering_twice_at_once_is_registered_once(hadir, clock, dynamodb):
    containers = [container(clock) for _ in range(10)]

    def register(index):
        # The same address, spelled differently by each client.
        email = f"  Same.Person@Example.ORG{' ' * index}"
        return containers[index].register(WORKSHOP_ID, person(index, email=email))

    answers = all_at_once(10, register)

    assert sum(isinstance(answer, dict) for answer in answers) == 1
    assert {answer.code for answer in answers if isinstance(answer, Refusal)} == {
        "already_registered"
    }
    assert hadir.attendance(WORKSHOP_ID)["registered"] == 1


@pytest.mark.parametrize("day_two", [False, True])
def test_counts_stay_exact_when_many_people_check_in_at_once(hadir, clock, dynamodb, day_two):
    codes = [hadir.register(WORKSHOP_ID, person(i))["badge"]["code"] for i in range(16)]
    if day_two:
        # Everyone came yesterday too.
        for index, code in enumerate(codes):
            request = CheckinRequest(
                code=code, scan_id=f"yesterday-{index:03d}", scanned_at=clock.now()
            )
            hadir.check_in(WORKSHOP_ID, request, DESK_A)
        clock.set(clock.now().replace(day=30))
    containers = [container(clock) for _ in range(16)]

    def scan(index):
        request = CheckinRequest(code=codes[index], scan_id=f"crowd-{index:03d}")
        return containers[index].check_in(WORKSHOP_ID, request, DESK_A)

    answers = all_at_once(16, scan)

    assert {outcome_status(answer.outcome) for answer in answers} == {201}
    attendance = hadir.attendance(WORKSHOP_ID)
    today = attendance["days"][1 if day_two else 0]
    assert today["checked_in"] == 16
    assert attendance["attended_any"] == 16
    assert attendance["attended_all_days"] == (16 if day_two else 0)


def test_10_desks_paying_one_allowance_make_one_payment(hadir, clock, dynamodb):
    from chalicelib.core.errors import AlreadyPaid
    from chalicelib.core.queries import PaymentRequest

    doc = hadir.get_event(WORKSHOP_ID).model_dump(mode="json")
    doc["allowances"] = [{"code": "transport", "label": "Uang transport", "amount": 150000}]
    hadir.put_event(Event.model_validate(doc))
    attendee_id = hadir.register(WORKSHOP_ID, person(0))["attendee_id"]
    checked = hadir.check_in(
        WORKSHOP_ID, CheckinRequest(attendee_id=attendee_id, scan_id="pay-race-in"), DESK_A
    )
    assert outcome_status(checked.outcome) == 201
    containers = [container(clock) for _ in range(10)]
    request = PaymentRequest.model_validate({"attendee_id": attendee_id, "date": "2016-11-29"})

    def pay(index):
        desk = Staff(role=DESK, event_id=WORKSHOP_ID, token_id=f"d{index}", label=f"Desk {index}")
        return containers[index].pay_allowance(WORKSHOP_ID, "transport", request, desk)

    answers = all_at_once(10, pay)

    paid = [answer for answer in answers if isinstance(answer, dict)]
    refused = [answer for answer in answers if isinstance(answer, AlreadyPaid)]
    assert len(paid) == 1 and len(refused) == 9, answers
    # Everyone refused is told the one payment's time and desk.
    assert {(r.paid_at, r.desk) for r in refused} == {(paid[0]["paid_at"], paid[0]["desk"])}
    assert len(hadir.store.money.of_allowance(WORKSHOP_ID, "transport")) == 1
