"""Use cases, one module per family, each handed the store, clock and secrets it needs.

They never see HTTP or DynamoDB: they answer `Answer(outcome, body)` or raise a
`Refusal`, and ask the store's repositories (`ports.Stores`). `Hadir` is the
one object the app, the tests and the devtools hold: each method hands the
call to its use case.
"""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.core import shapes
from chalicelib.core.auth import DESK, Gate, Staff
from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.mail import EmailRequest
from chalicelib.core.models import (
    AttendeeCorrection,
    BulkCancel,
    CheckinRequest,
    Event,
    OwnCorrection,
    Registration,
    WalkIn,
)
from chalicelib.core.own_data import ErasedAttendee, OwnRegistration
from chalicelib.core.queries import (
    AllowanceSheetQuery,
    AttendeeQuery,
    PaperSignatures,
    PaymentRequest,
    RosterQuery,
    ScanQuery,
)
from chalicelib.core.roster import Roster
from chalicelib.usecases.cancellations import Cancellations
from chalicelib.usecases.certificates import CertificateMail, Certificates
from chalicelib.usecases.checkin import CheckIns, ScanLog
from chalicelib.usecases.common import Answer, Badges
from chalicelib.usecases.corrections import Corrections
from chalicelib.usecases.desk import DeskWork
from chalicelib.usecases.events import Events
from chalicelib.usecases.imports import Imports
from chalicelib.usecases.mail import Mail, MailQueue, MailSender, NoQueue
from chalicelib.usecases.money import Money
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.printing import Printing
from chalicelib.usecases.privacy import OwnData
from chalicelib.usecases.registration import BadgeHolder, Registrations, badge_holder
from chalicelib.usecases.reports import Reports
from chalicelib.usecases.roster import RosterWork
from chalicelib.usecases.tokens import Tokens

__all__ = ["Answer", "BadgeHolder", "Hadir"]


class Hadir:
    def __init__(
        self,
        store: Stores,
        clock: Clock,
        badge_secret: bytes,
        organiser_token_hash: str,
        backoff: Backoff | None = None,
        mail_queue: MailQueue | None = None,
        mail_sender: MailSender | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        stores = store
        # Every read-decide-write loop runs inside this budget, with jittered pauses.
        retrying = backoff or Backoff()
        self._badges = badges = Badges(badge_secret)
        self._stores = stores
        log = ScanLog(stores)
        self._tokens = Tokens(stores, clock, organiser_token_hash)
        self._events = Events(stores, clock, retrying)
        self._registrations = Registrations(stores, clock, badges, retrying, log)
        self._checkins = CheckIns(stores, clock, badges, retrying, log)
        self._desk = DeskWork(stores, clock, badges, retrying)
        self._corrections = Corrections(stores, clock, badges, retrying)
        self._printing = Printing(stores, clock, badges)
        self._reports = Reports(stores, clock)
        self._certificates = Certificates(stores, clock, badge_secret)
        self._own = OwnData(stores, clock, badges, retrying)
        self._cancellations = Cancellations(stores, clock, retrying)
        self._money = Money(stores, clock)
        self._imports = Imports(stores, clock, badges, retrying)
        self._mail = Mail(
            stores,
            clock,
            badges,
            retrying,
            mail_queue or NoQueue(),
            mail_sender,
            _Renderers(self._printing, self._certificates),
        )
        self._registrations.after = self._mail.after_registration
        self._roster = RosterWork(stores, clock, badges)

    # staff: who is asking (chalicelib.core.auth)
    def gate(self, header: str | None, role: str, event_id: str | None) -> Gate:
        return self._tokens.gate(header, role, event_id)

    def admit(self, gate: Gate) -> Staff:
        """Who is asking, or 401/403; the token read with the route's event."""
        return self._tokens.admit(gate)

    def lookup(self, gate: Gate) -> Staff:
        """Who is asking, or 401/403; the token read alone."""
        return self._tokens.lookup(gate)

    def end_request(self) -> None:
        self._tokens.end_request()

    # events

    def get_event(self, event_id: str) -> Event:
        return self._events.get(event_id)

    def put_event(self, event: Event) -> bool:
        return self._events.put(event)

    # registration and badges
    def register(
        self,
        event_id: str,
        registration: Registration,
        idempotency_key: str | None = None,
        origin: str | None = None,
    ) -> shapes.Registration:
        """With `origin`, a new registration's badge is emailed if its event asks."""
        return self._registrations.register(event_id, registration, idempotency_key, origin)

    def walk_in(
        self,
        event_id: str,
        walk_in: WalkIn,
        staff: Staff,
        idempotency_key: str | None = None,
        origin: str | None = None,
    ) -> Answer:
        return self._registrations.walk_in(event_id, walk_in, staff, idempotency_key, origin)

    def badge_holder(self, code: str) -> BadgeHolder:
        return badge_holder(self._stores, self._badges, code, self.clock.now())

    def badge_view(self, code: str) -> shapes.BadgeHolder:
        return self._registrations.badge_view(code)

    # check-in
    def check_in(self, event_id: str, request: CheckinRequest, staff: Staff | Gate) -> Answer:
        """`staff` is a checked Staff, or the request's Gate: its token is then
        read with the check-in's own batch read, and checked before anything else."""
        return self._checkins.check_in(event_id, request, staff)

    # desk work
    def find_attendees(self, event_id: str, query: AttendeeQuery, staff: Staff) -> dict:
        return self._desk.find_attendees(event_id, query, staff)

    def attendee(self, event_id: str, attendee_id: str) -> shapes.Attendee | ErasedAttendee:
        body = self._desk.attendee(event_id, attendee_id)
        if not body.get("erased"):
            # What was emailed them, newest first (API.md section 14).
            body["emails"] = self._mail.history(attendee_id)  # type: ignore[typeddict-unknown-key]
        return body

    def reissue_badge(
        self,
        event_id: str,
        attendee_id: str,
        reason: str,
        staff: Staff,
        idempotency_key: str | None = None,
    ) -> dict:
        return self._desk.reissue_badge(event_id, attendee_id, reason, staff, idempotency_key)

    def cancel(self, event_id: str, attendee_id: str) -> dict:
        return self._desk.cancel(event_id, attendee_id)

    def correct_attendee(
        self, event_id: str, attendee_id: str, patch: AttendeeCorrection, staff: Staff
    ) -> shapes.Attendee:
        return self._corrections.correct(event_id, attendee_id, patch, staff)

    def cancel_many(self, event_id: str, request: BulkCancel) -> shapes.BulkCancelled:
        return self._cancellations.cancel_many(event_id, request)

    def undo_checkin(
        self, event_id: str, attendee_id: str, on: str, staff: Staff
    ) -> shapes.CheckinUndone:
        return self._desk.undo_checkin(event_id, attendee_id, on, staff)

    def scans(self, event_id: str, query: ScanQuery) -> dict:
        return self._desk.scans(event_id, query)

    # printing
    def badge_pdf(self, code: str) -> bytes:
        return self._printing.badge_pdf(code)

    def badge_sheet(
        self,
        event_id: str,
        layout: str,
        attendee_ids: list[str],
        mark_printed: bool = False,
        unprinted: bool = False,
    ) -> bytes:
        return self._printing.badge_sheet(event_id, layout, attendee_ids, mark_printed, unprinted)

    def sign_in_sheet(
        self,
        event_id: str,
        on: date,
        columns: tuple[str, ...] = (),
        as_of: datetime | None = None,
    ) -> bytes:
        return self._printing.sign_in_sheet(event_id, on, columns, as_of)

    # reports
    def attendance(self, event_id: str) -> dict:
        return self._reports.attendance(event_id)

    def report(self, event_id: str) -> dict:
        return self._reports.report(event_id)

    def attendance_csv(self, event_id: str) -> str:
        return self._reports.attendance_csv(event_id)

    def attendance_xlsx(self, event_id: str) -> bytes:
        return self._reports.attendance_xlsx(event_id)

    def arrivals_svg(self, event_id: str, on: date) -> str:
        return self._reports.arrivals_svg(event_id, on)

    # desk tokens
    def create_desk_token(self, event_id: str, label: str, role: str = DESK) -> dict:
        return self._tokens.create(event_id, label, role)

    def list_desk_tokens(self, event_id: str) -> dict:
        return self._tokens.list(event_id)

    def revoke_desk_token(self, event_id: str, token_id: str) -> None:
        self._tokens.revoke(event_id, token_id)

    # certificates (API.md section 11)
    def certificates(self, event_id: str) -> shapes.CertificateList:
        return self._certificates.listing(event_id)

    def certificates_pdf(self, event_id: str, origin: str) -> bytes:
        return self._certificates.bulk_pdf(event_id, origin)

    def certificate_pdf_for(self, event_id: str, attendee_id: str, origin: str) -> bytes:
        """One attendee's certificate (the manage-token route of section 11)."""
        return self._certificates.certificate_pdf_for(event_id, attendee_id, origin)

    def certificate_mail(self, event_id: str, attendee_id: str, origin: str) -> CertificateMail:
        """One attendee's certificate with its number and file name, for email."""
        return self._certificates.certificate_mail(event_id, attendee_id, origin)

    def certificate_recipients(self, event_id: str) -> list[str]:
        """Who can be sent a certificate now (attendee ids); none before the event is over."""
        return self._certificates.eligible_attendees(event_id)

    def verify_certificate(self, number: str) -> shapes.CertificateVerified:
        return self._certificates.verify(number)

    # the attendee's own data, through their manage token
    def own_registration(self, manage_token: str) -> OwnRegistration:
        return self._own.view(manage_token)

    def correct_own(self, manage_token: str, correction: OwnCorrection) -> OwnRegistration:
        return self._own.correct(manage_token, correction)

    def export_own(self, manage_token: str) -> dict:
        return self._own.export(manage_token)

    def withdraw(self, manage_token: str) -> dict:
        return self._own.withdraw(manage_token)

    def own_certificate_pdf(self, manage_token: str, origin: str) -> bytes:
        """The attendee's certificate through their manage token (API.md section 11)."""
        event_id, attendee_id = self._own.ids(manage_token)
        return self._certificates.certificate_pdf_for(event_id, attendee_id, origin)

    # money and paper (API.md section 12)
    def pay_allowance(
        self, event_id: str, code: str, request: PaymentRequest, staff: Staff
    ) -> dict:
        return self._money.pay(event_id, code, request, staff)

    def undo_payment(self, event_id: str, code: str, attendee_id: str, on: str) -> dict:
        return self._money.undo(event_id, code, attendee_id, on)

    def allowance_sheet(self, event_id: str, query: AllowanceSheetQuery) -> bytes:
        return self._money.allowance_sheet(event_id, query)

    def allowance_csv(self, event_id: str, code: str) -> str:
        return self._money.allowance_csv(event_id, code)

    def paper_signatures(self, event_id: str, ticks: PaperSignatures, staff: Staff) -> dict:
        return self._money.sign(event_id, ticks, staff)

    def reconciliation(self, event_id: str, on: date) -> dict:
        return self._money.reconciliation(event_id, on)

    def sheet_rows(self, event_id: str, on: date, as_of: datetime | None) -> dict:
        return self._money.sheet_rows(event_id, on, as_of)

    def unpaid(self, event_id: str, code: str, on: date) -> dict:
        return self._money.unpaid(event_id, code, on)

    # importing a participant list (API.md section 14)

    def import_list(
        self, event_id: str, body: bytes, content_type: str | None, dry_run: bool
    ) -> dict:
        return self._imports.run(event_id, body, content_type, dry_run)

    # email (API.md section 14)
    def send_emails(self, event_id: str, request: EmailRequest, origin: str) -> dict:
        return self._mail.send(event_id, request, origin)

    def deliver_mail(self, job: dict) -> str:
        """The worker: render and send one queued message; its status."""
        return self._mail.deliver(job)

    # the desk without a network (API.md section 13)
    def roster(self, event_id: str, query: RosterQuery, staff: Staff) -> Roster:
        return self._roster.roster(event_id, query, staff)


class _Renderers:
    """The files an email carries, from the printing and certificate use cases."""

    def __init__(self, printing: Printing, certificates: Certificates) -> None:
        self._printing = printing
        self._certificates = certificates

    def badge_pdf(self, code: str) -> bytes:
        return self._printing.badge_pdf(code)

    def certificate(self, event_id: str, attendee_id: str, origin: str) -> tuple[str, bytes]:
        mail = self._certificates.certificate_mail(event_id, attendee_id, origin)
        return mail.filename, mail.pdf

    def certificate_recipients(self, event_id: str) -> list[str]:
        return self._certificates.eligible_attendees(event_id)
