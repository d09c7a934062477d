"""Domain values and rules: plain data in, decisions out. No I/O here.

The check-in rules follow pretix's `perform_checkin`: an explicit, ordered list
of checks, each refusing with its own reason code, so the answer a desk sees
does not depend on which check happened to be written first by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from chalicelib.core.badges import MAX_SERIAL
from chalicelib.core.errors import (
    Code,
    Refusal,
    already_checked_in_somewhere,
    attendee_not_found,
    badge_not_found,
    badge_revoked,
)
from chalicelib.core.models import CHECKIN_SOURCES, Event, EventDay

ACTIVE = "active"
CANCELLED = "cancelled"
# Withdrawn by the attendee after checking in: personal data erased, counts kept.
WITHDRAWN = "withdrawn"

# Each reissue and each badge sheet a badge was printed on is kept in the
# attendee's item: bounded, so that no number of requests outgrows DynamoDB's
# 400 KB item (README, "What an item can hold"). Prints past the bound are not
# recorded (the badge counts as printed from the first).
MAX_REISSUES = 100
MAX_PRINTS = 100

# A scan may have been queued on a device whose clock runs a little fast; more
# than this ahead of the server is not a scan that happened.
MAX_SCAN_CLOCK_SKEW = timedelta(minutes=2)
# A check-in received more than this after it was scanned is late: queued
# offline, or back-dated by hand. The organiser sees it in the log and report.
LATE_AFTER = timedelta(minutes=5)

# How a check-in was made: a badge scanned, a person found by name (a walk-in
# entered at the desk too), or a tick entered from the signed paper list.
SCAN, SEARCH, PAPER = CHECKIN_SOURCES


@dataclass(frozen=True)
class Checkin:
    at: datetime  # the instant the badge was seen, UTC
    desk: str | None
    desk_token_id: str | None
    scan_id: str | None
    # The report's arrival slot it was counted in, kept so that undoing it
    # takes it off that slot even if the check-in window has changed since.
    slot: str | None = None
    # Kept so that undoing it takes it off the buckets it was counted in. None:
    # recorded before sources were kept; it reads as a scan, and was never
    # counted by source, so an undo takes nothing off `by_source`.
    source: str | None = None
    late: bool = False  # counted in the day's `late`
    # The report's desk bucket it was counted in: its desk, or "(other)" once
    # the day had its 50 desk labels (records.desk_bucket). None: recorded
    # before the bound, counted under its desk.
    counted_desk: str | None = None

    @property
    def made_by(self) -> str:
        """Its source as shown: "scan" for one recorded before sources were kept."""
        return self.source or SCAN


@dataclass(frozen=True)
class BadgeIssue:
    """A badge reissued: when, by which desk token (or "organiser"), and why."""

    at: datetime
    by: str | None
    reason: str
    # Made once per request (or from its Idempotency-Key): a retried reissue
    # finds its own entry instead of revoking the badge it just issued.
    request_id: str | None = None


@dataclass(frozen=True)
class Change:
    """A correction of a registration: when, by whom ("organiser" or a desk
    token's id), and which fields (their names only, never the old values)."""

    at: datetime
    by: str
    fields: list[str]


# The corrections a record keeps: the latest ones, so that no number of edits
# can grow the item past DynamoDB's 400 KB.
MAX_CHANGES = 50


@dataclass(frozen=True)
class Consent:
    """The consent record (UU PDP): when, which version of the text, in which
    language, through which channel (`web`, `desk`, `import`)."""

    given_at: datetime
    version: str | None
    language: str
    channel: str


@dataclass
class Attendee:
    id: str
    event_id: str
    name: str
    email: str | None  # None: registered at the desk without one
    organisation: str
    days: list[date]
    status: str
    badge_serial: int
    registered_at: datetime
    source: str = "online"
    phone: str | None = None
    job_title: str | None = None
    gender: str | None = None
    organisation_type: str | None = None
    # What the kiosk and the badge greet them by (API.md section 1); records
    # from before display names have none (see names.greeting).
    display_name: str | None = None
    checkins: dict[date, Checkin] = field(default_factory=dict)
    reissues: list[BadgeIssue] = field(default_factory=list)
    cancelled_at: datetime | None = None
    prints: list[datetime] = field(default_factory=list)  # badge sheets it was on
    certificate: str | None = None  # its certificate number, once given (never changes)
    # Corrections made (the latest MAX_CHANGES), and how many: every write that
    # decides on the record's fields (a check-in's buckets, a cancel's days)
    # is conditioned on this version being the one it read.
    changes: list[Change] = field(default_factory=list)
    version: int = 0
    # Personal data (chalicelib/core/privacy.py): the language they read, their
    # consent, when the attendee withdrew it (erased), and when retention ends
    # (epoch seconds, the table's TTL attribute).
    language: str = "id"
    consent: Consent | None = None
    erased_at: datetime | None = None
    expires_at: int | None = None

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class CheckinContext:
    """What a check-in decision looks at."""

    event: Event
    attendee: Attendee | None
    presented_serial: int | None  # None when the desk named the attendee by id
    scanned_at: datetime


@dataclass(frozen=True)
class CheckinDecision:
    attendee: Attendee  # the one the checks passed: found, of this event, current
    day: EventDay
    # The day's earlier check-in, if there is one: the answer is then
    # "already_checked_in" and nothing is written but the scan log.
    existing: Checkin | None
    # What a new check-in adds to the event's counts.
    first_day_attended: bool = False
    completes_every_day: bool = False


# --- time -------------------------------------------------------------------


def local_date(event: Event, instant: datetime) -> date:
    """The event day an instant falls on: a date in the event's time zone."""
    return instant.astimezone(event.zone).date()


def local_iso(event: Event, instant: datetime) -> str:
    return instant.astimezone(event.zone).isoformat(timespec="seconds")


def local_time(event: Event, instant: datetime) -> str:
    """Wall-clock "HH:MM" at the event, for people reading a list."""
    return instant.astimezone(event.zone).strftime("%H:%M")


def utc_iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def is_late(scanned_at: datetime, received_at: datetime) -> bool:
    return received_at - scanned_at > LATE_AFTER


def check_scan_time(scanned_at: datetime, now: datetime) -> None:
    if scanned_at - now > MAX_SCAN_CLOCK_SKEW:
        raise Refusal(
            Code.VALIDATION_ERROR,
            "The scan time is in the future.",
            fields=[{"field": "scanned_at", "message": "is more than 2 minutes in the future"}],
        )


# --- check-in ---------------------------------------------------------------


def _attendee_exists(ctx: CheckinContext) -> Attendee:
    if ctx.attendee is None:
        raise badge_not_found()
    return ctx.attendee


def _same_event(ctx: CheckinContext, attendee: Attendee) -> None:
    if attendee.event_id != ctx.event.id:
        raise Refusal(Code.WRONG_EVENT, "This badge belongs to another event.")


def _badge_current(ctx: CheckinContext, attendee: Attendee) -> None:
    if not attendee.is_active:
        raise badge_revoked()
    if ctx.presented_serial is not None and ctx.presented_serial != attendee.badge_serial:
        raise badge_revoked()


def _event_day(ctx: CheckinContext) -> EventDay:
    on = local_date(ctx.event, ctx.scanned_at)
    day = ctx.event.day_on(on)
    if day is None:
        raise Refusal(Code.NOT_AN_EVENT_DAY, f"{on.isoformat()} is not a day of this event.")
    return day


def _within_checkin_hours(ctx: CheckinContext, attendee: Attendee, day: EventDay) -> None:
    local = ctx.scanned_at.astimezone(ctx.event.zone).time()
    if not day.checkin_opens <= local <= day.checkin_closes:
        raise Refusal(
            Code.OUTSIDE_CHECKIN_HOURS,
            f"Check-in on {day.date.isoformat()} is open from "
            f"{day.checkin_opens:%H:%M} to {day.checkin_closes:%H:%M} ({ctx.event.timezone}).",
        )


def _registered_for(ctx: CheckinContext, attendee: Attendee, day: EventDay) -> None:
    if day.date not in attendee.days:
        raise Refusal(
            Code.NOT_REGISTERED_FOR_DAY,
            f"This attendee is not registered for {day.date.isoformat()}.",
        )


# Order matters: who (is the badge real, ours, current), then when (which day,
# within hours), then whether this person is expected that day. The first
# check finds the attendee; the others look at the one it found.
ATTENDEE_CHECKS: tuple[Callable[[CheckinContext, Attendee], None], ...] = (
    _same_event,
    _badge_current,
)
DAY_CHECKS: tuple[Callable[[CheckinContext, Attendee, EventDay], None], ...] = (
    _within_checkin_hours,
    _registered_for,
)


def decide_checkin(ctx: CheckinContext) -> CheckinDecision:
    """Raises Refusal with the first check that refuses; else the decision."""
    attendee = _attendee_exists(ctx)
    for check in ATTENDEE_CHECKS:
        check(ctx, attendee)
    day = _event_day(ctx)
    for day_check in DAY_CHECKS:
        day_check(ctx, attendee, day)
    existing = attendee.checkins.get(day.date)
    attended = len(attendee.checkins)
    return CheckinDecision(
        attendee=attendee,
        day=day,
        existing=existing,
        first_day_attended=existing is None and attended == 0,
        completes_every_day=existing is None and attended + 1 == len(ctx.event.days),
    )


# --- reports ----------------------------------------------------------------

SLOT_MINUTES = 15
NOT_GIVEN = "not_given"  # the bucket for a question left unanswered


@dataclass(frozen=True)
class Breakdown:
    """Where one check-in falls in the day's report: every bucket it adds one to."""

    gender: str
    organisation_type: str
    desk: str
    slot: str  # local "HH:MM" start of its 15-minute slot
    walk_in: bool
    source: str | None  # None: not counted by source (recorded before sources were kept)
    late: bool
    # Its desk bucket is a new label of the day: counted in the day's labels.
    new_desk: bool = False


def arrival_slots(day: EventDay) -> list[str]:
    """Every 15-minute slot of the day's check-in window, local "HH:MM"."""
    start = day.checkin_opens.hour * 60 + day.checkin_opens.minute
    end = day.checkin_closes.hour * 60 + day.checkin_closes.minute
    return [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(start, end, SLOT_MINUTES)]


def arrival_slot(event: Event, day: EventDay, instant: datetime) -> str:
    """The slot a check-in falls in; the window's closing instant counts in its last."""
    local = instant.astimezone(event.zone)
    minute = local.hour * 60 + local.minute
    slots = arrival_slots(day)
    start = day.checkin_opens.hour * 60 + day.checkin_opens.minute
    index = min(max((minute - start) // SLOT_MINUTES, 0), len(slots) - 1)
    return slots[index]


def breakdown(event: Event, attendee: Attendee, day: EventDay, checkin: Checkin) -> Breakdown:
    return Breakdown(
        gender=attendee.gender or NOT_GIVEN,
        organisation_type=attendee.organisation_type or NOT_GIVEN,
        desk=checkin.counted_desk or checkin.desk or NOT_GIVEN,
        slot=checkin.slot or arrival_slot(event, day, checkin.at),
        walk_in=attendee.source == "walk_in",
        source=checkin.source,
        late=checkin.late,
    )


@dataclass(frozen=True)
class UndoDecision:
    attendee: Attendee  # the one whose check-in it undoes
    day: EventDay
    checkin: Checkin
    # What undoing takes off the event's counts: what the check-in added.
    breakdown: Breakdown
    first_day_attended: bool  # it was their only check-in
    completes_every_day: bool  # they had checked in on every day


def decide_undo(event: Event, attendee: Attendee | None, on: date) -> UndoDecision:
    """Whether a check-in can be undone, and what that does to the counts."""
    if attendee is None or attendee.event_id != event.id:
        raise attendee_not_found()
    day = event.day_on(on)
    checkin = attendee.checkins.get(on)
    if day is None or checkin is None:
        raise Refusal(Code.CHECKIN_NOT_FOUND, "This attendee has no check-in on that date.")
    attended = len(attendee.checkins)
    return UndoDecision(
        attendee=attendee,
        day=day,
        checkin=checkin,
        breakdown=breakdown(event, attendee, day, checkin),
        first_day_attended=attended == 1,
        completes_every_day=attended == len(event.days),
    )


def check_cancellable(event: Event, attendee: Attendee | None) -> Attendee | None:
    """The attendee to cancel; None if already cancelled; refused once checked in."""
    if attendee is None or attendee.event_id != event.id:
        raise attendee_not_found()
    if not attendee.is_active:
        return None
    if attendee.checkins:
        raise already_checked_in_somewhere()
    return attendee


def check_has_badge(event: Event, attendee: Attendee | None) -> Attendee:
    """An attendee of this event whose registration stands, so their badge does."""
    if attendee is None or attendee.event_id != event.id:
        raise attendee_not_found()
    if not attendee.is_active:
        raise Refusal(
            Code.REGISTRATION_CANCELLED, "This registration is cancelled; it has no badge."
        )
    return attendee


def check_reissuable(event: Event, attendee: Attendee | None) -> Attendee:
    holder = check_has_badge(event, attendee)
    if holder.badge_serial >= MAX_SERIAL or len(holder.reissues) >= MAX_REISSUES:
        raise Refusal(Code.TOO_MANY_REISSUES, "This badge cannot be reissued again.")
    return holder


# --- registration -----------------------------------------------------------


def registration_days(event: Event, requested: list[date] | None) -> list[date]:
    """The days a registration covers: every day by default, else a subset."""
    if requested is None:
        return event.dates
    wanted = sorted(set(requested))
    unknown = [day for day in wanted if event.day_on(day) is None]
    if unknown:
        raise Refusal(
            Code.VALIDATION_ERROR,
            "Some requested days are not days of this event.",
            fields=[{"field": "days", "message": "must be dates of this event"}],
        )
    if not wanted:
        raise Refusal(
            Code.VALIDATION_ERROR,
            "Register for at least one day.",
            fields=[{"field": "days", "message": "must name at least one day"}],
        )
    return wanted
