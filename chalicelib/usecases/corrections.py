"""Correcting a registration at the desk or by the organiser (API.md section 10).

Read, decide (chalicelib.core.corrections), write in one transaction
conditioned on what was read; a check-in, undo, cancel or another correction
landing in between makes the write fail, and the correction is decided again
on a fresh read (`optimistically`). The badge code does not change: it names
the attendee and the badge serial, neither of which a correction touches.
"""

from __future__ import annotations

from chalicelib.core import presenters, shapes
from chalicelib.core.auth import Staff
from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.corrections import check_correctable, decide_correction
from chalicelib.core.domain import Attendee
from chalicelib.core.models import AttendeeCorrection, Event
from chalicelib.store import StaleAttendee
from chalicelib.usecases.common import Badges, event_record, find_attendee
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically


def staff_name(staff: Staff) -> str:
    """Who made a change, as the record keeps it: a desk token's id, or "organiser"."""
    return staff.token_id or staff.role


class Corrections:
    def __init__(self, store: Stores, clock: Clock, badges: Badges, backoff: Backoff) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges
        self._backoff = backoff

    def correct(
        self, event_id: str, attendee_id: str, patch: AttendeeCorrection, staff: Staff
    ) -> shapes.Attendee:
        """Correct the fields sent; counts, search words and the email lock follow."""
        by = staff_name(staff)

        def attempt() -> shapes.Attendee:
            record = event_record(self._store, event_id)
            attendee = check_correctable(record.event, find_attendee(self._store, attendee_id))
            correction = decide_correction(record.event, attendee, patch, self._clock.now(), by)
            if correction is None:  # nothing differs: nothing is written or kept
                return self._answer(record.event, attendee)
            self._store.attendees.correct(record, correction)
            return self._answer(record.event, correction.after)

        # A check-in (or another correction) got there first: decide again.
        return optimistically(self._backoff, attempt, also=(StaleAttendee,))

    def _answer(self, event: Event, attendee: Attendee) -> shapes.Attendee:
        return presenters.attendee_json(event, attendee, self._badges.code(attendee))
