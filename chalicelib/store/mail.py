"""The email record (issue 21): what was queued, sent or failed, per attendee.

Each message is one item in the attendee's partition (`ATTENDEE#<id>`,
`MAIL#<queued at>#<mail id>`), so one Query, newest first, gives a person's
last messages; the index (`EVENT#<event>#MAIL#<kind>`, `<attendee>#...`)
gives who has been sent one of a kind. A message's status moves from
`queued` to `sent` or `failed` by key, only while it is still there.

Minting a new manage token for a bulk send replaces the lookup item in one
transaction with the attendee's `manage_hash`, and only from the hash read:
a withdrawal or another send racing it makes one of them retry.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from chalicelib.core.mail import MailRecord
from chalicelib.store.client import error_code
from chalicelib.store.codec import dump, load
from chalicelib.store.conditions import Condition, attendee_is_active, item_exists
from chalicelib.store.errors import Conflict
from chalicelib.store.keys import TTL_ATTRIBUTE, attendee_key, manage_key
from chalicelib.store.table import Table
from chalicelib.store.transactions import Cancelled, expression_args

ATTENDEE, OLD, NEW = "attendee", "old_manage", "new_manage"

# The most messages an attendee's record shows (newest first).
SHOWN = 20


def mail_key(attendee_id: str, queued_at: str, mail_id: str) -> dict:
    return {"pk": f"ATTENDEE#{attendee_id}", "sk": f"MAIL#{queued_at}#{mail_id}"}


def mail_partition(event_id: str, kind: str) -> str:
    return f"EVENT#{event_id}#MAIL#{kind}"


def mail_item(record: MailRecord, expires_at: int | None) -> dict:
    return {
        **mail_key(record.attendee_id, record.queued_at, record.mail_id),
        "gsi1pk": mail_partition(record.event_id, record.kind),
        "gsi1sk": f"{record.attendee_id}#{record.queued_at}",
        "event_id": record.event_id,
        "attendee_id": record.attendee_id,
        "mail_id": record.mail_id,
        "kind": record.kind,
        "queued_at": record.queued_at,
        "status": record.status,
        "sent_at": record.sent_at,
        "reason": record.reason,
        TTL_ATTRIBUTE: expires_at,
    }


def mail_from_item(item: dict) -> MailRecord:
    return MailRecord(
        event_id=item["event_id"],
        attendee_id=item["attendee_id"],
        mail_id=item["mail_id"],
        kind=item["kind"],
        queued_at=item["queued_at"],
        status=item["status"],
        sent_at=item.get("sent_at"),
        reason=item.get("reason"),
    )


class MailRepository:
    def __init__(self, table: Table) -> None:
        self._table = table

    def queued(self, record: MailRecord, expires_at: int | None) -> None:
        """Record a message as queued (a new item: its id is new)."""
        self._table.client.put_item(
            TableName=self._table.name,
            Item=dump(mail_item(record, expires_at)),
        )

    def mark(self, record: MailRecord, status: str, at: str, reason: str | None) -> None:
        """Move a message to `sent` or `failed`, if its record is still there
        (an erased person's record is not brought back)."""
        names = {"#status": "status"}
        try:
            self._table.client.update_item(
                TableName=self._table.name,
                Key=dump(mail_key(record.attendee_id, record.queued_at, record.mail_id)),
                UpdateExpression="SET #status = :status, sent_at = :at, reason = :reason",
                **expression_args(
                    item_exists, names, {":status": status, ":at": at, ":reason": reason or ""}
                ),
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise

    def of_attendee(self, attendee_id: str) -> list[MailRecord]:
        """The attendee's last messages, newest first (at most SHOWN)."""
        page = self._table.client.query(
            TableName=self._table.name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :mail)",
            ExpressionAttributeValues={
                ":pk": {"S": f"ATTENDEE#{attendee_id}"},
                ":mail": {"S": "MAIL#"},
            },
            ScanIndexForward=False,
            Limit=SHOWN,
            ConsistentRead=True,
        )
        return [mail_from_item(load(item)) for item in page.get("Items", [])]

    def sent_or_queued(self, event_id: str, kind: str) -> set[str]:
        """Who has a message of this kind queued or sent (a failed one is sent again)."""
        items = self._table.query_all(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": {"S": mail_partition(event_id, kind)}},
        )
        return {item["attendee_id"] for item in items if item.get("status") != "failed"}

    def rotate_manage(self, attendee_id: str, new_hash: str) -> None:
        """Replace the attendee's manage token by one whose hash is `new_hash`: the
        old link dies and the new one works, in one transaction, from the hash as
        read. Conflict if the attendee changed meanwhile; LookupError if the
        registration is not active (cancelled, withdrawn, erased)."""
        raw = self._table.get(attendee_key(attendee_id))
        item = load(raw) if raw else None
        if item is None or item.get("status") != "active":
            raise LookupError(attendee_id)
        old = item.get("manage_hash")
        as_read = (
            Condition("manage_hash = :old", values={":old": old})
            if old
            else Condition("attribute_not_exists(manage_hash)")
        )
        tx = self._table.transaction()
        tx.update(
            ATTENDEE,
            attendee_key(attendee_id),
            "SET manage_hash = :new",
            attendee_is_active & as_read,
            plain_values={":new": new_hash},
        )
        if old:
            tx.delete(OLD, manage_key(old))
        expiry = item.get(TTL_ATTRIBUTE)
        tx.put_new(
            NEW,
            {
                **manage_key(new_hash),
                "attendee_id": attendee_id,
                "event_id": item["event_id"],
                TTL_ATTRIBUTE: int(expiry) if expiry is not None else None,
            },
        )
        try:
            tx.commit()
        except Cancelled:
            raise Conflict() from None
