"""Certificates of attendance (API.md section 11): who earns one, when, and its number.

Pure: the event, the attendee and the clock's instant in, decisions out.

A certificate number reads `SOCMED16-0042-7KQ3MX`:

    <event tag> - <sequence, 4+ digits> - <check, 6 characters>

The tag (from the event id) and the sequence are for people: an organiser reads
"the 42nd certificate of the social media workshop" off it, and a list sorts
by it. The check is 30 bits of an HMAC (the badge secret) over the event id and
the sequence, in Crockford's base32 (no I, L, O or U, so nothing reads as
another character): a number cannot be guessed from its neighbours, since
each sequence has its own check, and one with any character changed is not a
number Hadir gave (404). The whole fits a small QR code as one URL.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from chalicelib.core.domain import Attendee
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import Event

ALL_DAYS = "all_days"
MIN_DAYS = "min_days"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHECK_LENGTH = 6
_TAG_LENGTH = 8
NUMBER_PATTERN = r"^[A-Z0-9]{1,8}-[0-9]{4,7}-[0-9A-HJKMNP-TV-Z]{6}$"
# The same, as typed in any case (the path parameter's shape in the OpenAPI document).
NUMBER_PATTERN_ANY_CASE = r"^[A-Za-z0-9]{1,8}-[0-9]{4,7}-[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{6}$"
_NUMBER_SHAPE = re.compile(NUMBER_PATTERN)


@dataclass(frozen=True)
class Eligibility:
    """One person against the event's rule: the days they attended and missed."""

    eligible: bool
    attended: list[date]
    missed: list[date]
    needed: int

    @property
    def short_by(self) -> int:
        return max(0, self.needed - len(self.attended))


def days_needed(event: Event) -> int:
    """How many days the rule asks for (every day if there is no rule)."""
    rule = event.certificate
    if rule is None or rule.rule == ALL_DAYS or rule.min_days is None:
        return len(event.days)
    return rule.min_days


def days_attended(event: Event, attendee: Attendee) -> list[date]:
    """The event days the attendee is checked in on; an undone check-in is gone from the record."""
    dates = set(event.dates)
    return sorted(day for day in attendee.checkins if day in dates)


def eligibility(event: Event, attendee: Attendee) -> Eligibility:
    """Whether the attendee has earned the event's certificate.

    Only an active registration can: a cancelled, withdrawn or erased one never does.
    """
    attended = days_attended(event, attendee)
    missed = [day for day in event.dates if day not in set(attended)]
    needed = days_needed(event)
    eligible = event.certificate is not None and attendee.is_active and len(attended) >= needed
    return Eligibility(eligible=eligible, attended=attended, missed=missed, needed=needed)


def available_from(event: Event) -> datetime:
    """The instant the event's last day closes (event-local time), in UTC."""
    last = event.days[-1]
    return datetime.combine(last.date, last.closes, tzinfo=event.zone).astimezone(UTC)


def is_available(event: Event, now: datetime) -> bool:
    return event.certificate is not None and now >= available_from(event)


def event_tag(event_id: str) -> str:
    """The number's human part for the event: its id's first word, and its last two digits.

    "socmed-conservation-2016" is "SOCMED16"; "bijak" is "BIJAK".
    """
    words = event_id.upper().split("-")
    digits = re.sub(r"[^0-9]", "", words[-1]) if len(words) > 1 else ""
    head = re.sub(r"[^A-Z0-9]", "", words[0])[: _TAG_LENGTH - len(digits[-2:])]
    return (head + digits[-2:]) or "HADIR"


def _check(secret: bytes, event_id: str, sequence: int) -> str:
    message = f"certificate\0{event_id}\0{sequence}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    value = int.from_bytes(digest[:4], "big") >> (32 - 5 * _CHECK_LENGTH)
    return "".join(
        _CROCKFORD[(value >> (5 * (_CHECK_LENGTH - 1 - i))) & 31] for i in range(_CHECK_LENGTH)
    )


def certificate_number(secret: bytes, event_id: str, sequence: int) -> str:
    return f"{event_tag(event_id)}-{sequence:04d}-{_check(secret, event_id, sequence)}"


def normalise_number(text: str) -> str | None:
    """A number as typed (any case, spaces around it) in its stored form, or None if it
    cannot be one: such a text is never looked up."""
    number = text.strip().upper()
    return number if _NUMBER_SHAPE.match(number) else None


def certificate_not_found() -> Refusal:
    return Refusal(Code.CERTIFICATE_NOT_FOUND, "No certificate has this number.")


def is_number_of(secret: bytes, event_id: str, number: str) -> bool:
    """Whether `number` is the one Hadir gives for its sequence at this event."""
    parts = number.split("-")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    return hmac.compare_digest(number, certificate_number(secret, event_id, int(parts[1])))


def hours(event: Event, days: list[date]) -> float:
    """The hours of the given days, from each day's opening hours."""
    total = 0
    for day in event.days:
        if day.date in days:
            opens = day.opens.hour * 60 + day.opens.minute
            closes = day.closes.hour * 60 + day.closes.minute
            total += closes - opens
    return total / 60
