"""An attendee's own data: their manage token, their corrections, their
withdrawal and erasure, and their scan-log entries.

As elsewhere, what must hold under concurrency is a condition DynamoDB checks
when it writes: a correction applies only to the name and organisation it was
decided on (so the search words it removes are the ones there); a withdrawal
only to the registration as read (still active, with as many check-ins), so a
check-in racing it either lands first, and the withdrawal is decided again, or
finds the registration gone.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.core.domain import CANCELLED, WITHDRAWN, Attendee
from chalicelib.core.models import normalise_email
from chalicelib.core.records import EventRecord, ScanEntry, registered_on
from chalicelib.core.search import SearchTerms, sort_key
from chalicelib.store.codec import (
    attendee_from_item,
    dump,
    load,
    scan_entry,
    values,
    word_item,
)
from chalicelib.store.conditions import (
    Condition,
    attendee_is_active,
    attendee_version_is,
    checkin_count_is,
    email_held_by,
    item_exists,
)
from chalicelib.store.errors import Conflict, StaleAttendee
from chalicelib.store.keys import (
    TTL_ATTRIBUTE,
    attendee_key,
    email_key,
    manage_key,
    scan_key,
    scans_partition,
    word_key,
)
from chalicelib.store.roster import mark_changed
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled

ATTENDEE, EVENT, EMAIL, MANAGE = "attendee", "event", "email", "manage"


def _as_read(attendee: Attendee) -> Condition:
    """Still active, at the version and with the name and organisation the change
    was decided on (a staff correction moves the version: store/attendees.py)."""
    return (
        attendee_is_active
        & attendee_version_is(attendee.version)
        & Condition(
            "#name = :old_name AND organisation = :old_organisation",
            {"#name": "name"},
            {":old_name": attendee.name, ":old_organisation": attendee.organisation},
        )
    )


class PrivacyRepository:
    def __init__(self, table: Table) -> None:
        self._table = table

    def manage_holder(self, token_hash: str) -> str | None:
        """The attendee id a manage token's hash stands for: one key lookup."""
        item = self._table.get(manage_key(token_hash))
        return str(load(item)["attendee_id"]) if item else None

    def correct(
        self,
        attendee: Attendee,
        changes: dict[str, Any],
        before: SearchTerms,
        after: SearchTerms,
        at: datetime,
    ) -> Attendee:
        """Apply the attendee's own corrections; the search words follow, together.

        `changes` maps field names to new values (None removes the field).
        Raises StaleAttendee if the registration changed since read.
        """
        sets = {name: value for name, value in changes.items() if value is not None}
        removes = [name for name, value in changes.items() if value is None]
        names = {f"#f{index}": name for index, name in enumerate(changes)}
        by_name = {name: placeholder for placeholder, name in names.items()}
        plain: dict[str, Any] = {f":v{index}": sets[name] for index, name in enumerate(sets)}
        assignments = [f"{by_name[name]} = :v{index}" for index, name in enumerate(sets)]
        if "name" in sets:
            plain[":sk"] = f"{sort_key(sets['name'])}\x01{attendee.id}"
            assignments.append("gsi1sk = :sk")
        expression = "SET " + ", ".join(assignments) if assignments else ""
        if removes:
            expression += " REMOVE " + ", ".join(by_name[name] for name in removes)
        # A correction moves the version, so a staff correction decided before it
        # is decided again rather than writing search words for the old name.
        names["#version"] = "version"
        plain[":one"] = 1
        expression += " ADD #version :one"
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            expression.strip(),
            _as_read(attendee),
            names,
            plain,
            hand_back=True,
        )
        if before != after:
            event_id = attendee.event_id
            for word in set(before.indexed) - set(after.indexed):
                tx.delete(f"old:{word}", word_key(event_id, word, attendee.id))
            for word in after.indexed:
                # Written whole, whether new or kept: its `words` change too.
                item = word_item(event_id, word, attendee.id, after.words)
                fields = {k: v for k, v in item.items() if k not in ("pk", "sk")}
                if attendee.expires_at is not None:
                    fields[TTL_ATTRIBUTE] = attendee.expires_at
                tx.update(
                    f"new:{word}",
                    word_key(event_id, word, attendee.id),
                    "SET " + ", ".join(f"#w{i} = :w{i}" for i in range(len(fields))),
                    names={f"#w{i}": name for i, name in enumerate(fields)},
                    plain_values={f":w{i}": value for i, value in enumerate(fields.values())},
                )
        mark_changed(tx, attendee.event_id, attendee.id, at)
        self._commit(tx)
        fresh = self._table.get(attendee_key(attendee.id))
        if fresh is None:  # pragma: no cover - registrations are never deleted
            raise Conflict()
        return attendee_from_item(load(fresh))

    def cancel(
        self, record: EventRecord, attendee: Attendee, manage_hash: str, at: datetime
    ) -> None:
        """Withdrawal without check-ins: cancelled as an organiser cancels (counts
        drop, the email frees), and the manage link dies, in one transaction."""
        counts = {"registered": -1, **{registered_on(day): -1 for day in attendee.days}}
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            "SET #status = :cancelled, cancelled_at = :at REMOVE manage_hash",
            attendee_is_active & checkin_count_is(0) & attendee_version_is(attendee.version),
            plain_values={":cancelled": CANCELLED, ":at": at.isoformat()},
            hand_back=True,
        )
        tx.count(EVENT, record, counts)
        if attendee.email:
            tx.delete(
                EMAIL,
                email_key(record.event.id, normalise_email(attendee.email)),
                email_held_by(attendee.id),
            )
        tx.delete(MANAGE, manage_key(manage_hash))
        mark_changed(tx, attendee.event_id, attendee.id, at)
        self._commit(tx)

    def erase(self, attendee: Attendee, terms: SearchTerms, manage_hash: str, at: datetime) -> None:
        """Withdrawal after a check-in: the personal fields, the email lock, the
        search words and the manage link go; the counts (on the event) stay.

        Decided on the check-ins as read: a check-in landing first makes it
        StaleAttendee, and it is decided again.
        """
        event_id = attendee.event_id
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee.id),
            "SET #status = :withdrawn, erased_at = :at, #name = :blank, email = :blank,"
            " organisation = :blank, gsi1sk = :sk"
            " REMOVE phone, job_title, display_name, manage_hash",
            attendee_is_active
            & checkin_count_is(len(attendee.checkins))
            & attendee_version_is(attendee.version),
            names={"#name": "name"},
            plain_values={
                ":withdrawn": WITHDRAWN,
                ":at": at.isoformat(),
                ":blank": "",
                ":sk": f"\x01{attendee.id}",
            },
            hand_back=True,
        )
        if attendee.email:
            tx.delete(
                EMAIL,
                email_key(event_id, normalise_email(attendee.email)),
                email_held_by(attendee.id),
            )
        for word in terms.indexed:
            tx.delete(f"word:{word}", word_key(event_id, word, attendee.id))
        tx.delete(MANAGE, manage_key(manage_hash))
        mark_changed(tx, attendee.event_id, attendee.id, at)
        self._commit(tx)

    def forget(self, token_hash: str) -> None:
        """The manage link dies (its registration was cancelled already)."""
        self._table.client.delete_item(TableName=self._table.name, Key=dump(manage_key(token_hash)))

    def scans_of(self, event_id: str, attendee_id: str) -> list[ScanEntry]:
        """The attendee's scan-log entries: one query of the event's log, by attendee.

        A query of the log's index partition (never a table scan), filtered to
        the attendee by DynamoDB before the items come back.
        """
        items = self._table.query_all(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            FilterExpression="attendee_id = :attendee",
            ExpressionAttributeValues=values(
                {":pk": scans_partition(event_id), ":attendee": attendee_id}
            ),
        )
        return [scan_entry(item) for item in items]

    def scrub_scan(self, entry: ScanEntry, body: dict) -> None:
        """Replace a logged answer (replayed for its scan_id) with one naming no one."""
        self._table.client.update_item(
            TableName=self._table.name,
            Key=dump(scan_key(entry.event_id, entry.scan_id)),
            UpdateExpression="SET #response = :response",
            ConditionExpression=item_exists.expression,
            ExpressionAttributeNames={"#response": "response"},
            ExpressionAttributeValues=values(
                {":response": json.dumps(body, separators=(",", ":"))}
            ),
        )

    def _commit(self, tx: Any) -> None:
        try:
            tx.commit()
        except Cancelled as cancelled:
            if cancelled.failed(ATTENDEE):
                item = cancelled.item(ATTENDEE)
                raise StaleAttendee(attendee_from_item(item) if item else None) from None
            raise Conflict() from None
