"""Money and paper (API.md section 12), pure: Rupiah, payments, sheet rows, reconciliation.

An allowance is paid per person per day attended; the receipt sheet, the
finance CSV and the reconciliation of the signed paper list are all made from
the same check-ins, so their totals agree by construction.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.core.domain import Attendee, utc_iso
from chalicelib.core.models import Allowance, Event
from chalicelib.core.presenters import GuardedWriter
from chalicelib.core.search import sort_key


def format_rupiah(amount: int) -> str:
    """`Rp150.000`: Indonesian thousands dot, no decimals (Rupiah has no cents in use)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


@dataclass(frozen=True)
class Payment:
    """One allowance paid to one person for one day: written once, by one desk."""

    event_id: str
    attendee_id: str
    allowance: str
    day: date
    amount: int  # as the allowance stood when paid
    paid_at: datetime
    desk: str | None = None
    desk_token_id: str | None = None


def payment_json(event: Event, payment: Payment) -> dict:
    return {
        "attendee_id": payment.attendee_id,
        "date": payment.day.isoformat(),
        "allowance": payment.allowance,
        "amount": payment.amount,
        "paid_at": utc_iso(payment.paid_at),
        "paid_at_local": payment.paid_at.astimezone(event.zone).isoformat(timespec="seconds"),
        "desk": payment.desk,
    }


def by_name(attendee: Attendee) -> tuple[str, str]:
    """The order of every list of people on paper: by name, the id breaking ties."""
    return sort_key(attendee.name), attendee.id


def expected_at(attendee: Attendee, day: date, as_of: datetime | None) -> bool:
    """Was this person on the day's sign-in sheet printed at `as_of` (None: now)?"""
    if day not in attendee.days:
        return False
    if as_of is None:
        return attendee.is_active
    if attendee.registered_at > as_of:
        return False
    return attendee.is_active or (
        attendee.cancelled_at is not None and attendee.cancelled_at > as_of
    )


def sign_in_rows(attendees: list[Attendee], day: date, as_of: datetime | None) -> list[Attendee]:
    """The sign-in sheet's rows, in order: row number n is the n-th of this list.

    The same `as_of` always gives the same rows in the same order: people who
    registered later, or were cancelled later, do not move the numbers of a
    sheet printed before.
    """
    return sorted((a for a in attendees if expected_at(a, day, as_of)), key=by_name)


def checked_in_on(attendees: list[Attendee], day: date) -> list[Attendee]:
    """The receipt sheet's rows: the people checked in that day, alphabetically."""
    return sorted((a for a in attendees if day in a.checkins), key=by_name)


@dataclass(frozen=True)
class Reconciled:
    signed_not_checked_in: list[Attendee]
    checked_in_not_signed: list[Attendee]
    both: int


def reconcile(attendees: list[Attendee], signed: set[str], day: date) -> Reconciled:
    """Paper against scans for one day. A cancelled registration's tick counts nowhere."""
    ordered = sorted(attendees, key=by_name)
    checked = {a.id for a in ordered if day in a.checkins}
    return Reconciled(
        signed_not_checked_in=[
            a for a in ordered if a.id in signed and a.id not in checked and a.is_active
        ],
        checked_in_not_signed=[a for a in ordered if a.id in checked and a.id not in signed],
        both=len(checked & signed),
    )


def allowance_csv(
    event: Event, allowance: Allowance, attendees: list[Attendee], payments: list[Payment]
) -> str:
    """One row per person per day attended, by day then name; UTF-8 with a BOM.

    `amount` is what is due for the day (the allowance's amount, as on the
    receipt sheet), so each day's total is the sheet's grand total.
    """
    paid = {(p.attendee_id, p.day): p for p in payments}
    buffer = io.StringIO()
    writer = GuardedWriter(buffer)  # every cell guarded against formulas, as every export
    writer.writerow(["name", "organisation", "date", "amount", "paid_at", "desk"])
    for day in event.dates:
        for attendee in checked_in_on(attendees, day):
            payment = paid.get((attendee.id, day))
            paid_at = (
                payment.paid_at.astimezone(event.zone).strftime("%Y-%m-%d %H:%M:%S")
                if payment
                else None
            )
            row = [
                attendee.name,
                attendee.organisation,
                day.isoformat(),
                allowance.amount,
                paid_at,
                payment.desk if payment else None,
            ]
            writer.writerow(row)
    return "\ufeff" + buffer.getvalue()
