"""No sequence of requests can grow an item past DynamoDB's 400 KB (issue 17, finding 2).

The two items input can grow are the event item (its document and its
counters) and an attendee item (its registration, check-ins, reissues and
prints). Each is built here at its worst, from the bounds the models and the
store enforce (every text at its limit in 4-byte characters, every bucket
full), and measured as DynamoDB counts an item: the UTF-8 bytes of every
attribute name and string, numbers at their largest (21 bytes), 1 byte for a
boolean, and 3 bytes plus 1 per element for a map or list. The README states
the results ("What an item can hold").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalicelib.core.badges import MAX_SERIAL
from chalicelib.core.domain import (
    MAX_PRINTS,
    MAX_REISSUES,
    NOT_GIVEN,
    Attendee,
    BadgeIssue,
    Checkin,
)
from chalicelib.core.models import CHECKIN_SOURCES, GENDERS, ORGANISATION_TYPES, Event
from chalicelib.core.records import (
    DESK_LABELS,
    DESK_LABELS_A_DAY,
    DESK_LABELS_AN_EVENT,
    OTHER_DESK,
    bucket,
    checked_in_on,
    desk_labels_on,
    late_on,
    registered_on,
    walk_ins_on,
)
from chalicelib.store.codec import attendee_item, checkin_item, reissue_item

LIMIT = 400 * 1024
WIDE = "\U0001f33f"  # a 4-byte character
NUMBER = 10**38  # DynamoDB's largest number: 21 bytes
MAX_DAYS = 60
SLOTS_A_DAY = 24 * 4  # every 15-minute slot a check-in window can ever have had
# What the README states.
EVENT_ITEM_AT_MOST = 370 * 1024
ATTENDEE_ITEM_AT_MOST = 150 * 1024


def size(value: Any) -> int:
    """An attribute value's size as DynamoDB counts it."""
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float):
        return 21
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, dict):
        return 3 + sum(1 + size(name) + size(item) for name, item in value.items())
    if isinstance(value, list):
        return 3 + sum(1 + size(item) for item in value)
    raise TypeError(type(value))


def item_size(item: dict) -> int:
    return sum(size(name) + size(value) for name, value in item.items())


def text(characters: int) -> str:
    return WIDE * characters


def worst_event() -> Event:
    first = date(2016, 11, 29)
    days = [
        {
            "number": index + 1,
            "date": (first + timedelta(days=index)).isoformat(),
            "opens": "00:00",
            "closes": "23:59",
            "checkin_opens": "00:00",
            "checkin_closes": "23:59",
        }
        for index in range(MAX_DAYS)
    ]
    return Event.model_validate(
        {
            "id": "e" * 64,
            "title": text(300),
            "organisers": [text(200)] * 20,
            "venue": {"name": text(200), "address": text(500), "phone": "0" * 32},
            "timezone": "America/Argentina/ComodRivadavia",
            "days": days,
            "registration_open": True,
            "capacity": 1_000_000,
        }
    )


def worst_counters(event: Event) -> dict[str, int]:
    counters = {"registered": NUMBER, "attended_any": NUMBER, "attended_all_days": NUMBER}
    counters[DESK_LABELS] = DESK_LABELS_AN_EVENT
    labels_left = DESK_LABELS_AN_EVENT
    for day in event.dates:
        for name in (registered_on, checked_in_on, walk_ins_on, late_on, desk_labels_on):
            counters[name(day)] = NUMBER
        for kind, names in (
            ("gender", GENDERS),
            ("organisation_type", ORGANISATION_TYPES),
            ("source", CHECKIN_SOURCES),
        ):
            for name in (*names, NOT_GIVEN):
                counters[bucket(kind, day, name)] = NUMBER
        for minute in range(0, 24 * 60, 15):
            slot = (datetime.combine(day, time()) + timedelta(minutes=minute)).strftime("%H:%M")
            counters[bucket("slot", day, slot)] = NUMBER
        # The day's labels: at most 50, and 100 over the event; then (other).
        labels = min(DESK_LABELS_A_DAY, labels_left)
        labels_left -= labels
        for index in range(labels):
            label = f"{index:03d}" + text(61)
            counters[bucket("desk", day, label)] = NUMBER
        counters[bucket("desk", day, OTHER_DESK)] = NUMBER
    return counters


def worst_event_item() -> dict:
    event = worst_event()
    now = datetime(2016, 11, 29, tzinfo=UTC).isoformat()
    item = {
        "pk": f"EVENT#{event.id}",
        "sk": "EVENT",
        "doc": event.model_dump(mode="json"),
        "registration_open": True,
        "capacity": event.capacity,
        "updated_at": now,
        "created_at": now,
        "revision": NUMBER,
    }
    return {**item, **worst_counters(event)}


def worst_attendee_item() -> dict:
    first = date(2016, 11, 29)
    at = datetime(2016, 11, 29, 1, tzinfo=UTC)
    checkin = Checkin(
        at=at,
        desk=text(64),
        desk_token_id="t" * 64,
        scan_id="s" * 64,
        slot="23:45",
        source="search",
        late=True,
        counted_desk=text(64),
    )
    issue = BadgeIssue(at=at, by="t" * 64, reason=text(200), request_id="r" * 64)
    attendee = Attendee(
        id="a" * 64,
        event_id="e" * 64,
        name=text(200),
        display_name=text(40),
        email="x" * 254,
        organisation=text(200),
        phone="0" * 32,
        job_title=text(200),
        gender="prefer_not_to_say",
        organisation_type="private_sector",
        days=[first + timedelta(days=index) for index in range(MAX_DAYS)],
        status="cancelled",
        badge_serial=MAX_SERIAL,
        registered_at=at,
        source="walk_in",
    )
    item = attendee_item(attendee)
    # Written later by their own updates: every day's check-in, the reissues
    # and prints up to their bounds, the cancellation.
    item["checkins"] = {
        (first + timedelta(days=index)).isoformat(): checkin_item(checkin)
        for index in range(MAX_DAYS)
    }
    item["checkin_count"] = NUMBER
    item["reissues"] = [reissue_item(issue)] * MAX_REISSUES
    item["prints"] = [at.isoformat()] * MAX_PRINTS
    item["cancelled_at"] = at.isoformat()
    return item


def test_the_worst_event_item_fits_in_400_kb():
    measured = item_size(worst_event_item())
    assert measured <= EVENT_ITEM_AT_MOST < LIMIT, measured


def test_the_worst_attendee_item_fits_in_400_kb():
    measured = item_size(worst_attendee_item())
    assert measured <= ATTENDEE_ITEM_AT_MOST < LIMIT, measured


def test_the_worst_items_are_really_the_worst():
    """Guards the measure itself: one more label a day, or the labels of the
    issue (1,480 of them), would not fit; nor would unbounded reissues."""
    item = worst_event_item()
    day = date(2016, 11, 29)
    for index in range(1480):
        item[bucket("desk", day, f"x{index:04d}" + text(59))] = NUMBER
    assert item_size(item) > LIMIT
    attendee = worst_attendee_item()
    attendee["reissues"] = attendee["reissues"] * 10
    assert item_size(attendee) > LIMIT
