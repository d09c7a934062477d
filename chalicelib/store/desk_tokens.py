"""Desk and kiosk tokens: a public record under the event, and a lookup by the token's hash.

The lookup item is read by `find` alone only where a request has no read of
its own to join (an invalid body, an event id that cannot be ours); otherwise
it joins the route's first read (`Store.read_ahead`, `Store.load_for_checkin`).
"""

from __future__ import annotations

import contextlib

from chalicelib.core.records import DeskTokenRecord, StaffToken
from chalicelib.store.codec import desk_token_items, desk_token_record, load, staff_token, values
from chalicelib.store.conditions import not_revoked
from chalicelib.store.keys import desk_token_key, token_lookup_key
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled


class DeskTokenRepository:
    def __init__(self, table: Table) -> None:
        self._table = table

    def create(
        self,
        event_id: str,
        token_id: str,
        label: str,
        token_hash: str,
        created_at: str,
        role: str = "desk",
    ) -> None:
        public, lookup = desk_token_items(
            event_id, DeskTokenRecord(token_id, label, created_at, None, role), token_hash
        )
        tx = self._table.transaction()
        tx.put_new("token", public)
        tx.put_new("lookup", lookup)
        tx.commit()

    def list(self, event_id: str) -> list[DeskTokenRecord]:
        items = self._table.query_all(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=values({":pk": f"EVENT#{event_id}", ":prefix": "DESK#"}),
        )
        records = [desk_token_record(item) for item in items]
        return sorted(records, key=lambda record: (record.created_at, record.id))

    def revoke(self, event_id: str, token_id: str, revoked_at: str) -> bool:
        """Revoke a desk token; False if the event has no such token.

        Revoking twice is harmless: the second call changes nothing.
        """
        item = self._table.get(desk_token_key(event_id, token_id))
        if item is None:
            return False
        token_hash = load(item)["token_hash"]
        tx = self._table.transaction()
        tx.update(
            "token",
            desk_token_key(event_id, token_id),
            "SET revoked_at = :at",
            not_revoked,
            plain_values={":at": revoked_at},
        )
        tx.delete("lookup", token_lookup_key(token_hash))
        with contextlib.suppress(Cancelled):  # already revoked: nothing to do
            tx.commit()
        return True

    def find(self, token_hash: str) -> StaffToken | None:
        item = self._table.get(token_lookup_key(token_hash))
        return staff_token(load(item)) if item else None
