"""What the use cases share: the answer they give, badge codes, and finding
the event and attendee a request names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.core.badges import (
    BadgeRef,
    attendee_id_for_key,
    is_attendee_id,
    issue_code,
    new_attendee_id,
    verify_code,
)
from chalicelib.core.domain import Attendee
from chalicelib.core.errors import attendee_not_found, event_not_found, validation_error
from chalicelib.core.models import Event, is_event_id
from chalicelib.core.search import sort_key
from chalicelib.store import EventRecord
from chalicelib.usecases.ports import Stores


@dataclass(frozen=True)
class Answer:
    """What a use case decided, and the body to answer with (check-ins store theirs).

    `outcome` is a result ("checked_in", "already_checked_in", "registered",
    "undone") or a refusal's code; the edge maps it to a status.
    """

    outcome: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Badges:
    """Badge codes and request ids, signed with the badge secret."""

    secret: bytes

    def code(self, attendee: Attendee) -> str:
        return issue_code(self.secret, attendee.id, attendee.badge_serial)

    def verify(self, code: str) -> BadgeRef | None:
        return verify_code(self.secret, code)

    def request_id(self, event_id: str, idempotency_key: str | None) -> str:
        """A fresh id, or the one an Idempotency-Key always gives: a request sent
        again finds what it wrote the first time."""
        if idempotency_key is None:
            return new_attendee_id()
        return attendee_id_for_key(self.secret, event_id, idempotency_key)


def event_record(store: Stores, event_id: str) -> EventRecord:
    if not is_event_id(event_id):
        raise event_not_found()
    record = store.events.get(event_id)
    if record is None:
        raise event_not_found()
    return record


def find_attendee(store: Stores, attendee_id: str) -> Attendee | None:
    # Ids that could not be ours are not looked up.
    return store.attendees.get(attendee_id) if is_attendee_id(attendee_id) else None


def attendee_of(store: Stores, event: Event, attendee_id: str) -> Attendee:
    attendee = find_attendee(store, attendee_id)
    if attendee is None or attendee.event_id != event.id:
        raise attendee_not_found()
    return attendee


def by_name(attendee: Attendee) -> tuple[str, str]:
    """Lists for people are sorted by name; the id keeps namesakes in a fixed order."""
    return sort_key(attendee.name), attendee.id


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise validation_error(
            [{"field": "date", "message": "must be a date (YYYY-MM-DD)"}]
        ) from None
