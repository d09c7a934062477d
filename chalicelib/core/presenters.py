"""JSON shapes of the contract, built from domain values."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.core import shapes
from chalicelib.core.domain import NOT_GIVEN, Attendee, Checkin, arrival_slots, local_iso, utc_iso
from chalicelib.core.models import (
    CHECKIN_SOURCES,
    GENDERS,
    ORGANISATION_TYPES,
    Event,
    EventDay,
)
from chalicelib.core.names import greeting
from chalicelib.core.records import EventRecord, ScanEntry

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def date_range(days: list[date]) -> str:
    """ "29-30 November 2016", "30 November - 2 December 2016", "29 November 2016"."""
    first, last = days[0], days[-1]
    month, last_month = MONTHS[first.month - 1], MONTHS[last.month - 1]
    if first == last:
        return f"{first.day} {month} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{last.day} {month} {last.year}"
    if first.year == last.year:
        return f"{first.day} {month} - {last.day} {last_month} {last.year}"
    return f"{date_range([first])} - {date_range([last])}"


def event_json(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")


def badge_json(code: str) -> shapes.Badge:
    return {"code": code, "qr_png_url": f"/badges/{code}/qr.png", "url": f"/badges/{code}"}


def registration_json(attendee: Attendee, code: str) -> shapes.Registration:
    return {
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        "name": attendee.name,
        "display_name": greeting(attendee),
        "organisation": attendee.organisation,
        "days": [day.isoformat() for day in attendee.days],
        "badge": badge_json(code),
    }


def checkin_times(event: Event, at: datetime) -> shapes.CheckinTimes:
    return {"checked_in_at": utc_iso(at), "checked_in_at_local": local_iso(event, at)}


def badge_holder_json(event: Event, attendee: Attendee) -> shapes.BadgeHolder:
    """What anyone who reads the worn badge's code sees: what the badge shows, no more."""
    return {
        "name": attendee.name,
        "display_name": greeting(attendee),
        "organisation": attendee.organisation,
        "status": attendee.status,
        "event": {"id": event.id, "title": event.title},
    }


def attendee_name_json(attendee: Attendee) -> shapes.AttendeeName:
    """Who a check-in answer is about, as a desk shows them."""
    return {
        "id": attendee.id,
        "name": attendee.name,
        "display_name": greeting(attendee),
        "organisation": attendee.organisation,
    }


def checkin_json(
    event: Event,
    attendee: Attendee,
    day: EventDay,
    checkin: Checkin,
    result: Literal["checked_in", "already_checked_in"],
) -> shapes.CheckinResult:
    return {
        "result": result,
        "attendee": attendee_name_json(attendee),
        "day": {"number": day.number, "date": day.date.isoformat()},
        **checkin_times(event, checkin.at),
        "desk": checkin.desk,
    }


def kiosk_checkin(body: Mapping[str, Any], attendee: Attendee | None) -> Mapping[str, Any]:
    """A check-in answer as a kiosk may show it: the person by id and greeting only.

    `body` is a check-in answer (or a refusal's, left as it is); `attendee` is
    the person as read, whose greeting is used if the answer is about them.
    """
    named = body.get("attendee")
    if not isinstance(named, Mapping):
        return body
    if "display_name" in named:
        display_name = named["display_name"]
    elif attendee is not None and attendee.id == named.get("id"):
        display_name = greeting(attendee)
    else:  # an answer about someone not read here (a scan_id used again for another badge)
        display_name = ""
    kiosk: shapes.KioskAttendee = {"id": named["id"], "display_name": display_name}
    return {**body, "attendee": kiosk}


def undone_json(
    event: Event, attendee: Attendee, day: EventDay, checkin: Checkin, at: datetime
) -> shapes.CheckinUndone:
    """The check-in that was undone (its time and desk), and when it was undone."""
    return {
        "result": "undone",
        "attendee": attendee_name_json(attendee),
        "day": {"number": day.number, "date": day.date.isoformat()},
        **checkin_times(event, checkin.at),
        "desk": checkin.desk,
        "undone_at": utc_iso(at),
    }


def _day_checkins(event: Event, attendee: Attendee) -> list[shapes.RegisteredDay]:
    """Each registered day with its check-in time, or nulls."""
    days: list[shapes.RegisteredDay] = []
    for day in attendee.days:
        checkin = attendee.checkins.get(day)
        times = checkin_times(event, checkin.at) if checkin else None
        days.append(
            {
                "date": day.isoformat(),
                "checked_in_at": times["checked_in_at"] if times else None,
                "checked_in_at_local": times["checked_in_at_local"] if times else None,
            }
        )
    return days


def attendee_summary_json(event: Event, attendee: Attendee) -> shapes.AttendeeSummary:
    """A search result: enough for the desk to see at once whether someone is in."""
    return {
        "id": attendee.id,
        "name": attendee.name,
        "organisation": attendee.organisation,
        "status": attendee.status,
        "days": _day_checkins(event, attendee),
        "source": attendee.source,
        "registered_at": utc_iso(attendee.registered_at),
    }


def attendee_json(event: Event, attendee: Attendee, code: str | None) -> shapes.Attendee:
    """The desk's full view of one registration: details, badge, check-ins."""
    return {
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        "name": attendee.name,
        "display_name": greeting(attendee),
        "email": attendee.email,
        "phone": attendee.phone,
        "organisation": attendee.organisation,
        "organisation_type": attendee.organisation_type,
        "job_title": attendee.job_title,
        "gender": attendee.gender,
        "days": [day.isoformat() for day in attendee.days],
        "status": attendee.status,
        "source": attendee.source,
        "registered_at": utc_iso(attendee.registered_at),
        "cancelled_at": utc_iso(attendee.cancelled_at) if attendee.cancelled_at else None,
        "badge": {
            # Null links once cancelled: the code is no longer one to show.
            "code": code,
            "qr_png_url": badge_json(code)["qr_png_url"] if code else None,
            "url": badge_json(code)["url"] if code else None,
            "status": "active" if attendee.is_active else "revoked",
            "reissues": [
                {
                    "at": utc_iso(issue.at),
                    "at_local": local_iso(event, issue.at),
                    "by": issue.by,
                    "reason": issue.reason,
                }
                for issue in attendee.reissues
            ],
            "prints": [
                {"at": utc_iso(at), "at_local": local_iso(event, at)} for at in attendee.prints
            ],
        },
        "checkins": [
            {
                "date": day.isoformat(),
                **checkin_times(event, checkin.at),
                "desk": checkin.desk,
                "desk_token_id": checkin.desk_token_id,
            }
            for day, checkin in sorted(attendee.checkins.items())
        ],
        "changes": [
            {"at": utc_iso(change.at), "by": change.by, "fields": list(change.fields)}
            for change in attendee.changes
        ],
    }


def scan_json(entry: ScanEntry) -> shapes.Scan:
    return {
        "scan_id": entry.scan_id,
        "date": entry.day,
        "received_at": entry.received_at,
        "scanned_at": entry.scanned_at,
        "late": entry.late,
        "source": entry.source,
        "desk": entry.desk,
        "desk_token_id": entry.desk_token_id,
        "result": entry.result,
        "error_code": entry.error_code,
        "attendee_id": entry.attendee_id,
    }


# --- reports ----------------------------------------------------------------


def _with_every(known: tuple[str, ...], counts: dict[str, int]) -> dict[str, int]:
    """Every known bucket (zeros included), then the "not given" one if used."""
    every = {name: counts.get(name, 0) for name in known}
    if counts.get(NOT_GIVEN):
        every[NOT_GIVEN] = counts[NOT_GIVEN]
    return every


def arrival_counts(record: EventRecord, day: EventDay) -> list[tuple[str, int]]:
    """Every slot of the day's window, and any slot outside it that holds
    arrivals from before the window was changed: the counts always add up."""
    counted = record.buckets("slot", day.date)
    slots = sorted(set(arrival_slots(day)) | set(counted))
    return [(slot, counted.get(slot, 0)) for slot in slots]


def report_day_json(record: EventRecord, day: EventDay) -> shapes.ReportDay:
    return {
        "number": day.number,
        "date": day.date.isoformat(),
        "registered": record.registered_on(day.date),
        "checked_in": record.checked_in_on(day.date),
        "walk_ins": record.walk_ins_on(day.date),
        "late": record.late_on(day.date),
        "by_source": _with_every(CHECKIN_SOURCES, record.buckets("source", day.date)),
        "by_gender": _with_every(GENDERS, record.buckets("gender", day.date)),
        "by_organisation_type": _with_every(
            ORGANISATION_TYPES, record.buckets("organisation_type", day.date)
        ),
        "by_desk": dict(sorted(record.buckets("desk", day.date).items())),
        "arrivals": [
            {"start": slot, "count": count} for slot, count in arrival_counts(record, day)
        ],
    }


# A cell a spreadsheet would run as a formula; OWASP's advice is to make it
# text by putting a single quote in front.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: object) -> str:
    """One cell of an export as text that no spreadsheet runs as a formula.

    Every cell of every export passes here, at the writer (`GuardedWriter`),
    whatever its column: a column added later is guarded without a thought.
    """
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class GuardedWriter:
    """A CSV writer (CRLF rows, as Excel writes) whose every cell is `guard_cell`ed."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([guard_cell(value) for value in row])


def _local(event: Event, instant: datetime) -> str:
    """An instant as the event's wall clock, as a spreadsheet reads it."""
    return instant.astimezone(event.zone).strftime("%Y-%m-%d %H:%M:%S")


# A cell of the attendance table: text, an instant (shown in local time), or empty.
Cell = str | datetime | None

# What each registration came through, as the exports name it.
EXPORT_SOURCES = {"online": "online", "walk_in": "walk_in", "import": "import"}


def attendance_header(event: Event) -> list[str]:
    header = ["name", "organisation", "organisation_type", "gender", "email", "phone"]
    header += ["status", "days", "job_title", "source", "registered_at"]
    for day in event.days:
        on = day.date.isoformat()
        header += [f"{on}_checked_in_at", f"{on}_desk", f"{on}_source"]
    return header


def attendance_row(event: Event, attendee: Attendee) -> list[Cell]:
    """One registration's row of the attendance table (the CSV's and the XLSX's)."""
    row: list[Cell] = [
        attendee.name,
        attendee.organisation,
        attendee.organisation_type,
        attendee.gender,
        attendee.email,
        attendee.phone,
        attendee.status,
        " ".join(day.isoformat() for day in attendee.days),
        attendee.job_title,
        EXPORT_SOURCES.get(attendee.source, attendee.source),
        attendee.registered_at,
    ]
    for day in event.days:
        checkin = attendee.checkins.get(day.date)
        if checkin is None:
            row += [None, None, None]
            continue
        row += [checkin.at, checkin.desk, checkin.made_by]
    return row


def attendance_csv(event: Event, attendees: list[Attendee]) -> str:
    """The attendance list as CSV, UTF-8 with a BOM so Excel reads the names right."""
    buffer = io.StringIO()
    writer = GuardedWriter(buffer)
    writer.writerow(attendance_header(event))
    for attendee in attendees:
        row = attendance_row(event, attendee)
        writer.writerow(
            [_local(event, value) if isinstance(value, datetime) else value for value in row]
        )
    return "\ufeff" + buffer.getvalue()
