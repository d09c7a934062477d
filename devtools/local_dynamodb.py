"""An embedded DynamoDB for local runs and tests: moto, made atomic per request.

moto applies a transaction item by item and rolls back by restoring a copy of
the whole table, with no lock: two threads running transactions at once can
both pass their conditions, or one can wipe the other's writes on rollback.
Real DynamoDB serialises conflicting requests. Holding one lock per moto
DynamoDB request gives moto that guarantee, so concurrency tests exercise our
conditions rather than moto's races.
"""

from __future__ import annotations

import threading

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
    _patched = True


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
