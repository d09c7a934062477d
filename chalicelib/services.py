"""Use cases: each takes plain input, applies the rules, and asks the store.

Services never talk to DynamoDB directly and never see HTTP: `app.py` parses
and authorises, the store persists, the domain decides.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.core import presenters, shapes
from chalicelib.core.auth import (
    DESK,
    DESK_TOKEN_ID_PATTERN,
    NOBODY,
    ORGANISER,
    Staff,
    hash_token,
    is_organiser_token,
    new_desk_token,
)
from chalicelib.core.backoff import Backoff
from chalicelib.core.badges import (
    attendee_id_for_key,
    is_attendee_id,
    issue_code,
    new_attendee_id,
    verify_code,
)
from chalicelib.core.clock import Clock
from chalicelib.core.domain import (
    ACTIVE,
    CANCELLED,
    Attendee,
    BadgeIssue,
    Breakdown,
    Checkin,
    CheckinContext,
    CheckinDecision,
    arrival_slot,
    breakdown,
    check_has_badge,
    check_reissuable,
    check_scan_time,
    decide_checkin,
    decide_undo,
    local_date,
    local_time,
    needs_cancelling,
    registration_days,
    utc_iso,
)
from chalicelib.core.errors import (
    Code,
    Refusal,
    attendee_not_found,
    badge_not_found,
    badge_revoked,
    event_not_found,
    temporarily_unavailable,
    validation_error,
)
from chalicelib.core.models import (
    AttendeeQuery,
    CheckinRequest,
    Event,
    EventDay,
    Registration,
    ScanQuery,
    WalkIn,
    is_event_id,
)
from chalicelib.core.search import (
    MIN_LOOKUP,
    first_match,
    lookup_word,
    matches,
    search_terms,
    sort_key,
    words,
)
from chalicelib.store import (
    AlreadyWritten,
    Conflict,
    EventRecord,
    ScanEntry,
    ScanReplayed,
    StaleAttendee,
    Store,
    Unavailable,
    WordHit,
)

# How often a check-in is decided again on the state a failed write handed
# back (no read, no pause: the state is fresh) before giving up.
MAX_ATTEMPTS = 8
# Lost races and DynamoDB's "not now": re-read, decide again, write again.
RETRIED = (Conflict, Unavailable)


@dataclass(frozen=True)
class Answer:
    """What a use case decided, and the body to answer with (check-ins store theirs).

    `outcome` is a result ("checked_in", "already_checked_in", "registered",
    "undone") or a refusal's code; the edge maps it to a status.
    """

    outcome: str
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

    def checkin(self, event: Event, day: EventDay) -> Checkin:
        return Checkin(
            at=self.scanned_at,
            desk=self.desk,
            desk_token_id=self.desk_token_id,
            scan_id=self.scan_id,
            slot=arrival_slot(event, day, self.scanned_at),
        )

    def entry(
        self,
        event: Event,
        attendee: Attendee | None,
        answer: Answer,
        result: str | None = None,
        error_code: str | None = None,
    ) -> ScanEntry:
        return ScanEntry(
            event_id=self.event_id,
            scan_id=self.scan_id,
            day=local_date(event, self.scanned_at).isoformat(),
            received_at=utc_iso(self.received_at),
            scanned_at=utc_iso(self.scanned_at),
            desk=self.desk,
            desk_token_id=self.desk_token_id,
            result=result,
            error_code=error_code,
            attendee_id=attendee.id if attendee else None,
            outcome=answer.outcome,
            body=answer.body,
        )


# API Gateway and Lambda answer at most 6 MB, and a binary body travels as
# base64 (4 bytes for 3): a PDF above this would not arrive.
MAX_PDF_BYTES = 4_400_000


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise validation_error(
            [{"field": "date", "message": "must be a date (YYYY-MM-DD)"}]
        ) from None


def _card(event: Event, attendee: Attendee, code: str, reprint: int):
    from chalicelib.documents.printing import BadgeCard

    return BadgeCard(
        name=attendee.name,
        organisation=attendee.organisation,
        code=code,
        event_title=event.title,
        dates=presenters.date_range(event.dates),
        venue=event.venue.name,
        reprint=reprint,
    )


def _busy() -> Refusal:
    return temporarily_unavailable()


class Hadir:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        badge_secret: bytes,
        organiser_token_hash: str,
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        # Every read-decide-write loop runs inside this budget, with jittered pauses.
        self._backoff = backoff or Backoff()
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
        if not is_event_id(event_id):
            raise event_not_found()
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

    def register(
        self, event_id: str, registration: Registration, idempotency_key: str | None = None
    ) -> dict:
        """Register someone. Sent again (same attempt, or the same Idempotency-Key),
        the registration that landed is the answer, not already_registered."""
        attendee_id = self._attendee_id(event_id, idempotency_key)
        for _ in self._backoff.attempts():
            try:
                record = self._event_record(event_id)
                attendee = self._new_attendee(record, registration, "online", attendee_id)
                self.store.register(
                    record,
                    attendee,
                    registration.normalised_email,
                    search_terms(attendee.name, attendee.organisation),
                )
            except RETRIED:
                continue
            except AlreadyWritten:
                attendee = self._find_attendee(attendee_id)
            return presenters.registration_json(attendee, self._code(attendee))
        raise _busy()

    def _attendee_id(self, event_id: str, idempotency_key: str | None) -> str:
        if idempotency_key is None:
            return new_attendee_id()
        return attendee_id_for_key(self._badge_secret, event_id, idempotency_key)

    def walk_in(
        self, event_id: str, walk_in: WalkIn, staff: Staff, idempotency_key: str | None = None
    ) -> Answer:
        """Register someone at the desk and, if asked, check them in: one transaction.

        The desk may register after public registration has closed; capacity
        and the one-registration-per-email rule hold as online. With check_in,
        the walk-in's scan_id makes a retried request return the first answer.
        """
        if not is_event_id(event_id):
            raise event_not_found()
        if walk_in.check_in:
            replay = self.store.get_scan(event_id, walk_in.scan_id)
            if replay is not None:
                return Answer(replay.outcome, replay.body)
        attendee_id = self._attendee_id(event_id, idempotency_key)
        for _ in self._backoff.attempts():
            try:
                record = self._event_record(event_id)
            except Unavailable:
                continue
            attendee = self._new_attendee(record, walk_in, "walk_in", attendee_id)
            body = presenters.registration_json(attendee, self._code(attendee))
            body["checkin"], scan_log = None, None
            if walk_in.check_in:
                scan, decision, counted, body["checkin"], refused = self._walk_in_checkin(
                    record, attendee, walk_in, staff
                )
                # The log keeps the whole answer, for a retried request.
                entry = scan.entry(
                    record.event,
                    attendee,
                    Answer("registered", body),
                    result=None if refused else "checked_in",
                    error_code=refused,
                )
                scan_log = (decision, entry, counted)
            try:
                self.store.register(
                    record,
                    attendee,
                    walk_in.normalised_email,
                    search_terms(attendee.name, attendee.organisation),
                    walk_in=scan_log,
                    desk=True,
                )
            except RETRIED:
                continue
            except ScanReplayed:
                return self._replayed(event_id, walk_in.scan_id)
            except AlreadyWritten:
                # Landed before, without a check-in (with one, its scan_id replays).
                attendee = self._find_attendee(attendee_id)
                body = presenters.registration_json(attendee, self._code(attendee))
                body["checkin"] = None
            return Answer("registered", body)
        raise _busy()

    def _walk_in_checkin(
        self, record: EventRecord, attendee: Attendee, walk_in: WalkIn, staff: Staff
    ) -> tuple[_Scan, CheckinDecision | None, Breakdown | None, dict, str | None]:
        """Decide a walk-in's check-in. Accepted, the attendee carries it and its
        report buckets come back; refused, they are registered all the same and
        the desk is told why."""
        now = attendee.registered_at
        scan = _Scan(
            event_id=record.event.id,
            scan_id=walk_in.scan_id,
            desk=walk_in.desk or staff.label,
            desk_token_id=staff.token_id,
            received_at=now,
            scanned_at=now,
        )
        try:
            decision = decide_checkin(CheckinContext(record.event, attendee, None, now))
        except Refusal as refusal:
            return scan, None, None, refusal.body(), refusal.code.value
        checkin = scan.checkin(record.event, decision.day)
        attendee.checkins[decision.day.date] = checkin
        counted = breakdown(record.event, attendee, decision.day, checkin)
        body = presenters.checkin_json(record.event, attendee, decision.day, checkin, "checked_in")
        return scan, decision, counted, body, None

    def _find_attendee(self, attendee_id: str) -> Attendee | None:
        # Ids that could not be ours are not looked up.
        return self.store.get_attendee(attendee_id) if is_attendee_id(attendee_id) else None

    def _new_attendee(
        self, record: EventRecord, registration: Registration, source: str, attendee_id: str
    ) -> Attendee:
        return Attendee(
            id=attendee_id,
            event_id=record.event.id,
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

    def _code(self, attendee: Attendee) -> str:
        return issue_code(self._badge_secret, attendee.id, attendee.badge_serial)

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

    def badge_view(self, code: str) -> shapes.BadgeHolder:
        attendee, code = self.badge_holder(code)
        event = self.get_event(attendee.event_id)
        return presenters.badge_holder_json(event, attendee, code)

    # check-in ----------------------------------------------------------------

    def check_in(self, event_id: str, request: CheckinRequest, staff: Staff) -> Answer:
        """Check an attendee in, or say why not. Every attempt is logged.

        A repeated scan_id gets the first answer back. At most two DynamoDB
        requests when nothing races: one batch read, one write.
        """
        if not is_event_id(event_id):
            raise event_not_found()
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
        for _ in self._backoff.attempts():
            try:
                record, attendee, replay = self.store.load_for_checkin(
                    event_id, attendee_id, request.scan_id
                )
                if record is None:
                    raise event_not_found()
                if replay is not None:
                    return Answer(replay.outcome, replay.body)
                return self._decide_and_record(record, attendee, presented_serial, scan)
            except RETRIED:
                # The event changed under us, or DynamoDB did not answer (the
                # write may have landed): read again. A landed write is found
                # by its scan_id, so it is answered, never made twice.
                continue
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
            except Refusal as refusal:
                answer = Answer(refusal.code.value, refusal.body())
                return self._log_unchanged(
                    scan.entry(event, attendee, answer, error_code=refusal.code.value)
                )
            if decision.existing is not None:
                result = "already_checked_in"
                body = presenters.checkin_json(
                    event, attendee, decision.day, decision.existing, result
                )
                return self._log_unchanged(
                    scan.entry(event, attendee, Answer(result, body), result=result)
                )
            checkin = scan.checkin(event, decision.day)
            body = presenters.checkin_json(event, attendee, decision.day, checkin, "checked_in")
            answer = Answer("checked_in", body)
            try:
                self.store.check_in(
                    record,
                    attendee,
                    decision,
                    checkin,
                    breakdown(event, attendee, decision.day, checkin),
                    presented_serial,
                    scan.entry(event, attendee, answer, result="checked_in"),
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
        return Answer(entry.outcome, entry.body)

    def _replayed(self, event_id: str, scan_id: str) -> Answer:
        stored = self.store.get_scan(event_id, scan_id)
        if stored is None:  # pragma: no cover - the record that won cannot vanish
            raise _busy()
        return Answer(stored.outcome, stored.body)

    # desk work ---------------------------------------------------------------

    def find_attendees(self, event_id: str, query: AttendeeQuery, staff: Staff) -> dict:
        """Search by the starts of words of name and organisation; organisers may list all."""
        event = self._event_record(event_id).event
        if query.q is None:
            if staff.role != ORGANISER:
                raise validation_error(
                    [{"field": "q", "message": "is required: at least 2 characters"}]
                )
            attendees, cursor = self.store.list_attendees(event_id, query.next, query.limit)
        else:
            attendees, cursor = self._search(event_id, query)
        return {
            "attendees": [presenters.attendee_summary_json(event, a) for a in attendees],
            "next": cursor,
        }

    def _search(self, event_id: str, query: AttendeeQuery) -> tuple[list[Attendee], str | None]:
        wanted = words(query.q)
        lookup = lookup_word(wanted)
        if len(query.q.strip()) < MIN_LOOKUP or lookup is None:
            raise validation_error(
                [{"field": "q", "message": "needs a word of at least 2 letters"}]
            )

        def keep(hit: WordHit) -> bool:
            # Listed once, under their first word the lookup matches.
            return first_match(lookup, hit.words) == hit.word and matches(wanted, hit.words)

        hits, cursor = self.store.search_words(event_id, lookup, query.next, keep, query.limit)
        found = self.store.get_attendees([hit.attendee_id for hit in hits])
        return [found[hit.attendee_id] for hit in hits if hit.attendee_id in found], cursor

    def attendee(self, event_id: str, attendee_id: str) -> shapes.Attendee:
        record = self._event_record(event_id)
        attendee = self._attendee_of(record.event, attendee_id)
        code = self._code(attendee) if attendee.is_active else None
        return presenters.attendee_json(record.event, attendee, code)

    def _attendee_of(self, event: Event, attendee_id: str) -> Attendee:
        attendee = self._find_attendee(attendee_id)
        if attendee is None or attendee.event_id != event.id:
            raise attendee_not_found()
        return attendee

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
        record = self._event_record(event_id)
        request_id = (
            attendee_id_for_key(self._badge_secret, event_id, f"reissue\0{idempotency_key}")
            if idempotency_key is not None
            else new_attendee_id()
        )
        for _ in self._backoff.attempts():
            try:
                attendee = self._find_attendee(attendee_id)
                check_reissuable(record.event, attendee)
                if any(issue.request_id == request_id for issue in attendee.reissues):
                    return {"badge": presenters.badge_json(self._code(attendee))}
                issue = BadgeIssue(
                    at=self.clock.now(),
                    by=staff.token_id or staff.role,
                    reason=reason,
                    request_id=request_id,
                )
                updated = self.store.reissue_badge(attendee, issue)
            except RETRIED:
                continue  # changed meanwhile, or not known to have landed: read again
            return {"badge": presenters.badge_json(self._code(updated))}
        raise _busy()

    def cancel(self, event_id: str, attendee_id: str) -> dict:
        """Cancel a registration; a person who has checked in must be undone first."""
        for _ in self._backoff.attempts():
            try:
                record = self._event_record(event_id)
                attendee = self._find_attendee(attendee_id)
                if not needs_cancelling(record.event, attendee):
                    break
                self.store.cancel(record, attendee, self.clock.now())
            except (StaleAttendee, *RETRIED):
                continue  # a scan or another cancel got there first: decide again
            break
        else:
            raise _busy()
        return {"status": CANCELLED}

    def undo_checkin(self, event_id: str, attendee_id: str, on: str, staff: Staff) -> dict:
        """Undo one day's check-in: counts follow, and the scan log says so."""
        day = _parse_date(on)
        for _ in self._backoff.attempts():
            try:
                record = self._event_record(event_id)
                attendee = self._find_attendee(attendee_id)
            except Unavailable:
                continue
            undo = decide_undo(record.event, attendee, day)
            now = self.clock.now()
            body = {
                **presenters.checkin_json(record.event, attendee, undo.day, undo.checkin, "undone"),
                "undone_at": utc_iso(now),
            }
            entry = ScanEntry(
                event_id=event_id,
                scan_id=f"undo-{secrets.token_hex(8)}",
                day=day.isoformat(),
                received_at=utc_iso(now),
                scanned_at=utc_iso(now),
                desk=staff.label,
                desk_token_id=staff.token_id,
                result="undone",
                error_code=None,
                attendee_id=attendee.id,
                outcome="undone",
                body=body,
            )
            try:
                self.store.undo_checkin(record, attendee, undo, entry)
            except (StaleAttendee, *RETRIED):
                continue
            return body
        raise _busy()

    def scans(self, event_id: str, query: ScanQuery) -> dict:
        self._event_record(event_id)

        def keep(entry: ScanEntry) -> bool:
            return query.result is None or query.result in (entry.result, entry.error_code)

        entries, cursor = self.store.list_scans(event_id, query.day, keep, query.next, query.limit)
        return {"scans": [presenters.scan_json(entry) for entry in entries], "next": cursor}

    # printing ----------------------------------------------------------------
    # chalicelib.documents.printing (fpdf2, Pillow, fontTools) is imported here, in the
    # printing calls only: the door's cold starts never load it.

    def badge_pdf(self, code: str) -> bytes:
        """One printable badge, for its holder: not recorded as a print."""
        from chalicelib.documents import printing

        attendee, code = self.badge_holder(code)
        event = self.get_event(attendee.event_id)
        return printing.badge_pdf(_card(event, attendee, code, reprint=0))

    def badge_sheet(self, event_id: str, layout: str, attendee_ids: list[str]) -> bytes:
        """Badges of every active attendee, or of those named, sorted by name.

        Each badge on the sheet is recorded as printed; one printed before
        says it is a reprint.
        """
        from chalicelib.documents import printing

        event = self.get_event(event_id)
        if attendee_ids:
            attendees = self._named_attendees(event, attendee_ids)
        else:
            attendees = [a for a in self.store.all_attendees(event_id) if a.is_active]
        attendees.sort(key=lambda attendee: (sort_key(attendee.name), attendee.id))
        cards = [_card(event, a, self._code(a), reprint=len(a.prints)) for a in attendees]
        pdf = printing.badge_sheet_pdf(cards, layout)
        if len(pdf) > MAX_PDF_BYTES:
            raise Refusal(
                Code.SHEET_TOO_LARGE,
                "This sheet is too large to send at once; print it in parts with attendee_id.",
            )
        try:
            self.store.record_prints([a.id for a in attendees], self.clock.now())
        except Conflict:
            raise _busy() from None
        return pdf

    def _named_attendees(self, event: Event, attendee_ids: list[str]) -> list[Attendee]:
        wanted = list(dict.fromkeys(attendee_ids))
        valid = [attendee_id for attendee_id in wanted if is_attendee_id(attendee_id)]
        found = self.store.get_attendees(valid) if valid else {}
        attendees = []
        for attendee_id in wanted:
            attendee = found.get(attendee_id)
            if attendee is None or attendee.event_id != event.id:
                raise attendee_not_found()
            check_has_badge(event, attendee)
            attendees.append(attendee)
        return attendees

    def sign_in_sheet(self, event_id: str, on: date) -> bytes:
        """The paper daftar hadir of one event day: everyone expected, alphabetically."""
        from chalicelib.documents import printing

        event = self.get_event(event_id)
        day = event.day_on(on)
        if day is None:
            raise Refusal(Code.NOT_AN_EVENT_DAY, f"{on} is not a day of this event.")
        expected = [
            attendee
            for attendee in self.store.all_attendees(event_id)
            if attendee.is_active and day.date in attendee.days
        ]
        expected.sort(key=lambda attendee: (sort_key(attendee.name), attendee.id))
        rows = [
            printing.SignInRow(
                name=attendee.name,
                organisation=attendee.organisation,
                checked_in_at=(
                    local_time(event, attendee.checkins[day.date].at)
                    if day.date in attendee.checkins
                    else None
                ),
            )
            for attendee in expected
        ]
        sheet = printing.SignInSheet(
            event_title=event.title,
            day_number=day.number,
            day=day.date,
            venue=event.venue.name,
            rows=rows,
        )
        return printing.sign_in_sheet_pdf(sheet)

    # reports -----------------------------------------------------------------

    def report(self, event_id: str) -> dict:
        """Per-day breakdowns from the event's counters: one item read at any size."""
        record = self._event_record(event_id)
        return {
            "event_id": event_id,
            "as_of": utc_iso(self.clock.now()),
            "days": [presenters.report_day_json(record, day) for day in record.event.days],
        }

    def attendance_csv(self, event_id: str) -> str:
        """Every registration, cancelled ones included, by name: the donor's evidence."""
        event = self.get_event(event_id)
        attendees = self.store.all_attendees(event_id)
        attendees.sort(key=lambda attendee: (sort_key(attendee.name), attendee.id))
        return presenters.attendance_csv(event, attendees)

    def arrivals_svg(self, event_id: str, on: date) -> str:
        from chalicelib.documents.charts import arrivals_chart

        record = self._event_record(event_id)
        day = record.event.day_on(on)
        if day is None:
            raise Refusal(Code.NOT_AN_EVENT_DAY, f"{on} is not a day of this event.")
        counts = presenters.arrival_counts(record, day)
        title = f"Arrivals, day {day.number} ({presenters.date_range([day.date])})"
        return arrivals_chart(title, counts)

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
        # Ids that could not be ours are not looked up.
        if not re.fullmatch(DESK_TOKEN_ID_PATTERN, token_id) or not self.store.revoke_desk_token(
            event_id, token_id, utc_iso(self.clock.now())
        ):
            raise Refusal(Code.DESK_TOKEN_NOT_FOUND, "This event has no desk token with that id.")
