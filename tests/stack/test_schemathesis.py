"""Schemathesis over `make run`'s stack: no generated request may get a 5xx.

The `st` CLI reads GET /openapi.json and sends what it generates from it (the
coverage, fuzzing and stateful phases) to a stack of its own, twice: as the
organiser and with no token at all. Bad input is never a 5xx (API.md).

Only loopback is reached: the schema, the base URL and every request are on
127.0.0.1, and the proxy variables are dropped. Schemathesis writes its
crash files and Hypothesis database under the test's tmp_path, not the repo.

The OpenAPI document gives no example values for path parameters and no links,
so random `event_id`s are almost all 404. A config file hands schemathesis ids
that exist (the seeded event, a few registrations, a desk token, the event's
dates) through dictionaries, each used with a probability below 1, so random
values are still sent too.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support.localstack import WORKSHOP, start_stack

pytestmark = [pytest.mark.stack, pytest.mark.fuzz]

TOKEN = "schemathesis-organiser-token"
SEED = 20161129
# Per operation; the coverage phase adds its own cases on top. 45 operations:
# each run generates some 3,000 cases, well over the 1,000 asked for.
MAX_EXAMPLES = 60
MIN_CASES = 1000
WORKERS = 4
RUN_SECONDS = 900  # a hang guard only: a run takes about 80 s here
ST = Path(sys.executable).with_name("st")


@pytest.fixture(scope="module")
def stack():
    # 09:00 in Jakarta on day 1: check-in is open, so scans reach the rules.
    with start_stack(clock_start="2016-11-29T09:00:00+07:00", token=TOKEN) as running:
        yield running


def _values(values) -> str:
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


@pytest.fixture(scope="module")
def config(stack, tmp_path_factory) -> Path:
    """schemathesis.toml: real ids to draw from, beside the random ones it makes up."""
    codes, attendees = [], []
    for index in range(6):
        status, registration = stack.json(
            "POST",
            f"/events/{WORKSHOP}/registrations",
            {
                "name": f"Peserta Fuzz {index}",
                "email": f"fuzz{index}@example.org",
                "organisation": "Yayasan Uji",
                "consent": True,
            },
        )
        assert status == 201, registration
        codes.append(registration["badge"]["code"])
        attendees.append(registration["attendee_id"])
    tokens = []
    for label in ("Fuzz desk 1", "Fuzz desk 2"):
        status, desk = stack.json(
            "POST", f"/events/{WORKSHOP}/desk-tokens", {"label": label}, TOKEN
        )
        assert status == 201, desk
        tokens.append(desk["id"])
    dictionaries = {
        "events": [WORKSHOP],
        "codes": codes,
        "attendees": attendees,
        "tokens": tokens,
        "dates": ["2016-11-29", "2016-11-30"],
        "emails": [f"fuzz-new{index}@example.org" for index in range(8)],
    }
    bindings = {
        "path.event_id": ("events", 0.8),
        "path.code": ("codes", 0.6),
        "path.attendee_id": ("attendees", 0.6),
        "path.token_id": ("tokens", 0.5),
        "path.date": ("dates", 0.6),
        "query.date": ("dates", 0.6),
        "body.code": ("codes", 0.5),
        "body.attendee_id": ("attendees", 0.5),
        "body.email": ("emails", 0.5),
    }
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {_values(values)}", ""]
    lines.append("[parameters]")
    for key, (name, probability) in bindings.items():
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = {probability} }}')
    path = tmp_path_factory.mktemp("schemathesis") / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def st_command(stack, config: Path, report_dir: Path, token: str | None) -> list[str]:
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        f"{stack.base}/openapi.json",
        "--url",
        stack.base,
        "--checks",
        "not_a_server_error",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        str(WORKERS),
        # Every case of an operation runs even after a 5xx, so one failure
        # cannot hide another behind it.
        "--continue-on-failure",
        # Runs depend on the seed only, not on what an earlier run stored.
        "--generation-database",
        "none",
        # Ids from the dictionaries are valid, so negative cases filter many out.
        "--suppress-health-check",
        "filter_too_much",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "ndjson",
        "--report-dir",
        str(report_dir),
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    return command


def interactions(report_dir: Path) -> list[tuple[str, str, int | None]]:
    """(operation, method and URI, status) of every request sent, from the NDJSON report."""
    sent = []
    for report in sorted(report_dir.glob("*.ndjson")):
        for line in report.read_text().splitlines():
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished["recorder"]
            for interaction in recorder.get("interactions", {}).values():
                request = interaction["request"]
                status = (interaction.get("response") or {}).get("status_code")
                sent.append((recorder["label"], f"{request['method']} {request['uri']}", status))
    return sent


def cases_generated(output: str) -> int:
    found = re.search(r"Test cases:\s*\n\s*(\d+) generated", output)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("who", ["organiser", "anonymous"])
def test_schemathesis_finds_no_server_error(stack, config, who, tmp_path, record_property):
    token = TOKEN if who == "organiser" else None
    report_dir = tmp_path / "report"
    command = st_command(stack, config, report_dir, token)
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    run = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=RUN_SECONDS,
    )
    output = run.stdout + run.stderr
    tail = "\n".join(output.splitlines()[-150:])
    sent = interactions(report_dir)
    statuses = Counter(status for _, _, status in sent)
    cases = cases_generated(output)
    record_property(f"schemathesis_cases_{who}", cases)
    print(f"\nschemathesis ({who}): {cases} cases, statuses {dict(sorted(statuses.items()))}")

    # 0: nothing failed; 1: checks failed. Anything else: st itself could not run.
    if run.returncode not in (0, 1):
        pytest.fail(f"st exited {run.returncode}:\n{tail}", pytrace=False)
    server_errors = sorted({(status, request) for _, request, status in sent if status >= 500})
    if server_errors or "Server error" in output:
        reproduce = " ".join(shlex.quote(part) for part in command)
        pytest.fail(
            f"{len(server_errors)} distinct requests got a 5xx:\n"
            + "\n".join(f"  {status} {request[:160]}" for status, request in server_errors[:50])
            + f"\n\nReproduce against a stack on the same port (make run with PORT="
            f"{stack.port}, HADIR_ORGANISER_TOKEN={TOKEN}), from {tmp_path}:\n  {reproduce}"
            f"\n\nschemathesis' output, the last lines:\n{tail}",
            pytrace=False,
        )
    assert cases >= MIN_CASES, f"only {cases} cases ran:\n{tail}"
    assert len(sent) >= MIN_CASES, f"the report holds only {len(sent)} requests:\n{tail}"
