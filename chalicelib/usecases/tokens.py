"""Staff tokens: who holds a bearer token, and the desk tokens an organiser hands out."""

from __future__ import annotations

import re
import secrets

from chalicelib.core.auth import (
    DESK,
    DESK_TOKEN_ID_PATTERN,
    NOBODY,
    ORGANISER,
    Staff,
    hash_token,
    is_organiser_token,
    new_desk_token,
)
from chalicelib.core.clock import Clock
from chalicelib.core.domain import utc_iso
from chalicelib.core.errors import Code, Refusal
from chalicelib.usecases.common import event_record
from chalicelib.usecases.ports import Stores


class Tokens:
    def __init__(self, store: Stores, clock: Clock, organiser_token_hash: str) -> None:
        self._store = store
        self._clock = clock
        self._organiser_token_hash = organiser_token_hash

    def identify(self, token: str | None) -> Staff:
        """Who holds this bearer token; role "none" for a token we do not know."""
        if not token:
            return Staff(role=NOBODY)
        if is_organiser_token(token, self._organiser_token_hash):
            return Staff(role=ORGANISER, label="Organiser")
        found = self._store.desk_tokens.find(hash_token(token))
        if found is None:
            return Staff(role=NOBODY)
        return Staff(role=DESK, event_id=found.event_id, token_id=found.token_id, label=found.label)

    def create(self, event_id: str, label: str) -> dict:
        """A new desk token: shown once, kept only as its hash."""
        event_record(self._store, event_id)
        token = new_desk_token()
        token_id = secrets.token_hex(8)
        created_at = utc_iso(self._clock.now())
        self._store.desk_tokens.create(event_id, token_id, label, hash_token(token), created_at)
        return {"id": token_id, "label": label, "token": token, "created_at": created_at}

    def list(self, event_id: str) -> dict:
        event_record(self._store, event_id)
        return {
            "desk_tokens": [
                {
                    "id": record.id,
                    "label": record.label,
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
