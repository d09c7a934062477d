"""An embedded DynamoDB for local runs and tests: moto, made atomic per request.

moto applies a transaction item by item and rolls back by restoring a copy of
the whole table, with no lock: two threads running transactions at once can
both pass their conditions, or one can wipe the other's writes on rollback.
Real DynamoDB serialises conflicting requests. Holding one lock per moto
DynamoDB request gives moto that guarantee, so concurrency tests exercise our
conditions rather than moto's races.

moto also backs up the whole table, with a deep copy, for every item of a
transaction, and its models keep every object they ever create in a list for
its dashboard, so none of those copies is ever freed. On a laptop serving a
busy registration desk, each transaction then grew slower and the process grew
by gigabytes. Here a transaction backs up only the items it touches and puts
those back if it is cancelled, and DynamoDB's models are not tracked.
"""

from __future__ import annotations

import contextlib
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

    # Patching moto's classes in place: what mypy calls assigning to a method.
    setattr(DynamoHandler, "call_action", call_action_atomically)  # noqa: B010
    _roll_back_touched_items()
    _untracked_dynamodb_models()
    _patched = True


class _NoTableCopies:
    """Stands in for the `copy` module inside moto's DynamoDB models."""

    def __init__(self) -> None:
        self.in_transaction = False

    def deepcopy(self, value, memo=None):
        # A transaction's whole-table backup is not taken: the items it
        # touches are saved instead (see _roll_back_touched_items).
        if self.in_transaction and isinstance(value, moto_models.Table):
            return value
        return copy.deepcopy(value, memo)


def _roll_back_touched_items() -> None:
    shim = _NoTableCopies()
    setattr(moto_models, "copy", shim)  # noqa: B010
    original = moto_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        saved = []
        for entry in transact_items:
            _, operation = next(iter(entry.items()))
            table = self.tables.get(operation.get("TableName"))
            if table is None:
                continue
            keys = operation.get("Key") or {
                name: operation.get("Item", {}).get(name)
                for name in (table.hash_key_attr, table.range_key_attr)
                if name
            }
            try:
                hash_key, range_key = self.get_keys_value(table, keys)
            except Exception:  # moto refuses the request itself, below
                continue
            saved.append(
                (table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key)))
            )
        shim.in_transaction = True
        try:
            return original(self, transact_items)
        except BaseException:
            for table, hash_key, range_key, item in reversed(saved):
                with contextlib.suppress(KeyError):
                    table.delete_item(hash_key, range_key)
                if item is not None:
                    if range_key is None:
                        table.items[hash_key] = item
                    else:
                        table.items[hash_key][range_key] = item
            raise
        finally:
            shim.in_transaction = False

    setattr(moto_models.DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010


def _untracked_dynamodb_models() -> None:
    from moto.core.model_instances import model_data

    def new(cls, *args, **kwargs):
        return object.__new__(cls)

    for model in model_data["dynamodb"].values():
        setattr(model, "__new__", new)  # noqa: B010
        setattr(model, "instances_tracked", [])  # noqa: B010


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
