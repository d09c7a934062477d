"""Races forced, not hoped for: actor A reads, B's whole operation runs, then A writes.

The threaded race tests fire requests together and hope they interleave; moto
serialises them, so some interleavings never happen there. Here a hook on A's
DynamoDB client runs B's operation to its end just before A's first write is
sent, so A writes on a state it did not read. Each test names the condition of
the store that saves the day, and fails when that condition is removed
(`make mutate` shows it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from chalicelib.core.auth import DESK, ORGANISER, Staff, hash_token
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import CheckinRequest, Registration
from chalicelib.seed import WORKSHOP_ID
from chalicelib.services import Answer, Hadir
from chalicelib.store import Store
from tests.support.aws import dynamodb_client
from tests.support.values import BADGE_SECRET, ORGANISER_TOKEN, TABLE

DESK_A = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="desk-a", label="Desk A")
DESK_B = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="desk-b", label="Desk B")
ORGANISER_STAFF = Staff(role=ORGANISER, label="Organiser")
DAY_1, DAY_2 = "2016-11-29", "2016-11-30"
WRITES = frozenset({"TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem"})


def services(clock, client) -> Hadir:
    """One Lambda container: its own client and services, sharing only the table."""
    return Hadir(Store(client, TABLE), clock, BADGE_SECRET, hash_token(ORGANISER_TOKEN))


class Interleaving:
    """A's services, whose first write waits for B's whole operation to finish."""

    def __init__(self, clock) -> None:
        a_client = dynamodb_client()
        a_client.meta.events.register("before-call.dynamodb", self._before)
        self.a = services(clock, a_client)
        self.b = services(clock, dynamodb_client())
        self._between: Callable[[Hadir], Any] | None = None
        self.b_result: Any = None

    def _before(self, model, **_) -> None:
        if model.name in WRITES and self._between is not None:
            between, self._between = self._between, None
            self.b_result = outcome_of(lambda: between(self.b))

    def run(self, a: Callable[[Hadir], Any], b: Callable[[Hadir], Any]) -> Any:
        """A's result (or refusal), having let B run between A's read and A's write."""
        self._between = b
        result = outcome_of(lambda: a(self.a))
        assert self._between is None, "A never wrote: B did not run in between"
        return result


def outcome_of(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except Refusal as refusal:
        return refusal


def person(index: int) -> Registration:
    return Registration(
        name=f"Peserta {index}", email=f"p{index}@example.org", organisation="Yayasan", consent=True
    )


def scan(code: str, scan_id: str, scanned_at: str | None = None) -> CheckinRequest:
    return CheckinRequest.model_validate(
        {"code": code, "scan_id": scan_id, "scanned_at": scanned_at}
    )


def counts(hadir: Hadir) -> dict[str, int]:
    attendance = hadir.attendance(WORKSHOP_ID)
    per_day = {day["date"]: day["checked_in"] for day in attendance["days"]}
    return {
        "registered": attendance["registered"],
        DAY_1: per_day[DAY_1],
        DAY_2: per_day[DAY_2],
        "attended_any": attendance["attended_any"],
        "attended_all_days": attendance["attended_all_days"],
    }


@pytest.fixture
def race(hadir, clock) -> Interleaving:
    return Interleaving(clock)


def test_a_badge_reissued_between_read_and_write_is_refused(hadir, race):
    """Saved by: the check-in requires the badge serial it read."""
    registration = hadir.register(WORKSHOP_ID, person(1))
    old_code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(old_code, "inter-reissue-1"), DESK_A),
        lambda b: b.reissue_badge(WORKSHOP_ID, attendee_id, "lost", DESK_B),
    )

    assert isinstance(answer, Answer)
    assert answer.outcome == Code.BADGE_REVOKED
    assert "badge" in race.b_result
    assert hadir.attendee(WORKSHOP_ID, attendee_id)["checkins"] == []
    assert counts(hadir)[DAY_1] == 0


def test_a_registration_cancelled_between_read_and_write_is_refused(hadir, race):
    """Saved by: the check-in requires the attendee to be active still."""
    registration = hadir.register(WORKSHOP_ID, person(2))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "inter-cancel-1"), DESK_A),
        lambda b: b.cancel(WORKSHOP_ID, attendee_id),
    )

    assert answer.outcome == Code.BADGE_REVOKED
    assert race.b_result == {"status": "cancelled"}
    assert counts(hadir) == {
        "registered": 0,
        DAY_1: 0,
        DAY_2: 0,
        "attended_any": 0,
        "attended_all_days": 0,
    }


def test_another_desk_checking_in_between_read_and_write_makes_one_checkin(hadir, race):
    """Saved by: the check-in requires no check-in that day and the count it read."""
    code = hadir.register(WORKSHOP_ID, person(3))["badge"]["code"]

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "inter-desk-a1"), DESK_A),
        lambda b: b.check_in(WORKSHOP_ID, scan(code, "inter-desk-b1"), DESK_B),
    )

    assert race.b_result.outcome == "checked_in"
    assert answer.outcome == "already_checked_in"
    # The answer names the check-in that counted: B's.
    assert answer.body["desk"] == "Desk B"
    assert answer.body["checked_in_at"] == race.b_result.body["checked_in_at"]
    assert counts(hadir)[DAY_1] == 1
    assert counts(hadir)["attended_any"] == 1


def test_a_queued_day_1_scan_racing_the_day_2_scan_counts_one_person_once(hadir, race, clock):
    """Saved by: the check-in requires the number of check-ins it decided the counts on."""
    code = hadir.register(WORKSHOP_ID, person(4))["badge"]["code"]
    clock.set(datetime.fromisoformat(f"{DAY_2}T09:00:00+07:00"))

    answer = race.run(
        # The desk's queue sends yesterday's scan this morning...
        lambda a: a.check_in(
            WORKSHOP_ID, scan(code, "inter-days-1", f"{DAY_1}T09:00:00+07:00"), DESK_A
        ),
        # ...while another desk scans the same person today.
        lambda b: b.check_in(WORKSHOP_ID, scan(code, "inter-days-2"), DESK_B),
    )

    assert (answer.outcome, race.b_result.outcome) == ("checked_in", "checked_in")
    assert counts(hadir) == {
        "registered": 1,
        DAY_1: 1,
        DAY_2: 1,
        "attended_any": 1,
        "attended_all_days": 1,
    }


def test_an_undo_between_read_and_write_leaves_true_counts(hadir, race, clock):
    """Saved by: the check-in requires the count it read (an undo lowers it)."""
    registration = hadir.register(WORKSHOP_ID, person(5))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    assert hadir.check_in(WORKSHOP_ID, scan(code, "inter-undo-d1"), DESK_A).outcome == "checked_in"
    clock.set(datetime.fromisoformat(f"{DAY_2}T09:00:00+07:00"))

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "inter-undo-d2"), DESK_A),
        lambda b: b.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF),
    )

    assert answer.outcome == "checked_in"
    assert race.b_result["result"] == "undone"
    # Only day 2 stands: one person attended, not every day.
    assert counts(hadir) == {
        "registered": 1,
        DAY_1: 0,
        DAY_2: 1,
        "attended_any": 1,
        "attended_all_days": 0,
    }


def test_two_undos_of_one_person_at_once_never_go_below_zero(hadir, race, clock):
    """Saved by: the undo requires the count it read."""
    registration = hadir.register(WORKSHOP_ID, person(6))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    hadir.check_in(WORKSHOP_ID, scan(code, "inter-uu-d1"), DESK_A)
    clock.set(datetime.fromisoformat(f"{DAY_2}T09:00:00+07:00"))
    hadir.check_in(WORKSHOP_ID, scan(code, "inter-uu-d2"), DESK_A)
    assert counts(hadir)["attended_all_days"] == 1

    answer = race.run(
        lambda a: a.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF),
        lambda b: b.undo_checkin(WORKSHOP_ID, attendee_id, DAY_2, ORGANISER_STAFF),
    )

    assert answer["result"] == race.b_result["result"] == "undone"
    assert counts(hadir) == {
        "registered": 1,
        DAY_1: 0,
        DAY_2: 0,
        "attended_any": 0,
        "attended_all_days": 0,
    }


def test_the_same_undo_twice_at_once_undoes_once(hadir, race):
    """Saved by: the undo requires the day's check-in to be there still."""
    registration = hadir.register(WORKSHOP_ID, person(7))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    hadir.check_in(WORKSHOP_ID, scan(code, "inter-same-undo"), DESK_A)

    answer = race.run(
        lambda a: a.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF),
        lambda b: b.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF),
    )

    assert race.b_result["result"] == "undone"
    assert isinstance(answer, Refusal) and answer.code == Code.CHECKIN_NOT_FOUND
    assert counts(hadir)[DAY_1] == 0
    assert counts(hadir)["attended_any"] == 0


def test_a_scan_id_recorded_between_read_and_write_answers_the_stored_answer(hadir, race):
    """Saved by: the scan log's item is put only if new, and a lost put replays what won."""
    code = hadir.register(WORKSHOP_ID, person(8))["badge"]["code"]
    request = scan(code, "inter-replay-1")

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, request, DESK_A),
        # The same request, resent to another container after a timeout.
        lambda b: b.check_in(WORKSHOP_ID, request, DESK_B),
    )

    assert race.b_result.outcome == "checked_in"
    assert (answer.outcome, answer.body) == (race.b_result.outcome, race.b_result.body)
    assert counts(hadir)[DAY_1] == 1


def test_an_undo_and_a_new_checkin_between_read_and_write_make_one_checkin(hadir, race, clock):
    """Saved by: the check-in requires no check-in that day (the count alone is back as read)."""
    registration = hadir.register(WORKSHOP_ID, person(9))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    hadir.check_in(WORKSHOP_ID, scan(code, "inter-swap-d1"), DESK_A)
    clock.set(datetime.fromisoformat(f"{DAY_2}T09:00:00+07:00"))

    def undo_day_1_and_check_in_day_2(b: Hadir) -> Answer:
        b.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF)
        return b.check_in(WORKSHOP_ID, scan(code, "inter-swap-b2"), DESK_B)

    answer = race.run(
        lambda a: a.check_in(WORKSHOP_ID, scan(code, "inter-swap-a2"), DESK_A),
        undo_day_1_and_check_in_day_2,
    )

    assert race.b_result.outcome == "checked_in"
    assert answer.outcome == "already_checked_in"
    assert answer.body["desk"] == "Desk B"
    assert counts(hadir) == {
        "registered": 1,
        DAY_1: 0,
        DAY_2: 1,
        "attended_any": 1,
        "attended_all_days": 0,
    }


def test_an_undo_racing_an_undo_and_a_new_checkin_leaves_the_new_one(hadir, race, clock):
    """Saved by: the undo requires the day's check-in to be there (the count alone is back)."""
    registration = hadir.register(WORKSHOP_ID, person(10))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    hadir.check_in(WORKSHOP_ID, scan(code, "inter-uswap-d1"), DESK_A)
    clock.set(datetime.fromisoformat(f"{DAY_2}T09:00:00+07:00"))

    def undo_day_1_and_check_in_day_2(b: Hadir) -> Answer:
        b.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF)
        return b.check_in(WORKSHOP_ID, scan(code, "inter-uswap-b2"), DESK_B)

    answer = race.run(
        lambda a: a.undo_checkin(WORKSHOP_ID, attendee_id, DAY_1, ORGANISER_STAFF),
        undo_day_1_and_check_in_day_2,
    )

    assert isinstance(answer, Refusal) and answer.code == Code.CHECKIN_NOT_FOUND
    assert [c["date"] for c in hadir.attendee(WORKSHOP_ID, attendee_id)["checkins"]] == [DAY_2]
    assert counts(hadir) == {
        "registered": 1,
        DAY_1: 0,
        DAY_2: 1,
        "attended_any": 1,
        "attended_all_days": 0,
    }


def test_a_checkin_between_a_cancels_read_and_write_stops_the_cancel(hadir, race):
    """Saved by: the cancel requires no check-in."""
    registration = hadir.register(WORKSHOP_ID, person(11))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]

    answer = race.run(
        lambda a: a.cancel(WORKSHOP_ID, attendee_id),
        lambda b: b.check_in(WORKSHOP_ID, scan(code, "inter-cancel-scan"), DESK_B),
    )

    assert race.b_result.outcome == "checked_in"
    assert isinstance(answer, Refusal) and answer.code == Code.ALREADY_CHECKED_IN
    assert hadir.attendee(WORKSHOP_ID, attendee_id)["status"] == "active"
    assert counts(hadir)["registered"] == 1


def test_two_cancels_of_one_registration_at_once_count_it_once(hadir, race):
    """Saved by: the cancel requires the registration to be active still."""
    attendee_id = hadir.register(WORKSHOP_ID, person(12))["attendee_id"]
    hadir.register(WORKSHOP_ID, person(13))

    answer = race.run(
        lambda a: a.cancel(WORKSHOP_ID, attendee_id),
        lambda b: b.cancel(WORKSHOP_ID, attendee_id),
    )

    assert answer == race.b_result == {"status": "cancelled"}
    assert counts(hadir)["registered"] == 1


def test_the_last_place_taken_between_read_and_write_makes_the_event_full(hadir, race):
    """Saved by: the registration requires a place left."""
    event = hadir.get_event(WORKSHOP_ID)
    hadir.put_event(event.model_copy(update={"capacity": 1}))

    answer = race.run(
        lambda a: a.register(WORKSHOP_ID, person(14)),
        lambda b: b.register(WORKSHOP_ID, person(15)),
    )

    assert "attendee_id" in race.b_result
    assert isinstance(answer, Refusal) and answer.code == Code.EVENT_FULL
    assert counts(hadir)["registered"] == 1


def test_one_email_registered_between_read_and_write_is_registered_once(hadir, race):
    """Saved by: the email lock is put only if absent."""
    answer = race.run(
        lambda a: a.register(WORKSHOP_ID, person(16)),
        lambda b: b.register(WORKSHOP_ID, person(16).model_copy(update={"name": "Other"})),
    )

    assert "attendee_id" in race.b_result
    assert isinstance(answer, Refusal) and answer.code == Code.ALREADY_REGISTERED
    assert counts(hadir)["registered"] == 1


def test_days_changed_between_read_and_write_are_the_days_registered(hadir, race):
    """Saved by: the registration requires the event's revision it read."""
    event = hadir.get_event(WORKSHOP_ID)
    one_day = event.model_copy(update={"days": event.days[:1]})

    answer = race.run(
        lambda a: a.register(WORKSHOP_ID, person(17)),
        lambda b: b.put_event(one_day),
    )

    assert race.b_result is False  # replaced, not created
    assert answer["days"] == [DAY_1]
    attendance = hadir.attendance(WORKSHOP_ID)
    assert [day["registered"] for day in attendance["days"]] == [1]
