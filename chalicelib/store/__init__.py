"""The one module that speaks DynamoDB: key formats, expressions, transactions.

It is handed a low-level DynamoDB client and a table name (tests hand it
moto's); it never builds its own. Everything that must hold under concurrency
is a condition DynamoDB checks at write time, never a read followed by a write:

- email uniqueness: a lock item per (event, email hash), put if absent;
- capacity and "registration open": conditions on the event item, which also
  carries the counters, so a registration that is refused moves no count;
- one check-in per attendee per day: `attribute_not_exists(checkins.<date>)`;
- counters move in the same transaction as the change they count.

Item layout (one table, `pk`/`sk`, one GSI `gsi1` on `gsi1pk`/`gsi1sk`):

    EVENT#<event>                     EVENT      the event document + counters
    EVENT#<event>                     DESK#<id>  a desk token's public record
    EVENT#<event>#EMAIL#<sha256>      EMAIL      email lock -> attendee id
    EVENT#<event>#SCAN#<scan_id>      SCAN       scan log entry + stored answer
    ATTENDEE#<attendee>               ATTENDEE   registration, badge serial, check-ins
    TOKEN#<sha256 of token>           TOKEN      desk-token lookup for the authorizer
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from chalicelib.core.backoff import Backoff
from chalicelib.core.badges import MAX_SERIAL
from chalicelib.core.domain import (
    ACTIVE,
    CANCELLED,
    Attendee,
    BadgeIssue,
    Breakdown,
    Checkin,
    CheckinDecision,
    UndoDecision,
)
from chalicelib.core.errors import (
    Code,
    Refusal,
    event_not_found,
    temporarily_unavailable,
    validation_error,
)
from chalicelib.core.models import Event, normalise_email
from chalicelib.core.records import (
    DeskTokenRecord,
    EventRecord,
    ScanEntry,
    ScanRecord,
    StaffToken,
    WordHit,
    checkin_counts,
    registered_on,
)
from chalicelib.core.search import SearchTerms, sort_key

# The table's key schema and index, used by the local bootstrap, the tests and
# the deployment template alike.
TABLE_SCHEMA: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "gsi1",
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}

T = TypeVar("T")

# The most items one listing request reads before it hands back a cursor.
MAX_ITEMS_PER_PAGE = 500

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def create_table(client: Any, table_name: str) -> None:
    client.create_table(TableName=table_name, **TABLE_SCHEMA)
    client.get_waiter("table_exists").wait(TableName=table_name)


# --- keys -------------------------------------------------------------------


def _event_key(event_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}", "sk": "EVENT"}


def _attendee_key(attendee_id: str) -> dict:
    return {"pk": f"ATTENDEE#{attendee_id}", "sk": "ATTENDEE"}


def _email_key(event_id: str, normalised_email: str) -> dict:
    # Hashed so that an email address never appears in a key (keys end up in
    # logs and metrics far more readily than attribute values).
    digest = hashlib.sha256(normalised_email.encode()).hexdigest()
    return {"pk": f"EVENT#{event_id}#EMAIL#{digest}", "sk": "EMAIL"}


def _scan_key(event_id: str, scan_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}#SCAN#{scan_id}", "sk": "SCAN"}


def _desk_token_key(event_id: str, token_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}", "sk": f"DESK#{token_id}"}


def _token_lookup_key(token_hash: str) -> dict:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


# --- (de)serialising --------------------------------------------------------


def _dump(item: dict) -> dict:
    return {key: _serializer.serialize(value) for key, value in item.items() if value is not None}


def _load(item: dict) -> dict:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def _values(values: dict) -> dict:
    return {key: _serializer.serialize(value) for key, value in values.items()}


def _attendee_from_item(item: dict) -> Attendee:
    return Attendee(
        id=item["attendee_id"],
        event_id=item["event_id"],
        name=item["name"],
        email=item["email"],
        organisation=item["organisation"],
        days=[date.fromisoformat(day) for day in item["days"]],
        status=item["status"],
        badge_serial=int(item["badge_serial"]),
        registered_at=datetime.fromisoformat(item["registered_at"]),
        source=item.get("source", "online"),
        phone=item.get("phone"),
        job_title=item.get("job_title"),
        gender=item.get("gender"),
        organisation_type=item.get("organisation_type"),
        checkins={
            date.fromisoformat(day): Checkin(
                at=datetime.fromisoformat(record["at"]),
                desk=record.get("desk"),
                desk_token_id=record.get("desk_token_id"),
                scan_id=record.get("scan_id"),
                slot=record.get("slot"),
            )
            for day, record in item.get("checkins", {}).items()
        },
        reissues=[
            BadgeIssue(
                at=datetime.fromisoformat(entry["at"]),
                by=entry.get("by"),
                reason=entry["reason"],
                request_id=entry.get("request_id"),
            )
            for entry in item.get("reissues", [])
        ],
        cancelled_at=(
            datetime.fromisoformat(item["cancelled_at"]) if item.get("cancelled_at") else None
        ),
        prints=[datetime.fromisoformat(at) for at in item.get("prints", [])],
    )


def _reissue_item(issue: BadgeIssue) -> dict:
    return {
        key: value
        for key, value in {
            "at": issue.at.isoformat(),
            "by": issue.by,
            "reason": issue.reason,
            "request_id": issue.request_id,
        }.items()
        if value is not None
    }


def _checkin_item(checkin: Checkin) -> dict:
    return {
        key: value
        for key, value in {
            "at": checkin.at.isoformat(),
            "desk": checkin.desk,
            "desk_token_id": checkin.desk_token_id,
            "scan_id": checkin.scan_id,
            "slot": checkin.slot,
        }.items()
        if value is not None
    }


# --- records the store returns ----------------------------------------------


class Conflict(Exception):
    """A transaction lost a race or met a stale read; the caller re-reads."""


class Unavailable(Refusal):
    """DynamoDB throttled, failed or did not answer in time: 503 if it reaches a client.

    After a write this means "unknown", not "not written": the write may have
    landed. Callers retry by reading again and deciding again, and every write's
    conditions (a scan_id or an email taken once, an expected serial) turn a
    write that already landed into its own record, never a second one.
    """

    def __init__(self) -> None:
        error = temporarily_unavailable()
        super().__init__(error.code, error.message)


class AlreadyWritten(Exception):
    """The write being retried had landed before: its own record is in the table."""


# DynamoDB's answers that mean "not now" rather than "no".
_TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
_READS = frozenset({"get_item", "batch_get_item", "query"})


def _is_transient(error: Exception) -> bool:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in _TRANSIENT_CODES
    # Refused, reset or timed out connections; a read timeout may follow a write that landed.
    return isinstance(error, (BotocoreConnectionError, HTTPClientError))


class _GuardedClient:
    """The DynamoDB client, with transient faults turned into Unavailable.

    Reads are asked again, with jittered pauses, within a short budget of their
    own. A write is never re-sent here: whether it landed is for the caller's
    read-decide-write loop to find out.
    """

    def __init__(self, client: Any, backoff: Backoff) -> None:
        self._client = client
        self._read_backoff = replace(backoff, budget_seconds=0.5, max_attempts=4)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method):  # `meta` and the like pass through untouched
            return method
        if name in _READS:
            return lambda **kwargs: self._read(method, kwargs)
        return lambda **kwargs: self._write(method, kwargs)

    def _read(self, method: Callable[..., dict], kwargs: dict) -> dict:
        last: Exception | None = None
        for _ in self._read_backoff.attempts():
            try:
                return method(**kwargs)
            except Exception as error:
                if not _is_transient(error):
                    raise
                last = error
        raise Unavailable() from last

    @staticmethod
    def _write(method: Callable[..., dict], kwargs: dict) -> dict:
        try:
            return method(**kwargs)
        except Exception as error:
            if _is_transient(error):
                raise Unavailable() from error
            raise


def scan_item(entry: ScanEntry) -> dict:
    """A scan-log entry as its item: the log, and the answer to replay."""
    return {
        **_scan_key(entry.event_id, entry.scan_id),
        "gsi1pk": f"EVENT#{entry.event_id}#SCANS",
        "gsi1sk": f"{entry.day}#{entry.received_at}#{entry.scan_id}",
        "scan_id": entry.scan_id,
        "day": entry.day,
        "received_at": entry.received_at,
        "scanned_at": entry.scanned_at,
        "desk": entry.desk,
        "desk_token_id": entry.desk_token_id,
        "result": entry.result,
        "error_code": entry.error_code,
        "attendee_id": entry.attendee_id,
        "outcome": entry.outcome,
        # Stored as text: the answer is replayed byte-for-byte in meaning,
        # and DynamoDB maps would turn its numbers into Decimals.
        "response": json.dumps(entry.body, separators=(",", ":")),
    }


# --- the store --------------------------------------------------------------


class Store:
    def __init__(self, client: Any, table_name: str, backoff: Backoff | None = None) -> None:
        self._client = _GuardedClient(client, backoff or Backoff())
        self._table = table_name

    # events ------------------------------------------------------------------

    def get_event(self, event_id: str) -> EventRecord | None:
        response = self._client.get_item(
            TableName=self._table, Key=_dump(_event_key(event_id)), ConsistentRead=True
        )
        return _event_record(response.get("Item"))

    def put_event(self, event: Event, now: datetime) -> bool:
        """Create or replace the event document; counters are kept. True if created."""
        document = event.model_dump(mode="json")
        names = {"#doc": "doc", "#open": "registration_open", "#capacity": "capacity"}
        values = {
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
            values[":capacity"] = event.capacity
        update += " ADD revision :one"
        response = self._client.update_item(
            TableName=self._table,
            Key=_dump(_event_key(event.id)),
            UpdateExpression=update,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=_values(values),
            ReturnValues="UPDATED_OLD",
        )
        # `revision` always changes, so its old value comes back whenever the
        # event existed (moto leaves out attributes whose value did not change).
        return "revision" not in response.get("Attributes", {})

    # registration ------------------------------------------------------------

    def register(
        self,
        record: EventRecord,
        attendee: Attendee,
        normalised_email: str,
        terms: SearchTerms,
        walk_in: tuple[CheckinDecision | None, ScanEntry, Breakdown | None] | None = None,
        desk: bool = False,
    ) -> None:
        """Write a registration, its email lock, search words and counts, or none.

        With `walk_in`, the same transaction logs the desk's scan and, if the
        check-in was decided (the attendee already carries it), counts it. A
        `desk` registration may be made after public registration has closed.

        Raises Refusal for already_registered, event_full, registration_closed
        and event_not_found; ScanReplayed if the walk-in's scan_id was used;
        Conflict when the event changed since `record` was read.
        """
        event_id = record.event.id
        counts = {"registered": 1, **{registered_on(day): 1 for day in attendee.days}}
        if walk_in is not None and walk_in[0] is not None:
            decision, _, counted = walk_in
            counts.update(checkin_counts(decision.day.date, decision, counted, 1))
        condition = "(attribute_not_exists(#capacity) OR registered < #capacity)"
        names = {"#capacity": "capacity"}
        values: dict[str, Any] = {}
        if not desk:  # the desk may register after public registration has closed
            condition += " AND #open = :true"
            names["#open"] = "registration_open"
            values[":true"] = True
        operations = [
            self._count(record, counts, condition, names, values),
            self._put_new(
                {**_email_key(event_id, normalised_email), "attendee_id": attendee.id},
                hand_back=True,
            ),
            self._put_new(_attendee_item(attendee)),
            *(
                self._put_new(_word_item(event_id, word, attendee.id, terms.words))
                for word in terms.indexed
            ),
        ]
        if walk_in is not None:
            operations.append(self._put_scan_operation(walk_in[1]))
        try:
            self._transact(operations)
        except _Cancelled as cancelled:
            event_reason, email_reason, attendee_reason = cancelled.reasons[:3]
            if walk_in is not None and _failed(cancelled.reasons[-1]):
                raise ScanReplayed() from None
            if _failed(email_reason):
                holder = _load(email_reason.get("Item") or {}).get("attendee_id")
                if holder == attendee.id:
                    # This very registration, sent again after an answer that
                    # never came back (or with the same Idempotency-Key).
                    raise AlreadyWritten() from None
                raise Refusal(
                    Code.ALREADY_REGISTERED, "This email address is already registered."
                ) from None
            if _failed(attendee_reason):
                # The id is taken by another registration: only an
                # Idempotency-Key sent again with a different email does that.
                raise Refusal(
                    Code.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used for another registration.",
                ) from None
            if _failed(event_reason):
                _raise_registration_refusal(record, event_reason.get("Item"), desk)
            raise Conflict() from None

    def _count(
        self,
        record: EventRecord,
        changes: dict[str, int],
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict:
        """Move the event's counters by `changes`, if the event is still as read
        (and `condition` holds). A failure hands back the event item as it is."""
        counter_names = {f"#n{index}": name for index, name in enumerate(changes)}
        deltas = {f":v{index}": delta for index, delta in enumerate(changes.values())}
        return {
            "Update": {
                "TableName": self._table,
                "Key": _dump(_event_key(record.event.id)),
                "UpdateExpression": "ADD "
                + ", ".join(f"#n{index} :v{index}" for index in range(len(changes))),
                "ConditionExpression": "revision = :revision"
                + (f" AND {condition}" if condition else ""),
                "ExpressionAttributeNames": {**counter_names, **(names or {})},
                "ExpressionAttributeValues": _values(
                    {**deltas, **(values or {}), ":revision": record.revision}
                ),
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _put_new(self, item: dict, hand_back: bool = False) -> dict:
        put = {
            "TableName": self._table,
            "Item": _dump(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
        if hand_back:  # a failure returns the item that was there first
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Put": put}

    def get_attendee(self, attendee_id: str) -> Attendee | None:
        response = self._client.get_item(
            TableName=self._table, Key=_dump(_attendee_key(attendee_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return _attendee_from_item(_load(item)) if item else None

    # check-in ----------------------------------------------------------------

    def load_for_checkin(
        self, event_id: str, attendee_id: str | None, scan_id: str
    ) -> tuple[EventRecord | None, Attendee | None, ScanRecord | None]:
        """The event, the attendee and any earlier answer to this scan_id: one request."""
        keys = [_event_key(event_id), _scan_key(event_id, scan_id)]
        if attendee_id is not None:
            keys.append(_attendee_key(attendee_id))
        items = self._batch_get(keys)
        event = _event_record(items.get(("EVENT#" + event_id, "EVENT")))
        scan = items.get(tuple(_scan_key(event_id, scan_id).values()))
        attendee = items.get(tuple(_attendee_key(attendee_id).values())) if attendee_id else None
        return (
            event,
            _attendee_from_item(_load(attendee)) if attendee else None,
            _scan_record(scan),
        )

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
        """Record a check-in, its counts and its scan-log entry in one transaction.

        `attendee` is the state the decision was made on; the write succeeds only
        if that is still the state (same serial, still active, same number of
        check-ins, none yet that day). Raises `ScanReplayed` if another request
        with the same scan_id won, `StaleAttendee` (with the fresh attendee) if
        the attendee changed, `Conflict` if the event changed.
        """
        day = decision.day.date
        counts = checkin_counts(day, decision, counted, 1)
        condition = (
            "attribute_exists(pk) AND #status = :active AND checkin_count = :seen"
            " AND attribute_not_exists(checkins.#date)"
        )
        values: dict[str, Any] = {
            ":active": ACTIVE,
            # The counts above were decided on this many check-ins.
            ":seen": len(attendee.checkins),
            ":one": 1,
            ":checkin": _checkin_item(checkin),
        }
        if presented_serial is not None:
            condition += " AND badge_serial = :serial"
            values[":serial"] = presented_serial
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _dump(_attendee_key(attendee.id)),
                            "UpdateExpression": "SET checkins.#date = :checkin"
                            " ADD checkin_count :one",
                            "ConditionExpression": condition,
                            "ExpressionAttributeNames": {
                                "#status": "status",
                                "#date": day.isoformat(),
                            },
                            "ExpressionAttributeValues": _values(values),
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                    self._count(record, counts),
                    self._put_scan_operation(scan),
                ]
            )
        except _Cancelled as cancelled:
            attendee_reason, _, scan_reason = cancelled.reasons
            if _failed(scan_reason):
                raise ScanReplayed() from None
            _raise_if_attendee_changed(attendee_reason)
            raise Conflict() from None

    def log_scan(self, scan: ScanEntry) -> None:
        """Record a scan that changed nothing. Raises ScanReplayed if its id is taken."""
        try:
            self._client.put_item(**self._put_scan_operation(scan)["Put"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ScanReplayed() from None
            raise

    def get_scan(self, event_id: str, scan_id: str) -> ScanRecord | None:
        response = self._client.get_item(
            TableName=self._table, Key=_dump(_scan_key(event_id, scan_id)), ConsistentRead=True
        )
        return _scan_record(response.get("Item"))

    def _put_scan_operation(self, scan: ScanEntry) -> dict:
        return self._put_new(scan_item(scan))

    # desk work ---------------------------------------------------------------

    def get_attendees(self, attendee_ids: list[str]) -> dict[str, Attendee]:
        items = self._batch_get(_attendee_key(attendee_id) for attendee_id in attendee_ids)
        attendees = (_attendee_from_item(_load(item)) for item in items.values())
        return {attendee.id: attendee for attendee in attendees}

    def search_words(
        self,
        event_id: str,
        lookup: str,
        cursor: str | None,
        keep: Callable[[dict], bool],
        limit: int,
    ) -> tuple[list[dict], str | None]:
        """Word-index entries of `event_id` whose word starts with `lookup`.

        Reads only the index entries under that prefix: the cost grows with the
        number of matching words, not with the size of the event.
        """
        partition = f"EVENT#{event_id}#WORD#{lookup[:2]}"
        return self._page(
            {
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :word)",
                "ExpressionAttributeValues": _values({":pk": partition, ":word": lookup}),
            },
            ("pk", "sk"),
            {"pk": partition},
            cursor,
            lambda item: WordHit(item["attendee_id"], item["word"], list(item["words"])),
            keep,
            limit,
        )

    def list_attendees(
        self, event_id: str, cursor: str | None, limit: int
    ) -> tuple[list[Attendee], str | None]:
        """Every registration of an event, by name, a page at a time."""
        partition = f"EVENT#{event_id}#ATTENDEES"
        return self._page(
            {
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :pk",
                "ExpressionAttributeValues": _values({":pk": partition}),
            },
            ("pk", "sk", "gsi1pk", "gsi1sk"),
            {"gsi1pk": partition},
            cursor,
            _attendee_from_item,
            lambda _: True,
            limit,
        )

    def list_scans(
        self,
        event_id: str,
        day: date | None,
        keep: Callable[[ScanEntry], bool],
        cursor: str | None,
        limit: int,
    ) -> tuple[list[ScanEntry], str | None]:
        """The scan log, oldest first, of one event day or of all."""
        partition = f"EVENT#{event_id}#SCANS"
        condition = "gsi1pk = :pk"
        values: dict[str, Any] = {":pk": partition}
        if day is not None:
            condition += " AND begins_with(gsi1sk, :day)"
            values[":day"] = f"{day.isoformat()}#"
        return self._page(
            {
                "IndexName": "gsi1",
                "KeyConditionExpression": condition,
                "ExpressionAttributeValues": _values(values),
            },
            ("pk", "sk", "gsi1pk", "gsi1sk"),
            {"gsi1pk": partition},
            cursor,
            _scan_entry,
            keep,
            limit,
        )

    def all_attendees(self, event_id: str) -> list[Attendee]:
        """Every registration of an event, sorted by name (for printing)."""
        items = self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues=_values({":pk": f"EVENT#{event_id}#ATTENDEES"}),
        )
        return [_attendee_from_item(item) for item in items]

    def record_prints(self, attendee_ids: list[str], at: datetime) -> None:
        """Add a print to each attendee's history, up to 100 to a transaction.

        A batch that meets a concurrent write (a scan of one of its people) is
        tried again on its own, so no print is recorded twice; Conflict if it
        keeps failing.
        """
        for start in range(0, len(attendee_ids), 100):
            batch = [
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": _dump(_attendee_key(attendee_id)),
                        "UpdateExpression": "SET prints = list_append("
                        "if_not_exists(prints, :none), :print)",
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeValues": _values(
                            {":none": [], ":print": [at.isoformat()]}
                        ),
                    }
                }
                for attendee_id in attendee_ids[start : start + 100]
            ]
            for _ in range(5):
                try:
                    self._transact(batch)
                    break
                except _Cancelled:
                    continue
            else:
                raise Conflict()

    def reissue_badge(self, attendee: Attendee, issue: BadgeIssue) -> Attendee:
        """Give the attendee a new badge serial, revoking the old code at once.

        One conditional update on the serial as read: a scan of the old code
        racing it either lands first or finds the serial changed, and the same
        update sent twice moves the serial once. Conflict if it changed.
        """
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=_dump(_attendee_key(attendee.id)),
                UpdateExpression="SET badge_serial = badge_serial + :one,"
                " reissues = list_append(if_not_exists(reissues, :none), :issue)",
                ConditionExpression="event_id = :event AND #status = :active"
                " AND badge_serial = :serial AND badge_serial < :max",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=_values(
                    {
                        ":one": 1,
                        ":none": [],
                        ":issue": [_reissue_item(issue)],
                        ":event": attendee.event_id,
                        ":active": ACTIVE,
                        ":serial": attendee.badge_serial,
                        ":max": MAX_SERIAL,
                    }
                ),
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise Conflict() from None
            raise
        return _attendee_from_item(_load(response["Attributes"]))

    def cancel(self, record: EventRecord, attendee: Attendee, at: datetime) -> None:
        """Cancel a registration that has no check-in: its counts drop, its email frees.

        Raises StaleAttendee with the fresh state if the attendee changed since
        read (checked in, already cancelled).
        """
        counts = {"registered": -1, **{registered_on(day): -1 for day in attendee.days}}
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _dump(_attendee_key(attendee.id)),
                            "UpdateExpression": "SET #status = :cancelled, cancelled_at = :at",
                            "ConditionExpression": "#status = :active AND checkin_count = :zero",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": _values(
                                {
                                    ":cancelled": CANCELLED,
                                    ":active": ACTIVE,
                                    ":zero": 0,
                                    ":at": at.isoformat(),
                                }
                            ),
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                    self._count(record, counts),
                    {
                        # The address may register again.
                        "Delete": {
                            "TableName": self._table,
                            "Key": _dump(
                                _email_key(record.event.id, normalise_email(attendee.email))
                            ),
                            "ConditionExpression": "attendee_id = :attendee",
                            "ExpressionAttributeValues": _values({":attendee": attendee.id}),
                        }
                    },
                ]
            )
        except _Cancelled as cancelled:
            _raise_if_attendee_changed(cancelled.reasons[0])
            raise Conflict() from None

    def undo_checkin(
        self, record: EventRecord, attendee: Attendee, undo: UndoDecision, scan: ScanEntry
    ) -> None:
        """Remove one day's check-in, take it off the counts and log it, together."""
        counts = checkin_counts(undo.day.date, undo, undo.breakdown, -1)
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _dump(_attendee_key(attendee.id)),
                            "UpdateExpression": "REMOVE checkins.#date ADD checkin_count :less",
                            "ConditionExpression": "attribute_exists(checkins.#date)"
                            " AND checkin_count = :seen",
                            "ExpressionAttributeNames": {"#date": undo.day.date.isoformat()},
                            "ExpressionAttributeValues": _values(
                                {":less": -1, ":seen": len(attendee.checkins)}
                            ),
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                    self._count(record, counts),
                    self._put_scan_operation(scan),
                ]
            )
        except _Cancelled as cancelled:
            _raise_if_attendee_changed(cancelled.reasons[0])
            raise Conflict() from None

    # desk tokens -------------------------------------------------------------

    def create_desk_token(
        self, event_id: str, token_id: str, label: str, token_hash: str, created_at: str
    ) -> None:
        self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": _dump(
                            {
                                **_desk_token_key(event_id, token_id),
                                "token_id": token_id,
                                "label": label,
                                "created_at": created_at,
                                "token_hash": token_hash,
                            }
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": _dump(
                            {
                                **_token_lookup_key(token_hash),
                                "token_id": token_id,
                                "event_id": event_id,
                                "label": label,
                            }
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )

    def list_desk_tokens(self, event_id: str) -> list[DeskTokenRecord]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=_values({":pk": f"EVENT#{event_id}", ":prefix": "DESK#"}),
        )
        records = [
            DeskTokenRecord(
                id=item["token_id"],
                label=item["label"],
                created_at=item["created_at"],
                revoked_at=item.get("revoked_at"),
            )
            for item in items
        ]
        return sorted(records, key=lambda record: (record.created_at, record.id))

    def revoke_desk_token(self, event_id: str, token_id: str, revoked_at: str) -> bool:
        """Revoke a desk token; False if the event has no such token.

        Revoking twice is harmless: the second call changes nothing.
        """
        response = self._client.get_item(
            TableName=self._table,
            Key=_dump(_desk_token_key(event_id, token_id)),
            ConsistentRead=True,
        )
        item = response.get("Item")
        if item is None:
            return False
        token_hash = _load(item)["token_hash"]
        with contextlib.suppress(_Cancelled):  # already revoked: nothing to do
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": _dump(_desk_token_key(event_id, token_id)),
                            "UpdateExpression": "SET revoked_at = :at",
                            "ConditionExpression": "attribute_not_exists(revoked_at)",
                            "ExpressionAttributeValues": _values({":at": revoked_at}),
                        }
                    },
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": _dump(_token_lookup_key(token_hash)),
                        }
                    },
                ]
            )
        return True

    def find_desk_token(self, token_hash: str) -> StaffToken | None:
        response = self._client.get_item(
            TableName=self._table, Key=_dump(_token_lookup_key(token_hash)), ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return None
        item = _load(item)
        return StaffToken(token_id=item["token_id"], event_id=item["event_id"], label=item["label"])

    # plumbing ----------------------------------------------------------------

    def _transact(self, operations: list[dict]) -> None:
        try:
            self._client.transact_write_items(TransactItems=operations)
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                reasons = error.response.get("CancellationReasons") or [{}] * len(operations)
                raise _Cancelled(reasons) from None
            raise

    def _batch_get(self, keys: Iterable[dict]) -> dict[tuple[str, str], dict]:
        found: dict[tuple[str, str], dict] = {}
        pending = [_dump(key) for key in keys]
        # At most 100 keys a request; and DynamoDB may hand some back
        # unprocessed under load, to be asked for again.
        for _ in range(10 + len(pending) // 100):
            if not pending:
                return found
            batch, pending = pending[:100], pending[100:]
            response = self._client.batch_get_item(
                RequestItems={self._table: {"Keys": batch, "ConsistentRead": True}}
            )
            for item in response.get("Responses", {}).get(self._table, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            pending += response.get("UnprocessedKeys", {}).get(self._table, {}).get("Keys", [])
        if pending:
            raise Conflict()
        return found

    def _page(
        self,
        query: dict,
        key_names: tuple[str, ...],
        partition: dict[str, str],
        cursor: str | None,
        convert: Callable[[dict], T],
        keep: Callable[[T], bool],
        limit: int,
    ) -> tuple[list[T], str | None]:
        """Up to `limit` kept items of a query, converted, and a cursor for the rest.

        The cursor is the key of the last item looked at, so a page that stops
        in the middle of DynamoDB's page resumes exactly there. Each call reads
        at most MAX_ITEMS_PER_PAGE items: a filter that keeps few items gives
        short pages rather than long requests.
        """
        start = _decode_cursor(cursor, key_names, partition) if cursor else None
        kept: list[T] = []
        read = 0
        while True:
            page = self._client.query(
                TableName=self._table,
                Limit=min(max(limit * 2, 25), MAX_ITEMS_PER_PAGE),
                **query,
                **({"ExclusiveStartKey": _dump(start)} if start else {}),
            )
            items = [_load(item) for item in page.get("Items", [])]
            for index, item in enumerate(items):
                read += 1
                value = convert(item)
                if keep(value):
                    kept.append(value)
                more = index + 1 < len(items) or "LastEvaluatedKey" in page
                if (len(kept) == limit or read >= MAX_ITEMS_PER_PAGE) and more:
                    return kept, _encode_cursor({name: item[name] for name in key_names})
            if "LastEvaluatedKey" not in page:
                return kept, None
            start = _load(page["LastEvaluatedKey"])

    def _query(self, **kwargs: Any) -> list[dict]:
        items: list[dict] = []
        start: dict | None = None
        while True:
            page = self._client.query(
                TableName=self._table,
                # Strongly consistent reads exist on the table, not its index.
                ConsistentRead="IndexName" not in kwargs,
                **kwargs,
                **({"ExclusiveStartKey": start} if start else {}),
            )
            items.extend(_load(item) for item in page.get("Items", []))
            start = page.get("LastEvaluatedKey")
            if not start:
                return items


def _failed(reason: dict) -> bool:
    return reason.get("Code") == "ConditionalCheckFailed"


def _raise_if_attendee_changed(reason: dict) -> None:
    """StaleAttendee, carrying the state DynamoDB handed back, if its condition failed."""
    if _failed(reason):
        item = reason.get("Item")
        raise StaleAttendee(_attendee_from_item(_load(item)) if item else None)


class _Cancelled(Exception):
    def __init__(self, reasons: list[dict]) -> None:
        super().__init__("transaction cancelled")
        self.reasons = reasons


class ScanReplayed(Exception):
    """Another request with this scan_id was recorded first."""


class StaleAttendee(Exception):
    def __init__(self, attendee: Attendee | None) -> None:
        super().__init__("attendee changed")
        self.attendee = attendee


def _attendee_item(attendee: Attendee) -> dict:
    return {
        **_attendee_key(attendee.id),
        "gsi1pk": f"EVENT#{attendee.event_id}#ATTENDEES",
        # \x01 sorts below the space between words, so "Budi" precedes "Budi Santoso".
        "gsi1sk": f"{sort_key(attendee.name)}\x01{attendee.id}",
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        "name": attendee.name,
        "email": attendee.email,
        "organisation": attendee.organisation,
        "phone": attendee.phone,
        "job_title": attendee.job_title,
        "gender": attendee.gender,
        "organisation_type": attendee.organisation_type,
        "days": [day.isoformat() for day in attendee.days],
        "status": attendee.status,
        "badge_serial": attendee.badge_serial,
        "registered_at": attendee.registered_at.isoformat(),
        "source": attendee.source,
        "checkins": {day.isoformat(): _checkin_item(c) for day, c in attendee.checkins.items()},
        "checkin_count": len(attendee.checkins),
        "reissues": [_reissue_item(issue) for issue in attendee.reissues],
    }


def _word_item(event_id: str, word: str, attendee_id: str, words: list[str]) -> dict:
    # Partitioned by the word's first two letters, the shortest lookup.
    return {
        "pk": f"EVENT#{event_id}#WORD#{word[:2]}",
        "sk": f"{word}#{attendee_id}",
        "attendee_id": attendee_id,
        "word": word,
        "words": words,
    }


def _event_record(item: dict | None) -> EventRecord | None:
    if not item:
        return None
    data = _load(item)
    counters = {
        key: int(value)
        for key, value in data.items()
        if key in ("registered", "attended_any", "attended_all_days") or "@" in key
    }
    return EventRecord(
        event=Event.model_validate(data["doc"]),
        revision=int(data["revision"]),
        counters=counters,
    )


def _scan_entry(item: dict) -> ScanEntry:
    return ScanEntry(
        event_id=item["pk"].split("#")[1],
        scan_id=item["scan_id"],
        day=item["day"],
        received_at=item["received_at"],
        scanned_at=item["scanned_at"],
        desk=item.get("desk"),
        desk_token_id=item.get("desk_token_id"),
        result=item.get("result"),
        error_code=item.get("error_code"),
        attendee_id=item.get("attendee_id"),
        outcome=item["outcome"],
        body=json.loads(item["response"]),
    )


def _scan_record(item: dict | None) -> ScanRecord | None:
    if not item:
        return None
    data = _load(item)
    return ScanRecord(outcome=data["outcome"], body=json.loads(data["response"]))


def _raise_registration_refusal(record: EventRecord, item: dict | None, desk: bool) -> None:
    if item is None:
        raise event_not_found()
    current = _load(item)
    if int(current.get("revision", 0)) != record.revision:
        raise Conflict()
    if not desk and not current.get("registration_open", False):
        raise Refusal(Code.REGISTRATION_CLOSED, "Registration for this event is closed.")
    raise Refusal(Code.EVENT_FULL, "This event is full.")


def _encode_cursor(key: dict[str, str]) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, key_names: tuple[str, ...], partition: dict[str, str]) -> dict:
    """A cursor this store handed out for this very listing, or a 422."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        key = None
    if (
        not isinstance(key, dict)
        or set(key) != set(key_names)
        or not all(isinstance(value, str) for value in key.values())
        or any(key.get(name) != value for name, value in partition.items())
    ):
        raise validation_error(
            [{"field": "next", "message": "is not a cursor from this listing"}],
            "The paging cursor is not valid here.",
        )
    return key
