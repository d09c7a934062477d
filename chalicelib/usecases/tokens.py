"""Staff tokens: who holds a bearer token, and the desk and kiosk tokens an organiser hands out."""

from __future__ import annotations

import re
import secrets

from chalicelib.core.auth import (
    DESK,
    DESK_TOKEN_ID_PATTERN,
    ORGANISER,
    Gate,
    Staff,
    hash_token,
    new_desk_token,
)
from chalicelib.core.clock import Clock
from chalicelib.core.domain import utc_iso
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import is_event_id
from chalicelib.usecases.common import event_record
from chalicelib.usecases.ports import Stores


class Tokens:
    def __init__(self, store: Stores, clock: Clock, organiser_token_hash: str) -> None:
        self._store = store
        self._clock = clock
        self._organiser_token_hash = organiser_token_hash

    def gate(self, header: str | None, role: str, event_id: str | None) -> Gate:
        """A staff request's gate: the organiser token and no token are known at
        once (no request); an event token is looked up later, with a read."""
        return Gate.of(header, self._organiser_token_hash, role, event_id)

    def admit(self, gate: Gate) -> Staff:
        """Who is asking, or 401/403, in at most one request.

        An event token is read together with the route's event (kept for the
        use case's own read of it, `Stores.read_ahead`), so that a route that
        reads its event anyway pays nothing for the check. An organiser-only
        route does not read ahead: the token can only be refused there.
        """
        if gate.token_hash is None:
            return gate.admit()
        ahead = gate.event_id
        if gate.role == ORGANISER or ahead is None or not is_event_id(ahead):
            ahead = None
        return gate.admit(self._store.read_ahead(ahead, gate.token_hash))

    def lookup(self, gate: Gate) -> Staff:
        """Who is asking, or 401/403, with a read of the token alone (when there
        is no read of the route's own to join)."""
        found = self._store.desk_tokens.find(gate.token_hash) if gate.token_hash else None
        return gate.admit(found)

    def end_request(self) -> None:
        self._store.forget_read_ahead()

    def create(self, event_id: str, label: str, role: str = DESK) -> dict:
        """A new desk or kiosk token: shown once, kept only as its hash."""
        event_record(self._store, event_id)
        token = new_desk_token(role)
        token_id = secrets.token_hex(8)
        created_at = utc_iso(self._clock.now())
        self._store.desk_tokens.create(
            event_id, token_id, label, hash_token(token), created_at, role
        )
        return {
            "id": token_id,
            "label": label,
            "role": role,
            "token": token,
            "created_at": created_at,
        }

    def list(self, event_id: str) -> dict:
        event_record(self._store, event_id)
        return {
            "desk_tokens": [
                {
                    "id": record.id,
                    "label": record.label,
                    "role": record.role,
                    "created_at": record.created_at,
                    "revoked_at": record.revoked_at,
                }
                for record in self._store.desk_tokens.list(event_id)
            ]
        }

    def revoke(self, event_id: str, token_id: str) -> None:
        event_record(self._store, event_id)
        # Ids that could not be ours are not looked up.
        if not re.fullmatch(DESK_TOKEN_ID_PATTERN, token_id) or not self._store.desk_tokens.revoke(
            event_id, token_id, utc_iso(self._clock.now())
        ):
            raise Refusal(Code.DESK_TOKEN_NOT_FOUND, "This event has no desk token with that id.")
