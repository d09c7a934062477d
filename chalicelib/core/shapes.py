"""The JSON bodies Hadir answers with, as typed dicts.

The presenters and use cases return these, so mypy checks what they build against
them; the OpenAPI document derives each response's schema from them (pydantic's
`TypeAdapter`), so what it promises is what is built. A class's docstring is its
schema's description, and a field's docstring (the line under it) is the field's.
Times are strings here because they are sent as strings: `Instant` is UTC
(`...Z`), `LocalTime` the same instant in the event's time zone.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import ConfigDict, Field, WithJsonSchema, with_config
from typing_extensions import TypedDict

from chalicelib.core.domain import NOT_GIVEN
from chalicelib.core.mail import EmailSent
from chalicelib.core.models import CHECKIN_SOURCES, GENDERS, ORGANISATION_TYPES

# Field docstrings become descriptions in the document.
DOCUMENTED = ConfigDict(use_attribute_docstrings=True)

Date = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Instant = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "date-time", "description": "UTC, e.g. `...Z`."}),
]
LocalTime = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "The same instant in the event's time zone, e.g. `...+07:00`.",
        }
    ),
]
Count = Annotated[int, Field(ge=0)]
DayNumber = Annotated[int, Field(ge=1)]


def one_of(*values: str | None) -> WithJsonSchema:
    """A string (or null) the domain types as `str`, limited to `values` in the document."""
    kinds = ["string", "null"] if None in values else "string"
    return WithJsonSchema({"type": kinds, "enum": list(values)})


Status = Annotated[str, one_of("active", "cancelled", "withdrawn")]
Cursor = Annotated[
    str | None,
    Field(description="Null on the last page; else send it back as `next=` for the next."),
]


def _buckets(known: tuple[str, ...], what: str) -> WithJsonSchema:
    """A report's counts by answer: every known answer, then `not_given` if used."""
    return WithJsonSchema(
        {
            "type": "object",
            "description": f"The day's check-ins by {what}: every answer, zeros included, "
            f"then `{NOT_GIVEN}` when someone checked in left it unanswered.",
            "required": list(known),
            "properties": {name: {"type": "integer", "minimum": 0} for name in (*known, NOT_GIVEN)},
        }
    )


# --- public -----------------------------------------------------------------


@with_config(DOCUMENTED)
class Health(TypedDict):
    status: Literal["ok"]
    time: Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
    """The server's time (UTC): a desk dates the scans it queues offline by it rather than
    by its own clock."""


class FieldError(TypedDict):
    field: str
    message: str


@with_config(DOCUMENTED)
class ErrorDetail(TypedDict):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    message: str
    """One clear sentence."""
    fields: NotRequired[list[FieldError]]
    """Only on 422: what is wrong with which field."""
    paid_at: NotRequired[str]
    """Only on `already_paid`: when the first payment was made (UTC)."""
    desk: NotRequired[str | None]
    """Only on `already_paid`: the desk that made the first payment."""


class Error(TypedDict):
    """Every error. Messages never echo submitted personal data."""

    error: ErrorDetail


@with_config(DOCUMENTED)
class Badge(TypedDict):
    code: str
    """What the QR code holds."""
    qr_png_url: str
    url: str


# What the kiosk and the badge greet a person by (API.md section 1).
DisplayName = Annotated[
    str,
    Field(
        max_length=40,
        description="What the kiosk and the badge greet them by: their own choice, else "
        "the first word of `name` that is not a title, honorific or initial.",
    ),
]


@with_config(DOCUMENTED)
class Manage(TypedDict):
    """The attendee's own private link (API.md section 10): given at registration only."""

    token: str
    """The secret of `/registrations/{manage_token}`; distinct from the badge code."""
    url: str
    """`/me/<token>`: the attendee's own page."""


class Registration(TypedDict):
    attendee_id: str
    event_id: str
    name: str
    display_name: DisplayName
    organisation: str
    days: list[Date]
    badge: Badge
    manage: NotRequired[Manage]


class RegisteredDay(TypedDict):
    """A day registered for; the check-in times are null until the holder is checked in
    on that day."""

    date: Date
    checked_in_at: Instant | None
    checked_in_at_local: LocalTime | None


class HolderEvent(TypedDict):
    id: str
    title: str


class BadgeHolder(TypedDict):
    """What anyone holding the badge's code sees: only what the badge itself shows
    (never email, phone, job title or check-in times)."""

    name: str
    display_name: DisplayName
    organisation: str
    status: Status
    event: HolderEvent


# --- check-ins --------------------------------------------------------------


class AttendeeName(TypedDict):
    id: str
    name: str
    display_name: str
    """What a kiosk greets them by (API.md section 1)."""
    organisation: str


class KioskAttendee(TypedDict):
    """A kiosk's answer names the person by their greeting alone."""

    id: str
    display_name: str


class CheckinDay(TypedDict):
    number: DayNumber
    date: Date


class CheckinTimes(TypedDict):
    checked_in_at: Instant
    checked_in_at_local: LocalTime


class _Checkin(CheckinTimes):
    attendee: AttendeeName
    day: CheckinDay
    desk: str | None


class CheckinResult(CheckinTimes):
    """For `already_checked_in`, the time and desk are the first check-in's. A kiosk
    token's answer names the person by `id` and `display_name` only."""

    result: Literal["checked_in", "already_checked_in"]
    attendee: AttendeeName | KioskAttendee
    day: CheckinDay
    desk: str | None


class CheckinUndone(_Checkin):
    """The check-in that was undone (its time and desk), and when it was undone."""

    result: Literal["undone"]
    undone_at: Instant


# --- desk work --------------------------------------------------------------


class AttendeeSummary(TypedDict):
    """A search result: enough for the desk to see at once whether someone is in."""

    id: str
    name: str
    organisation: str
    status: Status
    days: list[RegisteredDay]
    source: Annotated[str, one_of("online", "walk_in", "import")]
    """How they registered: `online` (the public form), `walk_in` (at the desk), `import`."""
    registered_at: Instant


class AttendeeList(TypedDict):
    """Each person once; everyone, by name, when an organiser sends no `q`."""

    attendees: list[AttendeeSummary]
    next: Cursor


@with_config(DOCUMENTED)
class Reissue(TypedDict):
    at: Instant
    at_local: LocalTime
    by: str | None
    """The desk token's id, or `organiser`."""
    reason: str


class Print(TypedDict):
    at: Instant
    at_local: LocalTime


@with_config(DOCUMENTED)
class AttendeeBadge(TypedDict):
    """The current badge (its code and links are null once cancelled), every reissue and
    every print, oldest first."""

    code: str | None
    """What the QR code holds."""
    qr_png_url: str | None
    url: str | None
    status: Literal["active", "revoked"]
    reissues: list[Reissue]
    prints: list[Print]
    """Each time the badge was printed on an organiser's sheet (`badges.pdf`), oldest
    first."""


class AttendeeCheckin(TypedDict):
    date: Date
    checked_in_at: Instant
    checked_in_at_local: LocalTime
    desk: str | None
    desk_token_id: str | None


@with_config(DOCUMENTED)
class AttendeeChange(TypedDict):
    """A correction: when, by whom (`organiser` or the desk token's id), which fields."""

    at: Instant
    by: str
    fields: list[str]


class Attendee(TypedDict):
    """The desk's full view of one registration: details, badge, check-ins."""

    attendee_id: str
    event_id: str
    name: str
    display_name: DisplayName
    email: str | None
    """None: registered at the desk without an address."""
    phone: str | None
    organisation: str
    organisation_type: Annotated[str | None, one_of(*ORGANISATION_TYPES, None)]
    job_title: str | None
    gender: Annotated[str | None, one_of(*GENDERS, None)]
    days: list[Date]
    status: Status
    source: Annotated[str, one_of("online", "walk_in")]
    registered_at: Instant
    cancelled_at: Instant | None
    badge: AttendeeBadge
    checkins: list[AttendeeCheckin]
    """One per day checked in, by date."""
    changes: list[AttendeeChange]
    """Corrections, oldest first: the latest 50 are kept."""
    payments: NotRequired[list[Payment]]
    emails: NotRequired[list[EmailSent]]
    """Allowances paid to them, by date then allowance (API.md section 12)."""


@with_config(DOCUMENTED)
class WalkInResult(Registration):
    """The registration, and the check-in made with it."""

    checkin: CheckinResult | Error | None
    """Null unless `check_in` was sent. Otherwise the check-in's answer, or the error
    saying why not (the person is registered all the same)."""


class BadgeReissued(TypedDict):
    """The new badge; the old code answers 410 `badge_revoked` from now on."""

    badge: Badge


class Cancelled(TypedDict):
    status: Literal["cancelled"]


@with_config(DOCUMENTED)
class Scan(TypedDict):
    """One check-in attempt, accepted or refused, or one undone check-in."""

    scan_id: str
    """The client's `scan_id`; `undo-...` for an undo."""
    date: Date
    """The event-local date of `scanned_at`."""
    received_at: Instant
    scanned_at: Instant
    late: bool
    """Received more than 5 minutes after `scanned_at` (queued offline, or back-dated);
    false for an undo."""
    source: Annotated[str, one_of(*CHECKIN_SOURCES)]
    """How the attendee was found: `scan`, `search` (by name; a walk-in checked in at the
    desk too) or `paper` (from the signed paper list). For an undo, the undone
    check-in's."""
    desk: str | None
    desk_token_id: str | None
    """Null for an organiser."""
    result: Annotated[str | None, one_of("checked_in", "already_checked_in", "undone", None)]
    """Null when the scan was refused."""
    error_code: str | None
    """Why the scan was refused (an `error.code`); else null."""
    attendee_id: str | None
    """Null when the code was not one Hadir issued."""


class ScanList(TypedDict):
    """The scan log, by day, then as received."""

    scans: list[Scan]
    next: Cursor


# --- reports ----------------------------------------------------------------


@with_config(DOCUMENTED)
class AttendanceDay(TypedDict):
    number: DayNumber
    date: Date
    registered: Count
    checked_in: Count
    no_shows: Count
    """registered - checked_in"""


@with_config(DOCUMENTED)
class Attendance(TypedDict):
    event_id: str
    as_of: Instant
    registered: Count
    """Active registrations."""
    days: list[AttendanceDay]
    attended_any: Count
    """Checked in on at least one day."""
    attended_all_days: Count
    """Checked in on every day."""


@with_config(DOCUMENTED)
class Arrivals(TypedDict):
    start: Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$")]
    """The slot's start, local `HH:MM`."""
    count: Count


@with_config(DOCUMENTED)
class ReportDay(TypedDict):
    number: DayNumber
    date: Date
    registered: Count
    """Active registrations for the day."""
    checked_in: Count
    walk_ins: Count
    """Of `checked_in`, those registered at the desk."""
    late: Count
    """Of `checked_in`, those received more than 5 minutes after they were scanned."""
    by_source: Annotated[
        dict[str, int],
        WithJsonSchema(
            {
                "type": "object",
                "description": "The day's check-ins by how the attendee was found: `scan`, "
                "`search` (by name, and walk-ins checked in at the desk) and `paper` (from "
                "the signed paper list), zeros included.",
                "required": list(CHECKIN_SOURCES),
                "properties": {name: {"type": "integer", "minimum": 0} for name in CHECKIN_SOURCES},
                "additionalProperties": False,
            }
        ),
    ]
    by_gender: Annotated[dict[str, int], _buckets(GENDERS, "gender")]
    by_organisation_type: Annotated[
        dict[str, int], _buckets(ORGANISATION_TYPES, "organisation type")
    ]
    by_desk: dict[str, Count]
    """The day's check-ins by desk: the `desk` the check-in named, else the desk token's
    label, or `Organiser` (e.g. `Desk A`). Only desks that checked someone in;
    `not_given` for any check-in recorded without one."""
    arrivals: list[Arrivals]
    """The day's check-ins per 15-minute slot, by time: one item for every slot of the
    day's check-in window, zeros included (and any other slot that holds check-ins from
    before the window was changed)."""


class AttendanceReport(TypedDict):
    """Per event day: the counts, who checked in by gender, organisation type and desk,
    and when they arrived."""

    event_id: str
    as_of: Instant
    days: list[ReportDay]


# --- desk tokens ------------------------------------------------------------


TokenRole = Literal["desk", "kiosk"]


class DeskToken(TypedDict):
    id: str
    label: str
    role: TokenRole
    created_at: Instant
    revoked_at: Instant | None


@with_config(DOCUMENTED)
class DeskTokenCreated(TypedDict):
    id: str
    label: str
    role: TokenRole
    """`desk`: desk work on this event; `kiosk`: check-in by badge code only."""
    token: str
    """The bearer token: shown here only, once."""
    created_at: Instant


class DeskTokenList(TypedDict):
    """Never includes the tokens themselves."""

    desk_tokens: list[DeskToken]


# --- certificates (API.md section 11) ----------------------------------------


class CertificateSignatory(TypedDict):
    name: str
    title: str


class CertificateRule(TypedDict):
    """The event's rule, as in its document."""

    rule: Literal["all_days", "min_days"]
    min_days: int | None
    signatories: list[CertificateSignatory]


@with_config(DOCUMENTED)
class CertificateEntry(TypedDict):
    number: str | None
    """Given the first time the list or a PDF is made after the last day closes; null before."""
    attendee_id: str
    name: str
    organisation: str
    days_attended: list[Date]


@with_config(DOCUMENTED)
class CertificateShort(TypedDict):
    attendee_id: str
    name: str
    organisation: str
    days_attended: list[Date]
    missed: list[Date]
    """The event days they were not checked in on."""
    needed: int
    """The days the rule asks for."""


@with_config(DOCUMENTED)
class CertificateList(TypedDict):
    """By name: those the rule admits (`certificates`) and those it does not (`short`)."""

    event_id: str
    rule: CertificateRule | None
    """Null: the event gives no certificates."""
    available: bool
    """Whether the last day has closed (numbers and PDFs are given from then on)."""
    available_from: Instant
    certificates: list[CertificateEntry]
    not_eligible: Count
    """How many active registrations the rule does not admit."""
    short: list[CertificateShort]


class CertificateEvent(TypedDict):
    id: str
    title: str
    dates: list[Date]


@with_config(DOCUMENTED)
class CertificateVerified(TypedDict):
    """Only what the certificate itself shows, as it was when its number was given."""

    number: str
    valid: Literal[True]
    name: str
    event: CertificateEvent
    days_attended: list[Date]


# --- bulk cancel (issue 17, finding 10) -------------------------------------------

CancelResult = Annotated[
    str, one_of("cancelled", "already_cancelled", "already_checked_in", "not_found")
]


class CancelOutcome(TypedDict):
    attendee_id: str
    result: CancelResult
    """`cancelled` by this request; `already_cancelled` before it; `already_checked_in`:
    left as it is (undo the check-ins first); `not_found`: no such attendee of this event."""


@with_config(DOCUMENTED)
class BulkCancelled(TypedDict):
    """What happened to each registration, and the totals."""

    results: list[CancelOutcome]
    cancelled: Count
    """How many this request cancelled."""
    matched: Count
    """With `registered_within_minutes`: the active registrations found in the window
    before this request (those with a check-in included); else the number of ids sent."""
    more: bool
    """True when more registrations in the window remain to cancel: send the request again."""


# --- money (API.md section 12): a payment is part of an attendee's detail -----


class Payment(TypedDict):
    """One allowance paid to one person for one day attended."""

    attendee_id: str
    date: Date
    allowance: str
    amount: int
    """Whole Rupiah, as the allowance stood when paid."""
    paid_at: Instant
    paid_at_local: str
    desk: str | None
