"""What a person's own data looks like in answers (API.md section 10), and an
erased person's record as staff see it. Shapes and presenters together."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import with_config
from typing_extensions import TypedDict

from chalicelib.core.domain import Attendee, local_iso, utc_iso
from chalicelib.core.models import Event
from chalicelib.core.names import greeting
from chalicelib.core.presenters import badge_json, checkin_times
from chalicelib.core.privacy import event_closes
from chalicelib.core.shapes import (
    DOCUMENTED,
    AttendeeCheckin,
    Badge,
    Date,
    Instant,
    LocalTime,
    Status,
)


@with_config(DOCUMENTED)
class ConsentRecord(TypedDict):
    """The consent given with the registration."""

    given_at: Instant
    version: str | None
    """The version of the event's consent text agreed to (null: the event had none)."""
    language: str
    channel: str
    """`web` (registered online), `desk` (a walk-in), `import` (an organiser's list)."""


class OwnEvent(TypedDict):
    id: str
    title: str
    editable_until: Instant
    """When the event's last day closes: corrections are possible until then."""
    editable_until_local: LocalTime


class OwnCheckin(TypedDict):
    date: Date
    checked_in_at: Instant
    checked_in_at_local: LocalTime
    desk: str | None


class Change(TypedDict):
    at: Instant
    by: str
    fields: list[str]


@with_config(DOCUMENTED)
class OwnRegistration(TypedDict):
    """Everything about the registration, for the attendee through their manage token."""

    attendee_id: str
    event: OwnEvent
    name: str
    display_name: str
    organisation: str
    job_title: str | None
    email: str | None
    phone: str | None
    language: str
    days: list[Date]
    status: Status
    checkins: list[OwnCheckin]
    consent: ConsentRecord | None
    """Null only for registrations made before consent records were kept."""
    badge: Badge | None
    """Null once the registration is cancelled."""
    certificate: OwnCertificate | None
    """The certificate's number once given (API.md section 11); its PDF is at
    `/registrations/{manage_token}/certificate.pdf`."""
    changes: list[Change]
    """Changes made by desk staff or organisers: when, who, which fields."""


class OwnCertificate(TypedDict):
    number: str
    verify_url: str
    """`/c/<number>`: the public verification page."""


class Withdrawn(TypedDict):
    status: str


@with_config(DOCUMENTED)
class ErasedAttendee(TypedDict):
    """A registration whose personal data is erased (withdrawn after checking in, or
    past the event's retention): no personal field is left."""

    attendee_id: str
    event_id: str
    erased: bool
    status: Status
    days: list[Date]
    source: str
    registered_at: Instant
    checkins: list[AttendeeCheckin]


def consent_json(attendee: Attendee) -> ConsentRecord | None:
    consent = attendee.consent
    if consent is None:
        return None
    return {
        "given_at": utc_iso(consent.given_at),
        "version": consent.version,
        "language": consent.language,
        "channel": consent.channel,
    }


def own_registration_json(event: Event, attendee: Attendee, code: str | None) -> OwnRegistration:
    closes = event_closes(event)
    return {
        "attendee_id": attendee.id,
        "event": {
            "id": event.id,
            "title": event.title,
            "editable_until": utc_iso(closes),
            "editable_until_local": local_iso(event, closes),
        },
        "name": attendee.name,
        "display_name": greeting(attendee),
        "organisation": attendee.organisation,
        "job_title": attendee.job_title,
        "email": attendee.email,
        "phone": attendee.phone,
        "language": attendee.language,
        "days": [day.isoformat() for day in attendee.days],
        "status": attendee.status,
        "checkins": [
            {"date": day.isoformat(), **checkin_times(event, checkin.at), "desk": checkin.desk}
            for day, checkin in sorted(attendee.checkins.items())
        ],
        "consent": consent_json(attendee),
        "badge": badge_json(code) if code else None,
        "certificate": (
            {"number": attendee.certificate, "verify_url": f"/c/{attendee.certificate}"}
            if attendee.certificate and attendee.is_active
            else None
        ),
        "changes": [_change_json(change) for change in getattr(attendee, "changes", None) or []],
    }


def _change_json(change: Any) -> Change:
    """A staff correction kept on the record (when, who, which fields), however it is held."""
    if isinstance(change, dict):
        return {"at": change["at"], "by": change["by"], "fields": list(change["fields"])}
    at = change.at
    return {
        "at": utc_iso(at) if isinstance(at, datetime) else str(at),
        "by": str(change.by),
        "fields": list(change.fields),
    }


def own_export_json(event: Event, attendee: Attendee, code: str | None) -> dict[str, Any]:
    """The registration as the attendee sees it, and every other field kept on it."""
    return {
        **own_registration_json(event, attendee, code),
        "event_id": event.id,
        "gender": attendee.gender,
        "organisation_type": attendee.organisation_type,
        "source": attendee.source,
        "registered_at": utc_iso(attendee.registered_at),
        "cancelled_at": utc_iso(attendee.cancelled_at) if attendee.cancelled_at else None,
        "badge_reissues": [
            {"at": utc_iso(issue.at), "reason": issue.reason} for issue in attendee.reissues
        ],
        "badge_prints": [utc_iso(at) for at in attendee.prints],
        "retention_ends": utc_iso_epoch(attendee.expires_at),
    }


def utc_iso_epoch(seconds: int | None) -> str | None:
    return None if seconds is None else utc_iso(datetime.fromtimestamp(seconds, UTC))


def erased_attendee_json(event: Event, attendee: Attendee) -> ErasedAttendee:
    return {
        "attendee_id": attendee.id,
        "event_id": attendee.event_id,
        "erased": True,
        "status": attendee.status,
        "days": [day.isoformat() for day in attendee.days],
        "source": attendee.source,
        "registered_at": utc_iso(attendee.registered_at),
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
