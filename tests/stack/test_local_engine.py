"""`make run` on DynamoDB Local keeps what it answered across a restart (API.md §5).

Each test starts devtools.run_local (the entry point `make run` uses) on its own
HADIR_DATA_DIR, registers, checks in and mints a desk token, stops it (SIGTERM, as
a service manager does, or SIGKILL of its whole process group, as a crash or the
OOM killer does) and starts it again on the same directory: all of it is still
there, the generated organiser token and the badge secret are the same, and the
printed badge still checks in. DynamoDB Local needs Java: without it these skip.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.localstack import READY_SECONDS, ROOT, WORKSHOP, Stack, free_port

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(shutil.which("java") is None, reason="DynamoDB Local needs Java 17"),
]

DAY_ONE = "2016-11-29T09:00:00+07:00"


@contextmanager
def run_local(data_dir: Path) -> Iterator[Stack]:
    """`make run` on DynamoDB Local, in its own process group; killed if still running."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HADIR_DATA_DIR": str(data_dir)}
    env["HADIR_CLOCK_START"] = DAY_ONE
    for name in ("HADIR_ENGINE", "HADIR_ORGANISER_TOKEN"):
        env.pop(name, None)  # the default engine, and the token it keeps
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.run_local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
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
                pytest.fail("make run exited early:\n" + "".join(seen))
            seen.append(line)
            if "Hadir is serving on" in line:
                break
        token = (data_dir / "organiser-token").read_text().strip()
        yield Stack(f"http://127.0.0.1:{port}", process, lines, token)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def left_in(group: int) -> list[str]:
    """The processes of a session (its process group) still running after up to 10 s."""
    deadline = time.monotonic() + 10
    while True:
        found = subprocess.run(
            ["ps", "-o", "pid=,stat=,args=", "-s", str(group)],
            capture_output=True,
            text=True,
            check=False,
        )
        alive = [line for line in found.stdout.splitlines() if line.split()[1][0] != "Z"]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def record_a_day(stack: Stack, data_dir: Path) -> dict:
    token = stack.token
    status, registration = stack.json(
        "POST",
        f"/events/{WORKSHOP}/registrations",
        {
            "name": "Siti Rahmawati",
            "email": "siti@example.org",
            "organisation": "WALHI",
            "consent": True,
        },
    )
    assert status == 201, registration
    status, desk = stack.json(
        "POST", f"/events/{WORKSHOP}/desk-tokens", {"label": "Pintu 1"}, token
    )
    assert status == 201, desk
    code = registration["badge"]["code"]
    status, checkin = stack.json(
        "POST",
        f"/events/{WORKSHOP}/checkins",
        {"code": code, "scan_id": "restart-scan-001", "desk": "Pintu 1"},
        desk["token"],
    )
    assert (status, checkin["result"]) == (201, "checked_in"), checkin
    return {
        "registration": registration,
        "desk": desk,
        "checkin": checkin,
        "token": token,
        "secret": (data_dir / "badge-secret").read_text(),
    }


def assert_all_kept(stack: Stack, before: dict, data_dir: Path) -> None:
    registration, desk, checkin = before["registration"], before["desk"], before["checkin"]
    assert stack.token == before["token"]  # the generated organiser token was kept
    assert (data_dir / "badge-secret").read_text() == before["secret"]

    status, attendee = stack.json(
        "GET", f"/events/{WORKSHOP}/attendees/{registration['attendee_id']}", token=stack.token
    )
    assert status == 200, attendee
    assert attendee["name"] == "Siti Rahmawati"

    status, attendance = stack.json("GET", f"/events/{WORKSHOP}/attendance", token=stack.token)
    assert status == 200
    assert attendance["registered"] == 1  # the seeded event kept its counters
    assert attendance["days"][0]["checked_in"] == 1

    status, scans = stack.json("GET", f"/events/{WORKSHOP}/scans", token=stack.token)
    assert status == 200
    assert [scan["scan_id"] for scan in scans["scans"]] == ["restart-scan-001"]

    status, tokens = stack.json("GET", f"/events/{WORKSHOP}/desk-tokens", token=stack.token)
    assert status == 200
    assert [entry["id"] for entry in tokens["desk_tokens"]] == [desk["id"]]

    # The printed badge, scanned again with the kept desk token: already in, as first recorded.
    status, again = stack.json(
        "POST",
        f"/events/{WORKSHOP}/checkins",
        {"code": registration["badge"]["code"], "scan_id": "restart-scan-002", "desk": "Pintu 2"},
        desk["token"],
    )
    assert (status, again["result"]) == (200, "already_checked_in"), again
    assert again["checked_in_at"] == checkin["checked_in_at"]
    assert again["desk"] == "Pintu 1"


def test_a_restart_after_sigterm_keeps_everything(tmp_path):
    data_dir = tmp_path / "hadir"
    with run_local(data_dir) as first:
        before = record_a_day(first, data_dir)
        group = first.process.pid
        first.process.send_signal(signal.SIGTERM)
        assert first.process.wait(timeout=30) == 0
        # Nothing of the first run is left: no JVM holding the files or a port.
        assert left_in(group) == []

    with run_local(data_dir) as second:
        assert_all_kept(second, before, data_dir)
    assert (data_dir / "badge-secret").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "organiser-token").stat().st_mode & 0o777 == 0o600


def test_after_a_sigkill_of_the_group_the_next_start_works_and_nothing_is_half_written(tmp_path):
    """A crash: nothing is left running, the next start works, and each write is whole.

    Found on DynamoDB Local 1.25.1: now and then a check-in answered 201 just
    before the kill is gone after the restart (issue 15 keeps this open; the
    README says so). What must hold all the same: the check-in is there whole
    (the attendee's day, the counter, the scan log entry) or not at all.
    """
    data_dir = tmp_path / "hadir"
    with run_local(data_dir) as first:
        before = record_a_day(first, data_dir)
        group = first.process.pid
        os.killpg(group, signal.SIGKILL)
        first.process.wait(timeout=30)
        assert left_in(group) == []

    with run_local(data_dir) as second:
        assert second.token == before["token"]
        status, attendance = second.json(
            "GET", f"/events/{WORKSHOP}/attendance", token=second.token
        )
        assert status == 200
        status, scans = second.json("GET", f"/events/{WORKSHOP}/scans", token=second.token)
        assert status == 200
        logged = [scan["scan_id"] for scan in scans["scans"]]
        counted = attendance["days"][0]["checked_in"]
        assert (counted, logged) in ((1, ["restart-scan-001"]), (0, []))
        attendee_id = before["registration"]["attendee_id"]
        status, attendee = second.json(
            "GET", f"/events/{WORKSHOP}/attendees/{attendee_id}", token=second.token
        )
        if status == 200:
            assert len(attendee["checkins"]) == counted
