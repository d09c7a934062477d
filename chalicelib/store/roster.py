"""The roster's change index: which attendees of an event changed after a time.

Every write to an attendee that a desk's roster shows (registration, check-in,
undo, reissue, cancel, correction, withdrawal, erasure) also sets, in the same
transaction, one small item per attendee:

    ATTENDEE#<attendee>   ROSTER   gsi1: EVENT#<event>#ROSTER, <changed_at>#<attendee>

It is overwritten by each write (one item per attendee, never a log that
grows), holds no personal data, and sorts by the time of the last change in
the event's partition of the index. A refresh is one Query of that partition
from a time on (`gsi1sk > :from`): it reads only the people who changed, and
an empty refresh reads nothing but the Query itself. The people themselves are
then read by key, 100 a BatchGetItem.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.store.codec import values
from chalicelib.store.keys import INDEX_KEY
from chalicelib.store.table import Table
from chalicelib.store.transactions import Transaction

ROSTER_SLOT = "roster"


def roster_partition(event_id: str) -> str:
    return f"EVENT#{event_id}#ROSTER"


def roster_key(attendee_id: str) -> dict:
    return {"pk": f"ATTENDEE#{attendee_id}", "sk": "ROSTER"}


def change_stamp(at: datetime | str) -> str:
    """A change's time as the index sorts it: UTC, fixed width, to the microsecond."""
    instant = datetime.fromisoformat(at) if isinstance(at, str) else at
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def mark_changed(
    tx: Transaction, event_id: str, attendee_id: str, at: datetime | str, slot: str = ROSTER_SLOT
) -> None:
    """In `tx`, note that this attendee changed at `at` (its roster entry is news).

    `at` is when the server received the request (the server's clock), never a
    device's `scanned_at`: a scan queued an hour ago is news now."""
    tx.update(
        slot,
        roster_key(attendee_id),
        "SET gsi1pk = :pk, gsi1sk = :sk, attendee_id = :attendee, event_id = :event",
        plain_values={
            ":event": event_id,
            ":pk": roster_partition(event_id),
            ":sk": f"{change_stamp(at)}#{attendee_id}",
            ":attendee": attendee_id,
        },
    )


class RosterRepository:
    def __init__(self, table: Table) -> None:
        self._table = table

    def changed_since(
        self, event_id: str, since: datetime, cursor: str | None, limit: int
    ) -> tuple[list[str], str | None]:
        """The ids of the attendees changed after `since`, oldest change first, a page at a time."""
        partition = roster_partition(event_id)
        return self._table.page(
            {
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk > :from",
                "ExpressionAttributeValues": values(
                    {":pk": partition, ":from": change_stamp(since)}
                ),
            },
            INDEX_KEY,
            {"gsi1pk": partition},
            cursor,
            lambda item: str(item["attendee_id"]),
            lambda _: True,
            limit,
        )
