"""The store's shared pieces on their own: the codec, conditions, named transaction slots."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from chalicelib.core.backoff import Backoff
from chalicelib.core.domain import ACTIVE, Attendee, BadgeIssue, Checkin
from chalicelib.core.records import ScanEntry
from chalicelib.store import codec
from chalicelib.store.client import GuardedClient
from chalicelib.store.conditions import (
    Condition,
    attendee_is_active,
    badge_serial_is,
    checkin_count_is,
    item_is_new,
    no_checkin_on,
)
from chalicelib.store.keys import scan_key
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled, expression_args
from tests.support.values import TABLE

DAY = date(2016, 11, 29)


@pytest.fixture
def table(dynamodb):
    return Table(GuardedClient(dynamodb, Backoff()), TABLE)


def attendee(**changes) -> Attendee:
    fields = {
        "id": "a" * 26,
        "event_id": "socmed-conservation-2016",
        "name": "Budi Santoso",
        "email": "budi@example.org",
        "organisation": "Yayasan",
        "days": [DAY, date(2016, 11, 30)],
        "status": ACTIVE,
        "badge_serial": 2,
        "registered_at": datetime(2016, 11, 1, 3, 4, 5, 123456, tzinfo=UTC),
        "phone": "0812",
        "checkins": {
            DAY: Checkin(
                at=datetime(2016, 11, 29, 9, tzinfo=timezone(timedelta(hours=7))),
                desk="Desk A",
                desk_token_id=None,
                scan_id="scan-1",
                slot="09:00",
            )
        },
        "reissues": [BadgeIssue(at=datetime(2016, 11, 2, tzinfo=UTC), by=None, reason="lost")],
    }
    return Attendee(**{**fields, **changes})


def stored(item: dict) -> dict:
    """An item as DynamoDB hands it back: typed, then loaded (numbers as Decimal)."""
    return codec.load(codec.dump(item))


def test_an_attendee_item_has_the_stored_shape():
    item = codec.attendee_item(attendee())
    assert item == {
        "pk": "ATTENDEE#" + "a" * 26,
        "sk": "ATTENDEE",
        "gsi1pk": "EVENT#socmed-conservation-2016#ATTENDEES",
        "gsi1sk": "budi santoso\x01" + "a" * 26,
        "attendee_id": "a" * 26,
        "event_id": "socmed-conservation-2016",
        "name": "Budi Santoso",
        "email": "budi@example.org",
        "organisation": "Yayasan",
        "phone": "0812",
        "days": ["2016-11-29", "2016-11-30"],
        "status": "active",
        "badge_serial": 2,
        "registered_at": "2016-11-01T03:04:05.123456+00:00",
        "source": "online",
        "language": "id",
        "checkins": {
            "2016-11-29": {
                "at": "2016-11-29T09:00:00+07:00",
                "desk": "Desk A",
                "scan_id": "scan-1",
                "slot": "09:00",
                "late": False,
            }
        },
        "checkin_count": 1,
        "reissues": [{"at": "2016-11-02T00:00:00+00:00", "reason": "lost"}],
    }


def test_an_attendee_reads_back_as_written():
    person = attendee()
    again = codec.attendee_from_item(stored(codec.attendee_item(person)))
    assert again == person
    assert type(again.badge_serial) is int
    assert codec.attendee_item(again) == codec.attendee_item(person)


def test_an_old_item_without_optional_keys_still_loads():
    item = stored(codec.attendee_item(attendee(checkins={}, reissues=[], phone=None)))
    for key in ("source", "checkins", "reissues", "checkin_count"):
        del item[key]
    person = codec.attendee_from_item(item)
    assert (person.source, person.phone, person.checkins, person.reissues) == (
        "online",
        None,
        {},
        [],
    )
    assert person.cancelled_at is None and person.prints == []


def test_a_scan_entry_reads_back_as_written():
    entry = ScanEntry(
        event_id="socmed-conservation-2016",
        scan_id="scan-1",
        day="2016-11-29",
        received_at="2016-11-29T02:00:00Z",
        scanned_at="2016-11-29T01:59:58Z",
        desk=None,
        desk_token_id="desk-a",
        result=None,
        error_code="badge_revoked",
        attendee_id=None,
        outcome="badge_revoked",
        body={"error": {"code": "badge_revoked"}, "n": 1.5},
    )
    item = codec.scan_item(entry)
    assert {key: item[key] for key in ("pk", "sk")} == scan_key(entry.event_id, entry.scan_id)
    assert "desk" not in codec.dump(item)
    assert codec.scan_entry(stored(item)) == entry
    late = replace(entry, late=True, source="paper")
    assert codec.scan_entry(stored(codec.scan_item(late))) == late


def test_an_old_scan_entry_or_check_in_without_late_or_source_still_loads():
    entry = ScanEntry(
        event_id="socmed-conservation-2016",
        scan_id="scan-1",
        day="2016-11-29",
        received_at="2016-11-29T03:00:00Z",
        scanned_at="2016-11-29T01:59:58Z",
        desk="Desk A",
        desk_token_id=None,
        result="checked_in",
        error_code=None,
        attendee_id="a" * 26,
        outcome="checked_in",
        body={},
        late=True,
        source="search",
    )
    item = stored(codec.scan_item(entry))
    del item["late"], item["source"]
    assert codec.scan_entry(item) == replace(entry, late=False, source="scan")

    item = stored(codec.attendee_item(attendee()))
    del item["checkins"]["2016-11-29"]["late"]
    (checkin,) = codec.attendee_from_item(item).checkins.values()
    # Read as an on-time scan, and never counted by source: an undo takes nothing off it.
    assert (checkin.source, checkin.made_by, checkin.late) == (None, "scan", False)


def test_conditions_combine_with_their_placeholders():
    condition = attendee_is_active & checkin_count_is(2) & no_checkin_on(DAY) & badge_serial_is(3)
    assert condition.expression == (
        "#status = :active AND checkin_count = :seen"
        " AND attribute_not_exists(checkins.#date) AND badge_serial = :serial"
    )
    assert condition.names == {"#status": "status", "#date": "2016-11-29"}
    assert condition.values == {":active": "active", ":seen": 2, ":serial": 3}


def test_a_placeholder_may_not_mean_two_things():
    with pytest.raises(ValueError):
        _ = checkin_count_is(1) & checkin_count_is(2)


def test_expression_arguments_leave_out_empty_maps():
    assert expression_args(item_is_new) == {"ConditionExpression": "attribute_not_exists(pk)"}
    assert expression_args(Condition("a = :a", values={":a": 1}), {"#n": "n"}) == {
        "ConditionExpression": "a = :a",
        "ExpressionAttributeNames": {"#n": "n"},
        "ExpressionAttributeValues": {":a": {"N": "1"}},
    }


def test_a_cancelled_transaction_is_read_by_slot_name(table):
    tx = table.transaction()
    tx.put_new("first", {"pk": "X#1", "sk": "X"})
    tx.commit()
    tx = table.transaction()
    tx.put_new("fresh", {"pk": "X#2", "sk": "X"})
    tx.put_new("taken", {"pk": "X#1", "sk": "X", "more": 1}, hand_back=True)
    with pytest.raises(Cancelled) as cancelled:
        tx.commit()
    assert cancelled.value.failed("taken") and not cancelled.value.failed("fresh")
    assert cancelled.value.item("taken") == {"pk": "X#1", "sk": "X"}
    assert not cancelled.value.failed("no such slot")


def test_a_slot_name_is_used_once(table):
    tx = table.transaction()
    tx.put_new("scan", {"pk": "X#1", "sk": "X"})
    with pytest.raises(ValueError):
        tx.put_new("scan", {"pk": "X#2", "sk": "X"})
