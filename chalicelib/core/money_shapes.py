"""The replies of the money and paper routes (API.md section 12), as OpenAPI documents them."""

from __future__ import annotations

from typing_extensions import TypedDict

from chalicelib.core.shapes import Date, Instant, Payment


class PaymentUndone(Payment):
    undone_at: Instant


class SignaturesRecorded(TypedDict):
    recorded: int
    """The ticks new to Hadir; ticks entered before are not counted again."""
    already_recorded: int


class PersonRef(TypedDict):
    attendee_id: str
    name: str


class Reconciliation(TypedDict):
    date: Date
    signed_not_checked_in: list[PersonRef]
    checked_in_not_signed: list[PersonRef]
    both: int


class SheetRow(TypedDict):
    number: int
    attendee_id: str
    name: str
    organisation: str
    checked_in: bool
    signed: bool


class SheetRows(TypedDict):
    """The rows of a day's sign-in sheet, numbered as printed."""

    date: Date
    as_of: Instant
    rows: list[SheetRow]


class UnpaidPerson(TypedDict):
    attendee_id: str
    name: str
    organisation: str
    checked_in_at: Instant
    checked_in_at_local: str


class Unpaid(TypedDict):
    """A day's checked-in people not yet paid an allowance, by name."""

    date: Date
    allowance: str
    amount: int
    """Whole Rupiah, per person, as the allowance stands."""
    checked_in: int
    paid: int
    unpaid: list[UnpaidPerson]
