"""Use cases: each takes plain input, applies the rules, and asks the store.

Services never talk to DynamoDB directly and never see HTTP: `app.py` parses
and authorises, the store persists, the domain decides.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from chalicelib import presenters
from chalicelib.auth import (
    DESK,
    NOBODY,
    ORGANISER,
    Staff,
    hash_token,
    is_organiser_token,
    new_desk_token,
)
from chalicelib.badges import is_attendee_id, issue_code, new_attendee_id, verify_code
from chalicelib.clock import Clock
from chalicelib.domain import (
    ACTIVE,
    Attendee,
    Checkin,
    CheckinContext,
    check_scan_time,
    decide_checkin,
    registration_days,
    utc_iso,
)
from chalicelib.errors import HadirError, badge_not_found, badge_revoked, event_not_found
from chalicelib.models import CheckinRequest, Event, Registration
from chalicelib.store import (
    Conflict,
    EventRecord,
    ScanEntry,
    ScanReplayed,
    StaleAttendee,
    Store,
)

# How often a write that lost a race is retried on fresh data before giving up.
# Each retry re-reads, so this bounds the work a request can do under contention.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Answer:
    """An HTTP status and body decided by a service (check-ins store theirs)."""

    status: int
    body: dict


@dataclass(frozen=True)
class _Scan:
    """One scan attempt as it arrived: what its log entry and check-in record."""

    event_id: str
    scan_id: str
    desk: str | None
    desk_token_id: str | None
    received_at: datetime
    scanned_at: datetime

    def checkin(self) -> Checkin:
        return Checkin(
            at=self.scanned_at,
            desk=self.desk,
            desk_token_id=self.desk_token_id,
            scan_id=self.scan_id,
        )

    def entry(
        self,
        attendee: Attendee | None,
        answer: Answer,
        result: str | None = None,
        error_code: str | None = None,
    ) -> ScanEntry:
        return ScanEntry(
            event_id=self.event_id,
            scan_id=self.scan_id,
            received_at=utc_iso(self.received_at),
            scanned_at=utc_iso(self.scanned_at),
            desk=self.desk,
            desk_token_id=self.desk_token_id,
            result=result,
            error_code=error_code,
            attendee_id=attendee.id if attendee else None,
            status=answer.status,
            body=answer.body,
        )


def _busy() -> HadirError:
    return HadirError(
        503, "temporarily_unavailable", "The event is very busy right now; please try again."
    )


class Hadir:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        badge_secret: bytes,
        organiser_token_hash: str,
    ) -> None:
        self.store = store
        self.clock = clock
        self._badge_secret = badge_secret
        self._organiser_token_hash = organiser_token_hash

    # staff -------------------------------------------------------------------

    def identify(self, token: str | None) -> Staff:
        """Who holds this bearer token; role "none" for a token we do not know."""
        if not token:
            return Staff(role=NOBODY)
        if is_organiser_token(token, self._organiser_token_hash):
            return Staff(role=ORGANISER, label="Organiser")
        found = self.store.find_desk_token(hash_token(token))
        if found is None:
            return Staff(role=NOBODY)
        return Staff(role=DESK, event_id=found.event_id, token_id=found.token_id, label=found.label)

    # events ------------------------------------------------------------------

    def _event_record(self, event_id: str) -> EventRecord:
        record = self.store.get_event(event_id)
        if record is None:
            raise event_not_found()
        return record

    def get_event(self, event_id: str) -> Event:
        return self._event_record(event_id).event

    def put_event(self, event: Event) -> bool:
        return self.store.put_event(event, self.clock.now())

    def attendance(self, event_id: str) -> dict:
        record = self._event_record(event_id)
        return {
            "event_id": event_id,
            "as_of": utc_iso(self.clock.now()),
            "registered": record.registered(),
            "days": [
                {
                    "number": day.number,
                    "date": day.date.isoformat(),
                    "registered": record.registered_on(day.date),
                    "checked_in": record.checked_in_on(day.date),
                    "no_shows": record.registered_on(day.date) - record.checked_in_on(day.date),
                }
                for day in record.event.days
            ],
            "attended_any": record.counters.get("attended_any", 0),
            "attended_all_days": record.counters.get("attended_all_days", 0),
        }

    # registration ------------------------------------------------------------

    def register(self, event_id: str, registration: Registration, source: str = "online") -> dict:
        for _ in range(MAX_ATTEMPTS):
            record = self._event_record(event_id)
            attendee = Attendee(
                id=new_attendee_id(),
                event_id=event_id,
                name=registration.name,
                email=registration.email,
                organisation=registration.organisation,
                phone=registration.phone,
                job_title=registration.job_title,
                gender=registration.gender,
                organisation_type=registration.organisation_type,
                days=registration_days(record.event, registration.days),
                status=ACTIVE,
                badge_serial=0,
                registered_at=self.clock.now(),
                source=source,
            )
            try:
                self.store.register(record, attendee, registration.normalised_email)
            except Conflict:
                continue
            code = issue_code(self._badge_secret, attendee.id, attendee.badge_serial)
            return presenters.registration_json(attendee, code)
        raise _busy()

    # badges ------------------------------------------------------------------

    def badge_holder(self, code: str) -> tuple[Attendee, str]:
        """The attendee a presented code belongs to, if the code is current."""
        ref = verify_code(self._badge_secret, code)
        if ref is None:
            raise badge_not_found()
        attendee = self.store.get_attendee(ref.attendee_id)
        if attendee is None:
            raise badge_not_found()
        if not attendee.is_active or attendee.badge_serial != ref.serial:
            raise badge_revoked()
        return attendee, code.strip()

    def badge_view(self, code: str) -> dict:
        attendee, code = self.badge_holder(code)
        event = self.get_event(attendee.event_id)
        return presenters.badge_holder_json(event, attendee, code)

    # check-in ----------------------------------------------------------------

    def check_in(self, event_id: str, request: CheckinRequest, staff: Staff) -> Answer:
        """Check an attendee in, or say why not. Every attempt is logged.

        A repeated scan_id gets the first answer back. At most two DynamoDB
        requests when nothing races: one batch read, one write.
        """
        now = self.clock.now()
        scanned_at = request.scanned_at or now
        check_scan_time(scanned_at, now)
        presented_serial: int | None = None
        if request.code is not None:
            ref = verify_code(self._badge_secret, request.code)
            attendee_id = ref.attendee_id if ref else None
            presented_serial = ref.serial if ref else None
        else:
            attendee_id = request.attendee_id if is_attendee_id(request.attendee_id) else None
        scan = _Scan(
            event_id=event_id,
            scan_id=request.scan_id,
            desk=request.desk or staff.label,
            desk_token_id=staff.token_id,
            received_at=now,
            scanned_at=scanned_at,
        )
        for _ in range(MAX_ATTEMPTS):
            record, attendee, replay = self.store.load_for_checkin(
                event_id, attendee_id, request.scan_id
            )
            if record is None:
                raise event_not_found()
            if replay is not None:
                return Answer(replay.status, replay.body)
            try:
                return self._decide_and_record(record, attendee, presented_serial, scan)
            except Conflict:
                continue  # the event document changed under us: read it again
        raise _busy()

    def _decide_and_record(
        self,
        record: EventRecord,
        attendee: Attendee | None,
        presented_serial: int | None,
        scan: _Scan,
    ) -> Answer:
        event = record.event
        for _ in range(MAX_ATTEMPTS):
            context = CheckinContext(event, attendee, presented_serial, scan.scanned_at)
            try:
                decision = decide_checkin(context)
            except HadirError as refusal:
                answer = Answer(refusal.status, refusal.body())
                return self._log_unchanged(scan.entry(attendee, answer, error_code=refusal.code))
            if decision.existing is not None:
                result = "already_checked_in"
                body = presenters.checkin_json(
                    event, attendee, decision.day, decision.existing, result
                )
                return self._log_unchanged(scan.entry(attendee, Answer(200, body), result=result))
            checkin = scan.checkin()
            body = presenters.checkin_json(event, attendee, decision.day, checkin, "checked_in")
            answer = Answer(201, body)
            try:
                self.store.check_in(
                    record,
                    attendee,
                    decision,
                    checkin,
                    presented_serial,
                    scan.entry(attendee, answer, result="checked_in"),
                )
            except ScanReplayed:
                return self._replayed(scan.event_id, scan.scan_id)
            except StaleAttendee as stale:
                # Someone else changed this attendee first (most often: another
                # desk checked them in). Decide again on the state the failed
                # write handed back, without another read.
                attendee = stale.attendee
                continue
            return answer
        raise _busy()

    def _log_unchanged(self, entry: ScanEntry) -> Answer:
        try:
            self.store.log_scan(entry)
        except ScanReplayed:
            return self._replayed(entry.event_id, entry.scan_id)
        return Answer(entry.status, entry.body)

    def _replayed(self, event_id: str, scan_id: str) -> Answer:
        stored = self.store.get_scan(event_id, scan_id)
        if stored is None:  # pragma: no cover - the record that won cannot vanish
            raise _busy()
        return Answer(stored.status, stored.body)

    # desk tokens -------------------------------------------------------------

    def create_desk_token(self, event_id: str, label: str) -> dict:
        self._event_record(event_id)
        token = new_desk_token()
        token_id = secrets.token_hex(8)
        created_at = utc_iso(self.clock.now())
        self.store.create_desk_token(event_id, token_id, label, hash_token(token), created_at)
        return {"id": token_id, "label": label, "token": token, "created_at": created_at}

    def list_desk_tokens(self, event_id: str) -> dict:
        self._event_record(event_id)
        return {
            "desk_tokens": [
                {
                    "id": record.id,
                    "label": record.label,
                    "created_at": record.created_at,
                    "revoked_at": record.revoked_at,
                }
                for record in self.store.list_desk_tokens(event_id)
            ]
        }

    def revoke_desk_token(self, event_id: str, token_id: str) -> None:
        self._event_record(event_id)
        if not self.store.revoke_desk_token(event_id, token_id, utc_iso(self.clock.now())):
            raise HadirError(
                404, "desk_token_not_found", "This event has no desk token with that id."
            )
