"""`make run`'s own stack for tests: moto's DynamoDB server (HADIR_ENGINE=moto) plus chalice local.

`start_stack()` starts devtools.run_local (the entry point `make run` uses) on a free
loopback port, waits until it says it is serving, and stops it with Ctrl-C (SIGINT)
on the way out. Each test module that needs a stack starts its own, from a
module-scoped fixture:

    @pytest.fixture(scope="module")
    def stack():
        with start_stack(clock_start="2016-11-29T09:00:00+07:00", token=TOKEN) as running:
            yield running
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP = "socmed-conservation-2016"
READY_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_parts(body, token, accept) -> tuple[dict, bytes | None]:
    """The headers and body of a JSON request, as a desk or the dashboard sends it."""
    headers = {"Accept": accept}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers, data


class Stack:
    def __init__(
        self,
        base: str,
        process: subprocess.Popen,
        lines: queue.Queue,
        token: str | None = None,
        banner: str = "",
    ):
        self.base = base
        self.process = process
        self.lines = lines
        self.token = token  # the organiser token the stack was started with
        self.banner = banner  # what it printed up to saying it was serving

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def call(self, method, path, body=None, token=None, accept="application/json"):
        headers, data = request_parts(body, token, accept)
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, method, path, body=None, token=None):
        status, _, raw = self.call(method, path, body, token)
        return status, json.loads(raw) if raw else None

    def output(self) -> str:
        """What the stack printed since it said it was serving (drains the queue)."""
        seen = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                seen.append(line)
        return "".join(seen)


class Connection:
    """One keep-alive HTTP/1.1 connection to a stack, as a desk's browser keeps one.

    Not thread-safe: one per thread. A request that finds the kept connection closed
    by the server is sent once more on a new one; a timeout is raised, not retried.
    """

    def __init__(self, stack: Stack, timeout: float = 30):
        self.port = stack.port
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def call(self, method, path, body=None, token=None, accept="application/json"):
        headers, data = request_parts(body, token, accept)
        for _ in range(2):
            reused = self._connection is not None
            if not reused:
                self._connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self._connection.request(method, path, data, headers)
                response = self._connection.getresponse()
                return response.status, response.headers, response.read()
            except (ConnectionError, http.client.RemoteDisconnected):
                self.close()
                if not reused:
                    raise
            except Exception:
                self.close()
                raise
        raise ConnectionError("the stack closed the connection twice")

    def json(self, method, path, body=None, token=None):
        status, _, raw = self.call(method, path, body, token)
        return status, json.loads(raw) if raw else None


@contextlib.contextmanager
def start_stack(
    clock_start: str | None = "2016-11-29T09:00:00+07:00",
    token: str = "stack-test-organiser-token",
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """`make run` on a free port: the rehearsal clock at `clock_start` (None: real time)."""
    port = free_port()
    env = {
        **os.environ,
        # moto's in-memory server for now (the stack tier moves to DynamoDB Local later).
        "HADIR_ENGINE": "moto",
        "PORT": str(port),
        "HADIR_ORGANISER_TOKEN": token,
        **(extra_env or {}),
    }
    if clock_start is None:
        env.pop("HADIR_CLOCK_START", None)
    else:
        env["HADIR_CLOCK_START"] = clock_start
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.run_local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen = []
    try:
        while True:
            line = lines.get(timeout=READY_SECONDS)
            if line is None:
                pytest.fail("make run's stack exited early:\n" + "".join(seen))
            seen.append(line)
            if "Hadir is serving on" in line:
                break
        # http://, or https:// off loopback and on HADIR_TLS=1 (as the stack says).
        scheme = line.split("Hadir is serving on", 1)[1].split("://", 1)[0].strip()
        while "Ctrl-C stops everything" not in seen[-1]:  # the rest of the banner
            more = lines.get(timeout=READY_SECONDS)
            if more is None:
                pytest.fail("make run's stack exited early:\n" + "".join(seen))
            seen.append(more)
        yield Stack(f"{scheme}://127.0.0.1:{port}", process, lines, token, "".join(seen))
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as a person would; SIGTERM (which run_local also cleans up on) if ignored."""
    for sent, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 10)):
        if process.poll() is not None:
            return
        process.send_signal(sent)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    process.kill()
    process.wait()
