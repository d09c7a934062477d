"""Named condition fragments, the store's guarantees under concurrency.

Each write states what must still hold when DynamoDB applies it, by name:
`attendee_is_active & checkin_count_is(2) & no_checkin_on(day)`. A fragment is
an expression with its own placeholders; `&` joins two and refuses to join
fragments that give one placeholder two meanings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chalicelib.core.domain import ACTIVE
from chalicelib.core.records import (
    DESK_LABELS,
    DESK_LABELS_A_DAY,
    DESK_LABELS_AN_EVENT,
    bucket,
    desk_labels_on,
)


def merged(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two placeholder maps as one; a placeholder may not mean two things."""
    for key in first.keys() & second.keys():
        if first[key] != second[key]:
            raise ValueError(f"placeholder {key} given two values")
    return {**first, **second}


@dataclass(frozen=True)
class Condition:
    """A condition expression with its attribute names and (plain) values."""

    expression: str
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def __and__(self, other: Condition) -> Condition:
        return Condition(
            f"{self.expression} AND {other.expression}",
            merged(self.names, other.names),
            merged(self.values, other.values),
        )


# --- any item ------------------------------------------------------------------

# Nothing is at this key yet: a registration, an email lock, a scan_id, a token.
item_is_new = Condition("attribute_not_exists(pk)")
item_exists = Condition("attribute_exists(pk)")

# --- the event -----------------------------------------------------------------


def event_revision_is(revision: int) -> Condition:
    """The event is as it was read: counts decided on it still apply."""
    return Condition("revision = :revision", values={":revision": revision})


capacity_left = Condition(
    "(attribute_not_exists(#capacity) OR registered < #capacity)", {"#capacity": "capacity"}
)


def desk_label_room(day: date, label: str) -> Condition:
    """A new desk label of the day: not counted yet, and the day has room for it."""
    return Condition(
        "attribute_not_exists(#desk)"
        " AND (attribute_not_exists(#labels) OR #labels < :labels)"
        " AND (attribute_not_exists(#all_labels) OR #all_labels < :all_labels)",
        {
            "#desk": bucket("desk", day, label),
            "#labels": desk_labels_on(day),
            "#all_labels": DESK_LABELS,
        },
        {":labels": DESK_LABELS_A_DAY, ":all_labels": DESK_LABELS_AN_EVENT},
    )


registration_open = Condition("#open = :true", {"#open": "registration_open"}, {":true": True})

# --- an attendee ---------------------------------------------------------------

attendee_is_active = Condition("#status = :active", {"#status": "status"}, {":active": ACTIVE})


def attendee_of_event(event_id: str) -> Condition:
    return Condition("event_id = :event", values={":event": event_id})


def checkin_count_is(count: int) -> Condition:
    """As many check-ins as were read: what the counts were decided on."""
    return Condition("checkin_count = :seen", values={":seen": count})


def no_checkin_on(day: date) -> Condition:
    return Condition("attribute_not_exists(checkins.#date)", {"#date": day.isoformat()})


def checkin_on(day: date) -> Condition:
    return Condition("attribute_exists(checkins.#date)", {"#date": day.isoformat()})


def attendee_version_is(version: int) -> Condition:
    """The registration's fields as read (no correction since): what counts,
    days and buckets were decided on. Records from before corrections have no
    version: they read as 0."""
    if version == 0:
        return Condition(
            "(attribute_not_exists(#version) OR #version = :version)",
            {"#version": "version"},
            {":version": 0},
        )
    return Condition("#version = :version", {"#version": "version"}, {":version": version})


def checkins_on(days: list[date]) -> Condition | None:
    """Each of these days still has its check-in (None for no days)."""
    parts = [
        Condition(f"attribute_exists(checkins.#day{index})", {f"#day{index}": day.isoformat()})
        for index, day in enumerate(days)
    ]
    if not parts:
        return None
    joined = parts[0]
    for part in parts[1:]:
        joined &= part
    return joined


def badge_serial_is(serial: int) -> Condition:
    """The badge as read: a code revoked by a reissue since is refused."""
    return Condition("badge_serial = :serial", values={":serial": serial})


def fewer_than(attribute: str, limit: int) -> Condition:
    """A list attribute (reissues, prints) holds fewer than `limit` entries."""
    return Condition(
        "(attribute_not_exists(#list) OR size(#list) < :most)",
        {"#list": attribute},
        {":most": limit},
    )


def badge_serial_below(limit: int) -> Condition:
    return Condition("badge_serial < :max", values={":max": limit})


# --- email locks and desk tokens -----------------------------------------------


def email_held_by(attendee_id: str) -> Condition:
    return Condition("attendee_id = :attendee", values={":attendee": attendee_id})


not_revoked = Condition("attribute_not_exists(revoked_at)")
