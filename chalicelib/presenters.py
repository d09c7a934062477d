"""JSON shapes of the contract, built from domain values."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import Attendee, Checkin, local_iso, utc_iso
from chalicelib.models import Event, EventDay
from chalicelib.store import ScanEntry


def event_json(event: Event) -> dict:
    return event.model_dump(mode="json")


def badge_json(code: str) -> dict:
    return {"code": code, "qr_png_url": f"/badges/{code}/qr.png", "url": f"/badges/{code}"}


def registration_json(attendee: Attendee, code: str) -> dict:
    return {
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        "name": attendee.name,
        "organisation": attendee.organisation,
        "days": [day.isoformat() for day in attendee.days],
        "badge": badge_json(code),
    }


def checkin_times(event: Event, at: datetime) -> dict:
    return {"checked_in_at": utc_iso(at), "checked_in_at_local": local_iso(event, at)}


def badge_holder_json(event: Event, attendee: Attendee, code: str) -> dict:
    """What the badge holder sees: their own details, the event, their days."""
    return {
        "attendee_id": attendee.id,
        "name": attendee.name,
        "organisation": attendee.organisation,
        "job_title": attendee.job_title,
        "email": attendee.email,
        "status": attendee.status,
        "event": {
            "id": event.id,
            "title": event.title,
            "organisers": event.organisers,
            "venue": event.venue.model_dump(mode="json"),
            "timezone": event.timezone,
        },
        "days": _day_checkins(event, attendee),
        "badge": badge_json(code),
    }


def checkin_json(
    event: Event, attendee: Attendee, day: EventDay, checkin: Checkin, result: str
) -> dict:
    return {
        "result": result,
        "attendee": {
            "id": attendee.id,
            "name": attendee.name,
            "organisation": attendee.organisation,
        },
        "day": {"number": day.number, "date": day.date.isoformat()},
        **checkin_times(event, checkin.at),
        "desk": checkin.desk,
    }


def _day_checkins(event: Event, attendee: Attendee) -> list[dict]:
    """Each registered day with its check-in time, or nulls."""
    return [
        {
            "date": day.isoformat(),
            **(
                checkin_times(event, attendee.checkins[day].at)
                if day in attendee.checkins
                else {"checked_in_at": None, "checked_in_at_local": None}
            ),
        }
        for day in attendee.days
    ]


def attendee_summary_json(event: Event, attendee: Attendee) -> dict:
    """A search result: enough for the desk to see at once whether someone is in."""
    return {
        "id": attendee.id,
        "name": attendee.name,
        "organisation": attendee.organisation,
        "status": attendee.status,
        "days": _day_checkins(event, attendee),
    }


def attendee_json(event: Event, attendee: Attendee, code: str | None) -> dict:
    """The desk's full view of one registration: details, badge, check-ins."""
    return {
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        "name": attendee.name,
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
            **(badge_json(code) if code else {"code": None, "qr_png_url": None, "url": None}),
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
    }


def scan_json(entry: ScanEntry) -> dict:
    return {
        "scan_id": entry.scan_id,
        "date": entry.day,
        "received_at": entry.received_at,
        "scanned_at": entry.scanned_at,
        "desk": entry.desk,
        "desk_token_id": entry.desk_token_id,
        "result": entry.result,
        "error_code": entry.error_code,
        "attendee_id": entry.attendee_id,
    }
