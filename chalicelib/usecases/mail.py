"""Email (API.md section 14): queue each person's badge or certificate, and send it.

Queuing is on the request path and quick: a record (`queued`) and a message
on the queue per person. Sending is the worker's: it renders the message (the
badge QR inline, the badge or certificate PDF attached, the manage link) and
hands the raw MIME to the sender (SES in AWS, the outbox locally), then
records `sent` or `failed`. The files' libraries (qrcode, fpdf2, Pillow) are
imported by the worker only.

The manage link: the store keeps only the token's hash, so a message cannot
be made from the store alone. At registration the token is in hand and goes
on the queue with the message. A later send (this route) mints a NEW token
for each person, replacing the lookup in one transaction: the link in the
newest email is the one that works, and an older one (the registration page's,
an earlier email's) stops working.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Protocol

from chalicelib.core import presenters
from chalicelib.core.auth import hash_token
from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, utc_iso
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.mail import (
    BADGE,
    BODIES,
    CERTIFICATE,
    FAILED,
    GREETING,
    MANAGE,
    SENT,
    SUBJECTS,
    WHEN_WHERE,
    EmailRequest,
    EmailSent,
    MailJob,
    language_of,
    short_reason,
)
from chalicelib.core.models import Event
from chalicelib.core.privacy import is_erased, new_manage_token
from chalicelib.store import Conflict
from chalicelib.usecases.common import Badges, event_record, find_attendee
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically

log = logging.getLogger("hadir.mail")


class MailQueue(Protocol):
    def put(self, job: dict) -> None: ...


class MailSender(Protocol):
    sender: str

    def send(self, recipient: str, raw: bytes, name: str) -> None: ...


class NoQueue:
    """No transport configured: a message queued is recorded as failed."""

    def put(self, job: dict) -> None:
        raise RuntimeError("no email transport is configured")


class Mail:
    def __init__(
        self,
        store: Stores,
        clock: Clock,
        badges: Badges,
        backoff: Backoff,
        queue: MailQueue,
        sender: MailSender | None,
        renderers: Renderers,
    ) -> None:
        self._store = store
        self._mail = store.mail
        self._clock = clock
        self._badges = badges
        self._backoff = backoff
        self._queue = queue
        self._sender = sender
        self._render = renderers

    # --- on the request path -------------------------------------------------------

    def send(self, event_id: str, request: EmailRequest, origin: str) -> dict:
        """Queue one message per person: 202 {"queued", "skipped_no_email"}."""
        record = event_record(self._store, event_id)
        event = record.event
        kind = request.kind
        if kind == CERTIFICATE:
            eligible = set(self._render.certificate_recipients(event_id))
            if not eligible:
                raise Refusal(
                    Code.NOT_YET_AVAILABLE,
                    "Certificates can be sent once the event's last day has closed.",
                )
        now = self._clock.now()
        if request.attendee_ids is None:
            done = self._mail.sent_or_queued(event_id, kind)
            people = [
                a
                for a in self._store.attendees.all_of(event_id)
                if a.is_active and a.id not in done and not is_erased(a, now)
            ]
        else:
            found = self._store.attendees.get_many(sorted(set(request.attendee_ids)))
            people = [
                a
                for a in found.values()
                if a.event_id == event_id and a.is_active and not is_erased(a, now)
            ]
        if kind == CERTIFICATE:
            people = [a for a in people if a.id in eligible]
        queued = skipped = failed = 0
        for attendee in sorted(people, key=lambda a: a.id):
            if not attendee.email:
                skipped += 1
                continue
            token = self._mint(attendee)
            if token is None:
                continue
            try:
                self._enqueue(event, attendee, kind, token, origin)
            except Exception as error:  # recorded as failed; the same POST retries it
                log.warning("email not queued: %s", short_reason(error))
                failed += 1
                continue
            queued += 1
        return {"queued": queued, "skipped_no_email": skipped, "failed": failed}

    def after_registration(self, event: Event, attendee: Attendee, token: str, origin: str) -> None:
        """Queue a new registration's badge if the event asks; never raises."""
        try:
            if not event.email.on_registration or not attendee.email:
                return
            self._enqueue(event, attendee, BADGE, token, origin)
        except Exception as error:  # a registration never fails for its email
            log.warning("badge email not queued: %s", short_reason(error))

    def history(self, attendee_id: str) -> list[EmailSent]:
        return [record.json() for record in self._mail.of_attendee(attendee_id)]

    def _mint(self, attendee: Attendee) -> str | None:
        token = new_manage_token()

        def attempt() -> bool:
            try:
                self._mail.rotate_manage(attendee.id, hash_token(token))
            except LookupError:
                return False
            return True

        return token if optimistically(self._backoff, attempt, also=(Conflict,)) else None

    def _enqueue(
        self, event: Event, attendee: Attendee, kind: str, token: str, origin: str
    ) -> None:
        job = MailJob(
            event_id=event.id,
            attendee_id=attendee.id,
            # Ordered by the real time it was made (a rehearsal clock may stand still).
            mail_id=f"{time.time_ns():016x}{uuid.uuid4().hex[:12]}",
            queued_at=utc_iso(self._clock.now()),
            kind=kind,
            origin=origin,
            token=token,
        )
        record = job.record()
        self._mail.queued(record, attendee.expires_at)
        try:
            self._queue.put(job.json())
        except Exception as error:
            self._mail.mark(record, FAILED, utc_iso(self._clock.now()), short_reason(error))
            raise

    # --- the worker ----------------------------------------------------------------

    def deliver(self, body: dict) -> str:
        """Render and send one queued message; record and return its status.

        A failure of the sender is recorded as `failed` and raised again, so the
        queue redelivers it (and, after its last try, keeps it in the dead-letter
        queue). A message for someone no longer there is dropped as `failed`.
        """
        job = MailJob.from_json(body)
        record = job.record()
        attendee = find_attendee(self._store, job.attendee_id)
        now = self._clock.now()
        if attendee is None or not attendee.is_active or is_erased(attendee, now):
            self._mail.mark(record, FAILED, utc_iso(now), "registration not active")
            return FAILED
        if not attendee.email:
            self._mail.mark(record, FAILED, utc_iso(now), "no email address")
            return FAILED
        if self._sender is None:
            self._mail.mark(record, FAILED, utc_iso(now), "no sender configured")
            return FAILED
        try:
            raw = self._letter(job, attendee)
            self._sender.send(attendee.email, raw, f"{job.queued_at}-{job.mail_id}")
        except Refusal as refusal:  # e.g. not eligible for a certificate any more
            self._mail.mark(record, FAILED, utc_iso(self._clock.now()), refusal.code.value)
            return FAILED
        except Exception as error:
            self._mail.mark(record, FAILED, utc_iso(self._clock.now()), short_reason(error))
            raise
        self._mail.mark(record, SENT, utc_iso(self._clock.now()), None)
        return SENT

    def _letter(self, job: MailJob, attendee: Attendee) -> bytes:
        from chalicelib.documents.email import Letter, mime_message
        from chalicelib.documents.qr import qr_png

        event = event_record(self._store, job.event_id).event
        language = language_of(attendee.language)
        code = self._badges.code(attendee)
        if job.kind == CERTIFICATE:
            name, pdf = self._render.certificate(job.event_id, attendee.id, job.origin)
        else:
            name, pdf = f"badge-{attendee.id}.pdf", self._render.badge_pdf(code)
        dates_label, venue_label = WHEN_WHERE[language]
        manage = f"{job.origin}/me/{job.token}" if job.token else job.origin
        assert self._sender is not None
        return mime_message(
            Letter(
                sender=self._sender.sender,
                recipient=attendee.email or "",
                subject=SUBJECTS[(job.kind, language)].format(title=event.title),
                greeting=GREETING[language].format(name=attendee.name),
                body=BODIES[(job.kind, language)],
                facts=(
                    ("Acara" if language == "id" else "Event", event.title),
                    (dates_label, presenters.date_range(event.dates)),
                    (venue_label, ", ".join(filter(None, (event.venue.name, event.venue.address)))),
                ),
                manage_label=MANAGE[language],
                manage_url=manage,
                qr_png=qr_png(code, box_size=8) if job.kind == BADGE else None,
                attachment_name=name,
                attachment=pdf,
                language=language,
            )
        )


class Renderers(Protocol):
    def badge_pdf(self, code: str) -> bytes: ...
    def certificate(self, event_id: str, attendee_id: str, origin: str) -> tuple[str, bytes]: ...
    def certificate_recipients(self, event_id: str) -> list[str]: ...
