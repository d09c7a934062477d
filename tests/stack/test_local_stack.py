"""`make run`'s own stack, over real HTTP: DynamoDB Local plus chalice local.

Started once for this module through the same entry point `make run` uses, so
a broken local run fails here rather than in front of an organiser.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.localstack import ROOT, WORKSHOP, stack_engine, start_stack

TOKEN = "stack-test-organiser-token"

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack():
    # 09:00 in Jakarta on day 1: the workshop replayed.
    with start_stack(clock_start="2016-11-29T09:00:00+07:00", token=TOKEN) as running:
        yield running


def test_the_local_stack_serves_the_seeded_workshop(stack):
    if stack_engine() == "dynamodb-local":
        assert "(DynamoDB Local, kept in " in stack.banner
    status, body = stack.json("GET", "/health")
    assert (status, body["status"]) == (200, "ok")
    # The rehearsal clock, which the desk page dates its queued scans by.
    assert body["time"].startswith("2016-11-29T02:")
    status, event = stack.json("GET", f"/events/{WORKSHOP}")
    assert status == 200
    assert event["venue"]["name"] == "Hotel Grand Cemara"
    assert [day["date"] for day in event["days"]] == ["2016-11-29", "2016-11-30"]


def test_register_scan_and_count_over_http(stack):
    status, registration = stack.json(
        "POST",
        f"/events/{WORKSHOP}/registrations",
        {"name": "Dewi", "email": "dewi@example.org", "organisation": "AJI", "consent": True},
    )
    assert status == 201, registration
    code = registration["badge"]["code"]

    status, headers, png = stack.call("GET", f"/badges/{code}/qr.png", accept="image/png")
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert png.startswith(b"\x89PNG")

    status, desk = stack.json(
        "POST", f"/events/{WORKSHOP}/desk-tokens", {"label": "Pintu 1"}, TOKEN
    )
    assert status == 201

    # Two dozen desks at once, through chalice local's threads and the engine.
    def scan(index):
        return stack.json(
            "POST",
            f"/events/{WORKSHOP}/checkins",
            {"code": code, "scan_id": f"stack-scan-{index:03d}", "desk": f"Desk {index}"},
            desk["token"],
        )

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(scan, range(24)))
    assert sorted(status for status, _ in answers) == [200] * 23 + [201]
    assert len({body["desk"] for _, body in answers}) == 1
    # The rehearsal clock put the scans on the workshop's first morning.
    assert {body["day"]["date"] for _, body in answers} == {"2016-11-29"}

    status, attendance = stack.json("GET", f"/events/{WORKSHOP}/attendance", token=TOKEN)
    assert status == 200
    assert attendance["registered"] == 1
    assert attendance["days"][0]["checked_in"] == 1
    assert attendance["attended_any"] == 1


def test_staff_routes_refuse_strangers_over_http(stack):
    status, _, _ = stack.call("GET", f"/events/{WORKSHOP}/attendance")
    assert status == 401
    status, body = stack.json("GET", f"/events/{WORKSHOP}/attendance", token="wrong")
    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def seed_event(stack, token):
    return subprocess.run(
        [sys.executable, "-m", "devtools.seed_event", "--url", stack.base],
        cwd=ROOT,
        env={**os.environ, "HADIR_ORGANISER_TOKEN": token},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_make_seed_event_loads_the_workshop_over_http(stack):
    loaded = seed_event(stack, TOKEN)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert loaded.stdout.strip() == f"{WORKSHOP}: replaced (200)"

    refused = seed_event(stack, "not-the-organiser")
    assert refused.returncode == 1
    assert refused.stdout.startswith(f"{WORKSHOP}: 401 unauthorized:")


def test_the_runs_output_names_no_token_and_no_badge_code(stack):
    """Issue 17: neither the banner nor the access log shows the organiser token, a
    desk token or a badge code; the log still shows each request, with `<hidden>`."""
    stack.output()  # what earlier tests made it print
    status, registration = stack.json(
        "POST",
        f"/events/{WORKSHOP}/registrations",
        {
            "name": "Siti Logged",
            "email": "s.log@example.org",
            "organisation": "AJI",
            "consent": True,
        },
    )
    assert status == 201, registration
    code = registration["badge"]["code"]
    assert stack.call("GET", f"/badges/{code}/badge.pdf", accept="application/pdf")[0] == 200
    assert stack.call("GET", f"/badges/{code.lower()}/qr.png", accept="image/png")[0] == 200
    status, desk = stack.json("POST", f"/events/{WORKSHOP}/desk-tokens", {"label": "Log"}, TOKEN)
    assert status == 201
    body = {"code": code, "scan_id": "stack-log-scan", "desk": "Log"}
    assert stack.json("POST", f"/events/{WORKSHOP}/checkins", body, desk["token"])[0] == 201
    assert (
        stack.json("GET", f"/events/{WORKSHOP}/attendees?q=Siti+Logged", token=desk["token"])[0]
        == 200
    )
    output = ""
    for _ in range(50):  # the access log reaches the pipe a moment after the answer
        output += stack.output()
        if "attendees?" in output:
            break
        time.sleep(0.1)
    assert "GET /badges/<hidden>/badge.pdf" in output, output
    assert "attendees?<hidden>" in output, output
    everything = (stack.banner + output).casefold()
    for secret in (TOKEN, desk["token"], code, "Siti+Logged"):
        assert secret.casefold() not in everything, secret
    assert "/dashboard/" in stack.banner and "#token=" not in stack.banner


def test_ctrl_c_stops_everything(stack):
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=30) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(stack.base.rsplit(":", 1)[1])), timeout=2)
