"""Two `make run`s started at once both come up, each on its own ports (issue 15).

A port found free can be taken by another start before it is bound. DynamoDB
Local then does not exit (its bind fails in a log line) and another engine on
that port would answer its probe; chalice local exits. Both are retried on
another port. The collision is forced here, not hoped for: the first port each
is handed is one that is already held.
"""

from __future__ import annotations

import os
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from devtools import dynamodb_local
from tests.support import localstack
from tests.support.localstack import require_java, stack_engine, start_stack

pytestmark = pytest.mark.stack


def test_two_stacks_started_at_once_both_come_up():
    def one(index):
        with start_stack(token=f"parallel-{index}") as stack:
            status, body = stack.json("GET", "/health")
            status_token, _ = stack.json(
                "GET", f"/events/{localstack.WORKSHOP}/attendance", token=f"parallel-{index}"
            )
            return stack.port, status, body["status"], status_token

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(one, range(2))
    assert first[1:] == second[1:] == (200, "ok", 200)
    assert first[0] != second[0]


def test_a_taken_chalice_port_is_retried_on_another(monkeypatch):
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    taken = held.getsockname()[1]
    ports = iter([taken])
    real = localstack.free_port
    monkeypatch.setattr(localstack, "free_port", lambda: next(ports, None) or real())
    try:
        with start_stack() as stack:
            assert stack.port != taken
            status, body = stack.json("GET", "/health")
            assert (status, body["status"]) == (200, "ok")
    finally:
        held.close()


def test_dynamodb_local_on_a_port_another_engine_holds_starts_on_another(tmp_path, monkeypatch):
    """Another engine answers a probe of the taken port: the start must not take it for its own."""
    if stack_engine() != "dynamodb-local":
        pytest.skip("DynamoDB Local only")
    require_java()
    other = dynamodb_local.start(tmp_path / "other")
    try:
        taken = int(other.endpoint.rsplit(":", 1)[1])
        ports = iter([taken])
        real = dynamodb_local.free_port
        monkeypatch.setattr(dynamodb_local, "free_port", lambda: next(ports, None) or real())
        mine = dynamodb_local.start(tmp_path / "mine")
        try:
            assert mine.endpoint != other.endpoint
            assert mine.process.poll() is None
            assert mine.client().list_tables()["TableNames"] == []
            assert (tmp_path / "mine" / dynamodb_local.ENDPOINT_FILE).read_text().strip() == (
                mine.endpoint
            )
        finally:
            mine.stop()
    finally:
        other.stop()
    assert not os.path.exists(tmp_path / "mine" / dynamodb_local.ENDPOINT_FILE)
