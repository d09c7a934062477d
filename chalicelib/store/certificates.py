"""Certificate numbers: given once per attendee, never twice, never changed.

A number is given in one transaction of two writes: the number's own item
(`CERT#<number>`, new: no number is ever given twice; it keeps the name and the
days attended as the certificate shows them, its own record, which outlives the
registration's retention erasure) and the attendee's
`certificate` attribute (set only where none is yet, on an active
registration). Two requests giving the same person a number at once: one
transaction wins, the other is cancelled and reads the winner's number back.

Sequences come from a counter item beside the event (`CERTSEQ`), moved by an
atomic ADD that hands back its new value: each caller reserves its own block,
so no two callers ever hold the same sequence, and nothing is read before it is
written. A block a cancelled transaction does not use leaves a gap in the
sequence: harmless, since a sequence is for reading, and never reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.store.codec import dump, load, values
from chalicelib.store.conditions import Condition, attendee_is_active, attendee_of_event
from chalicelib.store.keys import attendee_key, certificate_counter_key, certificate_key
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled

no_certificate_yet = Condition(
    "attribute_not_exists(#certificate)", {"#certificate": "certificate"}
)

# A transaction holds at most 100 writes; two a number.
MAX_NUMBERS_PER_WRITE = 50


@dataclass(frozen=True)
class CertificateRecord:
    number: str
    event_id: str
    attendee_id: str
    sequence: int
    issued_at: str
    # What verification shows, as it was when the number was given.
    name: str
    days_attended: list[str]


@dataclass(frozen=True)
class NewNumber:
    attendee_id: str
    number: str
    sequence: int
    name: str
    days_attended: list[str]


class CertificateRepository:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.client

    def reserve(self, event_id: str, count: int) -> int:
        """The first of `count` sequences no one else will ever be handed."""
        response = self._client.update_item(
            TableName=self._table.name,
            Key=dump(certificate_counter_key(event_id)),
            UpdateExpression="ADD #last :count",
            ExpressionAttributeNames={"#last": "last"},
            ExpressionAttributeValues=values({":count": count}),
            ReturnValues="UPDATED_NEW",
        )
        last = int(load(response["Attributes"])["last"])
        return last - count + 1

    def give(self, event_id: str, numbers: list[NewNumber], at: datetime) -> bool:
        """Give each attendee its number, all or none; False if any condition failed
        (one already has a number, is no longer active, or a number is taken)."""
        tx = self._table.transaction()
        for index, new in enumerate(numbers):
            tx.put_new(
                f"number{index}",
                {
                    **certificate_key(new.number),
                    "number": new.number,
                    "event_id": event_id,
                    "attendee_id": new.attendee_id,
                    "sequence": new.sequence,
                    "issued_at": at.isoformat(),
                    "name": new.name,
                    "days_attended": new.days_attended,
                },
            )
            tx.update(
                f"attendee{index}",
                attendee_key(new.attendee_id),
                "SET #certificate = :number",
                attendee_is_active & attendee_of_event(event_id) & no_certificate_yet,
                plain_values={":number": new.number},
            )
        try:
            tx.commit()
        except Cancelled:
            return False
        return True

    def get(self, number: str) -> CertificateRecord | None:
        item = self._table.get(certificate_key(number))
        if item is None:
            return None
        data = load(item)
        return CertificateRecord(
            number=data["number"],
            event_id=data["event_id"],
            attendee_id=data["attendee_id"],
            sequence=int(data["sequence"]),
            issued_at=data["issued_at"],
            name=data.get("name", ""),
            days_attended=list(data.get("days_attended", [])),
        )
