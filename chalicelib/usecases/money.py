"""Money and paper (API.md section 12): allowance payments, the receipt sheet, the
finance CSV, and the signed paper list brought back (ticks, sheet rows, reconciliation).

Payments are written once per person, day and allowance by DynamoDB's own
conditions (chalicelib/store/money.py); everything here reads and decides.
"""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.core.auth import Staff
from chalicelib.core.badges import is_attendee_id
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, local_iso, local_time, utc_iso
from chalicelib.core.errors import (
    AlreadyPaid,
    Code,
    Refusal,
    allowance_not_found,
    attendee_not_found,
    not_an_event_day,
)
from chalicelib.core.models import (
    Allowance,
    Event,
    EventDay,
)
from chalicelib.core.money import (
    Payment,
    allowance_csv,
    checked_in_on,
    payment_json,
    reconcile,
    sign_in_rows,
)
from chalicelib.core.queries import (
    AllowanceSheetQuery,
    PaperSignatures,
    PaymentRequest,
)
from chalicelib.store import PaymentRefused
from chalicelib.usecases.common import event_record, parse_date
from chalicelib.usecases.ports import Stores

# API Gateway and Lambda answer at most 6 MB, sent as base64 (as printing.py).
MAX_PDF_BYTES = 4_400_000


def _allowance(event: Event, code: str) -> Allowance:
    allowance = event.allowance(code)
    if allowance is None:
        raise allowance_not_found()
    return allowance


def _day(event: Event, on: date) -> EventDay:
    day = event.day_on(on)
    if day is None:
        raise not_an_event_day(on.isoformat())
    return day


def _person(attendee: Attendee) -> dict:
    return {"attendee_id": attendee.id, "name": attendee.name}


def payments_of(store: Stores, event: Event, attendee_id: str) -> list[dict]:
    """A person's payments, by date then allowance: one Query on their key."""
    payments = store.money.of_attendee(attendee_id)
    payments.sort(key=lambda p: (p.day, p.allowance))
    return [payment_json(event, p) for p in payments if p.event_id == event.id]


class Money:
    def __init__(self, store: Stores, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # payments ---------------------------------------------------------------------

    def pay(self, event_id: str, code: str, request: PaymentRequest, staff: Staff) -> dict:
        """Pay one allowance for one day attended: once, and only after a check-in."""
        event = event_record(self._store, event_id).event
        allowance = _allowance(event, code)
        day = _day(event, request.date)
        if not is_attendee_id(request.attendee_id):
            raise attendee_not_found()
        payment = Payment(
            event_id=event_id,
            attendee_id=request.attendee_id,
            allowance=allowance.code,
            day=day.date,
            amount=allowance.amount,
            paid_at=self._clock.now(),
            desk=staff.label,
            desk_token_id=staff.token_id,
        )
        try:
            self._store.money.pay(payment)
        except PaymentRefused as refused:
            if refused.existing is not None:
                raise AlreadyPaid(
                    utc_iso(refused.existing.paid_at), refused.existing.desk
                ) from None
            if refused.attendee is None or refused.attendee.get("event_id") != event_id:
                raise attendee_not_found() from None
            raise Refusal(
                Code.NOT_CHECKED_IN,
                f"This attendee has no check-in on {day.date.isoformat()}.",
            ) from None
        return payment_json(event, payment)

    def undo(self, event_id: str, code: str, attendee_id: str, on: str) -> dict:
        event = event_record(self._store, event_id).event
        allowance = _allowance(event, code)
        day = parse_date(on)
        payment = (
            self._store.money.undo(attendee_id, allowance.code, day)
            if is_attendee_id(attendee_id)
            else None
        )
        if payment is None or payment.event_id != event_id:
            raise Refusal(Code.PAYMENT_NOT_FOUND, "There is no such payment to undo.")
        return {**payment_json(event, payment), "undone_at": utc_iso(self._clock.now())}

    # the receipt sheet and the finance CSV -------------------------------------------

    def allowance_sheet(self, event_id: str, query: AllowanceSheetQuery) -> bytes:
        from chalicelib.documents.receipts import ReceiptRow, ReceiptSheet, receipt_sheet_pdf

        event = event_record(self._store, event_id).event
        allowance = _allowance(event, query.allowance)
        day = _day(event, query.day)
        people = checked_in_on(self._store.attendees.all_of(event_id), day.date)
        paid = {
            p.attendee_id: p
            for p in self._store.money.of_allowance(event_id, allowance.code, day.date)
        }
        rows = [
            ReceiptRow(
                name=a.name,
                organisation=a.organisation,
                paid_at=local_time(event, paid[a.id].paid_at) if a.id in paid else None,
            )
            for a in people
        ]
        pdf = receipt_sheet_pdf(
            ReceiptSheet(
                event_title=event.title,
                venue=event.venue.name,
                day_number=day.number,
                day=day.date,
                allowance_label=allowance.label,
                amount=allowance.amount,
                rows=rows,
            )
        )
        if len(pdf) > MAX_PDF_BYTES:
            raise Refusal(Code.SHEET_TOO_LARGE, "This sheet is too large to send at once.")
        return pdf

    def allowance_csv(self, event_id: str, code: str) -> str:
        event = event_record(self._store, event_id).event
        allowance = _allowance(event, code)
        attendees = self._store.attendees.all_of(event_id)
        payments = self._store.money.of_allowance(event_id, allowance.code)
        return allowance_csv(event, allowance, attendees, payments)

    # the paper list brought back --------------------------------------------------------

    def sign(self, event_id: str, ticks: PaperSignatures, staff: Staff) -> dict:
        """Record the ticks of a signed daftar hadir; entering a sheet twice adds nothing."""
        event = event_record(self._store, event_id).event
        day = _day(event, ticks.date)
        wanted = list(dict.fromkeys(ticks.attendee_ids))
        if not all(is_attendee_id(attendee_id) for attendee_id in wanted):
            raise attendee_not_found()
        found = self._store.attendees.get_many(wanted)
        people = [found.get(attendee_id) for attendee_id in wanted]
        if any(a is None or a.event_id != event_id for a in people):
            raise attendee_not_found()
        known = [a for a in people if a is not None]
        new = self._store.money.sign(event_id, known, day.date, self._clock.now(), staff.label)
        return {"recorded": new, "already_recorded": len(known) - new}

    def reconciliation(self, event_id: str, on: date) -> dict:
        event = event_record(self._store, event_id).event
        day = _day(event, on)
        attendees = self._store.attendees.all_of(event_id)
        result = reconcile(attendees, self._store.money.signed_on(event_id, day.date), day.date)
        return {
            "date": day.date.isoformat(),
            "signed_not_checked_in": [_person(a) for a in result.signed_not_checked_in],
            "checked_in_not_signed": [_person(a) for a in result.checked_in_not_signed],
            "both": result.both,
        }

    def sheet_rows(self, event_id: str, on: date, as_of: datetime | None) -> dict:
        """The day's sign-in sheet as printed at `as_of` (default now): row n is person n."""
        event = event_record(self._store, event_id).event
        day = _day(event, on)
        moment = (as_of or self._clock.now()).replace(microsecond=0)
        attendees = self._store.attendees.all_of(event_id)
        signed = self._store.money.signed_on(event_id, day.date)
        rows = sign_in_rows(attendees, day.date, moment)
        return {
            "date": day.date.isoformat(),
            "as_of": utc_iso(moment),
            "rows": [
                {
                    "number": number,
                    "attendee_id": a.id,
                    "name": a.name,
                    "organisation": a.organisation,
                    "checked_in": day.date in a.checkins,
                    "signed": a.id in signed,
                }
                for number, a in enumerate(rows, 1)
            ],
        }

    def unpaid(self, event_id: str, code: str, on: date) -> dict:
        """The day's checked-in people without a payment of the allowance, by name.

        Two Queries, no Scan: the event's people on the index (its name-ordered
        partition; their check-ins are on their items) and the allowance's
        payments of that day (its own index partition, by date).
        """
        event = event_record(self._store, event_id).event
        allowance = _allowance(event, code)
        day = _day(event, on)
        people = checked_in_on(self._store.attendees.all_of(event_id), day.date)
        payments = self._store.money.of_allowance(event_id, allowance.code, day.date)
        paid = {payment.attendee_id for payment in payments}
        unpaid = [a for a in people if a.id not in paid]
        return {
            "date": day.date.isoformat(),
            "allowance": allowance.code,
            "amount": allowance.amount,
            "checked_in": len(people),
            "paid": len(people) - len(unpaid),
            "unpaid": [
                {
                    "attendee_id": a.id,
                    "name": a.name,
                    "organisation": a.organisation,
                    "checked_in_at": utc_iso(a.checkins[day.date].at),
                    "checked_in_at_local": local_iso(event, a.checkins[day.date].at),
                }
                for a in unpaid
            ],
        }
