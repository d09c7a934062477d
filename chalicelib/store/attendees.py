"""Attendees: registration, check-in, reissue, cancel, undo, prints, listing, search words.

Everything that must hold under concurrency is a condition DynamoDB checks at
write time, never a read followed by a write:

- email uniqueness: a lock item per (event, email hash), put if absent;
- capacity and "registration open": conditions on the event item, which also
  carries the counters, so a registration that is refused moves no count;
- one check-in per attendee per day: no check-in yet on that date, and the
  number of check-ins the counts were decided on;
- counters move in the same transaction as the change they count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.core.badges import MAX_SERIAL
from chalicelib.core.corrections import Correction
from chalicelib.core.domain import (
    CANCELLED,
    MAX_PRINTS,
    MAX_REISSUES,
    Attendee,
    BadgeIssue,
    Breakdown,
    Checkin,
    CheckinDecision,
    UndoDecision,
)
from chalicelib.core.errors import Code, Refusal, event_not_found
from chalicelib.core.records import (
    EventRecord,
    ScanEntry,
    WordHit,
    checkin_counts,
    registered_on,
)
from chalicelib.core.search import SearchTerms
from chalicelib.core.text import normalise_email
from chalicelib.store.codec import (
    attendee_from_item,
    attendee_item,
    change_item,
    checkin_item,
    load,
    manage_item,
    reissue_item,
    scan_item,
    sort_entry,
    values,
    word_hit,
    word_item,
)
from chalicelib.store.conditions import (
    attendee_is_active,
    attendee_of_event,
    attendee_version_is,
    badge_serial_below,
    badge_serial_is,
    capacity_left,
    checkin_count_is,
    checkin_on,
    checkins_on,
    desk_label_room,
    email_held_by,
    fewer_than,
    item_exists,
    no_checkin_on,
    registration_open,
)
from chalicelib.store.errors import AlreadyWritten, Conflict, ScanReplayed, StaleAttendee
from chalicelib.store.keys import (
    INDEX_KEY,
    TABLE_KEY,
    TTL_ATTRIBUTE,
    attendee_key,
    attendees_partition,
    email_key,
    word_key,
    word_partition,
)
from chalicelib.store.roster import mark_changed
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled

# A registration's slots, and the check-in's, by name.
EVENT, EMAIL, ATTENDEE, SCAN = "event", "email", "attendee", "scan"
OLD_EMAIL = "old_email"  # a correction's: the lock of the address it replaces
MANAGE = "manage"


class AttendeeRepository:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.client

    # reads ----------------------------------------------------------------------

    def get(self, attendee_id: str) -> Attendee | None:
        item = self._table.get(attendee_key(attendee_id))
        return attendee_from_item(load(item)) if item else None

    def get_many(self, attendee_ids: list[str]) -> dict[str, Attendee]:
        items = self._table.batch_get(attendee_key(attendee_id) for attendee_id in attendee_ids)
        attendees = (attendee_from_item(load(item)) for item in items.values())
        return {attendee.id: attendee for attendee in attendees}

    def all_of(self, event_id: str) -> list[Attendee]:
        """Every registration of an event, sorted by name (for printing)."""
        items = self._table.query_all(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues=values({":pk": attendees_partition(event_id)}),
        )
        return [attendee_from_item(item) for item in items]

    def list_page(
        self, event_id: str, cursor: str | None, limit: int
    ) -> tuple[list[Attendee], str | None]:
        """Every registration of an event, by name, a page at a time."""
        partition = attendees_partition(event_id)
        return self._table.page(
            {
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :pk",
                "ExpressionAttributeValues": values({":pk": partition}),
            },
            INDEX_KEY,
            {"gsi1pk": partition},
            cursor,
            attendee_from_item,
            lambda _: True,
            limit,
        )

    def search_words(
        self,
        event_id: str,
        lookup: str,
        cursor: str | None,
        keep: Callable[[WordHit], bool],
        limit: int,
    ) -> tuple[list[WordHit], str | None]:
        """Word-index entries of `event_id` whose word starts with `lookup`.

        Reads only the index entries under that prefix: the cost grows with the
        number of matching words, not with the size of the event.
        """
        partition = word_partition(event_id, lookup)
        return self._table.page(
            {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :word)",
                "ExpressionAttributeValues": values({":pk": partition, ":word": lookup}),
            },
            TABLE_KEY,
            {"pk": partition},
            cursor,
            word_hit,
            keep,
            limit,
        )

    # registration ---------------------------------------------------------------

    def register(
        self,
        record: EventRecord,
        attendee: Attendee,
        normalised_email: str | None,
        terms: SearchTerms,
        walk_in: tuple[CheckinDecision | None, ScanEntry, Breakdown | None] | None = None,
        desk: bool = False,
        manage_hash: str | None = None,
    ) -> None:
        """Write a registration, its email lock, search words and counts, or none.

        With `manage_hash`, the attendee's manage token is findable by its hash
        (MANAGE#<hash>) from the same transaction on. Items that hold personal
        data carry the attendee's `expires_at` (the table's TTL attribute).

        With `walk_in`, the same transaction logs the desk's scan and, if the
        check-in was decided (the attendee already carries it), counts it. A
        `desk` registration may be made after public registration has closed.

        Raises Refusal for already_registered, event_full, registration_closed
        and event_not_found; ScanReplayed if the walk-in's scan_id was used;
        Conflict when the event changed since `record` was read.
        """
        event_id = record.event.id
        counts = {"registered": 1, **{registered_on(day): 1 for day in attendee.days}}
        # The desk may register after public registration has closed.
        condition = capacity_left if desk else capacity_left & registration_open
        if walk_in is not None:
            decision, _, counted = walk_in
            if decision is not None:
                assert counted is not None  # a decided walk-in is counted in its buckets
                counts.update(checkin_counts(decision.day.date, decision, counted, 1))
                if counted.new_desk:
                    condition &= desk_label_room(decision.day.date, counted.desk)
        tx = self._table.transaction()
        tx.count(EVENT, record, counts, condition)
        expiry = {TTL_ATTRIBUTE: attendee.expires_at}
        if normalised_email is not None:  # at the desk, one may have none: then no lock
            tx.put_new(
                EMAIL,
                {**email_key(event_id, normalised_email), "attendee_id": attendee.id, **expiry},
                True,
            )
        # The manage token's hash, so that a backup finds its lookup item by key.
        manage = {"manage_hash": manage_hash} if manage_hash else {}
        tx.put_new(
            ATTENDEE, {**attendee_item(attendee), **manage}, hand_back=normalised_email is None
        )
        for word in terms.indexed:
            item = word_item(event_id, word, attendee.id, terms.words)
            tx.put_new(f"word:{word}", {**item, **expiry})
        if manage_hash is not None:
            tx.put_new(MANAGE, manage_item(manage_hash, attendee))
        if walk_in is not None:
            tx.put_new(SCAN, scan_item(walk_in[1]))
        mark_changed(tx, event_id, attendee.id, attendee.registered_at)
        try:
            tx.commit()
        except Cancelled as cancelled:
            if cancelled.failed(SCAN):
                raise ScanReplayed() from None
            if cancelled.failed(EMAIL):
                holder = (cancelled.item(EMAIL) or {}).get("attendee_id")
                if holder == attendee.id:
                    # This very registration, sent again after an answer that
                    # never came back (or with the same Idempotency-Key).
                    raise AlreadyWritten() from None
            # Closed and full are decided before the email: were the email's
            # answer given first, a closed or full event would tell anyone
            # which addresses are registered (API.md section 1).
            if cancelled.failed(EVENT):
                _raise_registration_refusal(record, cancelled.item(EVENT), desk)
            if cancelled.failed(EMAIL):
                raise Refusal(
                    Code.ALREADY_REGISTERED, "This email address is already registered."
                ) from None
            if cancelled.failed(ATTENDEE):
                if normalised_email is None and _same_person(cancelled.item(ATTENDEE), attendee):
                    # Without an email lock, the registration itself tells
                    # that this one landed before.
                    raise AlreadyWritten() from None
                # The id is taken by another registration: only an
                # Idempotency-Key sent again with a different email does that.
                raise Refusal(
                    Code.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used for another registration.",
                ) from None
            raise Conflict() from None

    # check-in -------------------------------------------------------------------

    def check_in(
        self,
        record: EventRecord,
        attendee: Attendee,
        decision: CheckinDecision,
        checkin: Checkin,
        counted: Breakdown,
        presented_serial: int | None,
        scan: ScanEntry,
    ) -> None:
        """Record a check-in, its counts and its scan-log entry in one transaction.

        `attendee` is the state the decision was made on; the write succeeds only
        if that is still the state (same serial, still active, same number of
        check-ins, none yet that day). Raises `ScanReplayed` if another request
        with the same scan_id won, `StaleAttendee` (with the fresh attendee) if
        the attendee changed, `Conflict` if the event changed.
        """
        day = decision.day.date
        # The counts below were decided on this many check-ins.
        condition = (
            item_exists
            & attendee_is_active
            & checkin_count_is(len(attendee.checkins))
            & no_checkin_on(day)
            # Its days and buckets (gender, organisation type) as read.
            & attendee_version_is(attendee.version)
        )
        if presented_serial is not None:
            condition &= badge_serial_is(presented_serial)
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            "SET checkins.#date = :checkin ADD checkin_count :one",
            condition,
            plain_values={":one": 1, ":checkin": checkin_item(checkin)},
            hand_back=True,
        )
        tx.count(
            EVENT,
            record,
            checkin_counts(day, decision, counted, 1),
            desk_label_room(day, counted.desk) if counted.new_desk else None,
        )
        tx.put_new(SCAN, scan_item(scan))
        mark_changed(tx, attendee.event_id, attendee.id, scan.received_at)
        try:
            tx.commit()
        except Cancelled as cancelled:
            if cancelled.failed(SCAN):
                raise ScanReplayed() from None
            _raise_if_attendee_changed(cancelled)
            raise Conflict() from None

    def undo_checkin(
        self, record: EventRecord, attendee: Attendee, undo: UndoDecision, scan: ScanEntry
    ) -> None:
        """Remove one day's check-in, take it off the counts and log it, together."""
        day = undo.day.date
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            "REMOVE checkins.#date ADD checkin_count :less",
            checkin_on(day)
            & checkin_count_is(len(attendee.checkins))
            & attendee_version_is(attendee.version),
            plain_values={":less": -1},
            hand_back=True,
        )
        tx.count(EVENT, record, checkin_counts(day, undo, undo.breakdown, -1))
        tx.put_new(SCAN, scan_item(scan))
        mark_changed(tx, attendee.event_id, attendee.id, scan.received_at)
        try:
            tx.commit()
        except Cancelled as cancelled:
            _raise_if_attendee_changed(cancelled)
            raise Conflict() from None

    # the badge and the registration ------------------------------------------------

    def reissue_badge(self, attendee: Attendee, issue: BadgeIssue) -> Attendee:
        """Give the attendee a new badge serial, revoking the old code at once.

        One conditional update on the serial as read: a scan of the old code
        racing it either lands first or finds the serial changed, and the same
        update sent twice moves the serial once. Conflict if it changed.
        """
        condition = (
            attendee_of_event(attendee.event_id)
            & attendee_is_active
            & badge_serial_is(attendee.badge_serial)
            & badge_serial_below(MAX_SERIAL)
            & fewer_than("reissues", MAX_REISSUES)
        )
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            "SET badge_serial = badge_serial + :one,"
            " reissues = list_append(if_not_exists(reissues, :none), :issue)",
            condition,
            plain_values={":one": 1, ":none": [], ":issue": [reissue_item(issue)]},
        )
        # The roster's change index, in the same transaction (store/roster.py).
        mark_changed(tx, attendee.event_id, attendee.id, issue.at)
        try:
            tx.commit()
        except Cancelled:
            raise Conflict() from None
        return replace(
            attendee,
            badge_serial=attendee.badge_serial + 1,
            reissues=[*attendee.reissues, issue],
        )

    def cancel(self, record: EventRecord, attendee: Attendee, at: datetime) -> None:
        """Cancel a registration that has no check-in: its counts drop, its email frees.

        Raises StaleAttendee with the fresh state if the attendee changed since
        read (checked in, already cancelled).
        """
        counts = {"registered": -1, **{registered_on(day): -1 for day in attendee.days}}
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            "SET #status = :cancelled, cancelled_at = :at",
            attendee_is_active & checkin_count_is(0) & attendee_version_is(attendee.version),
            plain_values={":cancelled": CANCELLED, ":at": at.isoformat()},
            hand_back=True,
        )
        tx.count(EVENT, record, counts)
        if attendee.email is not None:  # a desk registration may have none
            # The address may register again.
            tx.delete(
                EMAIL,
                email_key(record.event.id, normalise_email(attendee.email)),
                email_held_by(attendee.id),
            )
        mark_changed(tx, record.event.id, attendee.id, at)
        try:
            tx.commit()
        except Cancelled as cancelled:
            _raise_if_attendee_changed(cancelled)
            raise Conflict() from None

    def correct(self, record: EventRecord, correction: Correction) -> None:
        """Write a correction, its counts, search words and email lock together.

        Conditioned on the attendee as read: still active, the same version
        (no correction since), the same check-ins (so the buckets it moves
        are the right ones). Raises StaleAttendee if it changed, Refusal
        already_registered if the new address is someone else's, Conflict if
        the event changed.
        """
        before, after = correction.before, correction.after
        event_id = record.event.id
        condition = (
            item_exists
            & attendee_is_active
            & attendee_version_is(before.version)
            & checkin_count_is(len(before.checkins))
        )
        held = checkins_on(sorted(before.checkins))
        if held is not None:
            condition &= held
        sets = ["#version = :next", "#changes = :changes"]
        removes = []
        names = {"#version": "version", "#changes": "changes"}
        plain: dict[str, Any] = {
            ":next": after.version,
            ":changes": [change_item(change) for change in after.changes],
        }
        for index, (name, value) in enumerate(correction.attribute_updates().items()):
            names[f"#f{index}"] = name
            if value is None:
                removes.append(f"#f{index}")
            else:
                sets.append(f"#f{index} = :f{index}")
                plain[f":f{index}"] = value
        if "name" in correction.fields:
            sets.append("gsi1sk = :sort")
            plain[":sort"] = sort_entry(after)
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        tx = self._table.transaction()
        tx.update(ATTENDEE, attendee_key(before.id), expression, condition, names, plain, True)
        if correction.counts:
            tx.count(EVENT, record, correction.counts)
        if correction.email_moves:
            if correction.old_email is not None:
                tx.delete(
                    OLD_EMAIL, email_key(event_id, correction.old_email), email_held_by(before.id)
                )
            if correction.new_email is not None:
                lock = {**email_key(event_id, correction.new_email), "attendee_id": before.id}
                if before.expires_at is not None:  # it holds personal data: it expires too
                    lock[TTL_ATTRIBUTE] = before.expires_at
                tx.put_new(EMAIL, lock, True)
        if correction.old_terms is not None and correction.new_terms is not None:
            kept = set(correction.new_terms.indexed)
            for word in correction.old_terms.indexed:
                if word not in kept:
                    tx.delete(f"word:{word}", word_key(event_id, word, before.id))
            for word in correction.new_terms.indexed:
                # Written whole: an entry kept carries the attendee's new words.
                tx.update(
                    f"word:{word}",
                    word_key(event_id, word, before.id),
                    "SET attendee_id = :attendee, word = :word, words = :words"
                    + (", #expires = :expires" if before.expires_at is not None else ""),
                    names={"#expires": TTL_ATTRIBUTE} if before.expires_at is not None else None,
                    plain_values={
                        ":attendee": before.id,
                        ":word": word,
                        ":words": correction.new_terms.words,
                        **(
                            {":expires": before.expires_at} if before.expires_at is not None else {}
                        ),
                    },
                )
        if after.changes:
            mark_changed(tx, event_id, before.id, after.changes[-1].at)
        try:
            tx.commit()
        except Cancelled as cancelled:
            _raise_if_attendee_changed(cancelled)
            if cancelled.failed(EMAIL):
                raise Refusal(
                    Code.ALREADY_REGISTERED, "This email address is already registered."
                ) from None
            raise Conflict() from None

    def record_prints(self, attendee_ids: list[str], at: datetime) -> None:
        """Add a print to each attendee's history, up to 100 to a transaction.

        A batch that meets a concurrent write (a scan of one of its people) is
        tried again on its own, so no print is recorded twice; Conflict if it
        keeps failing.
        """
        for start in range(0, len(attendee_ids), 100):
            batch = attendee_ids[start : start + 100]
            for _ in range(5):
                if not batch:
                    break
                tx = self._table.transaction()
                for attendee_id in batch:
                    tx.update(
                        attendee_id,
                        attendee_key(attendee_id),
                        "SET prints = list_append(if_not_exists(prints, :none), :print)",
                        item_exists & fewer_than("prints", MAX_PRINTS),
                        plain_values={":none": [], ":print": [at.isoformat()]},
                    )
                try:
                    tx.commit()
                    break
                except Cancelled as cancelled:
                    # A badge already printed MAX_PRINTS times is not recorded again.
                    batch = [one for one in batch if not cancelled.failed(one)]
            else:
                raise Conflict()


def _same_person(item: dict | None, attendee: Attendee) -> bool:
    """Is this stored registration (a loaded item) the one being written again?"""
    return (
        item is not None
        and item.get("event_id") == attendee.event_id
        and item.get("name") == attendee.name
        and item.get("email") is None
    )


def _raise_if_attendee_changed(cancelled: Cancelled) -> None:
    """StaleAttendee, carrying the state DynamoDB handed back, if its condition failed."""
    if cancelled.failed(ATTENDEE):
        item = cancelled.item(ATTENDEE)
        raise StaleAttendee(attendee_from_item(item) if item else None)


def _raise_registration_refusal(record: EventRecord, current: dict | None, desk: bool) -> None:
    if current is None:
        raise event_not_found()
    if int(current.get("revision", 0)) != record.revision:
        raise Conflict()
    if not desk and not current.get("registration_open", False):
        raise Refusal(Code.REGISTRATION_CLOSED, "Registration for this event is closed.")
    capacity = current.get("capacity")
    if capacity is not None and int(current.get("registered", 0)) >= int(capacity):
        raise Refusal(Code.EVENT_FULL, "This event is full.")
    # Something else the write was decided on changed (a desk label counted).
    raise Conflict()
