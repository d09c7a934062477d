"""Personal data rules (UU PDP 27/2022): consent, retention, erasure, manage tokens.

Pure: plain values in, decisions out, the time always handed in.

- A registration keeps a consent record: when, which version of the event's
  consent text, in which language, through which channel.
- Its personal data is kept until `retention_days` after the event's last day
  (the items' TTL attribute, `expires_at`); from then on it is treated as
  erased, whether or not DynamoDB's TTL sweep has removed it yet.
- An attendee who withdraws after checking in is erased at once: the personal
  fields go, the counts stay.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from chalicelib.core.domain import Attendee, Consent
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import Event

# The consent channels: online, at the desk, from an organiser's import.
WEB, DESK, IMPORT = "web", "desk", "import"

# The fields a withdrawal or the end of retention erases.
PERSONAL_FIELDS = ("name", "email", "phone", "job_title", "organisation", "display_name")

# A manage token: 256 random bits, URL-safe base64 without padding.
MANAGE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


def is_manage_token(value: str) -> bool:
    """Could this be a manage token? Others are never looked up."""
    return MANAGE_TOKEN.fullmatch(value) is not None


def manage_url(token: str) -> str:
    return f"/me/{token}"


# --- consent ------------------------------------------------------------------


def consent_record(
    event: Event, version: str | None, language: str, channel: str, at: datetime
) -> Consent:
    """The consent given with a registration; an unknown version is a 422."""
    current = event.consent.version if event.consent else None
    if version is not None and version != current:
        raise Refusal(
            Code.VALIDATION_ERROR,
            "This is not the event's current consent text.",
            fields=[{"field": "consent_version", "message": "is not this event's consent text"}],
        )
    return Consent(given_at=at, version=current, language=language, channel=channel)


# --- time ---------------------------------------------------------------------


def _local_midnight_after(event: Event, day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=event.zone)


def event_closes(event: Event) -> datetime:
    """When the event's last day closes (its `closes` time, event-local)."""
    last = event.days[-1]
    return datetime.combine(last.date, last.closes, tzinfo=event.zone)


def is_over(event: Event, now: datetime) -> bool:
    return now >= event_closes(event)


def retention_ends(event: Event) -> datetime:
    """The end of the last day plus `retention_days` (event-local midnight)."""
    return _local_midnight_after(event, event.days[-1].date) + timedelta(days=event.retention_days)


def expires_at(event: Event, given_at: datetime | None = None) -> int:
    """Retention's end as DynamoDB's TTL wants it: epoch seconds.

    Data given after the event (a late registration, a rehearsal on the real
    clock) is kept `retention_days` from the day it was given, never born
    already expired.
    """
    ends = retention_ends(event)
    if given_at is not None:
        given = given_at.astimezone(event.zone).date()
        ends = max(ends, _local_midnight_after(event, given) + timedelta(days=event.retention_days))
    return int(ends.timestamp())


# --- erasure ------------------------------------------------------------------


def is_expired(attendee: Attendee, now: datetime) -> bool:
    return attendee.expires_at is not None and now.timestamp() >= attendee.expires_at


def is_erased(attendee: Attendee, now: datetime) -> bool:
    """Withdrawn, or past retention (the TTL sweep may not have run yet)."""
    return attendee.erased_at is not None or is_expired(attendee, now)


def erased(attendee: Attendee, at: datetime) -> Attendee:
    """The attendee without their personal data."""
    return replace(
        attendee,
        name="",
        email="",
        organisation="",
        phone=None,
        job_title=None,
        display_name=None,
        erased_at=attendee.erased_at or at,
    )


def as_seen(attendee: Attendee, now: datetime) -> Attendee:
    """The attendee as any answer may show them: erased once erased or expired."""
    if attendee.erased_at is not None and not attendee.name:
        return attendee
    return erased(attendee, now) if is_erased(attendee, now) else attendee


def scrubbed(body: Any) -> Any:
    """A stored answer with every personal field emptied, however deep."""
    if isinstance(body, dict):
        return {
            key: ("" if key in PERSONAL_FIELDS and value is not None else scrubbed(value))
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [scrubbed(value) for value in body]
    return body
