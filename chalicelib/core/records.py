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


# Desk labels are free text (a desk token's label, or the `desk` a request
# names): each new one would be another attribute of the event item. A day
# counts at most this many, and any further ones under OTHER_DESK (API.md
# section 8), so that no number of labels outgrows DynamoDB's 400 KB item.
DESK_LABELS_A_DAY = 50
# And over the whole event (up to 60 days), so that every day's labels together
# stay small too: README, "What an item can hold".
DESK_LABELS_AN_EVENT = 100
OTHER_DESK = "(other)"
DESK_LABELS = "desk_labels"  # the event's count of (day, label) buckets


def desk_labels_on(day: date) -> str:
    """How many desk labels the day counts (each a `desk@<day>@<label>` bucket)."""
    return f"desk_labels@{day.isoformat()}"


def desk_bucket(counters: dict[str, int], day: date, label: str) -> tuple[str, bool]:
    """The desk bucket a check-in counts in, and whether it is a new label of the day.

    Decided on the counters read; the write holds it with a condition
    (`store.conditions.desk_label_room`), so no race counts a 51st label.
    """
    if label == OTHER_DESK or bucket("desk", day, label) in counters:
        return label, False
    if (
        counters.get(desk_labels_on(day), 0) >= DESK_LABELS_A_DAY
        or counters.get(DESK_LABELS, 0) >= DESK_LABELS_AN_EVENT
    ):
        return OTHER_DESK, False
    return label, True


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
    if counted.new_desk and sign > 0:
        counts[desk_labels_on(day)] = 1
        counts[DESK_LABELS] = 1
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
    # The event's logos by (name, sha256 of the PNG); their bytes are in their
    # own items (store/keys.py logo_key) and `event.logos` is empty here.
    logo_refs: tuple[tuple[str, str], ...] = ()

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


def dropped_days(read: EventRecord | None, event: Event) -> list[date]:
    """The dates of the event as read that a new document no longer has (dropped or moved)."""
    if read is None:
        return []
    kept = set(event.dates)
    return [day for day in read.event.dates if day not in kept]


def days_in_use(read: EventRecord | None, event: Event) -> list[date]:
    """The dropped dates that registrations or check-ins still point at."""
    return [
        day
        for day in dropped_days(read, event)
        if read is not None and (read.registered_on(day) or read.checked_in_on(day))
    ]


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
