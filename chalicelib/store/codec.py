"""Items to domain records and back.

The mapping goes through pydantic `TypeAdapter`s over the domain's own
dataclasses, so a field added to a record is read and written without a
hand-written copy here. What the adapters do not decide is spelled out:

- DynamoDB hands numbers back as Decimal; the adapters make ints of them.
- Dates and instants are stored as ISO text (`isoformat()`, "+00:00" rather
  than pydantic's "Z", so items written before and after read alike).
- None is never stored: an absent attribute reads as the field's default, or
  as None, so older items without an optional attribute still load.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from datetime import date, datetime
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import TypeAdapter

from chalicelib.core.domain import Attendee, BadgeIssue, Change, Checkin
from chalicelib.core.models import Event
from chalicelib.core.records import (
    DESK_LABELS,
    DeskTokenRecord,
    EventRecord,
    ScanEntry,
    ScanRecord,
    StaffToken,
    WordHit,
)
from chalicelib.core.search import sort_key
from chalicelib.store.keys import (
    TTL_ATTRIBUTE,
    attendee_key,
    attendees_partition,
    desk_token_key,
    event_of,
    manage_key,
    scan_key,
    scans_partition,
    token_lookup_key,
    word_key,
)

T = TypeVar("T")

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

_ATTENDEE = TypeAdapter(Attendee)
_CHECKIN = TypeAdapter(Checkin)
_CHANGE = TypeAdapter(Change)
_BADGE_ISSUE = TypeAdapter(BadgeIssue)
_SCAN_ENTRY = TypeAdapter(ScanEntry)
_DESK_TOKEN = TypeAdapter(DeskTokenRecord)
_STAFF_TOKEN = TypeAdapter(StaffToken)
_WORD_HIT = TypeAdapter(WordHit)

# The event item's attributes that are counters, besides "<name>@<day>...".
_COUNTERS = ("registered", "attended_any", "attended_all_days", DESK_LABELS)


# --- DynamoDB's typed values ---------------------------------------------------


def dump(item: dict) -> dict:
    """An item (or key) in DynamoDB's typed form; None values are left out."""
    return {key: _serializer.serialize(value) for key, value in item.items() if value is not None}


def load(item: dict) -> dict:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def values(named: dict) -> dict:
    """ExpressionAttributeValues in DynamoDB's typed form."""
    return {key: _serializer.serialize(value) for key, value in named.items()}


def _stored(value: Any) -> Any:
    """A dumped record's value as stored: dates and instants as ISO text."""
    if isinstance(value, (date, datetime)):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, dict):
        return {_stored(key): _stored(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_stored(inner) for inner in value]
    return value


def _filled(cls: type, data: dict) -> dict:
    """Item data with None for each field of `cls` it lacks that has no default.

    None is never stored, so an absent optional attribute means None.
    """
    absent = {
        field.name: None
        for field in fields(cls)
        if field.name not in data and field.default is MISSING and field.default_factory is MISSING
    }
    return {**absent, **data}


def _record(adapter: TypeAdapter[T], cls: type, data: dict) -> T:
    """A dataclass from item data; a missing field without a default reads as None."""
    return adapter.validate_python(_filled(cls, data))


# --- attendees -----------------------------------------------------------------


def attendee_from_item(item: dict) -> Attendee:
    """An attendee from its (loaded) item."""
    data = {
        **item,
        "id": item["attendee_id"],
        "checkins": {
            day: _filled(Checkin, checkin) for day, checkin in item.get("checkins", {}).items()
        },
        "reissues": [_filled(BadgeIssue, issue) for issue in item.get("reissues", [])],
    }
    return _record(_ATTENDEE, Attendee, data)


def attendee_item(attendee: Attendee) -> dict:
    """A new registration's item: the attendee, its index keys and its check-in count.

    A cancellation, badge prints and corrections (with the version they move,
    absent until the first) are written by their own updates, never here.
    """
    data = _ATTENDEE.dump_python(
        attendee, exclude={"id", "cancelled_at", "prints", "changes", "version"}, exclude_none=True
    )
    return {
        **attendee_key(attendee.id),
        "gsi1pk": attendees_partition(attendee.event_id),
        "gsi1sk": sort_entry(attendee),
        "attendee_id": attendee.id,
        **_stored(data),
        "checkin_count": len(attendee.checkins),
    }


def sort_entry(attendee: Attendee) -> str:
    """The attendee's place in the by-name listing (the index's sort key)."""
    # \x01 sorts below the space between words, so "Budi" precedes "Budi Santoso".
    return f"{sort_key(attendee.name)}\x01{attendee.id}"


def change_item(change: Change) -> dict:
    return _stored(_CHANGE.dump_python(change))


def manage_item(token_hash: str, attendee: Attendee) -> dict:
    """An attendee's manage token, found by its hash; the token itself is never kept."""
    return {
        **manage_key(token_hash),
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        TTL_ATTRIBUTE: attendee.expires_at,
    }


def checkin_item(checkin: Checkin) -> dict:
    return _stored(_CHECKIN.dump_python(checkin, exclude_none=True))


def reissue_item(issue: BadgeIssue) -> dict:
    return _stored(_BADGE_ISSUE.dump_python(issue, exclude_none=True))


def word_item(event_id: str, word: str, attendee_id: str, words: list[str]) -> dict:
    return {
        **word_key(event_id, word, attendee_id),
        "attendee_id": attendee_id,
        "word": word,
        "words": words,
    }


def word_hit(item: dict) -> WordHit:
    return _record(_WORD_HIT, WordHit, {**item, "words": list(item["words"])})


# --- events --------------------------------------------------------------------


def event_record(item: dict | None) -> EventRecord | None:
    """The event and its counters from its raw (typed) item, or None."""
    if not item:
        return None
    data = load(item)
    counters = {key: int(value) for key, value in data.items() if key in _COUNTERS or "@" in key}
    return EventRecord(
        event=Event.model_validate(data["doc"]),
        revision=int(data["revision"]),
        counters=counters,
        logo_refs=tuple((ref["name"], ref["sha256"]) for ref in data["doc"].get("logo_refs", [])),
    )


# --- the scan log --------------------------------------------------------------


def scan_item(entry: ScanEntry) -> dict:
    """A scan-log entry as its item: the log, and the answer to replay."""
    data = _SCAN_ENTRY.dump_python(entry, exclude={"event_id", "body"})
    return {
        **scan_key(entry.event_id, entry.scan_id),
        "gsi1pk": scans_partition(entry.event_id),
        "gsi1sk": f"{entry.day}#{entry.received_at}#{entry.scan_id}",
        **data,
        # Stored as text: the answer is replayed byte-for-byte in meaning,
        # and DynamoDB maps would turn its numbers into Decimals.
        "response": json.dumps(entry.body, separators=(",", ":")),
    }


def scan_entry(item: dict) -> ScanEntry:
    """A scan-log entry from its (loaded) item."""
    data = {**item, "event_id": event_of(item["pk"]), "body": json.loads(item["response"])}
    return _record(_SCAN_ENTRY, ScanEntry, data)


def scan_record(item: dict | None) -> ScanRecord | None:
    """The stored answer of a scan from its raw (typed) item, or None."""
    if not item:
        return None
    data = load(item)
    return ScanRecord(outcome=data["outcome"], body=json.loads(data["response"]))


# --- desk tokens ---------------------------------------------------------------


def desk_token_items(event_id: str, record: DeskTokenRecord, token_hash: str) -> tuple[dict, dict]:
    """An event token's public record under its event, and its lookup by hash."""
    public = {
        **desk_token_key(event_id, record.id),
        "token_id": record.id,
        "label": record.label,
        "role": record.role,
        "created_at": record.created_at,
        "token_hash": token_hash,
    }
    lookup = {
        **token_lookup_key(token_hash),
        "token_id": record.id,
        "event_id": event_id,
        "label": record.label,
        "role": record.role,
    }
    return public, lookup


def desk_token_record(item: dict) -> DeskTokenRecord:
    return _record(_DESK_TOKEN, DeskTokenRecord, {**item, "id": item["token_id"]})


def staff_token(item: dict) -> StaffToken:
    return _record(_STAFF_TOKEN, StaffToken, item)
