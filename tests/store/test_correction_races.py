"""Corrections racing check-ins, undos, cancels and each other, forced as in
test_interleavings.py: A reads, B's whole operation runs, then A writes. The
counts stay exact whichever lands first."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import AttendeeCorrection, Registration
from chalicelib.seed import WORKSHOP_ID
from tests.store.test_interleavings import (
    DESK_A,
    DESK_B,
    ORGANISER_STAFF,
    Interleaving,
    counts,
    scan,
)

DAY_1, DAY_2 = "2016-11-29", "2016-11-30"


@pytest.fixture
def race(hadir, clock) -> Interleaving:
    return Interleaving(clock)


def person(index: int, **fields) -> Registration:
    return Registration.model_validate(
        {
            "name": f"Peserta {index}",
            "email": f"c{index}@example.org",
            "organisation": "Yayasan",
            "gender": "female",
            "organisation_type": "ngo",
            "consent": True,
            **fields,
        }
    )


def fix(**fields) -> AttendeeCorrection:
    return AttendeeCorrection.model_validate(fields)


def day_report(hadir, on: str) -> dict:
    return next(day for day in hadir.report(WORKSHOP_ID)["days"] if day["date"] == on)


def test_a_gender_corrected_while_a_checkin_lands_is_counted_under_the_new_gender(hadir, race):
    """Saved by: the correction requires the check-ins it read; it is decided again."""
    registration = hadir.register(WORKSHOP_ID, person(1))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.correct_attendee(WORKSHOP_ID, attendee_id, fix(gender="male"), DESK_A),
        lambda b: b.check_in(WORKSHOP_ID, scan(code, "corr-race-1"), DESK_B),
    )

    assert race.b_result.outcome == "checked_in"
    assert answer["gender"] == "male"
    day = day_report(hadir, DAY_1)
    assert (day["checked_in"], day["by_gender"]["male"], day["by_gender"]["female"]) == (1, 1, 0)


def test_a_checkin_decided_before_a_correction_is_counted_under_the_new_gender(hadir, race):
    """Saved by: the check-in requires the attendee's version it read."""
    registration = hadir.register(WORKSHOP_ID, person(2))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "corr-race-2"), DESK_A),
        lambda b: b.correct_attendee(
            WORKSHOP_ID, attendee_id, fix(gender="male", organisation_type="media"), DESK_B
        ),
    )

    assert answer.outcome == "checked_in"
    assert race.b_result["gender"] == "male"
    day = day_report(hadir, DAY_1)
    assert (day["checked_in"], day["by_gender"]["male"], day["by_gender"]["female"]) == (1, 1, 0)
    assert (day["by_organisation_type"]["media"], day["by_organisation_type"]["ngo"]) == (1, 0)


def test_a_checkin_decided_before_its_day_was_dropped_is_refused(hadir, race):
    """Saved by: the check-in requires the attendee's version (its days) it read."""
    registration = hadir.register(WORKSHOP_ID, person(3))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "corr-race-3"), DESK_A),
        lambda b: b.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_2]), DESK_B),
    )

    assert race.b_result["days"] == [DAY_2]
    assert answer.outcome == Code.NOT_REGISTERED_FOR_DAY
    attendance = hadir.attendance(WORKSHOP_ID)
    assert [(d["registered"], d["checked_in"]) for d in attendance["days"]] == [(0, 0), (1, 0)]


def test_a_day_dropped_while_a_checkin_lands_on_it_is_refused(hadir, race):
    """Saved by: the correction requires the check-ins it read; decided again, it
    finds the day checked in."""
    registration = hadir.register(WORKSHOP_ID, person(4))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_2]), DESK_A),
        lambda b: b.check_in(WORKSHOP_ID, scan(code, "corr-race-4"), DESK_B),
    )

    assert race.b_result.outcome == "checked_in"
    assert isinstance(answer, Refusal) and answer.code == Code.DAY_HAS_CHECKIN
    assert counts(hadir)[DAY_1] == 1
    attendance = hadir.attendance(WORKSHOP_ID)
    assert [d["registered"] for d in attendance["days"]] == [1, 1]


def test_an_undo_decided_before_a_correction_takes_off_the_new_bucket(hadir, race):
    """Saved by: the undo requires the attendee's version it read."""
    registration = hadir.register(WORKSHOP_ID, person(5))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    assert hadir.check_in(WORKSHOP_ID, scan(code, "corr-race-5"), DESK_A).outcome == "checked_in"

    race.run(
        lambda a: a.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF),
        lambda b: b.correct_attendee(WORKSHOP_ID, attendee_id, fix(gender="male"), DESK_B),
    )

    day = day_report(hadir, DAY_1)
    assert (day["checked_in"], day["by_gender"]["male"], day["by_gender"]["female"]) == (0, 0, 0)


def test_a_cancel_decided_before_a_correction_of_days_leaves_true_counts(hadir, race):
    """Saved by: the cancel requires the attendee's version (its days) it read."""
    attendee_id = hadir.register(WORKSHOP_ID, person(6))["attendee_id"]

    race.run(
        lambda a: a.cancel(WORKSHOP_ID, attendee_id),
        lambda b: b.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_2]), DESK_B),
    )

    attendance = hadir.attendance(WORKSHOP_ID)
    assert attendance["registered"] == 0
    assert [d["registered"] for d in attendance["days"]] == [0, 0]


def test_a_cancel_between_read_and_write_leaves_the_correction_refused(hadir, race):
    """Saved by: the correction requires the attendee to be active still."""
    attendee_id = hadir.register(WORKSHOP_ID, person(7))["attendee_id"]

    answer = race.run(
        lambda a: a.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_2]), DESK_A),
        lambda b: b.cancel(WORKSHOP_ID, attendee_id),
    )

    assert isinstance(answer, Refusal) and answer.code == Code.REGISTRATION_CANCELLED
    attendance = hadir.attendance(WORKSHOP_ID)
    assert attendance["registered"] == 0
    assert [d["registered"] for d in attendance["days"]] == [0, 0]


def test_two_corrections_of_days_at_once_count_once(hadir, race):
    """Saved by: a correction requires the version it read."""
    attendee_id = hadir.register(WORKSHOP_ID, person(8))["attendee_id"]

    answer = race.run(
        lambda a: a.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_1]), DESK_A),
        lambda b: b.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_2]), DESK_B),
    )

    assert answer["days"] == [DAY_1]
    assert [d["registered"] for d in hadir.attendance(WORKSHOP_ID)["days"]] == [1, 0]
    assert len(answer["changes"]) == 2


def test_one_new_email_taken_by_two_corrections_at_once_goes_to_one(hadir, race):
    """Saved by: the email lock is put only if absent."""
    first = hadir.register(WORKSHOP_ID, person(9))["attendee_id"]
    second = hadir.register(WORKSHOP_ID, person(10))["attendee_id"]
    new = fix(email="shared@example.org")

    answer = race.run(
        lambda a: a.correct_attendee(WORKSHOP_ID, first, new, DESK_A),
        lambda b: b.correct_attendee(WORKSHOP_ID, second, new, DESK_B),
    )

    assert race.b_result["email"] == "shared@example.org"
    assert isinstance(answer, Refusal) and answer.code == Code.ALREADY_REGISTERED
    assert hadir.attendee(WORKSHOP_ID, first)["email"] == "c9@example.org"


def test_an_event_day_dropped_while_a_correction_moves_someone_onto_it(hadir, race):
    """Saved by: the event's write requires that day's counters to be zero."""
    attendee_id = hadir.register(WORKSHOP_ID, person(11, days=[DAY_1]))["attendee_id"]
    event = hadir.get_event(WORKSHOP_ID)
    one_day = event.model_copy(update={"days": event.days[:1]})

    answer = race.run(
        lambda a: a.put_event(one_day),
        lambda b: b.correct_attendee(WORKSHOP_ID, attendee_id, fix(days=[DAY_1, DAY_2]), DESK_B),
    )

    assert race.b_result["days"] == [DAY_1, DAY_2]
    assert isinstance(answer, Refusal) and answer.code == Code.EVENT_DAY_IN_USE
    assert len(hadir.get_event(WORKSHOP_ID).days) == 2


def test_a_registration_landing_while_its_day_is_dropped_stops_the_drop(hadir, race, clock):
    """Saved by: the event's write requires that day's counters to be zero."""
    event = hadir.get_event(WORKSHOP_ID)
    one_day = event.model_copy(update={"days": event.days[:1]})
    clock.set(datetime.fromisoformat(f"{DAY_1}T08:00:00+07:00"))

    answer = race.run(
        lambda a: a.put_event(one_day),
        lambda b: b.register(WORKSHOP_ID, person(12, days=[DAY_2])),
    )

    assert race.b_result["days"] == [DAY_2]
    assert isinstance(answer, Refusal) and answer.code == Code.EVENT_DAY_IN_USE
