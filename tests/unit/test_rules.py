"""The check-in rules and registration days: pure functions, no moto."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.core.domain import (
    ACTIVE,
    CANCELLED,
    Attendee,
    Checkin,
    CheckinContext,
    arrival_slot,
    arrival_slots,
    breakdown,
    check_scan_time,
    decide_checkin,
    local_date,
    local_iso,
    registration_days,
    utc_iso,
)
from chalicelib.core.errors import Refusal
from chalicelib.seed import seed_events

WORKSHOP = seed_events()[0]
DAY_1, DAY_2 = date(2016, 11, 29), date(2016, 11, 30)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def attendee(**overrides) -> Attendee:
    values = {
        "id": "aaaaaaaaaaaaaaaa",
        "event_id": WORKSHOP.id,
        "name": "Siti",
        "email": "siti@example.org",
        "organisation": "WALHI",
        "days": [DAY_1, DAY_2],
        "status": ACTIVE,
        "badge_serial": 0,
        "registered_at": at("2016-11-01T00:00:00+00:00"),
    }
    values.update(overrides)
    return Attendee(**values)


def refusal(context: CheckinContext) -> str:
    with pytest.raises(Refusal) as raised:
        decide_checkin(context)
    return raised.value.code


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ("2016-11-29T09:00:00+07:00", DAY_1),
        # 21:00 in New York on the 29th is 09:00 on the 30th in Jakarta.
        ("2016-11-29T21:00:00-05:00", DAY_2),
        # 23:30 UTC on the 28th is already the 29th in Jakarta.
        ("2016-11-28T23:30:00+00:00", DAY_1),
        # 17:30 UTC on the 29th is past midnight in Jakarta: the 30th.
        ("2016-11-29T17:30:00Z", DAY_2),
        ("2016-11-29T16:59:59Z", DAY_1),
    ],
)
def test_the_day_is_the_event_local_date(instant, expected):
    assert local_date(WORKSHOP, at(instant)) == expected


def test_times_are_given_in_utc_and_event_local():
    instant = at("2016-11-29T09:12:30+07:00")
    assert utc_iso(instant) == "2016-11-29T02:12:30Z"
    assert local_iso(WORKSHOP, instant) == "2016-11-29T09:12:30+07:00"


def test_a_scan_in_the_window_is_accepted_for_its_day():
    context = CheckinContext(WORKSHOP, attendee(), 0, at("2016-11-29T21:00:00-05:00"))
    decision = decide_checkin(context)
    assert decision.day.number == 2
    assert decision.day.date == DAY_2
    assert decision.existing is None


def test_an_earlier_checkin_that_day_is_returned_not_repeated():
    first = Checkin(at("2016-11-29T01:30:00Z"), "Desk A", "t1", "scan-1")
    context = CheckinContext(
        WORKSHOP, attendee(checkins={DAY_1: first}), 0, at("2016-11-29T10:00:00+07:00")
    )
    assert decide_checkin(context).existing == first
    # ...while the other day is still open.
    context = CheckinContext(
        WORKSHOP, attendee(checkins={DAY_1: first}), 0, at("2016-11-30T10:00:00+07:00")
    )
    assert decide_checkin(context).existing is None


@pytest.mark.parametrize(
    ("local_time", "accepted"),
    [
        ("07:59:59", False),
        ("08:00:00", True),
        ("12:00:00", True),
        ("17:00:00", True),
        ("17:00:01", False),
        ("23:00:00", False),
    ],
)
def test_checkin_hours_are_the_days_window_in_local_time(local_time, accepted):
    context = CheckinContext(WORKSHOP, attendee(), 0, at(f"2016-11-29T{local_time}+07:00"))
    if accepted:
        assert decide_checkin(context).day.date == DAY_1
    else:
        assert refusal(context) == "outside_checkin_hours"


def test_outside_hours_says_what_the_window_is():
    context = CheckinContext(WORKSHOP, attendee(), 0, at("2016-11-29T07:00:00+07:00"))
    with pytest.raises(Refusal) as raised:
        decide_checkin(context)
    assert "08:00" in raised.value.message and "17:00" in raised.value.message


@pytest.mark.parametrize(
    ("context", "code"),
    [
        (CheckinContext(WORKSHOP, None, 0, at("2016-11-29T09:00:00+07:00")), "badge_not_found"),
        (
            CheckinContext(
                WORKSHOP, attendee(event_id="other"), 0, at("2016-11-29T09:00:00+07:00")
            ),
            "wrong_event",
        ),
        (
            CheckinContext(
                WORKSHOP, attendee(status=CANCELLED), 0, at("2016-11-29T09:00:00+07:00")
            ),
            "badge_revoked",
        ),
        (
            CheckinContext(WORKSHOP, attendee(badge_serial=2), 1, at("2016-11-29T09:00:00+07:00")),
            "badge_revoked",
        ),
        (
            CheckinContext(WORKSHOP, attendee(), 0, at("2016-12-01T09:00:00+07:00")),
            "not_an_event_day",
        ),
        (
            CheckinContext(WORKSHOP, attendee(days=[DAY_2]), 0, at("2016-11-29T09:00:00+07:00")),
            "not_registered_for_day",
        ),
    ],
    ids=["unknown", "other-event", "cancelled", "old-serial", "no-event-day", "not-that-day"],
)
def test_each_refusal_has_its_own_code(context, code):
    assert refusal(context) == code


def test_an_attendee_named_by_id_skips_the_serial_check():
    context = CheckinContext(WORKSHOP, attendee(badge_serial=3), None, at("2016-11-29T09:00Z"))
    # 09:00 UTC is 16:00 in Jakarta: inside the window.
    assert decide_checkin(context).day.date == DAY_1


def test_checks_run_in_order_who_before_when():
    # A revoked badge of another event, scanned on no event day: the first
    # check in the list decides the answer.
    context = CheckinContext(
        WORKSHOP,
        attendee(event_id="other", status=CANCELLED),
        0,
        at("2016-12-25T09:00:00+07:00"),
    )
    assert refusal(context) == "wrong_event"
    context = CheckinContext(
        WORKSHOP, attendee(status=CANCELLED), 0, at("2016-12-25T09:00:00+07:00")
    )
    assert refusal(context) == "badge_revoked"
    context = CheckinContext(WORKSHOP, attendee(days=[DAY_2]), 0, at("2016-11-29T07:00:00+07:00"))
    assert refusal(context) == "outside_checkin_hours"


def test_scans_from_the_future_are_refused_beyond_two_minutes():
    now = datetime(2016, 11, 29, 2, 0, tzinfo=UTC)
    check_scan_time(at("2016-11-29T02:02:00Z"), now)
    check_scan_time(at("2016-11-28T02:00:00Z"), now)  # queued offline: fine
    with pytest.raises(Refusal) as raised:
        check_scan_time(at("2016-11-29T02:02:01Z"), now)
    assert raised.value.code == "validation_error"
    assert raised.value.fields[0]["field"] == "scanned_at"


def test_what_a_checkin_adds_to_the_attendance_counts():
    first = Checkin(at("2016-11-29T01:30:00Z"), "Desk A", "t1", "scan-1")
    day_one = decide_checkin(CheckinContext(WORKSHOP, attendee(), 0, at("2016-11-29T09:00+07:00")))
    assert (day_one.first_day_attended, day_one.completes_every_day) == (True, False)
    day_two = decide_checkin(
        CheckinContext(WORKSHOP, attendee(checkins={DAY_1: first}), 0, at("2016-11-30T09:00+07:00"))
    )
    assert (day_two.first_day_attended, day_two.completes_every_day) == (False, True)
    again = decide_checkin(
        CheckinContext(WORKSHOP, attendee(checkins={DAY_1: first}), 0, at("2016-11-29T10:00+07:00"))
    )
    assert (again.first_day_attended, again.completes_every_day) == (False, False)
    # Someone registered for day 2 only attends "any" day there, never "all days".
    only_day_two = decide_checkin(
        CheckinContext(WORKSHOP, attendee(days=[DAY_2]), 0, at("2016-11-30T09:00+07:00"))
    )
    assert (only_day_two.first_day_attended, only_day_two.completes_every_day) == (True, False)


def test_registration_days_default_to_every_day_and_are_sorted_subsets():
    assert registration_days(WORKSHOP, None) == [DAY_1, DAY_2]
    assert registration_days(WORKSHOP, [DAY_2, DAY_2]) == [DAY_2]
    assert registration_days(WORKSHOP, [DAY_2, DAY_1]) == [DAY_1, DAY_2]
    for bad in ([date(2016, 12, 1)], []):
        with pytest.raises(Refusal) as raised:
            registration_days(WORKSHOP, bad)
        assert raised.value.code == "validation_error"


@pytest.mark.parametrize(
    ("local", "slot"),
    [
        ("08:00:00", "08:00"),
        ("09:14:59", "09:00"),
        ("09:15:00", "09:15"),
        ("16:59:59", "16:45"),
        ("17:00:00", "16:45"),  # the window's closing instant counts in its last slot
    ],
)
def test_arrival_slots_are_quarter_hours_of_local_time(local, slot):
    day = WORKSHOP.days[0]
    assert arrival_slot(WORKSHOP, day, at(f"2016-11-29T{local}+07:00")) == slot


def test_a_day_has_a_slot_for_every_quarter_hour_of_its_window():
    slots = arrival_slots(WORKSHOP.days[0])
    assert (len(slots), slots[0], slots[-1]) == (36, "08:00", "16:45")


def test_a_checkin_keeps_the_slot_it_was_counted_in():
    day = WORKSHOP.days[0]
    kept = Checkin(at("2016-11-29T10:00:00+07:00"), "Desk A", None, "s", slot="08:00")
    assert breakdown(WORKSHOP, attendee(), day, kept).slot == "08:00"
    assert breakdown(WORKSHOP, attendee(gender=None), day, kept).gender == "not_given"
