"""What each operation costs in DynamoDB requests, counted by a botocore hook."""

from __future__ import annotations

from collections import Counter

from chalicelib.core.auth import DESK, Staff
from chalicelib.core.models import CheckinRequest, Registration
from chalicelib.seed import WORKSHOP_ID

DESK_A = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="desk-a", label="Desk A")


def person(index: int) -> Registration:
    return Registration(
        name=f"Peserta {index}",
        email=f"p{index}@example.org",
        organisation="Yayasan",
        consent=True,
    )


def test_a_checkin_takes_two_requests_and_a_replay_one(hadir, requests_made):
    code = hadir.register(WORKSHOP_ID, person(0))["badge"]["code"]

    requests_made.clear()
    answer = hadir.check_in(WORKSHOP_ID, CheckinRequest(code=code, scan_id="cost-0001"), DESK_A)
    assert answer.outcome == "checked_in"
    assert requests_made == Counter(BatchGetItem=1, TransactWriteItems=1)

    requests_made.clear()
    answer = hadir.check_in(WORKSHOP_ID, CheckinRequest(code=code, scan_id="cost-0002"), DESK_A)
    assert answer.outcome == "already_checked_in"
    assert requests_made == Counter(BatchGetItem=1, PutItem=1)

    requests_made.clear()
    answer = hadir.check_in(WORKSHOP_ID, CheckinRequest(code=code, scan_id="cost-0001"), DESK_A)
    assert answer.outcome == "checked_in"
    assert requests_made == Counter(BatchGetItem=1)


def test_a_refused_scan_costs_a_read_and_its_log_entry(hadir, requests_made):
    forged = "A" * 40
    answer = hadir.check_in(WORKSHOP_ID, CheckinRequest(code=forged, scan_id="cost-0003"), DESK_A)
    assert answer.outcome == "badge_not_found"
    assert requests_made == Counter(BatchGetItem=1, PutItem=1)


def test_attendance_reads_one_item_whatever_the_number_of_attendees(hadir, requests_made):
    costs = []
    for total in (1, 40):
        while hadir.attendance(WORKSHOP_ID)["registered"] < total:
            hadir.register(WORKSHOP_ID, person(hadir.attendance(WORKSHOP_ID)["registered"]))
        requests_made.clear()
        hadir.attendance(WORKSHOP_ID)
        costs.append(dict(requests_made))
    assert costs == [{"GetItem": 1}, {"GetItem": 1}]


def test_a_registration_is_one_read_and_one_transaction(hadir, requests_made):
    hadir.register(WORKSHOP_ID, person(1))
    assert requests_made == Counter(GetItem=1, TransactWriteItems=1)
