"""Rewrite the email locks made before emails were normalised as they are now.

A registration's email lock is keyed by the hash of its normalised email
(chalicelib/store/keys.py). Locks used to be made from `strip().lower()`;
they are now made from `core.text.normalise_email` (NFC, the domain in IDNA
ASCII). A lock under the old form no longer stops a second registration of
the same person, and cancelling its attendee would look for it under the new
form. For each active attendee of each event whose two forms differ, this
moves the lock, in one transaction (the new lock put if absent, the old one
deleted if still held by that attendee), and reports:

- moved: the lock is now under the new form;
- collision: another active registration already holds the new form (one
  person registered twice under two spellings); its lock is left as it was,
  for the organiser to decide which registration to cancel.

Run it once after deploying, on the local run (default) or a stage's table:
    python devtools/migrate_email_locks.py [--event ID ...] [--table NAME] [--dry-run]
It is safe to run again: a moved lock is not moved twice.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Report:
    unchanged: int = 0
    moved: list[str] = field(default_factory=list)  # attendee ids
    collisions: list[tuple[str, str]] = field(default_factory=list)  # (attendee, holder)
    missing: list[str] = field(default_factory=list)  # active, but no lock found (put anew)


def _events(client: Any, table: str) -> list[str]:
    ids = []
    for page in client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="sk = :event",
        ExpressionAttributeValues={":event": {"S": "EVENT"}},
        ProjectionExpression="pk",
    ):
        ids += [item["pk"]["S"].split("#", 1)[1] for item in page.get("Items", [])]
    return sorted(ids)


def _attendees(client: Any, table: str, event_id: str) -> list[dict]:
    from chalicelib.store import keys

    found = []
    for page in client.get_paginator("query").paginate(
        TableName=table,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.attendees_partition(event_id)}},
    ):
        found += page.get("Items", [])
    return found


def migrate(client: Any, table: str, event_ids: list[str] | None = None, dry_run=False) -> Report:
    from botocore.exceptions import ClientError

    from chalicelib.core.text import normalise_email, old_normalise_email
    from chalicelib.store import keys

    report = Report()
    for event_id in event_ids if event_ids is not None else _events(client, table):
        for item in _attendees(client, table, event_id):
            email = item.get("email", {}).get("S")
            if not email or item.get("status", {}).get("S") != "active":
                continue
            attendee_id = item["pk"]["S"].split("#", 1)[1]
            old = keys.email_key(event_id, old_normalise_email(email))
            new = keys.email_key(event_id, normalise_email(email))
            if old == new:
                report.unchanged += 1
                continue
            typed = {name: {"S": value} for name, value in new.items()}
            holder = client.get_item(TableName=table, Key=typed, ConsistentRead=True).get("Item")
            if holder is not None:
                held_by = holder["attendee_id"]["S"]
                if held_by != attendee_id:
                    report.collisions.append((attendee_id, held_by))
                    continue
            if dry_run:
                report.moved.append(attendee_id)
                continue
            writes: list[dict] = []
            if holder is None:
                writes.append(
                    {
                        "Put": {
                            "TableName": table,
                            "Item": {**typed, "attendee_id": {"S": attendee_id}},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    }
                )
            old_typed = {name: {"S": value} for name, value in old.items()}
            old_lock = client.get_item(TableName=table, Key=old_typed, ConsistentRead=True)
            if "Item" in old_lock:
                writes.append(
                    {
                        "Delete": {
                            "TableName": table,
                            "Key": old_typed,
                            "ConditionExpression": "attendee_id = :me",
                            "ExpressionAttributeValues": {":me": {"S": attendee_id}},
                        }
                    }
                )
            else:
                report.missing.append(attendee_id)
            if writes:
                try:
                    client.transact_write_items(TransactItems=writes)
                except ClientError:
                    # Someone registered the new form meanwhile: a collision.
                    report.collisions.append((attendee_id, "(registered meanwhile)"))
                    continue
            report.moved.append(attendee_id)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="migrate_email_locks", description=__doc__.split("\n")[0])
    parser.add_argument("--event", action="append", help="an event's id (default: every event)")
    parser.add_argument("--table", help="a deployed stage's table (AWS credentials from the env)")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from devtools.backup import LOCAL_TABLE, _Local
    from devtools.dynamodb_local import EngineMissing
    from devtools.run_local import data_dir

    stop = None
    if args.table:
        import boto3

        client, table = boto3.client("dynamodb"), args.table
    else:
        try:
            local = _Local(data_dir())
        except EngineMissing as error:
            print(error, file=sys.stderr)
            return 1
        client, table, stop = local.client, LOCAL_TABLE, local.stop
    try:
        report = migrate(client, table, args.event, args.dry_run)
    finally:
        if stop is not None:
            stop()
    verb = "would move" if args.dry_run else "moved"
    print(f"{verb} {len(report.moved)} email locks; {report.unchanged} already in the new form")
    for attendee_id in report.missing:
        print(f"no old lock found for attendee {attendee_id}: a new one was put")
    for attendee_id, holder in report.collisions:
        print(f"collision: attendee {attendee_id} has the email of attendee {holder}")
    return 2 if report.collisions else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
