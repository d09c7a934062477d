"""`make bench`: a 2,000-row participant list imported (API.md section 14), dry run and commit.

The use case runs in this process against two engines: moto (as the other
in-process figures) and DynamoDB Local (AWS's engine, over loopback HTTP), when
java and the engine are at hand. The same list, the same requests: the commit
is one BatchGetItem per 100 keys (the rows' email locks and ids) and one
TransactWriteItems per at most 100 items (a registration writes its email lock,
attendee, manage token and a search word each; the event's counts once a
transaction). So the difference between the two engines is each engine's cost
per transaction item: moto applies and checks every item in Python.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROWS = 2000
SECTION = "Importing a 2,000-row list"


def listing(rows: int = ROWS) -> bytes:
    lines = ["Nama,Lembaga,Email,Jenis Kelamin,Hari"]
    lines += [
        f"Peserta {n:04d},Lembaga {n % 7},p{n}@example.org,{'LP'[n % 2]},29 & 30 November"
        for n in range(rows)
    ]
    return "\n".join(lines).encode()


def _import(client, table: str, body: bytes) -> dict[str, object]:
    from chalicelib.core.auth import hash_token
    from chalicelib.core.clock import FixedClock
    from chalicelib.seed import WORKSHOP_ID, seed_events
    from chalicelib.services import Hadir
    from chalicelib.store import Store

    requests: Counter = Counter()
    client.meta.events.register(
        "before-call.dynamodb", lambda model, **_: requests.update([model.name])
    )
    clock = FixedClock(datetime.fromisoformat("2016-11-29T09:00:00+07:00"))
    hadir = Hadir(Store(client, table), clock, b"b" * 32, hash_token("org"))
    for event in seed_events():
        hadir.put_event(event)
    figures: dict[str, object] = {}
    for name, dry_run in (("dry run", True), ("commit", False)):
        requests.clear()
        started = time.perf_counter()
        answer = hadir.import_list(WORKSHOP_ID, body, "text/csv", dry_run)
        figures[name] = time.perf_counter() - started
        figures[f"{name} requests"] = dict(requests)
        figures[f"{name} answer"] = answer.body if hasattr(answer, "body") else answer
    imported = figures["commit answer"]
    assert isinstance(imported, dict) and imported["imported"] == ROWS, imported
    return figures


def on_moto(body: bytes) -> dict[str, object]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="ap-southeast-3",
    )
    import boto3
    from moto import mock_aws

    from chalicelib.store import create_table
    from devtools.local_dynamodb import serialise_moto_dynamodb

    serialise_moto_dynamodb()
    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, "hadir-bench")
        return _import(client, "hadir-bench", body)


def on_dynamodb_local(body: bytes) -> dict[str, object] | str:
    from chalicelib.store import create_table
    from devtools import dynamodb_local

    try:
        dynamodb_local.java()
        dynamodb_local.fetch()
    except dynamodb_local.EngineMissing as error:
        return f"not measured: {error}"
    with tempfile.TemporaryDirectory(prefix="hadir-bench-import-") as scratch:
        engine = dynamodb_local.start(Path(scratch))
        try:
            client = engine.client()
            create_table(client, "hadir-bench")
            return _import(client, "hadir-bench", body)
        finally:
            engine.stop()


def _requests(counts: object) -> str:
    assert isinstance(counts, dict)
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items()))


def measure(row: Callable[..., None]) -> None:
    body = listing()
    moto = on_moto(body)
    transactions = moto["commit requests"]["TransactWriteItems"]  # type: ignore[index]
    row(SECTION, "requests, dry run", _requests(moto["dry run requests"]))
    row(SECTION, "requests, commit", _requests(moto["commit requests"]))
    row(SECTION, "dry run, moto in process", f"{moto['dry run']:.2f} s")
    row(SECTION, "commit, moto in process", f"{moto['commit']:.1f} s ({transactions} transactions)")
    local = on_dynamodb_local(body)
    if isinstance(local, str):
        row(SECTION, "DynamoDB Local", local)
        return
    row(SECTION, "dry run, DynamoDB Local (HTTP)", f"{local['dry run']:.2f} s")
    row(SECTION, "commit, DynamoDB Local (HTTP)", f"{local['commit']:.1f} s")
    per_moto = 1000 * float(moto["commit"]) / transactions  # type: ignore[arg-type]
    per_local = 1000 * float(local["commit"]) / transactions  # type: ignore[arg-type]
    row(
        SECTION, "per transaction: moto / DynamoDB Local", f"{per_moto:.0f} ms / {per_local:.0f} ms"
    )


if __name__ == "__main__":
    measure(lambda section, figure, value, target="": print(f"{section} | {figure}: {value}"))
