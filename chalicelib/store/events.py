"""Events: the event document and, on the same item, its counters.

A staff request reads its token and its event in one request
(`Store.read_ahead`); the event item read is kept here, for this request only,
and the use case's first `get` of that event is answered from it. It is taken
once (a retry after a conflict reads afresh) and forgotten when the request
ends.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from datetime import datetime

from botocore.exceptions import ClientError

from chalicelib.core.models import Event, Logo
from chalicelib.core.records import EventRecord, checked_in_on, dropped_days, registered_on
from chalicelib.store.client import error_code
from chalicelib.store.codec import dump, event_record
from chalicelib.store.conditions import Condition, event_revision_is, item_is_new
from chalicelib.store.errors import Conflict
from chalicelib.store.keys import event_key, logo_key
from chalicelib.store.table import Table
from chalicelib.store.transactions import expression_args

# The event read ahead for the request in hand: (repository, event id, record).
_read_ahead: ContextVar[tuple[EventRepository, str, EventRecord | None] | None] = ContextVar(
    "event_read_ahead", default=None
)


class Unread:
    """The event was not read before a write: write it whatever is there."""


UNREAD = Unread()


class EventRepository:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.client

    def get(self, event_id: str) -> EventRecord | None:
        ahead = _read_ahead.get()
        if ahead is not None and ahead[0] is self and ahead[1] == event_id:
            _read_ahead.set(None)
            return ahead[2]
        return event_record(self._table.get(event_key(event_id)))

    def read_ahead(self, event_id: str, record: EventRecord | None) -> None:
        """Keep `record` (None: no such event) for this request's next `get(event_id)`."""
        _read_ahead.set((self, event_id, record))

    def forget(self) -> None:
        """The request has ended: drop anything read ahead for it."""
        _read_ahead.set(None)

    def put(self, event: Event, now: datetime, read: EventRecord | Unread | None = UNREAD) -> bool:
        """Create or replace the event document; counters are kept. True if created.

        `read` is the event as read before (None: there was none; left out, the
        document is written whatever is there: seeding). The write holds only
        if it is still so (same revision, or still absent), and if
        no registration or check-in points at a day the new document drops or
        moves: conditions on the event's own counters. Conflict if not; read
        again and decide.

        Logos are written first, each in its own item named by its content,
        and the event item keeps only their names and hashes.
        """
        document = event.model_dump(mode="json", exclude={"logos"})
        document["logo_refs"] = [
            {"name": logo.name, "sha256": self._put_logo(event.id, logo)} for logo in event.logos
        ]
        names = {"#doc": "doc", "#open": "registration_open", "#capacity": "capacity"}
        plain = {
            ":doc": document,
            ":open": event.registration_open,
            ":now": now.isoformat(),
            ":one": 1,
            ":zero": 0,
        }
        update = (
            "SET #doc = :doc, #open = :open, updated_at = :now,"
            " created_at = if_not_exists(created_at, :now),"
            " registered = if_not_exists(registered, :zero)"
        )
        if event.capacity is None:
            update += " REMOVE #capacity"
        else:
            update = update.replace("SET ", "SET #capacity = :capacity, ", 1)
            plain[":capacity"] = event.capacity
        update += " ADD revision :one"
        condition = None if isinstance(read, Unread) else _unchanged(read, event)
        try:
            response = self._client.update_item(
                TableName=self._table.name,
                Key=dump(event_key(event.id)),
                UpdateExpression=update,
                **expression_args(condition, names, plain),
                ReturnValues="UPDATED_OLD",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise Conflict() from None
            raise
        # `revision` always changes, so its old value comes back whenever the
        # event existed (moto leaves out attributes whose value did not change).
        return "revision" not in response.get("Attributes", {})

    def _put_logo(self, event_id: str, logo: Logo) -> str:
        digest = hashlib.sha256(logo.png_base64.encode()).hexdigest()
        self._client.put_item(
            TableName=self._table.name,
            Item=dump({**logo_key(event_id, digest), "png_base64": logo.png_base64}),
        )
        return digest

    def logos(self, record: EventRecord) -> list[Logo]:
        """The event's logos in order, read from their own items (one request).

        A logo replaced since is no longer named by the event; its item stays,
        unread (content-addressed, so a later PUT of the same logo reuses it).
        """
        if not record.logo_refs:
            return []
        event_id = record.event.id
        # The same logo may be named twice; a batch read takes each key once.
        digests = dict.fromkeys(digest for _, digest in record.logo_refs)
        items = self._table.batch_get(logo_key(event_id, digest) for digest in digests)
        logos = []
        for name, digest in record.logo_refs:
            key = logo_key(event_id, digest)
            item = items.get((key["pk"], key["sk"]))
            if item is not None:
                logos.append(Logo.model_construct(name=name, png_base64=item["png_base64"]["S"]))
        return logos


def _unchanged(read: EventRecord | None, event: Event) -> Condition:
    """The event is as read, and nothing counts on a day the new document drops."""
    if read is None:
        return item_is_new
    condition = event_revision_is(read.revision)
    for index, day in enumerate(dropped_days(read, event)):
        for name, counter in (
            (f"#r{index}", registered_on(day)),
            (f"#k{index}", checked_in_on(day)),
        ):
            condition &= Condition(
                f"(attribute_not_exists({name}) OR {name} = :none)", {name: counter}, {":none": 0}
            )
    return condition
