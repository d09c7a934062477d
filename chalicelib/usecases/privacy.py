"""The attendee's own data (API.md section 10, UU PDP 27/2022), through their manage token.

The manage token is given once, at registration, and kept only as its SHA-256
(an item keyed by the hash, written in the registration's transaction): it is
found by one key lookup, and never logged or stored as it is. Through it the
attendee sees everything Hadir holds on them, corrects their own details until
the event is over, exports it all as JSON, and withdraws.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from chalicelib.core import own_data, presenters, shapes
from chalicelib.core.auth import hash_token
from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, utc_iso
from chalicelib.core.errors import Code, Refusal, validation_error
from chalicelib.core.models import OwnCorrection
from chalicelib.core.privacy import (
    is_erased,
    is_manage_token,
    is_over,
    manage_url,
    new_manage_token,
    scrubbed,
)
from chalicelib.core.search import search_terms
from chalicelib.store import EventRecord, StaleAttendee
from chalicelib.usecases.common import Badges, event_record, find_attendee
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically

# Fields the attendee may correct, and those they may not leave empty.
REQUIRED = ("name", "organisation", "language")


@dataclass(frozen=True)
class ManageToken:
    """A registration's manage token: shown once, stored only as its hash."""

    token: str

    @classmethod
    def made(cls, badges: Badges, event_id: str, idempotency_key: str | None) -> ManageToken:
        """Random; with an Idempotency-Key, the one that key always gives (keyed
        with the badge secret), so a registration sent again is answered with
        the token it was given the first time."""
        if idempotency_key is None:
            return cls(new_manage_token())
        message = f"manage\0{event_id}\0{idempotency_key}".encode()
        digest = hmac.new(badges.secret, message, hashlib.sha256).digest()
        return cls(base64.urlsafe_b64encode(digest).decode().rstrip("="))

    @property
    def hash(self) -> str:
        return hash_token(self.token)

    def json(self) -> shapes.Manage:
        return {"token": self.token, "url": manage_url(self.token)}


def not_found() -> Refusal:
    # The same answer for a malformed, unknown, withdrawn or expired token.
    return Refusal(Code.NOT_FOUND, "There is no registration with this link.")


@dataclass(frozen=True)
class Holder:
    record: EventRecord
    attendee: Attendee
    token_hash: str


class OwnData:
    def __init__(self, store: Stores, clock: Clock, badges: Badges, backoff: Backoff) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges
        self._backoff = backoff

    def _holder(self, token: str) -> Holder:
        if not is_manage_token(token):
            raise not_found()
        token_hash = hash_token(token)
        attendee_id = self._store.privacy.manage_holder(token_hash)
        attendee = find_attendee(self._store, attendee_id) if attendee_id else None
        if attendee is None or is_erased(attendee, self._clock.now()):
            raise not_found()
        return Holder(event_record(self._store, attendee.event_id), attendee, token_hash)

    def _view(self, holder: Holder) -> own_data.OwnRegistration:
        attendee = holder.attendee
        code = self._badges.code(attendee) if attendee.is_active else None
        return own_data.own_registration_json(holder.record.event, attendee, code)

    def view(self, token: str) -> own_data.OwnRegistration:
        return self._view(self._holder(token))

    def ids(self, token: str) -> tuple[str, str]:
        """The event and attendee a manage token stands for (404 not_found if none)."""
        attendee = self._holder(token).attendee
        return attendee.event_id, attendee.id

    def correct(self, token: str, correction: OwnCorrection) -> own_data.OwnRegistration:
        """The attendee's own corrections, until the event's last day closes."""
        given = {name: getattr(correction, name) for name in correction.model_fields_set}
        empty = [name for name in REQUIRED if name in given and given[name] is None]
        if empty:
            raise validation_error(
                [{"field": name, "message": "may not be null"} for name in empty]
            )

        def attempt() -> Holder:
            holder = self._holder(token)
            attendee = holder.attendee
            if is_over(holder.record.event, self._clock.now()):
                raise Refusal(Code.EVENT_OVER, "The event is over; corrections are closed.")
            if not attendee.is_active:
                raise Refusal(Code.REGISTRATION_CANCELLED, "This registration is cancelled.")
            changes = {
                name: value for name, value in given.items() if getattr(attendee, name) != value
            }
            if not changes:
                return holder
            before = search_terms(attendee.name, attendee.organisation)
            after = search_terms(
                changes.get("name", attendee.name),
                changes.get("organisation", attendee.organisation),
            )
            fresh = self._store.privacy.correct(attendee, changes, before, after, self._clock.now())
            return Holder(holder.record, fresh, holder.token_hash)

        return self._view(optimistically(self._backoff, attempt, also=(StaleAttendee,)))

    def export(self, token: str) -> dict[str, Any]:
        """Everything Hadir holds on the attendee, their scan-log entries included."""
        holder = self._holder(token)
        attendee, event = holder.attendee, holder.record.event
        entries = self._store.privacy.scans_of(event.id, attendee.id)
        code = self._badges.code(attendee) if attendee.is_active else None
        return {
            "exported_at": utc_iso(self._clock.now()),
            "controller": {"event": event.id, "title": event.title, "organisers": event.organisers},
            "registration": own_data.own_export_json(event, attendee, code),
            "scans": [presenters.scan_json(entry) for entry in entries],
        }

    def withdraw(self, token: str) -> dict[str, str]:
        """Without check-ins, cancelled; with them, the personal data erased and
        the counts kept. Either way the badge and the manage link die."""

        def attempt() -> Attendee:
            holder = self._holder(token)
            attendee, now = holder.attendee, self._clock.now()
            privacy = self._store.privacy
            if not attendee.is_active:
                privacy.forget(holder.token_hash)
            elif attendee.checkins:
                terms = search_terms(attendee.name, attendee.organisation)
                privacy.erase(attendee, terms, holder.token_hash, now)
            else:
                privacy.cancel(holder.record, attendee, holder.token_hash, now)
            return attendee

        withdrawn = optimistically(self._backoff, attempt, also=(StaleAttendee,))
        if withdrawn.checkins:
            # The answers kept for replay name no one any more.
            for entry in self._store.privacy.scans_of(withdrawn.event_id, withdrawn.id):
                self._store.privacy.scrub_scan(entry, scrubbed(entry.body))
        return {"status": "withdrawn"}
