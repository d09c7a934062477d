"""make export / make import (devtools/backup.py): an event's items round-trip whole."""

from __future__ import annotations

import io

import pytest

import app as app_module
from chalicelib.core.auth import hash_token
from chalicelib.services import Hadir
from chalicelib.store import Store, create_table
from devtools.backup import EventExists, export_items, import_items, read_lines, write_lines
from tests.support.api import badge_code, checkin, put_event
from tests.support.values import BADGE_SECRET, ORGANISER_TOKEN, OTHER_ID, TABLE, WORKSHOP_ID

RESTORED = "hadir-restored"


def everything(dynamodb, table):
    items = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        items += page["Items"]
    return items


def of_event(item, event_id):
    """Whether an item belongs to the event, judged from its attributes, not as export finds it."""
    pk = item["pk"]["S"]
    if pk == f"EVENT#{event_id}" or pk.startswith(f"EVENT#{event_id}#"):
        return True
    return item.get("event_id", {}).get("S") == event_id


def by_key(items):
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in items}


@pytest.fixture
def recorded(api, organiser, register, desk_token):
    """Registrations (one cancelled, one in another event), check-ins, scans, a desk token."""
    siti = register()
    budi = register(name="Budi O'Brien Santoso", email="budi@example.org", organisation="WWF")
    gone = register(name="Dewi Lestari", email="dewi@example.org")
    put_event(api, organiser, OTHER_ID)
    register(event_id=OTHER_ID, name="Other Person", email="other@example.org")
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    assert checkin(api, desk_token, code="A" * 40).status != 201  # a refused scan, logged
    reply = api.delete(f"/events/{WORKSHOP_ID}/attendees/{gone['attendee_id']}", token=organiser)
    assert reply.status == 200, reply
    return {"budi": budi, "token": desk_token}


def round_trip(dynamodb):
    out = io.StringIO()
    write_lines(export_items(dynamodb, TABLE, WORKSHOP_ID), out)
    create_table(dynamodb, RESTORED)
    return import_items(dynamodb, RESTORED, read_lines(io.StringIO(out.getvalue())))


def test_export_then_import_holds_the_same_items(dynamodb, recorded):
    count = round_trip(dynamodb)
    original = by_key(item for item in everything(dynamodb, TABLE) if of_event(item, WORKSHOP_ID))
    restored = by_key(everything(dynamodb, RESTORED))
    assert count == len(original)
    assert restored == original  # typed: numbers, sets and maps exactly
    kinds = {sk.split("#")[0] for _, sk in original} | {pk.split("#")[0] for pk, _ in original}
    assert {"EVENT", "DESK", "EMAIL", "SCAN", "ATTENDEE", "TOKEN"} <= kinds
    assert any("#WORD#" in pk for pk, _ in original)


def test_the_restored_store_serves_desk_tokens_and_badges(dynamodb, recorded, clock):
    round_trip(dynamodb)
    restored = Hadir(
        store=Store(dynamodb, RESTORED),
        clock=clock,
        badge_secret=BADGE_SECRET,
        organiser_token_hash=hash_token(ORGANISER_TOKEN),
    )
    app_module.use_hadir(restored)  # the api fixture's app now reads the restored table
    from chalice.test import Client

    from tests.support.api import Api

    with Client(app_module.app) as client:
        api = Api(client.http)
        reply = checkin(api, recorded["token"], code=badge_code(recorded["budi"]))
        assert reply.status == 201, reply
        found = api.get(f"/events/{WORKSHOP_ID}/attendees?q=brien", token=recorded["token"])
        assert found.status == 200, found
        assert [person["id"] for person in found.json["attendees"]] == [
            recorded["budi"]["attendee_id"]
        ]
    event = Store(dynamodb, RESTORED).events.get(WORKSHOP_ID)
    assert event is not None


def test_import_refuses_a_store_that_holds_the_event(dynamodb, recorded):
    items = export_items(dynamodb, TABLE, WORKSHOP_ID)
    before = by_key(everything(dynamodb, TABLE))
    with pytest.raises(EventExists, match=WORKSHOP_ID):
        import_items(dynamodb, TABLE, items)
    assert by_key(everything(dynamodb, TABLE)) == before


def test_the_deployed_table_options_use_the_environments_aws(dynamodb, recorded, tmp_path, capsys):
    """`make export TABLE=...` / `make import TABLE=...`: boto3's own client, no local engine.

    moto stands in for AWS here (its mock answers the environment's credentials);
    no test reaches a real deployed table.
    """
    from devtools.backup import main

    file = tmp_path / "prod.jsonl"
    assert main(["export", "--file", str(file), "--table", TABLE]) == 0
    original = by_key(item for item in everything(dynamodb, TABLE) if of_event(item, WORKSHOP_ID))
    assert len(file.read_text().splitlines()) == len(original)
    assert f"from {TABLE} to {file}" in capsys.readouterr().out

    create_table(dynamodb, RESTORED)  # a deployed stage's table exists: import never makes one
    assert main(["import", "--file", str(file), "--table", RESTORED]) == 0
    assert by_key(everything(dynamodb, RESTORED)) == original
    assert main(["import", "--file", str(file), "--table", RESTORED]) == 1
    assert "already holds event" in capsys.readouterr().err
    # A table that is not there (a wrong stage's name): one line, not a traceback.
    assert main(["import", "--file", str(file), "--table", "hadir-nowhere"]) == 1
    assert capsys.readouterr().err.startswith("import on hadir-nowhere: An error occurred")
