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
from chalicelib.store.client import GuardedClient, Unavailable
from chalicelib.store.codec import attendee_from_item, event_record, load, scan_item, scan_record
from chalicelib.store.desk_tokens import DeskTokenRepository
from chalicelib.store.errors import AlreadyWritten, Conflict, ScanReplayed, StaleAttendee
from chalicelib.store.events import EventRepository
from chalicelib.store.keys import (
    TABLE_SCHEMA,
    as_tuple,
    attendee_key,
    create_table,
    event_key,
    scan_key,
)
from chalicelib.store.scans import ScanRepository
from chalicelib.store.table import MAX_ITEMS_PER_PAGE, Table

__all__ = [
    "MAX_ITEMS_PER_PAGE",
    "TABLE_SCHEMA",
    "AlreadyWritten",
    "Conflict",
    "DeskTokenRecord",
    "EventRecord",
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

    def load_for_checkin(
        self, event_id: str, attendee_id: str | None, scan_id: str
    ) -> tuple[EventRecord | None, Attendee | None, ScanRecord | None]:
        """The event, the attendee and any earlier answer to this scan_id: one request."""
        keys = [event_key(event_id), scan_key(event_id, scan_id)]
        if attendee_id is not None:
            keys.append(attendee_key(attendee_id))
        items = self._table.batch_get(keys)
        event = event_record(items.get(as_tuple(event_key(event_id))))
        scan = items.get(as_tuple(scan_key(event_id, scan_id)))
        attendee = items.get(as_tuple(attendee_key(attendee_id))) if attendee_id else None
        return (
            event,
            attendee_from_item(load(attendee)) if attendee else None,
            scan_record(scan),
        )
