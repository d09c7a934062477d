"""`make run` on DynamoDB Local keeps what it answered across a restart (API.md §5).

Each test starts devtools.run_local (the entry point `make run` uses) on its own
HADIR_DATA_DIR, registers, checks in and mints a desk token, stops it (SIGTERM, as
a service manager does, or SIGKILL of its whole process group, as a crash or the
OOM killer does) and starts it again on the same directory: all of it is still
there, the generated organiser token and the badge secret are the same, and the
printed badge still checks in. DynamoDB Local needs Java: without it these skip (fail under CI).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.localstack import WORKSHOP, Stack, launch_run_local, require_java

pytestmark = pytest.mark.stack

DAY_ONE = "2016-11-29T09:00:00+07:00"


@contextmanager
def run_local(data_dir: Path) -> Iterator[Stack]:
    """`make run` on DynamoDB Local, in its own process group; killed if still running."""
    require_java()
    env = {**os.environ, "HADIR_DATA_DIR": str(data_dir), "HADIR_CLOCK_START": DAY_ONE}
    for name in ("HADIR_ENGINE", "HADIR_ORGANISER_TOKEN"):
        env.pop(name, None)  # the default engine, and the token it keeps
    launched = launch_run_local(env, new_session=True)
    process = launched.process
    try:
        token = (data_dir / "organiser-token").read_text().strip()
        yield Stack(
            f"http://127.0.0.1:{launched.port}", process, launched.lines, token, launched.banner
        )
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

        # The run that made the organiser token showed it, once.
        assert f"#token={before['token']}" in first.banner

    with run_local(data_dir) as second:
        assert_all_kept(second, before, data_dir)
        assert before["token"] not in second.banner + second.output()
    assert (data_dir / "badge-secret").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "organiser-token").stat().st_mode & 0o777 == 0o600


def test_a_sigkill_of_the_group_mid_load_loses_nothing_that_was_answered(tmp_path):
    """A crash under load: every registration and check-in answered 2xx is there after.

    Four desks check people in and register walk-ins at once; the whole process
    group (server and JVM) is killed while they are at it. DynamoDB Local 1.25.1
    used to lose a transaction answered just before such a kill: the store
    settles each one (chalicelib/store/client.py), and this is what holds it.
    """
    data_dir = tmp_path / "hadir"
    with run_local(data_dir) as first:
        before = record_a_day(first, data_dir)
        desk = before["desk"]["token"]
        codes = queue.Queue()
        for number in range(40):
            status, person = first.json(
                "POST",
                f"/events/{WORKSHOP}/registrations",
                {
                    "name": f"Peserta {number}",
                    "email": f"p{number}@example.org",
                    "organisation": "Yayasan",
                    "consent": True,
                },
            )
            assert status == 201, person
            codes.put((person["attendee_id"], person["badge"]["code"]))
        answered_checkins: list[tuple[str, str]] = []  # (attendee id, scan id)
        answered_walk_ins: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()

        def desk_at_work(number: int) -> None:
            sent = 0
            while not stop.is_set():
                sent += 1
                try:
                    if sent % 3 == 0:
                        status, body = first.json(
                            "POST",
                            f"/events/{WORKSHOP}/attendees",
                            {
                                "name": f"Walk In {number}-{sent}",
                                "organisation": "Desa",
                                "email": f"w{number}-{sent}@example.org",
                                "consent": True,
                            },
                            desk,
                        )
                        if status == 201:
                            with lock:
                                answered_walk_ins.append(body["attendee_id"])
                        continue
                    attendee_id, code = codes.get_nowait()
                    scan_id = f"kill-{attendee_id}"
                    status, body = first.json(
                        "POST",
                        f"/events/{WORKSHOP}/checkins",
                        {"code": code, "scan_id": scan_id, "desk": f"Pintu {number}"},
                        desk,
                    )
                    if status == 201:
                        with lock:
                            answered_checkins.append((attendee_id, scan_id))
                except queue.Empty:
                    return
                except Exception:  # the server died under the request: not answered
                    return

        desks = [threading.Thread(target=desk_at_work, args=(n,)) for n in range(4)]
        for thread in desks:
            thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with lock:
                if len(answered_checkins) >= 12:
                    break
            time.sleep(0.01)
        group = first.process.pid
        os.killpg(group, signal.SIGKILL)  # mid-load: the desks are still sending
        stop.set()
        for thread in desks:
            thread.join(timeout=60)
        first.process.wait(timeout=30)
        assert left_in(group) == []
        assert len(answered_checkins) >= 12

    with run_local(data_dir) as second:
        assert second.token == before["token"]
        token = second.token
        checked_in = {attendee for attendee, _ in answered_checkins}
        for attendee_id in [before["registration"]["attendee_id"], *answered_walk_ins, *checked_in]:
            status, attendee = second.json(
                "GET", f"/events/{WORKSHOP}/attendees/{attendee_id}", token=token
            )
            assert status == 200, (attendee_id, attendee)
            if attendee_id in checked_in:
                assert [day["date"] for day in attendee["checkins"]] == ["2016-11-29"]
        logged: set[str] = set()
        cursor = None
        while True:
            path = f"/events/{WORKSHOP}/scans" + (f"?next={cursor}" if cursor else "")
            status, page = second.json("GET", path, token=token)
            assert status == 200
            logged |= {scan["scan_id"] for scan in page["scans"]}
            cursor = page["next"]
            if not cursor:
                break
        assert {scan_id for _, scan_id in answered_checkins} <= logged
        # Each check-in whole or absent: the day's counter is the check-ins that exist.
        status, attendance = second.json("GET", f"/events/{WORKSHOP}/attendance", token=token)
        assert status == 200
        present = []
        cursor = None
        while True:
            path = f"/events/{WORKSHOP}/attendees?limit=100" + (f"&next={cursor}" if cursor else "")
            status, page = second.json("GET", path, token=token)
            assert status == 200, page
            present += [
                person for person in page["attendees"] if person["days"][0]["checked_in_at"]
            ]
            cursor = page["next"]
            if not cursor:
                break
        assert attendance["days"][0]["checked_in"] == len(present) >= len(checked_in) + 1
