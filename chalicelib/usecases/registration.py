"""Registration: online, or at the desk (a walk-in, checked in at once if asked).

Sent again (the same attempt, or the same Idempotency-Key), a registration
answers with the one that landed, not already_registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.core import presenters, shapes
from chalicelib.core.auth import Staff
from chalicelib.core.backoff import Backoff
from chalicelib.core.badges import normalise_code
from chalicelib.core.clock import Clock
from chalicelib.core.domain import ACTIVE, SEARCH, Attendee, registration_days
from chalicelib.core.errors import (
    badge_not_found,
    badge_revoked,
    event_not_found,
    temporarily_unavailable,
)
from chalicelib.core.models import Event, Registration, WalkIn, is_event_id
from chalicelib.core.names import default_display_name
from chalicelib.core.privacy import DESK, WEB, consent_record, expires_at, is_erased
from chalicelib.core.search import search_terms
from chalicelib.store import AlreadyWritten, EventRecord, ScanEntry
from chalicelib.usecases.checkin import Scan, ScanLog, judge
from chalicelib.usecases.common import Answer, Badges, event_record, find_attendee
from chalicelib.usecases.ports import Stores, WalkInScan
from chalicelib.usecases.privacy import ManageToken
from chalicelib.usecases.retry import optimistically


@dataclass(frozen=True)
class BadgeHolder:
    """The attendee a presented code belongs to, and the code as it is shown."""

    attendee: Attendee
    code: str


@dataclass(frozen=True)
class DeskCheckin:
    """A walk-in's check-in as decided: its log entry, and what is written with
    the registration (the decision and buckets only if it was accepted)."""

    entry: ScanEntry
    written: WalkInScan


def badge_holder(
    store: Stores, badges: Badges, code: str, now: datetime | None = None
) -> BadgeHolder:
    """Whose badge a code is, if the code is current (and, given `now`, its
    holder's personal data not past retention)."""
    ref = badges.verify(code)
    if ref is None:
        raise badge_not_found()
    attendee = store.attendees.get(ref.attendee_id)
    if attendee is None:
        raise badge_not_found()
    if not attendee.is_active or attendee.badge_serial != ref.serial:
        raise badge_revoked()
    if now is not None and is_erased(attendee, now):
        raise badge_revoked()
    # Shown (and printed) as issued, however it was typed.
    return BadgeHolder(attendee, normalise_code(code))


class Registrations:
    def __init__(
        self, store: Stores, clock: Clock, badges: Badges, backoff: Backoff, log: ScanLog
    ) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges
        self._backoff = backoff
        self._log = log
        # Called with each new registration (not a replay), its manage token and
        # the request's origin: the badge email (usecases/mail.py). Never raises.
        self.after: Callable[[Event, Attendee, str, str], None] | None = None

    def _written(
        self, record: EventRecord, attendee: Attendee, token: str, origin: str | None
    ) -> None:
        if self.after is not None and origin is not None:
            self.after(record.event, attendee, token, origin)

    def register(
        self,
        event_id: str,
        registration: Registration,
        idempotency_key: str | None = None,
        origin: str | None = None,
    ) -> shapes.Registration:
        """Register someone online, while registration is open and there is room."""
        attendee_id = self._badges.request_id(event_id, idempotency_key)
        manage = ManageToken.made(self._badges, event_id, idempotency_key)

        def attempt() -> Attendee | None:
            record = event_record(self._store, event_id)
            attendee = self._new_attendee(record, registration, "online", attendee_id)
            try:
                self._store.attendees.register(
                    record,
                    attendee,
                    registration.normalised_email,
                    search_terms(attendee.name, attendee.organisation),
                    manage_hash=manage.hash,
                )
            except AlreadyWritten:
                return None
            self._written(record, attendee, manage.token, origin)
            return attendee

        attendee = optimistically(self._backoff, attempt) or self._landed(attendee_id)
        body = presenters.registration_json(attendee, self._badges.code(attendee))
        return {**body, "manage": manage.json()}

    def walk_in(
        self,
        event_id: str,
        walk_in: WalkIn,
        staff: Staff,
        idempotency_key: str | None = None,
        origin: str | None = None,
    ) -> Answer:
        """Register someone at the desk and, if asked, check them in: one transaction.

        The desk may register after public registration has closed; capacity
        and the one-registration-per-email rule hold as online. With check_in,
        the walk-in's scan_id makes a retried request return the first answer.
        """
        if not is_event_id(event_id):
            raise event_not_found()
        # The model requires a scan_id with check_in; without, any is ignored.
        scan_id = walk_in.scan_id if walk_in.check_in else None
        # Made from the scan_id if there is one (a replay answers with the same
        # token), else from the Idempotency-Key, else at random.
        retry_key = idempotency_key if scan_id is None else f"scan\0{scan_id}"
        manage = ManageToken.made(self._badges, event_id, retry_key)
        if scan_id is not None:
            earlier = self._log.earlier(event_id, scan_id)
            if earlier is not None:
                if earlier.outcome != "registered":
                    return earlier
                return Answer(earlier.outcome, {**earlier.body, "manage": manage.json()})
        attendee_id = self._badges.request_id(event_id, idempotency_key)

        def attempt() -> Answer | None:
            record = event_record(self._store, event_id)
            attendee = self._new_attendee(record, walk_in, "walk_in", attendee_id)
            # The manage token is added to the answer, never to the logged body.
            body = presenters.registration_json(attendee, self._badges.code(attendee))
            terms = search_terms(attendee.name, attendee.organisation)
            try:
                if scan_id is None:
                    self._store.attendees.register(
                        record,
                        attendee,
                        walk_in.normalised_email,
                        terms,
                        desk=True,
                        manage_hash=manage.hash,
                    )
                    self._written(record, attendee, manage.token, origin)
                    return Answer("registered", {**body, "checkin": None})
                desk = self._desk_checkin(record, attendee, walk_in, scan_id, staff, body)
                answer = self._log.record(
                    desk.entry,
                    lambda: self._store.attendees.register(
                        record,
                        attendee,
                        walk_in.normalised_email,
                        terms,
                        walk_in=desk.written,
                        desk=True,
                        manage_hash=manage.hash,
                    ),
                )
                if answer.outcome == "registered":
                    self._written(record, attendee, manage.token, origin)
                return answer
            except AlreadyWritten:
                # Landed before, without a check-in (with one, its scan_id replays).
                return None

        answer = optimistically(self._backoff, attempt)
        if answer is None:
            attendee = self._landed(attendee_id)
            body = presenters.registration_json(attendee, self._badges.code(attendee))
            answer = Answer("registered", {**body, "checkin": None})
        return Answer(answer.outcome, {**answer.body, "manage": manage.json()})

    def _desk_checkin(
        self,
        record: EventRecord,
        attendee: Attendee,
        walk_in: WalkIn,
        scan_id: str,
        staff: Staff,
        body: shapes.Registration,
    ) -> DeskCheckin:
        """Decide a walk-in's check-in. Accepted, the attendee carries it and its
        report buckets are counted; refused, they are registered all the same
        and the desk is told why."""
        now = attendee.registered_at
        scan = Scan(
            event_id=record.event.id,
            scan_id=scan_id,
            desk=walk_in.desk or staff.label,
            desk_token_id=staff.token_id,
            received_at=now,
            scanned_at=now,
            # Entered by hand at the desk, as a person found by name is.
            source=SEARCH,
        )
        verdict = judge(record, attendee, None, scan)
        # The log keeps the whole answer, the registration with its check-in
        # (or why not), for a retried request.
        entry = replace(
            verdict.entry, outcome="registered", body={**body, "checkin": verdict.answer.body}
        )
        new = verdict.new
        if new is None:
            return DeskCheckin(entry, (None, entry, None))
        attendee.checkins[new.decision.day.date] = new.checkin
        return DeskCheckin(entry, (new.decision, entry, new.counted))

    def _landed(self, attendee_id: str) -> Attendee:
        """The registration a retried request had written before."""
        attendee = find_attendee(self._store, attendee_id)
        if attendee is None:  # pragma: no cover - a registration is never deleted
            raise temporarily_unavailable()
        return attendee

    def _new_attendee(
        self, record: EventRecord, registration: Registration, source: str, attendee_id: str
    ) -> Attendee:
        now = self._clock.now()
        channel = DESK if source == "walk_in" else WEB
        return Attendee(
            id=attendee_id,
            event_id=record.event.id,
            name=registration.name,
            display_name=registration.display_name or default_display_name(registration.name),
            email=registration.email,
            organisation=registration.organisation,
            phone=registration.phone,
            job_title=registration.job_title,
            gender=registration.gender,
            organisation_type=registration.organisation_type,
            days=registration_days(record.event, registration.days),
            status=ACTIVE,
            badge_serial=0,
            registered_at=now,
            source=source,
            language=registration.language,
            consent=consent_record(
                record.event, registration.consent_version, registration.language, channel, now
            ),
            expires_at=expires_at(record.event, now),
        )

    def badge_view(self, code: str) -> shapes.BadgeHolder:
        """What a badge's holder sees at its link."""
        holder = badge_holder(self._store, self._badges, code, self._clock.now())
        event = event_record(self._store, holder.attendee.event_id).event
        return presenters.badge_holder_json(event, holder.attendee)
