"""The one package that speaks DynamoDB.

It is handed a low-level DynamoDB client and a table name (tests hand it
moto's); it never builds its own. `Store` bundles one repository per
aggregate (events, attendees, scans, desk tokens) over one guarded client,
and the one read that spans them: what a check-in decides on.

Modules: `keys` (where items live, the table's schema), `codec` (items to
records and back), `client` (transient faults as Unavailable), `conditions`
(named condition fragments), `transactions` (writes in named slots), `table`
(reads, listings and cursors), then a module per repository.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.backoff import Backoff
from chalicelib.core.domain import Attendee
from chalicelib.core.records import (
    DeskTokenRecord,
    EventRecord,
    ScanEntry,
    ScanRecord,
    StaffToken,
    WordHit,
)
from chalicelib.store.attendees import AttendeeRepository
from chalicelib.store.certificates import CertificateRecord, CertificateRepository, NewNumber
from chalicelib.store.client import GuardedClient, Unavailable
from chalicelib.store.codec import (
    attendee_from_item,
    event_record,
    load,
    scan_item,
    scan_record,
    staff_token,
)
from chalicelib.store.desk_tokens import DeskTokenRepository
from chalicelib.store.errors import AlreadyWritten, Conflict, ScanReplayed, StaleAttendee
from chalicelib.store.events import EventRepository
from chalicelib.store.imports import ImportRepository, NewRegistration
from chalicelib.store.keys import (
    TABLE_SCHEMA,
    as_tuple,
    attendee_key,
    create_table,
    event_key,
    scan_key,
    token_lookup_key,
)
from chalicelib.store.mail import MailRepository
from chalicelib.store.money import MoneyRepository, PaymentRefused
from chalicelib.store.privacy import PrivacyRepository
from chalicelib.store.roster import RosterRepository
from chalicelib.store.scans import ScanRepository
from chalicelib.store.table import MAX_ITEMS_PER_PAGE, Table

__all__ = [
    "MAX_ITEMS_PER_PAGE",
    "TABLE_SCHEMA",
    "AlreadyWritten",
    "CertificateRecord",
    "Conflict",
    "DeskTokenRecord",
    "EventRecord",
    "NewNumber",
    "NewRegistration",
    "PaymentRefused",
    "ScanEntry",
    "ScanRecord",
    "ScanReplayed",
    "StaffToken",
    "StaleAttendee",
    "Store",
    "Unavailable",
    "WordHit",
    "create_table",
    "scan_item",
]


class Store:
    """The repositories over one table: `.events`, `.attendees`, `.scans`, `.desk_tokens`."""

    def __init__(self, client: Any, table_name: str, backoff: Backoff | None = None) -> None:
        self._table = Table(GuardedClient(client, backoff or Backoff()), table_name)
        self.events = EventRepository(self._table)
        self.attendees = AttendeeRepository(self._table)
        self.scans = ScanRepository(self._table)
        self.desk_tokens = DeskTokenRepository(self._table)
        self.certificates = CertificateRepository(self._table)
        self.privacy = PrivacyRepository(self._table)
        self.money = MoneyRepository(self._table)
        self.imports = ImportRepository(self._table)
        self.mail = MailRepository(self._table)
        self.roster = RosterRepository(self._table)

    def load_for_checkin(
        self, event_id: str, attendee_id: str | None, scan_id: str, token_hash: str | None = None
    ) -> tuple[EventRecord | None, Attendee | None, ScanRecord | None, StaffToken | None]:
        """The event, the attendee, any earlier answer to this scan_id and the
        caller's event token (if a hash is given): one request."""
        keys = [event_key(event_id), scan_key(event_id, scan_id)]
        if attendee_id is not None:
            keys.append(attendee_key(attendee_id))
        if token_hash is not None:
            keys.append(token_lookup_key(token_hash))
        items = self._table.batch_get(keys)
        event = event_record(items.get(as_tuple(event_key(event_id))))
        scan = items.get(as_tuple(scan_key(event_id, scan_id)))
        attendee = items.get(as_tuple(attendee_key(attendee_id))) if attendee_id else None
        return (
            event,
            attendee_from_item(load(attendee)) if attendee else None,
            scan_record(scan),
            self._token(items, token_hash),
        )

    def read_ahead(self, event_id: str | None, token_hash: str) -> StaffToken | None:
        """The caller's event token, and (if `event_id` is given) the event read
        ahead for the use case (`EventRepository.get`): one request."""
        if event_id is None:
            return self.desk_tokens.find(token_hash)
        items = self._table.batch_get([token_lookup_key(token_hash), event_key(event_id)])
        self.events.read_ahead(event_id, event_record(items.get(as_tuple(event_key(event_id)))))
        return self._token(items, token_hash)

    def forget_read_ahead(self) -> None:
        self.events.forget()

    @staticmethod
    def _token(items: dict, token_hash: str | None) -> StaffToken | None:
        item = items.get(as_tuple(token_lookup_key(token_hash))) if token_hash else None
        return staff_token(load(item)) if item else None
