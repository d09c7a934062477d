"""The roster a desk or kiosk keeps on the device (API.md section 13): pure.

Each person as the door needs them to decide offline: their names (a kiosk
gets the display name alone), status, days, the day's check-ins, and the
SHA-256 of their current badge code, so the device matches a scanned code by
its hash and the badge secret never leaves the server. A person who is not
active (cancelled, withdrawn, erased) is listed by id and status only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, NotRequired

from pydantic import Field, WithJsonSchema, with_config
from typing_extensions import TypedDict

from chalicelib.core.domain import Attendee, utc_iso
from chalicelib.core.names import greeting
from chalicelib.core.privacy import is_erased
from chalicelib.core.shapes import DOCUMENTED, Cursor, Date, Instant

# A refresh asks again for the changes of this long before its `since`: a
# write decided before a roster was read may commit (and reach the index)
# after it. Re-reading a few people is harmless: the device replaces them.
OVERLAP = timedelta(seconds=15)
# The codes a person's roster entry names as revoked (their latest reissues).
REVOKED_KEPT = 3

Sha256 = Annotated[
    str, WithJsonSchema({"type": "string", "pattern": "^[0-9a-f]{64}$"}), Field(min_length=64)
]


@with_config(DOCUMENTED)
class RosterCheckin(TypedDict):
    at: Instant
    """When the badge was seen."""
    desk: str | None
    """The desk label that checked them in."""


@with_config(DOCUMENTED)
class RosterEntry(TypedDict):
    """One person. Only `id` and `status` for anyone not active (cancelled, withdrawn,
    erased). A kiosk gets no `name` or `organisation`."""

    id: str
    status: str
    name: NotRequired[str]
    display_name: NotRequired[str]
    organisation: NotRequired[str]
    days: NotRequired[list[Date]]
    badge_sha256: NotRequired[Sha256]
    """The hex SHA-256 of the person's current badge code (as issued: upper case)."""
    revoked_sha256: NotRequired[list[Sha256]]
    """The hashes of their latest revoked codes (up to 3), so that a device offline
    can name the person behind a revoked badge."""
    checkins: NotRequired[dict[str, RosterCheckin]]
    """By event date."""


@with_config(DOCUMENTED)
class Roster(TypedDict):
    """A page of the roster: everyone (by name), or with `since`, those changed after it."""

    as_of: Instant
    """The server's time of this answer."""
    since: Instant
    """Send this as `since` to the next refresh (the same on every page of one walk)."""
    attendees: list[RosterEntry]
    next: Cursor


def code_sha256(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def roster_entry(
    attendee: Attendee,
    now: datetime,
    code_of: Callable[[Attendee, int], str],
    kiosk: bool,
) -> RosterEntry:
    """One person's roster entry; `code_of(attendee, serial)` makes a badge code."""
    if not attendee.is_active or is_erased(attendee, now):
        status = "withdrawn" if is_erased(attendee, now) else attendee.status
        return {"id": attendee.id, "status": status}
    entry: RosterEntry = {"id": attendee.id, "status": attendee.status}
    if not kiosk:
        entry["name"] = attendee.name
    entry["display_name"] = greeting(attendee)
    if not kiosk:
        entry["organisation"] = attendee.organisation
    entry["days"] = [day.isoformat() for day in attendee.days]
    entry["badge_sha256"] = code_sha256(code_of(attendee, attendee.badge_serial))
    revoked = range(max(0, attendee.badge_serial - REVOKED_KEPT), attendee.badge_serial)
    if revoked:
        entry["revoked_sha256"] = [code_sha256(code_of(attendee, serial)) for serial in revoked]
    entry["checkins"] = {
        day.isoformat(): {"at": utc_iso(checkin.at), "desk": checkin.desk}
        for day, checkin in sorted(attendee.checkins.items())
    }
    return entry
