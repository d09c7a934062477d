"""Imported registrations: many in one transaction, each with all its items.

A registration writes what one made online writes (its email lock, the
attendee, its search words, its manage token's lookup), each put only where
nothing is yet; the batch adds its counts to the event once, if the event is
still as read. DynamoDB takes at most 100 items a transaction, so a batch holds
as many registrations as fit. A registration whose email or id is already there
fails the whole transaction: the caller is told which, and writes the rest again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chalicelib.core.domain import Attendee
from chalicelib.core.records import EventRecord, registered_on
from chalicelib.core.search import SearchTerms
from chalicelib.store.codec import attendee_item, manage_item, word_item
from chalicelib.store.errors import Conflict
from chalicelib.store.keys import TTL_ATTRIBUTE, as_tuple, attendee_key, email_key
from chalicelib.store.roster import mark_changed
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled

MAX_TRANSACTION_ITEMS = 100
EVENT = "event"


@dataclass(frozen=True)
class NewRegistration:
    attendee: Attendee
    normalised_email: str | None
    terms: SearchTerms
    manage_hash: str

    @property
    def items(self) -> int:
        """How many items it writes (attendee, manage link, roster entry, email, words)."""
        return 3 + (self.normalised_email is not None) + len(self.terms.indexed)


class ImportRepository:
    def __init__(self, table: Table) -> None:
        self._table = table

    def existing(
        self, event_id: str, emails: list[str], attendee_ids: list[str]
    ) -> tuple[set[str], set[str]]:
        """Which of these emails are held in the event, and which ids are taken."""
        email_keys = {as_tuple(email_key(event_id, email)): email for email in emails}
        id_keys = {as_tuple(attendee_key(attendee_id)): attendee_id for attendee_id in attendee_ids}
        found = self._table.batch_get(
            [email_key(event_id, email) for email in emails]
            + [attendee_key(attendee_id) for attendee_id in attendee_ids]
        )
        held = {email_keys[key] for key in found if key in email_keys}
        taken = {id_keys[key] for key in found if key in id_keys}
        return held, taken

    def register_batch(self, record: EventRecord, batch: list[NewRegistration]) -> set[str]:
        """Write them all, or none: then the ids of those already there (their
        email held, their id or token taken). Conflict if the event changed, or
        the transaction lost a race without naming anyone."""
        event_id = record.event.id
        counts: Counter[str] = Counter()
        tx = self._table.transaction()
        for index, new in enumerate(batch):
            attendee = new.attendee
            counts["registered"] += 1
            for day in attendee.days:
                counts[registered_on(day)] += 1
            expiry = {TTL_ATTRIBUTE: attendee.expires_at}
            if new.normalised_email is not None:
                lock = email_key(event_id, new.normalised_email)
                tx.put_new(f"email:{index}", {**lock, "attendee_id": attendee.id, **expiry})
            tx.put_new(
                f"attendee:{index}", {**attendee_item(attendee), "manage_hash": new.manage_hash}
            )
            for word in new.terms.indexed:
                item = word_item(event_id, word, attendee.id, new.terms.words)
                tx.put_new(f"word:{index}:{word}", {**item, **expiry})
            tx.put_new(f"manage:{index}", manage_item(new.manage_hash, attendee))
            # News for the desks' rosters (API.md section 13), as every registration is.
            mark_changed(tx, event_id, attendee.id, attendee.registered_at, f"roster:{index}")
        # Imports are the organiser's own list: neither capacity nor "registration
        # open" holds them back.
        tx.count(EVENT, record, dict(counts))
        try:
            tx.commit()
        except Cancelled as cancelled:
            there = {
                new.attendee.id
                for index, new in enumerate(batch)
                if any(
                    slot != EVENT and cancelled.failed(slot) and slot.split(":")[1] == str(index)
                    for slot in cancelled.reasons
                )
            }
            if there and not cancelled.failed(EVENT):
                return there
            raise Conflict() from None
        return set()
