"""Allowance payments and paper-list ticks (API.md section 12).

Both live in the attendee's partition (`ATTENDEE#<id>`), so one Query on that
key finds a person's payments; the index finds an event's payments of an
allowance (by date) and a day's ticks.

- A payment is one item per person, day and allowance, put only where none is,
  in one transaction with a check that the attendee has a check-in that day:
  ten desks paying at once make one payment, and no one is paid for a day
  they were not checked in.
- A tick is one item per person and day, put only where none is: entering the
  same sheet twice records nothing new.
"""

from __future__ import annotations

from datetime import date, datetime

from botocore.exceptions import ClientError

from chalicelib.core.domain import Attendee
from chalicelib.core.money import Payment
from chalicelib.store.client import error_code
from chalicelib.store.codec import dump, load, values
from chalicelib.store.conditions import (
    Condition,
    attendee_is_active,
    attendee_of_event,
    checkin_on,
    item_exists,
    item_is_new,
)
from chalicelib.store.keys import (
    attendee_key,
    payment_key,
    payments_partition,
    signature_key,
    signatures_partition,
)
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled, expression_args

PAYMENT, ATTENDEE = "payment", "attendee"


class PaymentRefused(Exception):
    """The payment was not written: `existing` is the first payment, if that was why;
    else `attendee` is the attendee as it stands (None: no such item)."""

    def __init__(self, existing: Payment | None, attendee: dict | None) -> None:
        super().__init__("payment refused")
        self.existing = existing
        self.attendee = attendee


def payment_item(payment: Payment) -> dict:
    on = payment.day.isoformat()
    return {
        **payment_key(payment.attendee_id, payment.allowance, on),
        "gsi1pk": payments_partition(payment.event_id, payment.allowance),
        "gsi1sk": f"{on}#{payment.attendee_id}",
        "event_id": payment.event_id,
        "attendee_id": payment.attendee_id,
        "allowance": payment.allowance,
        "date": on,
        "amount": payment.amount,
        "paid_at": payment.paid_at.isoformat(),
        "desk": payment.desk,
        "desk_token_id": payment.desk_token_id,
    }


def payment_from_item(item: dict) -> Payment:
    return Payment(
        event_id=item["event_id"],
        attendee_id=item["attendee_id"],
        allowance=item["allowance"],
        day=date.fromisoformat(item["date"]),
        amount=int(item["amount"]),
        paid_at=datetime.fromisoformat(item["paid_at"]),
        desk=item.get("desk"),
        desk_token_id=item.get("desk_token_id"),
    )


class MoneyRepository:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.client

    # payments -------------------------------------------------------------------

    def pay(self, payment: Payment) -> None:
        """Write the payment if it is the first, and the attendee (of this event,
        active) has a check-in that day. Raises PaymentRefused otherwise."""
        condition: Condition = (
            attendee_of_event(payment.event_id) & attendee_is_active & checkin_on(payment.day)
        )
        tx = self._table.transaction()
        tx.put_new(PAYMENT, payment_item(payment), hand_back=True)
        tx.check(ATTENDEE, attendee_key(payment.attendee_id), condition, hand_back=True)
        try:
            tx.commit()
        except Cancelled as cancelled:
            if cancelled.failed(PAYMENT):
                item = cancelled.item(PAYMENT)
                raise PaymentRefused(payment_from_item(item) if item else None, None) from None
            if cancelled.failed(ATTENDEE):
                raise PaymentRefused(None, cancelled.item(ATTENDEE)) from None
            raise

    def undo(self, attendee_id: str, allowance: str, on: date) -> Payment | None:
        """Delete one payment; the payment as it was, or None if there was none."""
        try:
            response = self._client.delete_item(
                TableName=self._table.name,
                Key=dump(payment_key(attendee_id, allowance, on.isoformat())),
                **expression_args(item_exists),
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return None
            raise
        return payment_from_item(load(response["Attributes"]))

    def of_attendee(self, attendee_id: str) -> list[Payment]:
        """A person's payments: one Query on their partition, by allowance and date."""
        items = self._table.query_all(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :pay)",
            ExpressionAttributeValues=values(
                {":pk": attendee_key(attendee_id)["pk"], ":pay": "PAY#"}
            ),
        )
        return [payment_from_item(item) for item in items]

    def of_allowance(self, event_id: str, allowance: str, on: date | None = None) -> list[Payment]:
        """An event's payments of one allowance (of one day, if given), by date."""
        condition = "gsi1pk = :pk"
        named = {":pk": payments_partition(event_id, allowance)}
        if on is not None:
            condition += " AND begins_with(gsi1sk, :day)"
            named[":day"] = f"{on.isoformat()}#"
        items = self._table.query_all(
            IndexName="gsi1",
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values(named),
        )
        return [payment_from_item(item) for item in items]

    # the signed paper list ----------------------------------------------------------

    def sign(
        self, event_id: str, attendees: list[Attendee], on: date, at: datetime, by: str | None
    ) -> int:
        """Record each person's tick for the day; the number that were new."""
        new = 0
        for attendee in attendees:
            item = {
                **signature_key(attendee.id, on.isoformat()),
                "gsi1pk": signatures_partition(event_id, on.isoformat()),
                "gsi1sk": attendee.id,
                "event_id": event_id,
                "attendee_id": attendee.id,
                "date": on.isoformat(),
                "recorded_at": at.isoformat(),
                "recorded_by": by,
            }
            try:
                self._client.put_item(
                    TableName=self._table.name, Item=dump(item), **expression_args(item_is_new)
                )
            except ClientError as error:
                if error_code(error) == "ConditionalCheckFailedException":
                    continue
                raise
            new += 1
        return new

    def signed_on(self, event_id: str, on: date) -> set[str]:
        """The ids of the people ticked on the day's signed sheet."""
        items = self._table.query_all(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues=values(
                {":pk": signatures_partition(event_id, on.isoformat())}
            ),
        )
        return {item["attendee_id"] for item in items}
