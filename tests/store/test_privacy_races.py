"""A withdrawal racing a check-in (tests/store/test_interleavings.py forces the races)."""

from __future__ import annotations

from chalicelib.core.errors import Code, Refusal
from chalicelib.seed import WORKSHOP_ID
from tests.store.test_interleavings import DAY_1, DESK_B, counts, person, race, scan

__all__ = ["race"]  # the fixture, used by name


def manage_token(registration: dict) -> str:
    return registration["manage"]["token"]


def test_a_checkin_between_a_withdrawals_read_and_write_makes_it_an_erasure(hadir, race):
    """Saved by: the cancel requires no check-in, so the withdrawal is decided again."""
    registration = hadir.register(WORKSHOP_ID, person(41))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.withdraw(manage_token(registration)),
        lambda b: b.check_in(WORKSHOP_ID, scan(code, "withdraw-race-1"), DESK_B),
    )

    assert race.b_result.outcome == "checked_in"
    assert answer == {"status": "withdrawn"}
    view = hadir.attendee(WORKSHOP_ID, attendee_id)
    assert view["erased"] is True and "name" not in view
    # Checked in and erased: counted as registered and as present, exactly once.
    assert counts(hadir) == {
        "registered": 1,
        DAY_1: 1,
        "2016-11-30": 0,
        "attended_any": 1,
        "attended_all_days": 0,
    }


def test_a_withdrawal_between_a_checkins_read_and_write_refuses_the_checkin(hadir, race):
    """Saved by: the check-in requires the registration to be active still."""
    registration = hadir.register(WORKSHOP_ID, person(42))
    code = registration["badge"]["code"]

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "withdraw-race-2"), DESK_B),
        lambda b: b.withdraw(manage_token(registration)),
    )

    assert race.b_result == {"status": "withdrawn"}
    assert answer.outcome == Code.BADGE_REVOKED
    assert counts(hadir) == {
        "registered": 0,
        DAY_1: 0,
        "2016-11-30": 0,
        "attended_any": 0,
        "attended_all_days": 0,
    }


def test_an_erasure_between_a_checkins_read_and_write_refuses_the_checkin(hadir, race, clock):
    """Saved by: the erasure marks the registration withdrawn, which a check-in requires not."""
    from datetime import datetime

    registration = hadir.register(WORKSHOP_ID, person(43))
    code = registration["badge"]["code"]
    first = hadir.check_in(WORKSHOP_ID, scan(code, "withdraw-race-3"), DESK_B)
    assert first.outcome == "checked_in"
    clock.set(datetime.fromisoformat("2016-11-30T09:00:00+07:00"))

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "withdraw-race-4"), DESK_B),
        lambda b: b.withdraw(manage_token(registration)),
    )

    assert race.b_result == {"status": "withdrawn"}
    assert answer.outcome == Code.BADGE_REVOKED
    assert counts(hadir)["2016-11-30"] == 0 and counts(hadir)[DAY_1] == 1
    assert counts(hadir)["registered"] == 1
    assert not isinstance(answer, Refusal)
