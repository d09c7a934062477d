"""What the use cases ask of the store, by name: one repository per aggregate.

`chalicelib.store.Store` provides these; the use cases are typed against them
and never see DynamoDB.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.core.corrections import Correction
from chalicelib.core.domain import (
    Attendee,
    BadgeIssue,
    Breakdown,
    Checkin,
    CheckinDecision,
    UndoDecision,
)
from chalicelib.core.mail import MailRecord
from chalicelib.core.models import Event, Logo
from chalicelib.core.money import Payment
from chalicelib.core.search import SearchTerms
from chalicelib.store import (
    CertificateRecord,
    DeskTokenRecord,
    EventRecord,
    NewNumber,
    NewRegistration,
    ScanEntry,
    ScanRecord,
    StaffToken,
    WordHit,
)

# A walk-in's check-in, written with its registration: the decision (None if
# refused), its scan-log entry and its report buckets.
WalkInScan = tuple[CheckinDecision | None, ScanEntry, Breakdown | None]


class Events(Protocol):
    def get(self, event_id: str) -> EventRecord | None: ...
    def put(self, event: Event, now: datetime, read: EventRecord | None = ...) -> bool: ...
    def logos(self, record: EventRecord) -> list[Logo]: ...


class Attendees(Protocol):
    def register(
        self,
        record: EventRecord,
        attendee: Attendee,
        normalised_email: str | None,
        terms: SearchTerms,
        walk_in: WalkInScan | None = None,
        desk: bool = False,
        manage_hash: str | None = None,
    ) -> None: ...
    def get(self, attendee_id: str) -> Attendee | None: ...
    def get_many(self, attendee_ids: list[str]) -> dict[str, Attendee]: ...
    def all_of(self, event_id: str) -> list[Attendee]: ...
    def list_page(
        self, event_id: str, cursor: str | None, limit: int
    ) -> tuple[list[Attendee], str | None]: ...
    def search_words(
        self,
        event_id: str,
        lookup: str,
        cursor: str | None,
        keep: Callable[[WordHit], bool],
        limit: int,
    ) -> tuple[list[WordHit], str | None]: ...
    def check_in(
        self,
        record: EventRecord,
        attendee: Attendee,
        decision: CheckinDecision,
        checkin: Checkin,
        counted: Breakdown,
        presented_serial: int | None,
        scan: ScanEntry,
    ) -> None: ...
    def reissue_badge(self, attendee: Attendee, issue: BadgeIssue) -> Attendee: ...
    def record_prints(self, attendee_ids: list[str], at: datetime) -> None: ...
    def correct(self, record: EventRecord, correction: Correction) -> None: ...
    def cancel(self, record: EventRecord, attendee: Attendee, at: datetime) -> None: ...
    def undo_checkin(
        self, record: EventRecord, attendee: Attendee, undo: UndoDecision, scan: ScanEntry
    ) -> None: ...


class Scans(Protocol):
    def log(self, entry: ScanEntry) -> None: ...
    def get(self, event_id: str, scan_id: str) -> ScanRecord | None: ...
    def list_page(
        self,
        event_id: str,
        day: date | None,
        keep: Callable[[ScanEntry], bool],
        cursor: str | None,
        limit: int,
    ) -> tuple[list[ScanEntry], str | None]: ...


class DeskTokens(Protocol):
    def create(
        self,
        event_id: str,
        token_id: str,
        label: str,
        token_hash: str,
        created_at: str,
        role: str = "desk",
    ) -> None: ...
    def list(self, event_id: str) -> list[DeskTokenRecord]: ...
    def revoke(self, event_id: str, token_id: str, revoked_at: str) -> bool: ...
    def find(self, token_hash: str) -> StaffToken | None: ...


class Certificates(Protocol):
    def reserve(self, event_id: str, count: int) -> int: ...
    def give(self, event_id: str, numbers: list[NewNumber], at: datetime) -> bool: ...
    def get(self, number: str) -> CertificateRecord | None: ...


class Privacy(Protocol):
    def manage_holder(self, token_hash: str) -> str | None: ...
    def correct(
        self,
        attendee: Attendee,
        changes: dict[str, Any],
        before: SearchTerms,
        after: SearchTerms,
        at: datetime,
    ) -> Attendee: ...
    def cancel(
        self, record: EventRecord, attendee: Attendee, manage_hash: str, at: datetime
    ) -> None: ...
    def erase(
        self, attendee: Attendee, terms: SearchTerms, manage_hash: str, at: datetime
    ) -> None: ...
    def forget(self, token_hash: str) -> None: ...
    def scans_of(self, event_id: str, attendee_id: str) -> list[ScanEntry]: ...
    def scrub_scan(self, entry: ScanEntry, body: dict) -> None: ...


class Money(Protocol):
    def pay(self, payment: Payment) -> None: ...
    def undo(self, attendee_id: str, allowance: str, on: date) -> Payment | None: ...
    def of_attendee(self, attendee_id: str) -> list[Payment]: ...
    def of_allowance(
        self, event_id: str, allowance: str, on: date | None = None
    ) -> list[Payment]: ...
    def sign(
        self, event_id: str, attendees: list[Attendee], on: date, at: datetime, by: str | None
    ) -> int: ...
    def signed_on(self, event_id: str, on: date) -> set[str]: ...


class Imports(Protocol):
    def existing(
        self, event_id: str, emails: list[str], attendee_ids: list[str]
    ) -> tuple[set[str], set[str]]: ...
    def register_batch(self, record: EventRecord, batch: list[NewRegistration]) -> set[str]: ...


class Mail(Protocol):
    def queued(self, record: MailRecord, expires_at: int | None) -> None: ...
    def mark(self, record: MailRecord, status: str, at: str, reason: str | None) -> None: ...
    def of_attendee(self, attendee_id: str) -> list[MailRecord]: ...
    def sent_or_queued(self, event_id: str, kind: str) -> set[str]: ...
    def rotate_manage(self, attendee_id: str, new_hash: str) -> None: ...


class Roster(Protocol):
    def changed_since(
        self, event_id: str, since: datetime, cursor: str | None, limit: int
    ) -> tuple[list[str], str | None]: ...


class Stores(Protocol):
    """The store as the use cases see it."""

    @property
    def events(self) -> Events: ...
    @property
    def attendees(self) -> Attendees: ...
    @property
    def scans(self) -> Scans: ...
    @property
    def desk_tokens(self) -> DeskTokens: ...
    @property
    def certificates(self) -> Certificates: ...
    @property
    def privacy(self) -> Privacy: ...
    @property
    def money(self) -> Money: ...
    @property
    def imports(self) -> Imports: ...
    @property
    def mail(self) -> Mail: ...
    @property
    def roster(self) -> Roster: ...
    def load_for_checkin(
        self, event_id: str, attendee_id: str | None, scan_id: str, token_hash: str | None = None
    ) -> tuple[EventRecord | None, Attendee | None, ScanRecord | None, StaffToken | None]: ...
    def read_ahead(self, event_id: str | None, token_hash: str) -> StaffToken | None: ...
    def forget_read_ahead(self) -> None: ...
