"""The scan log: every scan attempt, and the answer to replay for its scan_id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core.records import ScanEntry, ScanRecord
from chalicelib.store.client import error_code
from chalicelib.store.codec import dump, scan_entry, scan_item, scan_record, values
from chalicelib.store.conditions import item_is_new
from chalicelib.store.errors import ScanReplayed
from chalicelib.store.keys import INDEX_KEY, scan_key, scans_partition
from chalicelib.store.table import Table
from chalicelib.store.transactions import expression_args


class ScanRepository:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.client

    def log(self, scan: ScanEntry) -> None:
        """Record a scan that changed nothing. Raises ScanReplayed if its id is taken."""
        try:
            self._client.put_item(
                TableName=self._table.name,
                Item=dump(scan_item(scan)),
                **expression_args(item_is_new),
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                raise ScanReplayed() from None
            raise

    def get(self, event_id: str, scan_id: str) -> ScanRecord | None:
        return scan_record(self._table.get(scan_key(event_id, scan_id)))

    def list_page(
        self,
        event_id: str,
        day: date | None,
        keep: Callable[[ScanEntry], bool],
        cursor: str | None,
        limit: int,
    ) -> tuple[list[ScanEntry], str | None]:
        """The scan log, oldest first, of one event day or of all."""
        partition = scans_partition(event_id)
        condition = "gsi1pk = :pk"
        plain: dict[str, Any] = {":pk": partition}
        if day is not None:
            condition += " AND begins_with(gsi1sk, :day)"
            plain[":day"] = f"{day.isoformat()}#"
        return self._table.page(
            {
                "IndexName": "gsi1",
                "KeyConditionExpression": condition,
                "ExpressionAttributeValues": values(plain),
            },
            INDEX_KEY,
            {"gsi1pk": partition},
            cursor,
            scan_entry,
            keep,
            limit,
        )
