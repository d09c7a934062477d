"""`make run`'s own stack for tests: DynamoDB Local on a fresh data directory, plus chalice local.

`start_stack()` starts devtools.run_local (the entry point `make run` uses) on a free
loopback port and a temporary HADIR_DATA_DIR, waits until it says it is serving,
and stops it with Ctrl-C (SIGINT) on the way out. Each test module that needs a
stack starts its own, from a module-scoped fixture:

    @pytest.fixture(scope="module")
    def stack():
        with start_stack(clock_start="2016-11-29T09:00:00+07:00", token=TOKEN) as running:
            yield running

The engine is `make run`'s default, DynamoDB Local, so the stack tier meets what
AWS's engine refuses and moto forgives. HADIR_ENGINE=moto runs the tier on moto's
in-memory server instead. DynamoDB Local needs Java 17: without it the stack
tests skip, except where HADIR_REQUIRE_JAVA=1 (CI, which installs it): there
they fail.

`launch_run_local()` is the start itself, shared with any test that drives
`make run` on its own data directory (restarts): a free port, and another one
when a parallel start took it first.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP = "socmed-conservation-2016"
READY_SECONDS = 120
PORT_ATTEMPTS = 5
DEFAULT_ENGINE = "dynamodb-local"  # make run's own (devtools/run_local.py)


def stack_engine() -> str:
    """The engine the stack tier runs on: make run's default, or HADIR_ENGINE's choice."""
    return os.environ.get("HADIR_ENGINE") or DEFAULT_ENGINE


def require_java() -> None:
    """Skip without Java, or fail where HADIR_REQUIRE_JAVA=1 (CI installs it)."""
    if shutil.which("java") is not None:
        return
    message = (
        "the stack tier runs on DynamoDB Local, which needs Java 17"
        " (make java-deps, or apt-get install openjdk-17-jre-headless);"
        " HADIR_ENGINE=moto runs it on moto instead"
    )
    if os.environ.get("HADIR_REQUIRE_JAVA") == "1":
        pytest.fail(message)
    pytest.skip(message)


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
        data_dir: Path | None = None,
    ):
        self.base = base
        self.data_dir = data_dir  # HADIR_DATA_DIR: the outbox is data_dir / "outbox"
        self.process = process
        self.lines = lines
        self.token = token  # the organiser token the stack was started with
        self.banner = banner  # what it printed up to the end of its banner

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


@dataclass
class Launched:
    """A `make run` that said it is serving."""

    process: subprocess.Popen
    lines: queue.Queue  # what it prints from now on (None at its end)
    port: int
    scheme: str  # http, or https off loopback and on HADIR_TLS=1 (as it says)
    banner: str  # what it printed up to the end of its banner ("Ctrl-C stops everything")


def launch_run_local(
    env: dict[str, str], new_session: bool = False, port: int | None = None
) -> Launched:
    """devtools.run_local with `env` on a free PORT (or `port`), once it says it is serving.

    A port found free can be taken by a parallel start before chalice listens on
    it: run_local then exits saying so, and it is started again on another port
    (DynamoDB Local's own port is retried inside devtools/dynamodb_local.py).
    `new_session`: its own process group, for a test that kills the whole group.
    `port`: that port and no other (a restart where a page expects its server).
    The caller stops the process (`stop`, or a kill of its group).
    """
    seen: list[str] = []
    given = port
    for _ in range(PORT_ATTEMPTS if given is None else 1):
        port = given or free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "devtools.run_local"],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=new_session,
        )
        lines: queue.Queue = queue.Queue()

        def pump(process=process, lines=lines):
            for line in process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        seen = []
        try:
            while True:
                line = lines.get(timeout=READY_SECONDS)
                if line is None:
                    break
                seen.append(line)
                if "Hadir is serving on" in line:
                    scheme = line.split("Hadir is serving on", 1)[1].split("://", 1)[0].strip()
                    while "Ctrl-C stops everything" not in seen[-1]:  # the rest of the banner
                        more = lines.get(timeout=READY_SECONDS)
                        if more is None:
                            break
                        seen.append(more)
                    return Launched(process, lines, port, scheme, "".join(seen))
            process.wait(timeout=30)
        except BaseException:
            stop(process)
            raise
        if "Address already in use" not in "".join(seen):
            break
    pytest.fail("make run's stack exited early:\n" + "".join(seen))


@contextlib.contextmanager
def start_stack(
    clock_start: str | None = "2016-11-29T09:00:00+07:00",
    token: str = "stack-test-organiser-token",
    extra_env: dict[str, str] | None = None,
    engine: str | None = None,
) -> Iterator[Stack]:
    """`make run` on a free port: the rehearsal clock at `clock_start` (None: real time).

    Its data directory is a new temporary one unless `extra_env` names one;
    `engine` is `stack_engine()` unless given.
    """
    engine = engine or stack_engine()
    if engine == "dynamodb-local":
        require_java()
    with tempfile.TemporaryDirectory(prefix="hadir-stack-") as scratch:
        env = {
            **os.environ,
            "HADIR_ENGINE": engine,
            "HADIR_DATA_DIR": scratch,
            "HADIR_ORGANISER_TOKEN": token,
            **(extra_env or {}),
        }
        if clock_start is None:
            env.pop("HADIR_CLOCK_START", None)
        else:
            env["HADIR_CLOCK_START"] = clock_start
        launched = launch_run_local(env)
        try:
            yield Stack(
                f"{launched.scheme}://127.0.0.1:{launched.port}",
                launched.process,
                launched.lines,
                token,
                launched.banner,
                Path(env["HADIR_DATA_DIR"]),
            )
        finally:
            stop(launched.process)


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
