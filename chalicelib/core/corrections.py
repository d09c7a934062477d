"""Correcting a registration: what a correction changes, decided on the record as read.

Pure: the attendee as read and the fields sent in, the corrected attendee and
every counter, search word and email lock the change moves out. The store
writes it all in one transaction, conditioned on the record being still the
one read (its version and its check-ins), so a check-in racing the correction
either lands first (and the correction is decided again) or finds the version
moved (and is decided again).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib.core.domain import (
    MAX_CHANGES,
    NOT_GIVEN,
    Attendee,
    Change,
    registration_days,
)
from chalicelib.core.errors import Code, Refusal, attendee_not_found
from chalicelib.core.models import AttendeeCorrection, Event, normalise_email
from chalicelib.core.names import default_display_name
from chalicelib.core.records import bucket, registered_on
from chalicelib.core.search import SearchTerms, search_terms

# The fields a correction may change, in the order they are reported.
FIELDS = (
    "name",
    "display_name",
    "organisation",
    "job_title",
    "email",
    "phone",
    "gender",
    "organisation_type",
    "days",
)
# Counted per checked-in day in the event's report buckets.
BREAKDOWN_FIELDS = ("gender", "organisation_type")


@dataclass(frozen=True)
class Correction:
    """A decided correction: the attendee before and after, and what moves with it."""

    before: Attendee
    after: Attendee
    fields: list[str]  # the names of the fields that changed
    counts: dict[str, int]  # the event's counters, moved (zeros left out)
    old_terms: SearchTerms | None  # the search words to replace, if they change
    new_terms: SearchTerms | None
    old_email: str | None  # the normalised addresses whose locks move, if they do
    new_email: str | None
    email_moves: bool

    def attribute_updates(self) -> dict[str, Any]:
        """The attendee's attributes to set (None: remove), as plain values."""
        updates: dict[str, Any] = {}
        for name in self.fields:
            value = getattr(self.after, name)
            if name == "days":
                value = [day.isoformat() for day in value]
            updates[name] = value
        return updates


def check_correctable(event: Event, attendee: Attendee | None) -> Attendee:
    """An attendee of this event whose registration stands: a cancelled one is
    not corrected (409 registration_cancelled), it registers again."""
    if attendee is None or attendee.event_id != event.id:
        raise attendee_not_found()
    if not attendee.is_active:
        raise Refusal(
            Code.REGISTRATION_CANCELLED, "This registration is cancelled; it cannot be corrected."
        )
    return attendee


def _wanted(event: Event, attendee: Attendee, patch: AttendeeCorrection) -> dict[str, Any]:
    """The values sent, as the record holds them."""
    wanted: dict[str, Any] = {}
    for name in FIELDS:
        if name not in patch.model_fields_set:
            continue
        value = getattr(patch, name)
        if name == "days":
            value = registration_days(event, value)
        wanted[name] = value
    renamed = wanted.get("name", attendee.name) != attendee.name
    # A greeting taken from the old name follows the new one; one the person
    # chose stays.
    greeted_by_name = attendee.display_name in (None, default_display_name(attendee.name))
    if renamed and "display_name" not in wanted and greeted_by_name:
        wanted["display_name"] = default_display_name(wanted["name"])
    return wanted


def _breakdown_moves(before: Attendee, after: Attendee, days: list[date]) -> dict[str, int]:
    """The report buckets of each checked-in day that a new gender or organisation type moves."""
    counts: dict[str, int] = {}
    for kind in BREAKDOWN_FIELDS:
        old = getattr(before, kind) or NOT_GIVEN
        new = getattr(after, kind) or NOT_GIVEN
        if old == new:
            continue
        for day in days:
            counts[bucket(kind, day, old)] = counts.get(bucket(kind, day, old), 0) - 1
            counts[bucket(kind, day, new)] = counts.get(bucket(kind, day, new), 0) + 1
    return counts


def decide_correction(
    event: Event, attendee: Attendee, patch: AttendeeCorrection, at: datetime, by: str
) -> Correction | None:
    """The correction `patch` makes to `attendee`; None if it changes nothing.

    Raises day_has_checkin (409) when it drops a day the person checked in on.
    """
    wanted = _wanted(event, attendee, patch)
    changed = [name for name, value in wanted.items() if getattr(attendee, name) != value]
    if not changed:
        return None
    after = replace(attendee, **{name: wanted[name] for name in changed})
    counts: dict[str, int] = {}
    if "days" in changed:
        dropped = sorted(set(attendee.days) - set(after.days))
        if any(day in attendee.checkins for day in dropped):
            raise Refusal(
                Code.DAY_HAS_CHECKIN,
                "The attendee checked in on a day this correction drops; undo that check-in first.",
            )
        for day in dropped:
            counts[registered_on(day)] = -1
        for day in sorted(set(after.days) - set(attendee.days)):
            counts[registered_on(day)] = 1
    counts.update(_breakdown_moves(attendee, after, sorted(attendee.checkins)))
    old_terms = new_terms = None
    if "name" in changed or "organisation" in changed:
        old_terms = search_terms(attendee.name, attendee.organisation)
        new_terms = search_terms(after.name, after.organisation)
    old_email = normalise_email(attendee.email) if attendee.email else None
    new_email = normalise_email(after.email) if after.email else None
    change = Change(at=at, by=by, fields=changed)
    after = replace(
        after,
        changes=[*attendee.changes, change][-MAX_CHANGES:],
        version=attendee.version + 1,
    )
    return Correction(
        before=attendee,
        after=after,
        fields=changed,
        counts={name: delta for name, delta in counts.items() if delta},
        old_terms=old_terms,
        new_terms=new_terms,
        old_email=old_email,
        new_email=new_email,
        email_moves=old_email != new_email,
    )
