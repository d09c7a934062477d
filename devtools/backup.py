"""`make export FILE=...` and `make import FILE=...`: one event's items, as JSON lines.

Export writes every item of an event, one a line, in DynamoDB's typed JSON
(`{"pk": {"S": ...}, "checkin_count": {"N": "1"}, ...}`), so nothing is lost:
numbers stay exact, sets stay sets. It finds them without a Scan, by what
the keys say (chalicelib/store/keys.py):

- the event item and its desk tokens: a Query of the partition `EVENT#<event>`;
- the attendees: a Query of the index partition `EVENT#<event>#ATTENDEES`,
  then each attendee item itself read from the table (strongly consistent);
- the scan log: a Query of the index partition `EVENT#<event>#SCANS`, each
  entry then read from the table;
- the email locks: read by the key each attendee's email gives;
- the search words: a Query of each word partition the attendees' names and
  organisations fall in (the same `search_terms` the registration indexes);
- the token lookups `TOKEN#<hash>`: read by each desk token's `token_hash`;
- the manage-token lookups `MANAGE#<hash>`: read by each attendee's `manage_hash`.

Import loads such a file into a store that does not hold the event yet (it
refuses, in one line, when the event item is there), 25 items a BatchWriteItem,
asking again for the unprocessed ones.

Both reach the local run's DynamoDB Local (HADIR_DATA_DIR, default `.hadir/`):
the engine `make run` is running on that directory, or one started here on it
for the while. With `--table`, they reach a deployed stage's table instead, with
the AWS credentials and region of the environment.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
LOCAL_TABLE = "hadir-dev"  # make run's table (devtools/run_local.py)
DEFAULT_EVENT = "socmed-conservation-2016"
WRITE_BATCH = 25  # BatchWriteItem's most
READ_BATCH = 100  # BatchGetItem's most
RETRIES = 10


class EventExists(RuntimeError):
    """The store already holds the event an import would load."""


# --- export ------------------------------------------------------------------


def _query(client: Any, table: str, **query: Any) -> Iterator[dict]:
    for page in client.get_paginator("query").paginate(TableName=table, **query):
        yield from page.get("Items", [])


def _partition(client: Any, table: str, pk: str) -> Iterator[dict]:
    yield from _query(
        client,
        table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    )


def _index_keys(client: Any, table: str, gsi1pk: str) -> Iterator[dict]:
    for item in _query(
        client,
        table,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": gsi1pk}},
    ):
        yield {"pk": item["pk"], "sk": item["sk"]}


def _batch_get(client: Any, table: str, keys: Iterable[dict]) -> Iterator[dict]:
    """The items of these keys (typed), missing ones left out, asking again for unprocessed."""
    pending = list({(key["pk"]["S"], key["sk"]["S"]): key for key in keys}.values())
    attempt = 0
    while pending:
        batch, pending = pending[:READ_BATCH], pending[READ_BATCH:]
        response = client.batch_get_item(
            RequestItems={table: {"Keys": batch, "ConsistentRead": True}}
        )
        yield from response.get("Responses", {}).get(table, [])
        unprocessed = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        if unprocessed:
            attempt += 1
            if attempt > RETRIES:
                raise RuntimeError(f"{len(unprocessed)} items stayed unprocessed; try again")
            time.sleep(min(0.05 * 2**attempt, 2))
            pending += unprocessed


def _key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def export_items(client: Any, table: str, event_id: str) -> list[dict]:
    """Every item of `event_id`, typed, in a stable order (by pk, then sk)."""
    from chalicelib.core.search import search_terms
    from chalicelib.core.text import normalise_email
    from chalicelib.store import keys
    from chalicelib.store.roster import roster_partition

    found: dict[tuple[str, str], dict] = {}

    def keep(items: Iterable[dict]) -> None:
        for item in items:
            found[(item["pk"]["S"], item["sk"]["S"])] = item

    event_pk = keys.event_key(event_id)["pk"]
    keep(_partition(client, table, event_pk))  # the event and its desk tokens
    if (event_pk, "EVENT") not in found:
        raise LookupError(f"no event {event_id!r} in table {table}")
    attendee_keys = list(_index_keys(client, table, keys.attendees_partition(event_id)))
    attendees = list(_batch_get(client, table, attendee_keys))
    keep(attendees)
    keep(_batch_get(client, table, _index_keys(client, table, keys.scans_partition(event_id))))
    # The roster's change index (chalicelib/store/roster.py): one small item per attendee.
    keep(_batch_get(client, table, _index_keys(client, table, roster_partition(event_id))))
    emails, partitions = [], set()
    for attendee in attendees:
        email = attendee.get("email", {}).get("S")
        if email:
            email_key = keys.email_key(event_id, normalise_email(email))
            emails.append(_key(email_key["pk"], email_key["sk"]))
        texts = [attendee.get(name, {}).get("S") or "" for name in ("name", "organisation")]
        for word in search_terms(*texts).indexed:
            partitions.add(keys.word_partition(event_id, word))
    keep(_batch_get(client, table, emails))
    for partition in sorted(partitions):
        keep(_partition(client, table, partition))
    lookups = [
        keys.token_lookup_key(item["token_hash"]["S"])
        for (pk, sk), item in list(found.items())
        if pk == event_pk and sk.startswith("DESK#") and "token_hash" in item
    ]
    lookups += [
        keys.manage_key(attendee["manage_hash"]["S"])
        for attendee in attendees
        if "manage_hash" in attendee
    ]
    keep(_batch_get(client, table, (_key(key["pk"], key["sk"]) for key in lookups)))
    return [found[key] for key in sorted(found)]


# --- the file: DynamoDB's typed JSON, binary values in base64 as the AWS CLI writes them


def _to_json(value: dict) -> dict:
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(part).decode() for part in inner]}
    if kind == "L":
        return {"L": [_to_json(part) for part in inner]}
    if kind == "M":
        return {"M": {name: _to_json(part) for name, part in inner.items()}}
    return value


def _from_json(value: dict) -> dict:
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(part) for part in inner]}
    if kind == "L":
        return {"L": [_from_json(part) for part in inner]}
    if kind == "M":
        return {"M": {name: _from_json(part) for name, part in inner.items()}}
    return value


def write_lines(items: Iterable[dict], out: TextIO) -> int:
    count = 0
    for item in items:
        typed = {name: _to_json(value) for name, value in item.items()}
        out.write(json.dumps(typed, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def read_lines(source: TextIO) -> list[dict]:
    return [
        {name: _from_json(value) for name, value in json.loads(line).items()}
        for line in source
        if line.strip()
    ]


# --- import ------------------------------------------------------------------


def import_items(client: Any, table: str, items: list[dict]) -> int:
    """Load `items` into `table`, unless it already holds one of their events."""
    events = [
        item for item in items if item["sk"]["S"] == "EVENT" and item["pk"]["S"].count("#") == 1
    ]
    if not events:
        raise ValueError("the file holds no event item: not a Hadir export")
    for event in events:
        key = {"pk": event["pk"], "sk": event["sk"]}
        if client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item"):
            raise EventExists(
                f"table {table} already holds event {event['pk']['S'][len('EVENT#') :]}:"
                " import loads only into a store without it"
            )
    pending = [{"PutRequest": {"Item": item}} for item in items]
    attempt = 0
    while pending:
        batch, pending = pending[:WRITE_BATCH], pending[WRITE_BATCH:]
        response = client.batch_write_item(RequestItems={table: batch})
        unprocessed = response.get("UnprocessedItems", {}).get(table, [])
        if unprocessed:
            attempt += 1
            if attempt > RETRIES:
                raise RuntimeError(f"{len(unprocessed)} items stayed unprocessed; import again")
            time.sleep(min(0.05 * 2**attempt, 2))
            pending += unprocessed
    return len(items)


# --- where: the local run's engine, or a deployed table ------------------------


class _Local:
    """DynamoDB Local on the data directory: the running one, or one started here."""

    def __init__(self, directory: Path) -> None:
        from devtools import dynamodb_local

        self.stop = lambda: None
        endpoint = dynamodb_local.running_endpoint(directory)
        key = dynamodb_local.access_key(directory)
        environment = {
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": dynamodb_local.REGION,
        }
        if endpoint is not None and _answers(endpoint, environment):
            self.client = _client(endpoint, environment)
            return
        engine = dynamodb_local.start(directory)
        self.stop = engine.stop
        self.client = engine.client()


def _client(endpoint: str, environment: dict[str, str], config: Any = None) -> Any:
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=environment["AWS_DEFAULT_REGION"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
        config=config,
    )


def _answers(endpoint: str, environment: dict[str, str]) -> bool:
    from botocore.config import Config

    quick = Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1})
    try:
        _client(endpoint, environment, quick).list_tables(Limit=1)
    except Exception:
        return False  # stale: the engine that wrote it is gone
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backup", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("export", "import"))
    parser.add_argument("--file", required=True, help="the JSON lines file")
    parser.add_argument("--event", default=DEFAULT_EVENT, help="export: the event's id")
    parser.add_argument(
        "--table", help="a deployed stage's table (AWS credentials from the environment)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from botocore.exceptions import BotoCoreError, ClientError

    from devtools.dynamodb_local import EngineMissing
    from devtools.run_local import data_dir

    if args.table:
        import boto3

        # The environment's credentials and region, as the AWS CLI takes them
        # (AWS_PROFILE, AWS_ACCESS_KEY_ID..., AWS_REGION or AWS_DEFAULT_REGION).
        client, table, stop, where = boto3.client("dynamodb"), args.table, None, args.table
    else:
        directory = data_dir()
        try:
            local = _Local(directory)
        except EngineMissing as error:
            print(error, file=sys.stderr)
            return 1
        client, table, stop = local.client, LOCAL_TABLE, local.stop
        where = f"{table} in {directory}"
    try:
        return _run(args, client, table, where)
    except (BotoCoreError, ClientError) as error:
        print(f"{args.action} on {where}: {error}", file=sys.stderr)
        return 1
    finally:
        if stop is not None:
            stop()


def _run(args: argparse.Namespace, client: Any, table: str, where: str) -> int:
    """One export or import on `client`'s `table` (`where` names it to a person)."""
    if args.action == "export":
        try:
            items = export_items(client, table, args.event)
        except LookupError as error:
            print(error, file=sys.stderr)
            return 1
        with open(args.file, "w", encoding="utf-8") as out:
            count = write_lines(items, out)
        print(f"exported {count} items of {args.event} from {where} to {args.file}")
    else:
        with open(args.file, encoding="utf-8") as source:
            items = read_lines(source)
        if not args.table and LOCAL_TABLE not in client.list_tables()["TableNames"]:
            from chalicelib.store import create_table

            create_table(client, LOCAL_TABLE)
        try:
            count = import_items(client, table, items)
        except (EventExists, ValueError) as error:
            print(error, file=sys.stderr)
            return 1
        print(f"imported {count} items from {args.file} into {where}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
