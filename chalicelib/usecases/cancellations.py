"""Cancelling many registrations at once (issue 17, finding 10).

An organiser facing a flood of fake registrations names them (ids from the
dashboard's list) or asks for every registration made in the last N minutes
through one channel. Each one is cancelled by the single cancel's own
transaction (attendee active with no check-in, counts, email lock), so the
counts stay exact whatever races it; the answer says what became of each.

Finding "registered in the last N minutes" is one Query of the event's
partition of the index (never a Scan of the table): it reads every
registration of that event, about 1 KB each, so 5,000 registrations are some
5 MB and a second or so, filtered here by time, source and status.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core import shapes
from chalicelib.core.backoff import Backoff
from chalicelib.core.badges import is_attendee_id
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, check_cancellable
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import MAX_BULK_CANCEL, BulkCancel
from chalicelib.core.records import EventRecord
from chalicelib.store import StaleAttendee
from chalicelib.usecases.common import event_record, find_attendee
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically

CANCELLED, ALREADY_CANCELLED = "cancelled", "already_cancelled"
ALREADY_CHECKED_IN, NOT_FOUND = "already_checked_in", "not_found"


class Cancellations:
    def __init__(self, store: Stores, clock: Clock, backoff: Backoff) -> None:
        self._store = store
        self._clock = clock
        self._backoff = backoff

    def cancel_many(self, event_id: str, request: BulkCancel) -> shapes.BulkCancelled:
        record = event_record(self._store, event_id)
        results: list[shapes.CancelOutcome] = []
        if request.attendee_ids is not None:
            ids = list(dict.fromkeys(request.attendee_ids))  # each once, in the order sent
            # Ids that could not be ours are not looked up.
            found = self._store.attendees.get_many([i for i in ids if is_attendee_id(i)])
            matched, more = len(ids), False
            chosen = [(attendee_id, found.get(attendee_id)) for attendee_id in ids]
        else:
            minutes = request.registered_within_minutes or 0
            since = self._clock.now() - timedelta(minutes=minutes)
            source = request.source or "online"
            window = [
                attendee
                for attendee in self._store.attendees.all_of(event_id)
                if attendee.is_active
                and attendee.source == source
                and attendee.registered_at >= since
            ]
            # Those with a check-in are named but never chosen, so that sending
            # the request again ends: each call takes the next ones.
            cancellable = [attendee for attendee in window if not attendee.checkins]
            results = [
                {"attendee_id": attendee.id, "result": ALREADY_CHECKED_IN}
                for attendee in window
                if attendee.checkins
            ]
            matched, more = len(window), len(cancellable) > MAX_BULK_CANCEL
            chosen = [(attendee.id, attendee) for attendee in cancellable[:MAX_BULK_CANCEL]]
        for attendee_id, attendee in chosen:
            outcome = self._cancel_one(record, attendee_id, attendee)
            results.append({"attendee_id": attendee_id, "result": outcome})
        cancelled = sum(1 for item in results if item["result"] == CANCELLED)
        return {"results": results, "cancelled": cancelled, "matched": matched, "more": more}

    def _cancel_one(self, record: EventRecord, attendee_id: str, read: Attendee | None) -> str:
        """The single cancel's transaction for one attendee, first on what was read
        with the batch, then (after a lost race) on a fresh read."""
        first = [True]

        def attempt() -> str:
            nonlocal record
            attendee = read
            if not first[0]:
                record = event_record(self._store, record.event.id)
                attendee = find_attendee(self._store, attendee_id)
            first[0] = False
            target = check_cancellable(record.event, attendee)
            if target is None:
                return ALREADY_CANCELLED
            self._store.attendees.cancel(record, target, self._clock.now())
            return CANCELLED

        try:
            return optimistically(self._backoff, attempt, also=(StaleAttendee,))
        except Refusal as refusal:
            if refusal.code is Code.ALREADY_CHECKED_IN:
                return ALREADY_CHECKED_IN
            if refusal.code is Code.ATTENDEE_NOT_FOUND:
                return NOT_FOUND
            raise
