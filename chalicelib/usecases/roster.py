"""The roster for the desk and the kiosk (API.md section 13): everyone, or who changed.

The first load pages through the event's registrations by name (the index
partition `EVENT#<event>#ATTENDEES`). A refresh with `since` reads the roster's
change index (`store/roster.py`): one Query of the people changed after
`since` less `core.roster.OVERLAP`, then their items by key. Never a Scan.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from chalicelib.core.auth import KIOSK, Staff
from chalicelib.core.badges import issue_code
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, utc_iso
from chalicelib.core.errors import validation_error
from chalicelib.core.queries import RosterQuery
from chalicelib.core.roster import OVERLAP, Roster, roster_entry
from chalicelib.usecases.common import Badges, event_record
from chalicelib.usecases.ports import Stores


def _wrap(since: str, cursor: str) -> str:
    raw = json.dumps({"s": since, "c": cursor}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


NOT_OURS = [{"field": "next", "message": "is not a cursor Hadir gave"}]


def _unwrap(token: str) -> tuple[str, str]:
    """The walk's `since` and the store's cursor, or 422."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        since, cursor = data["s"], data["c"]
        if not isinstance(since, str) or not isinstance(cursor, str):
            raise TypeError
        datetime.fromisoformat(since)
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise validation_error(NOT_OURS) from None
    return since, cursor


class RosterWork:
    def __init__(self, store: Stores, clock: Clock, badges: Badges) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges

    def roster(self, event_id: str, query: RosterQuery, staff: Staff) -> Roster:
        event_record(self._store, event_id)  # 404 for an unknown event
        now = self._clock.now()
        walk_since, cursor = _unwrap(query.next) if query.next else (utc_iso(now), None)
        if query.since is None:
            people, cursor = self._store.attendees.list_page(event_id, cursor, query.limit)
        else:
            ids, cursor = self._store.roster.changed_since(
                event_id, query.since - OVERLAP, cursor, query.limit
            )
            found = self._store.attendees.get_many(ids)
            people = [found[one] for one in dict.fromkeys(ids) if one in found]
        kiosk = staff.role == KIOSK
        secret = self._badges.secret

        def code_of(attendee: Attendee, serial: int) -> str:
            return issue_code(secret, attendee.id, serial)

        return {
            "as_of": utc_iso(now),
            "since": walk_since,
            "attendees": [roster_entry(person, now, code_of, kiosk) for person in people],
            "next": _wrap(walk_since, cursor) if cursor else None,
        }
