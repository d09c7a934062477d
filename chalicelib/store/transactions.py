"""Writes in one transaction, each in a named slot.

    tx = Transaction(client, table)
    tx.update("attendee", key, "SET ...", attendee_is_active & checkin_count_is(n))
    tx.count("event", record, {"registered": 1})
    tx.put_new("scan", scan_item(entry))
    tx.commit()

A cancelled transaction raises `Cancelled`, whose reasons are read by slot
name (`cancelled.failed("scan")`), never by position, so adding a write to a
transaction cannot shift which failure is read as which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core.records import EventRecord
from chalicelib.store.client import GuardedClient, error_code
from chalicelib.store.codec import dump, load, values
from chalicelib.store.conditions import Condition, event_revision_is, item_is_new, merged
from chalicelib.store.keys import event_key


def expression_args(
    condition: Condition | None,
    names: dict[str, str] | None = None,
    plain_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """ConditionExpression and the placeholders of it and of an update, as request arguments.

    DynamoDB refuses empty placeholder maps, so an empty one is left out.
    """
    all_names = merged(condition.names if condition else {}, names or {})
    all_values = merged(condition.values if condition else {}, plain_values or {})
    args: dict[str, Any] = {}
    if condition is not None:
        args["ConditionExpression"] = condition.expression
    if all_names:
        args["ExpressionAttributeNames"] = all_names
    if all_values:
        args["ExpressionAttributeValues"] = values(all_values)
    return args


@dataclass(frozen=True)
class Reason:
    """Why DynamoDB cancelled one slot's write; `item` is handed back when asked for."""

    code: str | None = None
    item: dict | None = None  # loaded

    @property
    def failed(self) -> bool:
        return self.code == "ConditionalCheckFailed"


class Cancelled(Exception):
    """A transaction DynamoDB cancelled, with each slot's reason."""

    def __init__(self, reasons: dict[str, Reason]) -> None:
        super().__init__("transaction cancelled")
        self.reasons = reasons

    def failed(self, slot: str) -> bool:
        """True if this slot's condition did not hold."""
        return self.reasons.get(slot, Reason()).failed

    def item(self, slot: str) -> dict | None:
        """The item as it was when this slot's condition failed, if handed back."""
        return self.reasons.get(slot, Reason()).item


class Transaction:
    """A TransactWriteItems request built slot by slot; all of it is written or none."""

    def __init__(self, client: GuardedClient, table: str) -> None:
        self._client = client
        self._table = table
        self._slots: list[str] = []
        self._operations: list[dict] = []

    def _add(self, slot: str, operation: dict) -> None:
        if slot in self._slots:
            raise ValueError(f"slot {slot} used twice")
        self._slots.append(slot)
        self._operations.append(operation)

    def put_new(self, slot: str, item: dict, hand_back: bool = False) -> None:
        """Put an item where none is yet; with `hand_back`, a failure returns the one there."""
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": dump(item),
            **expression_args(item_is_new),
        }
        if hand_back:
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._add(slot, {"Put": put})

    def update(
        self,
        slot: str,
        key: dict,
        expression: str,
        condition: Condition | None = None,
        names: dict[str, str] | None = None,
        plain_values: dict[str, Any] | None = None,
        hand_back: bool = False,
    ) -> None:
        """Update an item if `condition` holds; with `hand_back`, a failure returns it."""
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": dump(key),
            "UpdateExpression": expression,
            **expression_args(condition, names, plain_values),
        }
        if hand_back:
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._add(slot, {"Update": update})

    def check(self, slot: str, key: dict, condition: Condition, hand_back: bool = False) -> None:
        """Write nothing here, but only if `condition` holds of the item at `key`."""
        check: dict[str, Any] = {
            "TableName": self._table,
            "Key": dump(key),
            **expression_args(condition),
        }
        if hand_back:
            check["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._add(slot, {"ConditionCheck": check})

    def delete(self, slot: str, key: dict, condition: Condition | None = None) -> None:
        self._add(
            slot,
            {"Delete": {"TableName": self._table, "Key": dump(key), **expression_args(condition)}},
        )

    def count(
        self,
        slot: str,
        record: EventRecord,
        changes: dict[str, int],
        condition: Condition | None = None,
    ) -> None:
        """Move the event's counters by `changes`, if the event is still as read
        (and `condition` holds). A failure hands back the event item as it is."""
        revision = event_revision_is(record.revision)
        self.update(
            slot,
            event_key(record.event.id),
            "ADD " + ", ".join(f"#n{index} :v{index}" for index in range(len(changes))),
            revision & condition if condition else revision,
            {f"#n{index}": name for index, name in enumerate(changes)},
            {f":v{index}": delta for index, delta in enumerate(changes.values())},
            hand_back=True,
        )

    def commit(self) -> None:
        """Write it all or nothing; Cancelled, with reasons by slot, if DynamoDB refused."""
        try:
            self._client.transact_write_items(TransactItems=self._operations)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise
            given = error.response.get("CancellationReasons") or []
            reasons = {
                slot: Reason(
                    reason.get("Code"), load(reason["Item"]) if reason.get("Item") else None
                )
                for slot, reason in zip(self._slots, given, strict=False)
            }
            raise Cancelled(reasons) from None
