"""Writes straight to moto's table, for states no route makes quickly."""

from __future__ import annotations

from datetime import UTC, datetime

from boto3.dynamodb.types import TypeSerializer

from chalicelib.core.badges import new_attendee_id
from chalicelib.core.domain import ACTIVE, Attendee
from chalicelib.core.search import search_terms
from chalicelib.store.codec import attendee_item, word_item
from chalicelib.store.keys import email_key
from tests.support.values import TABLE


def simulate_reissue(dynamodb, attendee_id, **changes):
    """Set fields of the stored attendee item directly (e.g. badge_serial, status)."""
    names = {f"#k{index}": key for index, key in enumerate(changes)}
    values = {
        f":v{index}": ({"N": str(value)} if isinstance(value, int) else {"S": value})
        for index, value in enumerate(changes.values())
    }
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"ATTENDEE#{attendee_id}"}, "sk": {"S": "ATTENDEE"}},
        UpdateExpression="SET " + ", ".join(f"#k{i} = :v{i}" for i in range(len(changes))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


FIRST = ["Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko"]
LAST = ["Santoso", "Wijaya", "Kurniawan", "Lestari", "Pratama", "Saputra", "Hidayat", "Nugroho"]
ORGANISATIONS = ["Yayasan Alam", "Forum Hutan", "Jaringan Pesisir", "Kelompok Tani", "Media Hijau"]


def seed_directly(dynamodb, event_id: str, count: int) -> None:
    """Write registrations as the store lays them out, without a transaction each.

    moto copies the whole table for every transaction, so 5,000 registrations
    one by one would take many minutes; the layout is the store's own.
    """
    writes = []
    for index in range(count):
        name = f"{FIRST[index % 10]} {LAST[index // 10 % 8]} {index:04d}"
        organisation = ORGANISATIONS[index % 5]
        attendee = Attendee(
            id=new_attendee_id(),
            event_id=event_id,
            name=name,
            email=f"seed{index}@example.org",
            organisation=organisation,
            days=[datetime(2016, 11, 29).date(), datetime(2016, 11, 30).date()],
            status=ACTIVE,
            badge_serial=0,
            registered_at=datetime(2016, 11, 1, tzinfo=UTC),
        )
        terms = search_terms(name, organisation)
        writes.append(attendee_item(attendee))
        writes.append(
            {**email_key(event_id, f"seed{index}@example.org"), "attendee_id": attendee.id}
        )
        writes.extend(word_item(event_id, word, attendee.id, terms.words) for word in terms.indexed)
    dump = TypeSerializer().serialize
    for start in range(0, len(writes), 25):
        batch = [
            {"PutRequest": {"Item": {k: dump(v) for k, v in item.items() if v is not None}}}
            for item in writes[start : start + 25]
        ]
        dynamodb.batch_write_item(RequestItems={TABLE: batch})
