"""Desk work: finding people, their details, and putting right what went wrong
at the door (a lost badge, a cancelled registration, a check-in made by mistake)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from chalicelib.core import own_data, presenters, shapes
from chalicelib.core.auth import ORGANISER, Staff
from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.domain import (
    CANCELLED,
    Attendee,
    BadgeIssue,
    check_cancellable,
    check_reissuable,
    decide_undo,
)
from chalicelib.core.errors import validation_error
from chalicelib.core.privacy import as_seen, is_erased
from chalicelib.core.queries import (
    AttendeeQuery,
    ScanQuery,
)
from chalicelib.core.search import first_match, lookup_word, matches, sort_key, words
from chalicelib.store import ScanEntry, StaleAttendee, WordHit
from chalicelib.usecases.checkin import Scan
from chalicelib.usecases.common import (
    Answer,
    Badges,
    attendee_of,
    event_record,
    find_attendee,
    parse_date,
)
from chalicelib.usecases.money import payments_of
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically


@dataclass(frozen=True)
class Page:
    """Attendees found, and the cursor of the next page (None at the end)."""

    attendees: list[Attendee]
    next: str | None


class DeskWork:
    def __init__(self, store: Stores, clock: Clock, badges: Badges, backoff: Backoff) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges
        self._backoff = backoff

    def find_attendees(self, event_id: str, query: AttendeeQuery, staff: Staff) -> dict:
        """Search by the starts of words of name and organisation; organisers may list all."""
        event = event_record(self._store, event_id).event
        if query.q is None:
            if staff.role != ORGANISER:
                raise validation_error(
                    [{"field": "q", "message": "is required: at least 2 characters"}]
                )
            listed, cursor = self._store.attendees.list_page(event_id, query.next, query.limit)
            now = self._clock.now()
            page = Page([as_seen(attendee, now) for attendee in listed], cursor)
        else:
            page = self._search(event_id, query.q, query)
        return {
            "attendees": [presenters.attendee_summary_json(event, a) for a in page.attendees],
            "next": page.next,
        }

    def _search(self, event_id: str, q: str, query: AttendeeQuery) -> Page:
        wanted = words(q)
        lookup = lookup_word(wanted)
        if lookup is None:
            raise validation_error(
                [{"field": "q", "message": "needs a word of 2 letters, or one letter alone"}]
            )

        def keep(hit: WordHit) -> bool:
            # Listed once, under their first word the lookup matches.
            return first_match(lookup, hit.words) == hit.word and matches(wanted, hit.words)

        hits, cursor = self._store.attendees.search_words(
            event_id, lookup, query.next, keep, query.limit
        )
        found = self._store.attendees.get_many([hit.attendee_id for hit in hits])
        # Past retention, the words may linger until the TTL sweep: never a match.
        now = self._clock.now()
        found = {key: a for key, a in found.items() if not is_erased(a, now)}
        listed = [found[hit.attendee_id] for hit in hits if hit.attendee_id in found]
        # The index is in word order; the desk reads names: each page sorted by name.
        listed.sort(key=lambda attendee: (sort_key(attendee.name), attendee.id))
        return Page(listed, cursor)

    def attendee(
        self, event_id: str, attendee_id: str
    ) -> shapes.Attendee | own_data.ErasedAttendee:
        record = event_record(self._store, event_id)
        attendee = attendee_of(self._store, record.event, attendee_id)
        if is_erased(attendee, self._clock.now()):
            return own_data.erased_attendee_json(record.event, attendee)
        code = self._badges.code(attendee) if attendee.is_active else None
        body = presenters.attendee_json(record.event, attendee, code)
        # Their allowance payments (API.md section 12): one Query on their key.
        body["payments"] = payments_of(self._store, record.event, attendee.id)  # type: ignore[typeddict-item]
        return body

    def reissue_badge(
        self,
        event_id: str,
        attendee_id: str,
        reason: str,
        staff: Staff,
        idempotency_key: str | None = None,
    ) -> dict:
        """A new code for a lost badge; the old one answers badge_revoked from now on.

        Sent again (same attempt, or the same Idempotency-Key), the badge it
        issued is the answer: it is not revoked by a second reissue.
        """
        record = event_record(self._store, event_id)
        key = None if idempotency_key is None else f"reissue\0{idempotency_key}"
        request_id = self._badges.request_id(event_id, key)

        def attempt() -> Attendee:
            # Changed meanwhile, or not known to have landed: read again.
            attendee = check_reissuable(record.event, find_attendee(self._store, attendee_id))
            if any(issue.request_id == request_id for issue in attendee.reissues):
                return attendee
            issue = BadgeIssue(
                at=self._clock.now(),
                by=staff.token_id or staff.role,
                reason=reason,
                request_id=request_id,
            )
            return self._store.attendees.reissue_badge(attendee, issue)

        updated = optimistically(self._backoff, attempt)
        return {"badge": presenters.badge_json(self._badges.code(updated))}

    def cancel(self, event_id: str, attendee_id: str) -> dict:
        """Cancel a registration; a person who has checked in must be undone first."""

        def attempt() -> None:
            record = event_record(self._store, event_id)
            attendee = check_cancellable(record.event, find_attendee(self._store, attendee_id))
            if attendee is not None:
                self._store.attendees.cancel(record, attendee, self._clock.now())

        # A scan or another cancel may get there first: decide again.
        optimistically(self._backoff, attempt, also=(StaleAttendee,))
        return {"status": CANCELLED}

    def undo_checkin(
        self, event_id: str, attendee_id: str, on: str, staff: Staff
    ) -> shapes.CheckinUndone:
        """Undo one day's check-in: counts follow, and the scan log says so."""
        day = parse_date(on)

        def attempt() -> shapes.CheckinUndone:
            record = event_record(self._store, event_id)
            undo = decide_undo(record.event, find_attendee(self._store, attendee_id), day)
            now = self._clock.now()
            body = presenters.undone_json(record.event, undo.attendee, undo.day, undo.checkin, now)
            scan = Scan(
                event_id=event_id,
                scan_id=f"undo-{secrets.token_hex(8)}",
                desk=staff.label,
                desk_token_id=staff.token_id,
                received_at=now,
                scanned_at=now,
                # Logged with the source of the check-in it undoes; made now, never late.
                source=undo.checkin.made_by,
            )
            entry = scan.entry(
                record.event, undo.attendee, Answer("undone", body), result="undone", day=day
            )
            self._store.attendees.undo_checkin(record, undo.attendee, undo, entry)
            return body

        return optimistically(self._backoff, attempt, also=(StaleAttendee,))

    def scans(self, event_id: str, query: ScanQuery) -> dict:
        """The scan log, oldest first, filtered by result or refusal code, and lateness."""
        event_record(self._store, event_id)

        def keep(entry: ScanEntry) -> bool:
            if query.late is not None and entry.late != query.late:
                return False
            if query.desk_token_id is not None and entry.desk_token_id != query.desk_token_id:
                return False
            return query.result is None or query.result in (entry.result, entry.error_code)

        entries, cursor = self._store.scans.list_page(
            event_id, query.day, keep, query.next, query.limit
        )
        return {"scans": [presenters.scan_json(entry) for entry in entries], "next": cursor}
