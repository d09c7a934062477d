"""make export and make import on DynamoDB Local, as an organiser runs them (README "Backup").

A day is recorded over HTTP on `make run`'s engine; `make export` (devtools.backup)
reads it from the running engine; `make import` loads the file into a new data
directory's engine, one it starts for the while. Every item of the event is then
in the new store, attribute for attribute, and `make run` on it, with the same
badge secret, still checks in a printed badge with the kept desk token.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from devtools import dynamodb_local
from tests.support.localstack import ROOT, WORKSHOP, require_java, start_stack

pytestmark = pytest.mark.stack

TOKEN = "backup-organiser-token"
TABLE = "hadir-dev"  # make run's


def backup(action: str, data_dir: Path, file: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HADIR_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "devtools.backup", action, "--file", str(file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def every_item(client) -> dict:
    items = {}
    for page in client.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True):
        for item in page["Items"]:
            items[(item["pk"]["S"], item["sk"]["S"])] = item
    return items


def of_workshop(items: dict) -> dict:
    """The event's items, judged by their attributes, not as export finds them."""
    return {
        key: item
        for key, item in items.items()
        if key[0] == f"EVENT#{WORKSHOP}"
        or key[0].startswith(f"EVENT#{WORKSHOP}#")
        or item.get("event_id", {}).get("S") == WORKSHOP
    }


def record(stack) -> dict:
    people = [
        ("Siti Rahmawati", "siti@example.org", "WALHI"),
        ("Budi O'Brien Santoso", "budi@example.org", "WWF Indonesia"),
        ("Dewi Lestari", "dewi@example.org", "AJI"),
    ]
    registered = []
    for name, email, organisation in people:
        body = {"name": name, "email": email, "organisation": organisation, "consent": True}
        status, reply = stack.json("POST", f"/events/{WORKSHOP}/registrations", body)
        assert status == 201, reply
        registered.append(reply)
    status, desk = stack.json(
        "POST", f"/events/{WORKSHOP}/desk-tokens", {"label": "Pintu 1"}, TOKEN
    )
    assert status == 201, desk
    status, reply = stack.json(
        "POST",
        f"/events/{WORKSHOP}/checkins",
        {"code": registered[0]["badge"]["code"], "scan_id": "backup-scan-001", "desk": "Pintu 1"},
        desk["token"],
    )
    assert status == 201, reply
    gone = registered[2]["attendee_id"]
    status, reply = stack.json("DELETE", f"/events/{WORKSHOP}/attendees/{gone}", token=TOKEN)
    assert status == 200, reply
    return {"registered": registered, "desk": desk}


def test_export_and_import_round_trip_every_item_on_dynamodb_local(tmp_path):
    require_java()
    day, restored, file = tmp_path / "day", tmp_path / "restored", tmp_path / "backup.jsonl"
    env = {"HADIR_ENGINE": "dynamodb-local", "HADIR_DATA_DIR": str(day)}
    with start_stack(token=TOKEN, extra_env=env, engine="dynamodb-local") as stack:
        recorded = record(stack)
        exported = backup("export", day, file)
        assert exported.returncode == 0, exported.stdout + exported.stderr
        # The running engine's own items, read beside the export.
        endpoint = dynamodb_local.running_endpoint(day)
        assert endpoint is not None
        source = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name=dynamodb_local.REGION,
            aws_access_key_id=dynamodb_local.access_key(day),
            aws_secret_access_key="local",
        )
        original = of_workshop(every_item(source))
    lines = file.read_text().splitlines()
    assert len(lines) == len(original)
    assert f"exported {len(original)} items of {WORKSHOP}" in exported.stdout

    imported = backup("import", restored, file)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert f"imported {len(original)} items" in imported.stdout
    again = backup("import", restored, file)  # into a store that now holds the event
    assert again.returncode == 1
    assert "already holds event" in again.stderr

    engine = dynamodb_local.start(restored)
    try:
        assert every_item(engine.client()) == original  # typed: numbers, sets, maps exactly
    finally:
        engine.stop()
    kinds = {sk.split("#")[0] for _, sk in original} | {pk.split("#")[0] for pk, _ in original}
    assert {"EVENT", "DESK", "EMAIL", "SCAN", "ATTENDEE", "TOKEN"} <= kinds

    # make run on the restored directory, with the day's badge secret: all of it serves.
    shutil.copy(day / "badge-secret", restored / "badge-secret")
    env = {"HADIR_DATA_DIR": str(restored)}
    with start_stack(token=TOKEN, extra_env=env, engine="dynamodb-local") as stack:
        status, attendance = stack.json("GET", f"/events/{WORKSHOP}/attendance", token=TOKEN)
        assert status == 200
        assert attendance["registered"] == 2
        assert attendance["days"][0]["checked_in"] == 1
        siti, budi = recorded["registered"][:2]
        for person, scan_id, expected in (
            (siti, "backup-scan-002", (200, "already_checked_in")),
            (budi, "backup-scan-003", (201, "checked_in")),
        ):
            status, reply = stack.json(
                "POST",
                f"/events/{WORKSHOP}/checkins",
                {"code": person["badge"]["code"], "scan_id": scan_id, "desk": "Pintu 2"},
                recorded["desk"]["token"],
            )
            assert (status, reply["result"]) == expected, reply
        status, found = stack.json(
            "GET", f"/events/{WORKSHOP}/attendees?q=brien", token=recorded["desk"]["token"]
        )
        assert status == 200, found
        assert [person["id"] for person in found["attendees"]] == [budi["attendee_id"]]
