"""Today's `Store` under the repository names the use cases are written against.

Temporary: it goes once the store package lands (issue 13, step 3) and the
store itself has `.events`, `.attendees`, `.scans` and `.desk_tokens`; the
merge deletes this file. Each method delegates to the old one, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from chalicelib.core.domain import (
    Attendee,
    BadgeIssue,
    Breakdown,
    Checkin,
    CheckinDecision,
    UndoDecision,
)
from chalicelib.core.models import Event
from chalicelib.core.search import SearchTerms
from chalicelib.store import (
    DeskTokenRecord,
    EventRecord,
    ScanEntry,
    ScanRecord,
    StaffToken,
    Store,
    WordHit,
)
from chalicelib.usecases.ports import WalkInScan


class _Events:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, event_id: str) -> EventRecord | None:
        return self._store.get_event(event_id)

    def put(self, event: Event, now: datetime) -> bool:
        return self._store.put_event(event, now)


class _Attendees:
    def __init__(self, store: Store) -> None:
        self._store = store

    def register(
        self,
        record: EventRecord,
        attendee: Attendee,
        normalised_email: str,
        terms: SearchTerms,
        walk_in: WalkInScan | None = None,
        desk: bool = False,
    ) -> None:
        self._store.register(record, attendee, normalised_email, terms, walk_in, desk)

    def get(self, attendee_id: str) -> Attendee | None:
        return self._store.get_attendee(attendee_id)

    def get_many(self, attendee_ids: list[str]) -> dict[str, Attendee]:
        return self._store.get_attendees(attendee_ids)

    def all_of(self, event_id: str) -> list[Attendee]:
        return self._store.all_attendees(event_id)

    def list_page(
        self, event_id: str, cursor: str | None, limit: int
    ) -> tuple[list[Attendee], str | None]:
        return self._store.list_attendees(event_id, cursor, limit)

    def search_words(
        self,
        event_id: str,
        lookup: str,
        cursor: str | None,
        keep: Callable[[WordHit], bool],
        limit: int,
    ) -> tuple[list[WordHit], str | None]:
        # Today's Store types its hits as plain dicts; they are WordHits.
        search: Any = self._store.search_words
        return search(event_id, lookup, cursor, keep, limit)

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
        self._store.check_in(record, attendee, decision, checkin, counted, presented_serial, scan)

    def reissue_badge(self, attendee: Attendee, issue: BadgeIssue) -> Attendee:
        return self._store.reissue_badge(attendee, issue)

    def record_prints(self, attendee_ids: list[str], at: datetime) -> None:
        self._store.record_prints(attendee_ids, at)

    def cancel(self, record: EventRecord, attendee: Attendee, at: datetime) -> None:
        self._store.cancel(record, attendee, at)

    def undo_checkin(
        self, record: EventRecord, attendee: Attendee, undo: UndoDecision, scan: ScanEntry
    ) -> None:
        self._store.undo_checkin(record, attendee, undo, scan)


class _Scans:
    def __init__(self, store: Store) -> None:
        self._store = store

    def log(self, entry: ScanEntry) -> None:
        self._store.log_scan(entry)

    def get(self, event_id: str, scan_id: str) -> ScanRecord | None:
        return self._store.get_scan(event_id, scan_id)

    def list_page(
        self,
        event_id: str,
        day: date | None,
        keep: Callable[[ScanEntry], bool],
        cursor: str | None,
        limit: int,
    ) -> tuple[list[ScanEntry], str | None]:
        return self._store.list_scans(event_id, day, keep, cursor, limit)


class _DeskTokens:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(
        self, event_id: str, token_id: str, label: str, token_hash: str, created_at: str
    ) -> None:
        self._store.create_desk_token(event_id, token_id, label, token_hash, created_at)

    def list(self, event_id: str) -> list[DeskTokenRecord]:
        return self._store.list_desk_tokens(event_id)

    def revoke(self, event_id: str, token_id: str, revoked_at: str) -> bool:
        return self._store.revoke_desk_token(event_id, token_id, revoked_at)

    def find(self, token_hash: str) -> StaffToken | None:
        return self._store.find_desk_token(token_hash)


class StoreNames:
    """An old-style `Store`, seen through the new repositories' names."""

    def __init__(self, store: Store) -> None:
        self.events = _Events(store)
        self.attendees = _Attendees(store)
        self.scans = _Scans(store)
        self.desk_tokens = _DeskTokens(store)
        self._store = store

    def load_for_checkin(
        self, event_id: str, attendee_id: str | None, scan_id: str
    ) -> tuple[EventRecord | None, Attendee | None, ScanRecord | None]:
        return self._store.load_for_checkin(event_id, attendee_id, scan_id)
