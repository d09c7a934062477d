"""The DynamoDB client the store talks through, with transient faults named.

DynamoDB's "not now" (throttling, an internal error, a dropped connection)
becomes `Unavailable`, a refusal the edge answers with 503 and Retry-After.
Reads are asked again within a short share of the one backoff policy the
store is given; a write is never re-sent here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from chalicelib.core.backoff import Backoff
from chalicelib.core.errors import Refusal, temporarily_unavailable


class Unavailable(Refusal):
    """DynamoDB throttled, failed or did not answer in time: 503 if it reaches a client.

    After a write this means "unknown", not "not written": the write may have
    landed. Callers retry by reading again and deciding again, and every write's
    conditions (a scan_id or an email taken once, an expected serial) turn a
    write that already landed into its own record, never a second one.
    """

    def __init__(self) -> None:
        error = temporarily_unavailable()
        super().__init__(error.code, error.message)


# DynamoDB's answers that mean "not now" rather than "no".
_TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
_READS = frozenset({"get_item", "batch_get_item", "query"})


def is_transient(error: Exception) -> bool:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in _TRANSIENT_CODES
    # Refused, reset or timed out connections; a read timeout may follow a write that landed.
    return isinstance(error, (BotocoreConnectionError, HTTPClientError))


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class GuardedClient:
    """The DynamoDB client, with transient faults turned into Unavailable.

    Reads are asked again, with jittered pauses, within a short budget of their
    own. A write is never re-sent here: whether it landed is for the caller's
    read-decide-write loop to find out.
    """

    def __init__(self, client: Any, backoff: Backoff) -> None:
        self._client = client
        self._read_backoff = replace(backoff, budget_seconds=0.5, max_attempts=4)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method):  # `meta` and the like pass through untouched
            return method
        if name in _READS:
            return lambda **kwargs: self._read(method, kwargs)
        return lambda **kwargs: self._write(method, kwargs)

    def _read(self, method: Callable[..., dict], kwargs: dict) -> dict:
        last: Exception | None = None
        for _ in self._read_backoff.attempts():
            try:
                return method(**kwargs)
            except Exception as error:
                if not is_transient(error):
                    raise
                last = error
        raise Unavailable() from last

    @staticmethod
    def _write(method: Callable[..., dict], kwargs: dict) -> dict:
        try:
            return method(**kwargs)
        except Exception as error:
            if is_transient(error):
                raise Unavailable() from error
            raise


# DynamoDB Local's engines: the only one Hadir knows to need settling.
DYNAMODB_LOCAL = "dynamodb-local"
_SETTLE_KEY = {"pk": {"S": "SETTLE"}, "sk": {"S": "SETTLE"}}


def settle_transactions(client: Any, table_name: str) -> None:
    """Make DynamoDB Local's answer to TransactWriteItems mean "on disk".

    DynamoDB Local 1.25.1 answers a transaction a moment before its commit
    reaches the SQLite file: a SIGKILL within that moment loses a write it had
    answered (found by tests/stack/test_local_engine.py; single-item writes
    are not affected). Any later request on the same database waits for the
    commit, so one consistent read of a key that never exists, before the
    answer goes back, closes that window. AWS's DynamoDB needs none of this.
    """

    def settle(http_response: Any, **_: Any) -> None:
        if http_response.status_code == 200:
            client.get_item(TableName=table_name, Key=_SETTLE_KEY, ConsistentRead=True)

    client.meta.events.register("after-call.dynamodb.TransactWriteItems", settle)
