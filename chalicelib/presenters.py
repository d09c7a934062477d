"""JSON shapes of the contract, built from domain values."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import Attendee, Checkin, local_iso, utc_iso
from chalicelib.models import Event, EventDay


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
        "days": [
            {
                "date": day.isoformat(),
                **(
                    checkin_times(event, attendee.checkins[day].at)
                    if day in attendee.checkins
                    else {"checked_in_at": None, "checked_in_at_local": None}
                ),
            }
            for day in attendee.days
        ],
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
