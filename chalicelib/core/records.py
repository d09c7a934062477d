"""Records the store hands back, and the names of the event's counters.

Plain data: the store builds them from items, the use cases and presenters
read them. Nothing here speaks DynamoDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.core.domain import Breakdown, CheckinDecision, UndoDecision
from chalicelib.core.models import Event

# --- the event's counters -----------------------------------------------------


def registered_on(day: date) -> str:
    return f"registered@{day.isoformat()}"


def checked_in_on(day: date) -> str:
    return f"checked_in@{day.isoformat()}"


# A day's report buckets, kept on the event item beside the other counters,
# so that the report reads one item whatever the size of the event.
BUCKETS = ("gender", "organisation_type", "desk", "slot")
SOURCE = "source"  # a bucket too, but only for check-ins that keep their source


def bucket(kind: str, day: date, name: str) -> str:
    return f"{kind}@{day.isoformat()}@{name}"


def walk_ins_on(day: date) -> str:
    return f"walk_ins@{day.isoformat()}"


def late_on(day: date) -> str:
    return f"late@{day.isoformat()}"


def checkin_counts(
    day: date, effects: CheckinDecision | UndoDecision, counted: Breakdown, sign: int
) -> dict[str, int]:
    """The counters one check-in moves (sign 1) or its undoing moves back (-1)."""
    counts = {checked_in_on(day): sign}
    counts.update({bucket(kind, day, getattr(counted, kind)): sign for kind in BUCKETS})
    if counted.source is not None:
        counts[bucket(SOURCE, day, counted.source)] = sign
    if counted.walk_in:
        counts[walk_ins_on(day)] = sign
    if counted.late:
        counts[late_on(day)] = sign
    if effects.first_day_attended:
        counts["attended_any"] = sign
    if effects.completes_every_day:
        counts["attended_all_days"] = sign
    return counts


# --- records ------------------------------------------------------------------


@dataclass(frozen=True)
class EventRecord:
    event: Event
    revision: int
    counters: dict[str, int]

    def registered(self) -> int:
        return self.counters.get("registered", 0)

    def registered_on(self, day: date) -> int:
        return self.counters.get(registered_on(day), 0)

    def checked_in_on(self, day: date) -> int:
        return self.counters.get(checked_in_on(day), 0)

    def walk_ins_on(self, day: date) -> int:
        return self.counters.get(walk_ins_on(day), 0)

    def late_on(self, day: date) -> int:
        return self.counters.get(late_on(day), 0)

    def buckets(self, kind: str, day: date) -> dict[str, int]:
        """A day's counts by gender, organisation_type, desk, slot or source; zeros left out."""
        prefix = bucket(kind, day, "")
        return {
            key[len(prefix) :]: count
            for key, count in self.counters.items()
            if key.startswith(prefix) and count
        }


@dataclass(frozen=True)
class ScanRecord:
    outcome: str
    body: dict


@dataclass(frozen=True)
class StaffToken:
    """An event token as looked up by its hash: whose, and for what (`desk` or `kiosk`)."""

    token_id: str
    event_id: str
    label: str
    role: str = "desk"  # tokens minted before kiosks were desk tokens


@dataclass(frozen=True)
class DeskTokenRecord:
    id: str
    label: str
    created_at: str
    revoked_at: str | None
    role: str = "desk"


@dataclass(frozen=True)
class ScanEntry:
    """One scan attempt, for the scan log and for replaying its answer."""

    event_id: str
    scan_id: str
    day: str  # the event-local date of scanned_at
    received_at: str
    scanned_at: str
    desk: str | None
    desk_token_id: str | None
    result: str | None
    error_code: str | None
    attendee_id: str | None
    outcome: str  # a result or a refusal's code: what the edge answers with
    body: dict
    # Entries written before these were kept read as on time, and scanned.
    late: bool = False  # received more than LATE_AFTER after scanned_at
    source: str = "scan"  # scan, search or paper
    # Entries about an attendee end with their personal data (the TTL attribute).
    expires_at: int | None = None


@dataclass(frozen=True)
class WordHit:
    """One word-index entry: an attendee found by a word of theirs."""

    attendee_id: str
    word: str
    words: list[str]  # all of the attendee's words, to match the other query words
