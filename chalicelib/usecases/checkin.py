"""Check-in: a badge (or an attendee id) at the door, answered once per scan_id.

A check-in reads top-down: load (one batch read: the event, the attendee and
any earlier answer to this scan_id), decide (pure: `judge`, on the domain's
`decide_checkin`), record (one transaction: the check-in, its counts and its
log entry), answer. Every attempt is logged, refused ones too.

`ScanLog` is the one way to the scan log and back: a scan_id seen before gets
the answer it got the first time, whichever request wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import Literal

from chalicelib.core import presenters
from chalicelib.core.auth import KIOSK, Gate, Staff
from chalicelib.core.backoff import Backoff
from chalicelib.core.badges import is_attendee_id
from chalicelib.core.clock import Clock
from chalicelib.core.domain import (
    NOT_GIVEN,
    SCAN,
    Attendee,
    Breakdown,
    Checkin,
    CheckinContext,
    CheckinDecision,
    arrival_slot,
    breakdown,
    check_scan_time,
    decide_checkin,
    is_late,
    local_date,
    utc_iso,
)
from chalicelib.core.errors import Code, Refusal, event_not_found, temporarily_unavailable
from chalicelib.core.models import CheckinRequest, Event, EventDay, is_event_id
from chalicelib.core.privacy import expires_at
from chalicelib.core.records import desk_bucket
from chalicelib.store import EventRecord, ScanEntry, ScanRecord, ScanReplayed, StaleAttendee
from chalicelib.usecases.common import Answer, Badges
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically

# How often a check-in is decided again on the state a failed write handed
# back (no read, no pause: the state is fresh) before giving up.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Scan:
    """One scan attempt as it arrived: what its log entry and check-in record."""

    event_id: str
    scan_id: str
    desk: str | None
    desk_token_id: str | None
    received_at: datetime
    scanned_at: datetime
    source: str = SCAN  # how the attendee was found: scan, search or paper

    @property
    def late(self) -> bool:
        """Received more than LATE_AFTER after it was scanned."""
        return is_late(self.scanned_at, self.received_at)

    def checkin(self, event: Event, day: EventDay, counted_desk: str | None = None) -> Checkin:
        return Checkin(
            at=self.scanned_at,
            desk=self.desk,
            desk_token_id=self.desk_token_id,
            scan_id=self.scan_id,
            slot=arrival_slot(event, day, self.scanned_at),
            source=self.source,
            late=self.late,
            counted_desk=counted_desk,
        )

    def entry(
        self,
        event: Event,
        attendee: Attendee | None,
        answer: Answer,
        result: str | None = None,
        error_code: str | None = None,
        day: date | None = None,
    ) -> ScanEntry:
        """Its log entry, listed under `day` (by default the day it was scanned on)."""
        return ScanEntry(
            event_id=self.event_id,
            scan_id=self.scan_id,
            day=(day or local_date(event, self.scanned_at)).isoformat(),
            received_at=utc_iso(self.received_at),
            scanned_at=utc_iso(self.scanned_at),
            desk=self.desk,
            desk_token_id=self.desk_token_id,
            result=result,
            error_code=error_code,
            attendee_id=attendee.id if attendee else None,
            outcome=answer.outcome,
            body=dict(answer.body),
            late=self.late,
            source=self.source,
            expires_at=expires_at(event, self.received_at) if attendee else None,
        )


@dataclass(frozen=True)
class Presented:
    """Whom a scan names: an attendee id, and the badge's serial if it was a code."""

    attendee_id: str | None  # None for a code or id that cannot be ours
    serial: int | None  # None when the desk named the attendee by id


@dataclass(frozen=True)
class NewCheckin:
    """An accepted check-in: what its transaction writes besides the log entry."""

    decision: CheckinDecision
    checkin: Checkin
    counted: Breakdown  # the report buckets it adds one to


@dataclass(frozen=True)
class Verdict:
    """A scan decided: the answer, its log entry, and the check-in to write if any."""

    answer: Answer
    entry: ScanEntry
    new: NewCheckin | None  # None: refused or already in; only the log entry is written


def judge(
    record: EventRecord, attendee: Attendee | None, serial: int | None, scan: Scan
) -> Verdict:
    """Decide a scan on the state read. Pure: nothing is read or written."""
    event = record.event
    try:
        decision = decide_checkin(CheckinContext(event, attendee, serial, scan.scanned_at))
    except Refusal as refusal:
        answer = Answer(refusal.code.value, refused_body(refusal, attendee))
        return Verdict(answer, scan.entry(event, attendee, answer, error_code=answer.outcome), None)
    if decision.existing is not None:
        result: Literal["already_checked_in"] = "already_checked_in"
        body = presenters.checkin_json(
            event, decision.attendee, decision.day, decision.existing, result
        )
        answer = Answer(result, body)
        return Verdict(answer, scan.entry(event, attendee, answer, result=result), None)
    desk, new_desk = desk_bucket(record.counters, decision.day.date, scan.desk or NOT_GIVEN)
    checkin = scan.checkin(event, decision.day, desk)
    body = presenters.checkin_json(event, decision.attendee, decision.day, checkin, "checked_in")
    answer = Answer("checked_in", body)
    counted = replace(breakdown(event, decision.attendee, decision.day, checkin), new_desk=new_desk)
    return Verdict(
        answer,
        scan.entry(event, attendee, answer, result="checked_in"),
        NewCheckin(decision, checkin, counted),
    )


def refused_body(refusal: Refusal, attendee: Attendee | None) -> dict:
    """A refusal's envelope; for an old badge of someone still registered, who it
    was issued to (`attendee: {id, name}`), so the desk can reissue on the spot.
    A cancelled or withdrawn registration's badge names nobody."""
    body = refusal.body()
    if refusal.code is Code.BADGE_REVOKED and attendee is not None and attendee.is_active:
        body["attendee"] = {"id": attendee.id, "name": attendee.name}
    return body


def for_kiosk(answer: Answer, attendee: Attendee | None) -> Answer:
    """An answer as a kiosk may show it: the person by id and greeting only;
    a refusal names nobody."""
    if "error" in answer.body:
        return Answer(answer.outcome, {"error": answer.body["error"]})
    return Answer(answer.outcome, presenters.kiosk_checkin(answer.body, attendee))


def kiosk_verdict(verdict: Verdict, attendee: Attendee | None) -> Verdict:
    answer = for_kiosk(verdict.answer, attendee)
    return replace(verdict, answer=answer, entry=replace(verdict.entry, body=dict(answer.body)))


def replay(stored: ScanRecord | None) -> Answer | None:
    """The answer a scan_id was given before, if it was."""
    return Answer(stored.outcome, stored.body) if stored is not None else None


class ScanLog:
    """The scan log: every scan attempt with its answer, written once per scan_id."""

    def __init__(self, store: Stores) -> None:
        self._store = store

    def earlier(self, event_id: str, scan_id: str) -> Answer | None:
        return replay(self._store.scans.get(event_id, scan_id))

    def record(self, entry: ScanEntry, change: Callable[[], None] | None = None) -> Answer:
        """Write `entry` and answer with it; `change`, if given, writes the entry
        in the same transaction as what the scan changed.

        If a request with the same scan_id was recorded first, its answer is
        the answer, and nothing of this one is written.
        """
        try:
            (change or partial(self._store.scans.log, entry))()
        except ScanReplayed:
            earlier = self.earlier(entry.event_id, entry.scan_id)
            if earlier is None:  # pragma: no cover - the record that won cannot vanish
                raise temporarily_unavailable() from None
            return earlier
        return Answer(entry.outcome, entry.body)


class CheckIns:
    def __init__(
        self, store: Stores, clock: Clock, badges: Badges, backoff: Backoff, log: ScanLog
    ) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges
        self._backoff = backoff
        self._log = log

    def check_in(self, event_id: str, request: CheckinRequest, caller: Staff | Gate) -> Answer:
        """Check an attendee in, or say why not. Every attempt is logged.

        `caller` is a checked Staff, or the request's Gate: an event token is
        then read in the check-in's own batch read, and checked (401/403)
        before anything is decided or replayed. A repeated scan_id gets the
        first answer back. At most two DynamoDB requests when nothing races,
        the token's check included: one batch read, one write.
        """
        gate = caller if isinstance(caller, Gate) else Gate.passed(caller)
        now = self._clock.now()
        if not is_event_id(event_id):
            # Nothing of ours to read: the token alone, then the 404.
            gate.admit(self._store.desk_tokens.find(gate.token_hash) if gate.token_hash else None)
            raise event_not_found()
        presented = self._presented(request)
        admitted: list[Staff] = []  # who is asking, once the first read has told

        def attempt() -> Answer:
            # The token is read with the first attempt's batch; a retry needs it no more.
            token_hash = None if admitted else gate.token_hash
            record, attendee, stored, token = self._store.load_for_checkin(
                event_id, presented.attendee_id, request.scan_id, token_hash
            )
            if not admitted:
                admitted.append(gate.admit(token))
            staff = admitted[0]
            if record is None:
                raise event_not_found()
            earlier = replay(stored)
            if earlier is None:
                scan = self._arrived(event_id, request, staff, now)
                earlier = self._decide_and_record(
                    record, attendee, presented.serial, scan, staff.role == KIOSK
                )
            return for_kiosk(earlier, attendee) if staff.role == KIOSK else earlier

        # The event changed under us, or DynamoDB did not answer (the write may
        # have landed): read again. A landed write is found by its scan_id, so
        # it is answered, never made twice.
        return optimistically(self._backoff, attempt)

    def _arrived(self, event_id: str, request: CheckinRequest, staff: Staff, now: datetime) -> Scan:
        scanned_at = request.scanned_at or now
        check_scan_time(scanned_at, now)
        return Scan(
            event_id=event_id,
            scan_id=request.scan_id,
            desk=request.desk or staff.label,
            desk_token_id=staff.token_id,
            received_at=now,
            scanned_at=scanned_at,
            source=request.source,
        )

    def _presented(self, request: CheckinRequest) -> Presented:
        if request.code is not None:
            ref = self._badges.verify(request.code)
            return Presented(ref.attendee_id, ref.serial) if ref else Presented(None, None)
        attendee_id = request.attendee_id
        return Presented(attendee_id if attendee_id and is_attendee_id(attendee_id) else None, None)

    def _decide_and_record(
        self,
        record: EventRecord,
        attendee: Attendee | None,
        serial: int | None,
        scan: Scan,
        kiosk: bool = False,
    ) -> Answer:
        for _ in range(MAX_ATTEMPTS):
            verdict = judge(record, attendee, serial, scan)
            if kiosk:  # stored as the kiosk was answered, so a replay gives the same
                verdict = kiosk_verdict(verdict, attendee)
            change = None
            if verdict.new is not None:
                new = verdict.new
                change = partial(
                    self._store.attendees.check_in,
                    record,
                    new.decision.attendee,
                    new.decision,
                    new.checkin,
                    new.counted,
                    serial,
                    verdict.entry,
                )
            try:
                return self._log.record(verdict.entry, change)
            except StaleAttendee as stale:
                # Someone else changed this attendee first (most often: another
                # desk checked them in). Decide again on the state the failed
                # write handed back, without another read.
                attendee = stale.attendee
        raise temporarily_unavailable()
