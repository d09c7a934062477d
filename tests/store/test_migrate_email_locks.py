"""devtools/migrate_email_locks.py on moto: locks made under the old email
normalisation (strip, lower) move to the new one; collisions are reported."""

from __future__ import annotations

from chalicelib.core.text import normalise_email, old_normalise_email
from chalicelib.store import keys
from devtools.migrate_email_locks import migrate
from tests.support.values import TABLE, WORKSHOP_ID, registration_body

REGISTER = f"/events/{WORKSHOP_ID}/registrations"


def typed(key: dict) -> dict:
    return {name: {"S": value} for name, value in key.items()}


def lock_holder(dynamodb, email_form: str) -> str | None:
    key = typed(keys.email_key(WORKSHOP_ID, email_form))
    item = dynamodb.get_item(TableName=TABLE, Key=key).get("Item")
    return item["attendee_id"]["S"] if item else None


def as_before(dynamodb, email: str, attendee_id: str) -> None:
    """The attendee as stored before: the email as typed (not NFC), its lock under
    the old normalisation."""
    dynamodb.update_item(
        TableName=TABLE,
        Key=typed(keys.attendee_key(attendee_id)),
        UpdateExpression="SET email = :raw",
        ExpressionAttributeValues={":raw": {"S": email}},
    )
    dynamodb.delete_item(
        TableName=TABLE, Key=typed(keys.email_key(WORKSHOP_ID, normalise_email(email)))
    )
    old = {
        **typed(keys.email_key(WORKSHOP_ID, old_normalise_email(email))),
        "attendee_id": {"S": attendee_id},
    }
    dynamodb.put_item(TableName=TABLE, Item=old)


def test_old_locks_move_to_the_new_form_and_collisions_are_reported(api, organiser, dynamodb):
    moving = "siti@BÜCHER.example"
    first = api.post(REGISTER, registration_body(email=moving)).json["attendee_id"]
    as_before(dynamodb, moving, first)
    twin = "rene\u0301@example.org"
    second = api.post(REGISTER, registration_body(email=twin)).json["attendee_id"]
    as_before(dynamodb, twin, second)
    # Under the old locks, the same person registered again with another spelling.
    third = api.post(REGISTER, registration_body(email="ren\u00e9@example.org")).json["attendee_id"]
    plain = api.post(REGISTER, registration_body(email="budi@example.org")).json["attendee_id"]

    dry = migrate(dynamodb, TABLE, [WORKSHOP_ID], dry_run=True)
    assert dry.moved == [first] and lock_holder(dynamodb, normalise_email(moving)) is None

    report = migrate(dynamodb, TABLE)
    assert report.moved == [first]
    assert report.collisions == [(second, third)]
    assert report.unchanged == 2  # third and plain
    assert lock_holder(dynamodb, normalise_email(moving)) == first
    assert lock_holder(dynamodb, old_normalise_email(moving)) is None
    assert lock_holder(dynamodb, old_normalise_email(twin)) == second  # left for the organiser
    assert lock_holder(dynamodb, "budi@example.org") == plain
    # The moved lock holds: the xn-- spelling is the same person.
    again = api.post(REGISTER, registration_body(email="siti@xn--bcher-kva.example"))
    assert (again.status, again.error_code) == (409, "already_registered")
    # And cancelling the migrated attendee frees it.
    assert api.delete(f"/events/{WORKSHOP_ID}/attendees/{first}", token=organiser).status == 200
    assert lock_holder(dynamodb, normalise_email(moving)) is None
    # Run again: nothing moves twice.
    assert migrate(dynamodb, TABLE).moved == []
