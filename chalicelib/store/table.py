"""The table as the repositories read it: single items, batches, listings, cursors.

Every read is strongly consistent where DynamoDB allows it (the table, not
its index), and every listing reads a bounded number of items per request.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from chalicelib.core.errors import validation_error
from chalicelib.store.client import GuardedClient
from chalicelib.store.codec import dump, load
from chalicelib.store.errors import Conflict
from chalicelib.store.transactions import Transaction

T = TypeVar("T")

# The most items one listing request reads before it hands back a cursor.
MAX_ITEMS_PER_PAGE = 500


class Table:
    """One DynamoDB table through the guarded client."""

    def __init__(self, client: GuardedClient, name: str) -> None:
        self._client = client
        self.name = name

    @property
    def client(self) -> GuardedClient:
        return self._client

    def transaction(self) -> Transaction:
        return Transaction(self._client, self.name)

    def get(self, key: dict) -> dict | None:
        """One item, raw (typed), or None."""
        response = self._client.get_item(TableName=self.name, Key=dump(key), ConsistentRead=True)
        return response.get("Item")

    def batch_get(self, keys: Iterable[dict]) -> dict[tuple[str, str], dict]:
        """Raw items by (pk, sk); keys with no item are left out."""
        found: dict[tuple[str, str], dict] = {}
        pending = [dump(key) for key in keys]
        # At most 100 keys a request; and DynamoDB may hand some back
        # unprocessed under load, to be asked for again.
        for _ in range(10 + len(pending) // 100):
            if not pending:
                return found
            batch, pending = pending[:100], pending[100:]
            response = self._client.batch_get_item(
                RequestItems={self.name: {"Keys": batch, "ConsistentRead": True}}
            )
            for item in response.get("Responses", {}).get(self.name, []):
                found[(item["pk"]["S"], item["sk"]["S"])] = item
            pending += response.get("UnprocessedKeys", {}).get(self.name, {}).get("Keys", [])
        if pending:
            raise Conflict()
        return found

    def page(
        self,
        query: dict,
        key_names: tuple[str, ...],
        partition: dict[str, str],
        cursor: str | None,
        convert: Callable[[dict], T],
        keep: Callable[[T], bool],
        limit: int,
    ) -> tuple[list[T], str | None]:
        """Up to `limit` kept items of a query, converted, and a cursor for the rest.

        The cursor is the key of the last item looked at, so a page that stops
        in the middle of DynamoDB's page resumes exactly there. Each call reads
        at most MAX_ITEMS_PER_PAGE items: a filter that keeps few items gives
        short pages rather than long requests.
        """
        start = decode_cursor(cursor, key_names, partition) if cursor else None
        kept: list[T] = []
        read = 0
        while True:
            page = self._client.query(
                TableName=self.name,
                Limit=min(max(limit * 2, 25), MAX_ITEMS_PER_PAGE),
                **query,
                **({"ExclusiveStartKey": dump(start)} if start else {}),
            )
            items = [load(item) for item in page.get("Items", [])]
            for index, item in enumerate(items):
                read += 1
                value = convert(item)
                if keep(value):
                    kept.append(value)
                more = index + 1 < len(items) or "LastEvaluatedKey" in page
                if (len(kept) == limit or read >= MAX_ITEMS_PER_PAGE) and more:
                    return kept, encode_cursor({name: item[name] for name in key_names})
            if "LastEvaluatedKey" not in page:
                return kept, None
            start = load(page["LastEvaluatedKey"])

    def query_all(self, **kwargs: Any) -> list[dict]:
        """Every item a query finds, loaded."""
        items: list[dict] = []
        start: dict | None = None
        while True:
            page = self._client.query(
                TableName=self.name,
                # Strongly consistent reads exist on the table, not its index.
                ConsistentRead="IndexName" not in kwargs,
                **kwargs,
                **({"ExclusiveStartKey": start} if start else {}),
            )
            items.extend(load(item) for item in page.get("Items", []))
            start = page.get("LastEvaluatedKey")
            if not start:
                return items


def encode_cursor(key: dict[str, str]) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, key_names: tuple[str, ...], partition: dict[str, str]) -> dict:
    """A cursor this store handed out for this very listing, or a 422."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        key = None
    if (
        not isinstance(key, dict)
        or set(key) != set(key_names)
        or not all(isinstance(value, str) for value in key.values())
        or any(key.get(name) != value for name, value in partition.items())
    ):
        raise validation_error(
            [{"field": "next", "message": "is not a cursor from this listing"}],
            "The paging cursor is not valid here.",
        )
    return key
