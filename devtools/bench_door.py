"""The door against a minimal handler: what Chalice, pydantic and Hadir add to a check-in.

The minimal handler is what a check-in cannot do without: parse the request's
JSON, make the same two DynamoDB requests with the same items (the batch read
and the transaction Hadir made for another person, with that person's ids put
in), and answer. No Chalice, no pydantic, no Hadir. Both sides are handed API
Gateway's event, as Lambda hands it, and run against the same engine:
- warm: in this process, repeated;
- cold: a fresh interpreter per check-in, imports included.

The engines: DynamoDB Local, the one `make run` uses (its own JVM, over
loopback HTTP), and moto in process (the in-process tests' engine) for the warm
figure as well, in the same run, so the ratios can be set side by side.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TABLE = "hadir-bench"
BADGE_SECRET = "bench-badge-secret-0123456789-0123456789"
ORGANISER = "bench-organiser-token"
CLOCK = "2016-11-29T09:00:00+07:00"
REGION = "ap-southeast-3"
WARM_RUNS = 200
COLD_RUNS = 9
WARM_TARGET = 1.2
COLD_TARGET = 1.3


def environment(endpoint: str | None) -> dict[str, str]:
    """What the app reads at start, as `make run` sets it."""
    from chalicelib.core.auth import hash_token

    env = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
        "HADIR_STAGE": "local",
        "HADIR_TABLE_NAME": TABLE,
        "HADIR_BADGE_SECRET": BADGE_SECRET,
        "HADIR_ORGANISER_TOKEN_SHA256": hash_token(ORGANISER),
        "HADIR_CLOCK_START": CLOCK,
    }
    if endpoint:
        env["HADIR_DYNAMODB_ENDPOINT"] = endpoint
    return env


def gateway_event(event_id: str, body: dict, token: str) -> dict:
    """A check-in as API Gateway hands it to Lambda (REST API, proxy integration)."""
    path = "/events/{event_id}/checkins"
    return {
        "resource": path,
        "path": f"/events/{event_id}/checkins",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"event_id": event_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "POST",
            "path": f"/api/events/{event_id}/checkins",
            "stage": "api",
            "requestId": "bench",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


@dataclass
class Door:
    """A table with the workshop, people registered, a desk token, and the app on it."""

    event_id: str
    codes: list[str]
    attendee_ids: list[str]
    desk_token: str
    client: Any  # the app's own DynamoDB client
    sent: list[tuple[str, dict]]  # every request the app's client made, in order


def prepare(endpoint: str | None, people: int) -> Door:
    """Builds the app's services as Lambda would (from the environment) and registers people."""
    os.environ.update(environment(endpoint))
    if endpoint is None:
        os.environ.pop("HADIR_DYNAMODB_ENDPOINT", None)
    import app
    from chalicelib.config import settings_from_environment
    from chalicelib.core.models import Registration
    from chalicelib.runtime import backoff, dynamodb_client, rehearsal_or_system_clock
    from chalicelib.seed import WORKSHOP_ID, seed_events
    from chalicelib.services import Hadir
    from chalicelib.store import Store, create_table

    settings = settings_from_environment()
    client = dynamodb_client(settings)
    create_table(client, TABLE)
    hadir = Hadir(
        Store(client, TABLE, backoff(settings)),
        rehearsal_or_system_clock(settings),
        settings.badge_secret,
        settings.organiser_token_hash,
    )
    for event in seed_events():
        hadir.put_event(event)
    codes, ids = [], []
    for index in range(people):
        registration = hadir.register(
            WORKSHOP_ID,
            Registration(
                name=f"Peserta Nama{index:05d}",
                email=f"door{index}@example.org",
                organisation="Yayasan Hutan Lestari",
                consent=True,
            ),
        )
        codes.append(registration["badge"]["code"])
        ids.append(registration["attendee_id"])
    token = hadir.create_desk_token(WORKSHOP_ID, "Meja Bench")["token"]
    sent: list[tuple[str, dict]] = []
    client.meta.events.register(
        "provide-client-params.dynamodb",
        lambda params, model, **_: sent.append((model.name, copy.deepcopy(params))),
    )
    app.use_hadir(hadir)
    return Door(WORKSHOP_ID, codes, ids, token, client, sent)


class MinimalHandler:
    """The same two requests, with the same items, for another person: hand-written.

    `template` is what Hadir sent for one person's check-in; the handler puts
    another person's attendee id and scan id in its place, and sends it.
    """

    def __init__(
        self, client: Any, requests: list[tuple[str, dict]], attendee_id: str, scan_id: str
    ) -> None:
        self._client = client
        self._requests = [(name, json.dumps(params)) for name, params in requests]
        self._attendee_id = attendee_id
        self._scan_id = scan_id
        self.ids: dict[str, str] = {}  # badge code -> attendee id, known ahead

    def params_for(self, attendee_id: str, scan_id: str) -> list[tuple[str, dict]]:
        return [
            (
                name,
                json.loads(
                    text.replace(self._attendee_id, attendee_id).replace(self._scan_id, scan_id)
                ),
            )
            for name, text in self._requests
        ]

    def __call__(self, event: dict, context: Any = None) -> dict:
        body = json.loads(event["body"])
        for name, params in self.params_for(self.ids[body["code"]], body["scan_id"]):
            method = "batch_get_item" if name == "BatchGetItem" else "transact_write_items"
            getattr(self._client, method)(**params)
        return {"statusCode": 201, "body": json.dumps({"result": "checked_in"})}


def warm(door: Door) -> tuple[float, float, list[str]]:
    """Median seconds of a check-in through the app and through the minimal handler."""
    import app

    runs = WARM_RUNS

    def event(index: int) -> dict:
        body = {"code": door.codes[index], "scan_id": f"door-warm-{index:05d}"}
        return gateway_event(door.event_id, body, door.desk_token)

    # The desk's first check-in also names its label on the event (a condition that
    # the label is new, issue 17): one check-in of the spare person first, so that
    # the template is a check-in like every later one.
    assert app.app(event(len(door.codes) - 1), None)["statusCode"] == 201
    door.sent.clear()
    assert app.app(event(0), None)["statusCode"] == 201
    template = list(door.sent)
    minimal = MinimalHandler(door.client, template, door.attendee_ids[0], "door-warm-00000")
    minimal.ids = dict(zip(door.codes, door.attendee_ids, strict=True))
    app_times, minimal_times = [], []
    # Alternate, so that a busy moment of the machine favours neither side.
    for run in range(1, runs + 1):
        app_event, minimal_event = event(2 * run - 1), event(2 * run)
        started = time.perf_counter()
        answer = app.app(app_event, None)
        app_times.append(time.perf_counter() - started)
        assert answer["statusCode"] == 201, answer
        started = time.perf_counter()
        minimal(minimal_event)
        minimal_times.append(time.perf_counter() - started)
    names = [name for name, _ in template]
    return statistics.median(app_times), statistics.median(minimal_times), names


COLD_APP = """
import json, sys, time
event = json.load(open(sys.argv[1]))
started = time.perf_counter()
import app
answer = app.app(event, None)
elapsed = time.perf_counter() - started
assert answer["statusCode"] == 201, answer
print(elapsed)
"""
COLD_MINIMAL = """
import json, sys, time
requests = json.load(open(sys.argv[1]))
started = time.perf_counter()
import boto3
client = boto3.client("dynamodb", endpoint_url=sys.argv[2])
for name, params in requests:
    if name == "BatchGetItem":
        client.batch_get_item(**params)
    else:
        client.transact_write_items(**params)
print(time.perf_counter() - started)
"""


def cold(door: Door, endpoint: str, first: int) -> tuple[float, float]:
    """Median seconds of a fresh interpreter's first check-in: the app, and the minimal one."""
    import app

    runs = COLD_RUNS

    door.sent.clear()
    event = gateway_event(
        door.event_id, {"code": door.codes[first], "scan_id": "door-cold-template"}, door.desk_token
    )
    assert app.app(event, None)["statusCode"] == 201
    minimal = MinimalHandler(
        door.client, list(door.sent), door.attendee_ids[first], "door-cold-template"
    )
    env = {**os.environ, **environment(endpoint), "AWS_LAMBDA_FUNCTION_NAME": "hadir-bench"}
    app_times, minimal_times = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(runs):
            app_index, minimal_index = first + 1 + 2 * run, first + 2 + 2 * run
            app_event = Path(scratch, f"app-{run}.json")
            app_event.write_text(
                json.dumps(
                    gateway_event(
                        door.event_id,
                        {"code": door.codes[app_index], "scan_id": f"door-cold-{app_index:05d}"},
                        door.desk_token,
                    )
                )
            )
            app_times.append(_fresh_interpreter(COLD_APP, env, str(app_event)))
            requests = Path(scratch, f"minimal-{run}.json")
            requests.write_text(
                json.dumps(
                    minimal.params_for(
                        door.attendee_ids[minimal_index], f"door-cold-{minimal_index:05d}"
                    )
                )
            )
            minimal_times.append(_fresh_interpreter(COLD_MINIMAL, env, str(requests), endpoint))
    return statistics.median(app_times), statistics.median(minimal_times)


def _fresh_interpreter(script: str, env: dict[str, str], *args: str) -> float:
    """The seconds a script in a new interpreter reports as its last word."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.split()[-1])


@contextmanager
def dynamodb_local_server() -> Iterator[str]:
    """The engine `make run` uses: DynamoDB Local on a scratch data directory, over HTTP."""
    from devtools import dynamodb_local

    with tempfile.TemporaryDirectory(prefix="hadir-bench-") as scratch:
        engine = dynamodb_local.start(Path(scratch))
        try:
            yield engine.endpoint
        finally:
            engine.stop()


@contextmanager
def moto_in_process() -> Iterator[None]:
    from moto import mock_aws

    from devtools.local_dynamodb import serialise_moto_dynamodb

    serialise_moto_dynamodb()
    with mock_aws():
        yield


def measure(row: Callable[..., None]) -> None:
    """The door's figures, through `row(section, figure, value, target)`."""
    import app

    section = "The door: a check-in against a minimal handler"
    people = 2 * WARM_RUNS + 2 + 2 * COLD_RUNS + 2
    try:
        with ExitStack() as engine:
            try:
                endpoint = engine.enter_context(dynamodb_local_server())
            except Exception as error:  # no Java, or no engine: said, and the rest measured
                row(section, "make run's engine (DynamoDB Local)", f"not measured: {error}")
            else:
                door = prepare(endpoint, people)
                app_time, minimal_time, names = warm(door)
                row(
                    section,
                    "requests a check-in makes",
                    f"{len(names)} ({', '.join(names)})",
                    "2",
                )
                _ratio(
                    row,
                    section,
                    "warm, make run's engine (DynamoDB Local, HTTP)",
                    app_time,
                    minimal_time,
                    WARM_TARGET,
                )
                app_cold, minimal_cold = cold(door, endpoint, 2 * WARM_RUNS + 1)
                _ratio(
                    row,
                    section,
                    "cold, make run's engine (fresh interpreter, DynamoDB Local)",
                    app_cold,
                    minimal_cold,
                    COLD_TARGET,
                )
        app.use_hadir(None)
        with moto_in_process():
            door = prepare(None, 2 * WARM_RUNS + 2)
            app_time, minimal_time, _ = warm(door)
            _ratio(row, section, "warm, moto in process", app_time, minimal_time, WARM_TARGET)
    finally:
        app.use_hadir(None)


def _ratio(
    row: Callable[..., None],
    section: str,
    label: str,
    app_time: float,
    minimal_time: float,
    target: float,
) -> None:
    row(
        section,
        f"{label}: app / minimal",
        f"{app_time / minimal_time:.2f} ({app_time * 1000:.2f} ms / {minimal_time * 1000:.2f} ms)",
        f"≤ {target}",
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measure(lambda *cells: print(" | ".join(cells)))
