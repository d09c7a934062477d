"""Certificates of attendance (API.md section 11): the organiser's list and bulk PDF,
one person's PDF (for the attendee's own page and for email), and the public check.

chalicelib.documents.certificates (fpdf2) is imported in the PDF calls only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from chalicelib.core import presenters, shapes
from chalicelib.core.certificates import (
    Eligibility,
    available_from,
    certificate_not_found,
    certificate_number,
    days_attended,
    eligibility,
    hours,
    is_available,
    normalise_number,
)
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, utc_iso
from chalicelib.core.errors import Code, Refusal, temporarily_unavailable
from chalicelib.core.models import Event
from chalicelib.core.privacy import is_erased
from chalicelib.store import EventRecord
from chalicelib.usecases.common import attendee_of, by_name, event_record
from chalicelib.usecases.ports import Stores

if TYPE_CHECKING:
    from chalicelib.documents.certificates import CertificatePage

# As for badge sheets: API Gateway and Lambda answer at most 6 MB, in base64.
MAX_PDF_BYTES = 4_400_000
# Tries to give a number when another request is giving numbers at the same moment.
_ATTEMPTS = 4
_CHUNK = 50  # numbers given in one transaction (two writes each, of 100)


def certificate_url(origin: str, number: str) -> str:
    return f"{origin.rstrip('/')}/c/{number}"


def not_yet_available(event: Event) -> Refusal:
    if event.certificate is None:
        return Refusal(Code.NOT_YET_AVAILABLE, "This event gives no certificates.")
    return Refusal(
        Code.NOT_YET_AVAILABLE,
        f"Certificates are available once the event's last day closes, "
        f"{utc_iso(available_from(event))}.",
    )


def not_eligible(standing: Eligibility) -> Refusal:
    attended = len(standing.attended)
    return Refusal(
        Code.NOT_ELIGIBLE,
        f"Attended {attended} day{'s' if attended != 1 else ''}; "
        f"the certificate needs {standing.needed}.",
    )


def _still_attended(attendee: Attendee, days: list[str]) -> bool:
    """Whether every day the certificate shows is still a check-in on the record (an
    organiser who undid one corrected the attendance it certifies)."""
    checked_in = {day.isoformat() for day in attendee.checkins}
    return all(day in checked_in for day in days)


@dataclass(frozen=True)
class CertificateMail:
    """One person's certificate, ready to attach (issue 21, email)."""

    attendee_id: str
    number: str
    filename: str
    pdf: bytes


class Certificates:
    def __init__(self, store: Stores, clock: Clock, secret: bytes) -> None:
        self._store = store
        self._clock = clock
        self._secret = secret

    # --- numbers -----------------------------------------------------------------

    def numbers_for(self, event: Event, attendees: list[Attendee]) -> dict[str, str]:
        """Each attendee's number, given now to those who have none yet.

        Given in transactions of up to 50; if one is cancelled (somebody else
        gave one of them a number at the same moment), each is given alone,
        and one that lost the race reads the winner's number back.
        """
        numbers = {a.id: a.certificate for a in attendees if a.certificate}
        waiting = [a for a in attendees if not a.certificate]
        for _ in range(_ATTEMPTS):
            if not waiting:
                return numbers
            for start in range(0, len(waiting), _CHUNK):
                chunk = waiting[start : start + _CHUNK]
                given = self._give(event, chunk)
                if given is None and len(chunk) > 1:
                    given = {}
                    for attendee in chunk:
                        given.update(self._give(event, [attendee]) or {})
                numbers.update(given or {})
            # Those still without: read back what another request gave them.
            missing = [a.id for a in waiting if a.id not in numbers]
            found = self._store.attendees.get_many(missing) if missing else {}
            waiting = []
            for attendee_id in missing:
                again = found.get(attendee_id)
                if again is None or not again.is_active:
                    raise temporarily_unavailable()
                if again.certificate:
                    numbers[attendee_id] = again.certificate
                else:
                    waiting.append(again)
        if waiting:
            raise temporarily_unavailable()
        return numbers

    def _give(self, event: Event, attendees: list[Attendee]) -> dict[str, str] | None:
        """Numbers for these attendees, each kept with what its verification shows
        (the name and days attended as they are now: the certificate's own record)."""
        from chalicelib.store.certificates import NewNumber

        first = self._store.certificates.reserve(event.id, len(attendees))
        new = [
            NewNumber(
                attendee.id,
                certificate_number(self._secret, event.id, first + i),
                first + i,
                name=attendee.name,
                days_attended=[day.isoformat() for day in days_attended(event, attendee)],
            )
            for i, attendee in enumerate(attendees)
        ]
        if not self._store.certificates.give(event.id, new, self._clock.now()):
            return None
        return {n.attendee_id: n.number for n in new}

    # --- the organiser's ---------------------------------------------------------

    def _standings(self, event_id: str) -> tuple[EventRecord, list[tuple[Attendee, Eligibility]]]:
        record = event_record(self._store, event_id)
        event = record.event
        people = sorted(
            (a for a in self._store.attendees.all_of(event_id) if a.is_active), key=by_name
        )
        return record, [(a, eligibility(event, a)) for a in people]

    def listing(self, event_id: str) -> shapes.CertificateList:
        """Who has earned a certificate (numbered, once the event is over) and who is short."""
        record, standings = self._standings(event_id)
        event = record.event
        available = is_available(event, self._clock.now())
        earned = [a for a, standing in standings if standing.eligible]
        numbers = self.numbers_for(event, earned) if available else {}
        return {
            "event_id": event.id,
            "rule": cast(shapes.CertificateRule, event.certificate.model_dump(mode="json"))
            if event.certificate
            else None,
            "available": available,
            "available_from": utc_iso(available_from(event)),
            "certificates": [
                {
                    "number": numbers.get(a.id),
                    "attendee_id": a.id,
                    "name": a.name,
                    "organisation": a.organisation,
                    "days_attended": [day.isoformat() for day in standing.attended],
                }
                for a, standing in standings
                if standing.eligible
            ],
            "not_eligible": sum(1 for _, standing in standings if not standing.eligible),
            "short": [
                {
                    "attendee_id": a.id,
                    "name": a.name,
                    "organisation": a.organisation,
                    "days_attended": [day.isoformat() for day in standing.attended],
                    "missed": [day.isoformat() for day in standing.missed],
                    "needed": standing.needed,
                }
                for a, standing in standings
                if not standing.eligible
            ],
        }

    def bulk_pdf(self, event_id: str, origin: str) -> bytes:
        """Every eligible person's certificate, one a page, by name."""
        from chalicelib.documents import certificates

        record, standings = self._standings(event_id)
        event = record.event
        if not is_available(event, self._clock.now()):
            raise not_yet_available(event)
        earned = [(a, s) for a, s in standings if s.eligible]
        numbers = self.numbers_for(event, [a for a, _ in earned])
        logos = self._store.events.logos(record)
        pages = [self._page(event, a, s, numbers[a.id], origin) for a, s in earned]
        pdf = certificates.certificates_pdf(pages, logos)
        if len(pdf) > MAX_PDF_BYTES:
            raise Refusal(
                Code.SHEET_TOO_LARGE,
                "Too many certificates to send at once; download them in parts.",
            )
        return pdf

    # --- one person's (the attendee's page, email) ----------------------------------

    def certificate_pdf_for(self, event_id: str, attendee_id: str, origin: str) -> bytes:
        """One person's certificate: 409 not_yet_available, 409 not_eligible, else the PDF.

        For `GET /registrations/{manage_token}/certificate.pdf`: the route finds
        the attendee by its manage token and hands its ids here.
        """
        return self.certificate_mail(event_id, attendee_id, origin).pdf

    def certificate_mail(self, event_id: str, attendee_id: str, origin: str) -> CertificateMail:
        """As `certificate_pdf_for`, with what an email needs (issue 21): the number
        and a file name. The same refusals: a caller sending to everyone skips them."""
        from chalicelib.documents import certificates

        record = event_record(self._store, event_id)
        event = record.event
        attendee = attendee_of(self._store, event, attendee_id)
        if not is_available(event, self._clock.now()):
            raise not_yet_available(event)
        standing = eligibility(event, attendee)
        if not standing.eligible:
            raise not_eligible(standing)
        number = self.numbers_for(event, [attendee])[attendee.id]
        page = self._page(event, attendee, standing, number, origin)
        pdf = certificates.certificates_pdf([page], self._store.events.logos(record))
        return CertificateMail(attendee.id, number, f"sertifikat-{number}.pdf", pdf)

    def eligible_attendees(self, event_id: str) -> list[str]:
        """The ids of everyone whose certificate can be sent now (issue 21); [] before."""
        record, standings = self._standings(event_id)
        if not is_available(record.event, self._clock.now()):
            return []
        return [a.id for a, standing in standings if standing.eligible]

    def _page(
        self, event: Event, attendee: Attendee, standing: Eligibility, number: str, origin: str
    ) -> CertificatePage:
        from chalicelib.documents.certificates import CertificatePage, Signature

        rule = event.certificate
        return CertificatePage(
            name=attendee.name,
            organisation=attendee.organisation,
            event_title=event.title,
            dates=presenters.date_range(event.dates),
            venue=event.venue.name,
            days_attended=[presenters.date_range([day]) for day in standing.attended],
            days_total=len(event.days),
            hours=hours(event, standing.attended),
            signatories=[Signature(s.name, s.title) for s in (rule.signatories if rule else [])],
            number=number,
            url=certificate_url(origin, number),
        )

    # --- public ------------------------------------------------------------------

    def verify(self, text: str) -> shapes.CertificateVerified:
        """The public check of a number: 404 if never given, 410 if revoked.

        What it shows is the certificate's own record, kept with its number when
        it was given, so it outlives the retention erasure of the registration
        (API.md section 10). Revoked: the registration was cancelled, or
        withdrawn by the person (their data erased at their request), or a day
        it shows was undone; an attendee item gone or expired at the end of
        retention is none of these (its status and check-ins stay as they were).
        """
        number = normalise_number(text)
        found = self._store.certificates.get(number) if number else None
        if found is None:
            raise certificate_not_found()
        attendee = self._store.attendees.get(found.attendee_id)
        if attendee is not None and not attendee.is_active:
            raise Refusal(
                Code.CERTIFICATE_REVOKED,
                "This certificate was revoked: the registration was cancelled or withdrawn.",
            )
        if attendee is not None and not _still_attended(attendee, found.days_attended):
            raise Refusal(
                Code.CERTIFICATE_REVOKED,
                "This certificate was revoked: the attendance it shows was corrected.",
            )
        event = event_record(self._store, found.event_id).event
        # The name as corrected since, while the record holds it; after the
        # retention erasure, the name the certificate was given under.
        live = (
            attendee is not None
            and bool(attendee.name)
            and not is_erased(attendee, self._clock.now())
        )
        return {
            "number": found.number,
            "valid": True,
            "name": attendee.name if live and attendee is not None else found.name,
            "event": {
                "id": event.id,
                "title": event.title,
                "dates": [day.isoformat() for day in event.dates],
            },
            "days_attended": found.days_attended,
        }
