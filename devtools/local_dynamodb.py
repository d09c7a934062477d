"""An embedded DynamoDB for local runs and tests: moto, made atomic per request.

moto applies a transaction item by item and rolls back by restoring a copy of
the whole table, with no lock: two threads running transactions at once can
both pass their conditions, or one can wipe the other's writes on rollback.
Real DynamoDB serialises conflicting requests. Holding one lock per moto
DynamoDB request gives moto that guarantee, so concurrency tests exercise our
conditions rather than moto's races.

moto also takes that copy of the whole table once per item of a transaction,
before changing anything, so every copy is the same; one per transaction is
kept instead. A registration's forty search-word items otherwise cost forty
copies of the table.
"""

from __future__ import annotations

import copy
import threading

import moto.dynamodb.models as moto_models
from moto.dynamodb.responses import DynamoHandler

_lock = threading.RLock()
_patched = False


def serialise_moto_dynamodb() -> None:
    global _patched
    if _patched:
        return
    original = DynamoHandler.call_action

    def call_action_atomically(self):
        with _lock:
            return original(self)

    DynamoHandler.call_action = call_action_atomically
    _copy_tables_once_per_transaction()
    _patched = True


class _CopyOnce:
    """Stands in for the `copy` module inside moto's DynamoDB models."""

    def __init__(self) -> None:
        self.copies: dict[int, object] | None = None

    def deepcopy(self, value, memo=None):
        # Only whole tables, taken as the transaction's backup, are shared.
        if self.copies is None or not isinstance(value, moto_models.Table):
            return copy.deepcopy(value, memo)
        if id(value) not in self.copies:
            self.copies[id(value)] = copy.deepcopy(value, memo)
        return self.copies[id(value)]


def _copy_tables_once_per_transaction() -> None:
    shim = _CopyOnce()
    moto_models.copy = shim
    original = moto_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        shim.copies = {}
        try:
            return original(self, transact_items)
        finally:
            shim.copies = None

    moto_models.DynamoDBBackend.transact_write_items = transact_write_items


def start_server(host: str = "127.0.0.1", port: int = 0):
    """Start moto's server in this process; returns it and its endpoint URL."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    serialise_moto_dynamodb()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    return server, f"http://{bound_host}:{bound_port}"
