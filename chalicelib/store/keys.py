"""Key formats and the table's schema: where each kind of item lives.

Item layout (one table, `pk`/`sk`, one GSI `gsi1` on `gsi1pk`/`gsi1sk`):

    EVENT#<event>                     EVENT      the event document + counters
    EVENT#<event>                     DESK#<id>  a desk token's public record
    EVENT#<event>#EMAIL#<sha256>      EMAIL      email lock -> attendee id
    EVENT#<event>#SCAN#<scan_id>      SCAN       scan log entry + stored answer
    EVENT#<event>#WORD#<1-2 letters>  <word>#<attendee>  a search word (a one-letter word alone)
    ATTENDEE#<attendee>               ATTENDEE   registration, badge serial, check-ins
    TOKEN#<sha256 of token>           TOKEN      desk or kiosk token lookup, by hash
    EVENT#<event>                     CERTSEQ    the event's last certificate sequence
    EVENT#<event>                     LOGO#<sha256>  one logo's PNG (content-addressed)
    CERT#<number>                     CERT       a certificate number -> event, attendee
    MANAGE#<sha256 of token>          MANAGE     an attendee's manage token -> attendee id

Items holding personal data carry `expires_at` (epoch seconds), the table's
TTL attribute: DynamoDB deletes them once the event's retention has ended.
    ATTENDEE#<attendee>               PAY#<allowance>#<date>  an allowance paid
    ATTENDEE#<attendee>               SIGNED#<date>  a tick from the signed paper list

Index partitions (`gsi1pk`): EVENT#<event>#ATTENDEES (by name) and
EVENT#<event>#SCANS (by day and time received), EVENT#<event>#PAY#<allowance> (payments,
by date and attendee) and EVENT#<event>#SIGNED#<date> (paper ticks, by attendee).
"""

from __future__ import annotations

import hashlib
from typing import Any

# The table's key schema and index, used by the local bootstrap, the tests and
# the deployment template alike.
TABLE_SCHEMA: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "gsi1",
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "BillingMode": "PAY_PER_REQUEST",
}

# The key attributes of the table and of its index, as a cursor names them.
TABLE_KEY = ("pk", "sk")
INDEX_KEY = ("pk", "sk", "gsi1pk", "gsi1sk")


# DynamoDB's time to live: items past their `expires_at` are deleted by AWS.
TTL_ATTRIBUTE = "expires_at"
TTL_SPECIFICATION: dict[str, Any] = {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}


def create_table(client: Any, table_name: str) -> None:
    client.create_table(TableName=table_name, **TABLE_SCHEMA)
    client.get_waiter("table_exists").wait(TableName=table_name)
    enable_ttl(client, table_name)


def enable_ttl(client: Any, table_name: str) -> None:
    """Turn the table's time to live on (on `expires_at`), if it is not yet."""
    described = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if described.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return
    client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=TTL_SPECIFICATION)


def event_key(event_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}", "sk": "EVENT"}


def attendee_key(attendee_id: str) -> dict:
    return {"pk": f"ATTENDEE#{attendee_id}", "sk": "ATTENDEE"}


def email_key(event_id: str, normalised_email: str) -> dict:
    # Hashed so that an email address never appears in a key (keys end up in
    # logs and metrics far more readily than attribute values).
    digest = hashlib.sha256(normalised_email.encode()).hexdigest()
    return {"pk": f"EVENT#{event_id}#EMAIL#{digest}", "sk": "EMAIL"}


def scan_key(event_id: str, scan_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}#SCAN#{scan_id}", "sk": "SCAN"}


def desk_token_key(event_id: str, token_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}", "sk": f"DESK#{token_id}"}


def token_lookup_key(token_hash: str) -> dict:
    return {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN"}


def manage_key(token_hash: str) -> dict:
    return {"pk": f"MANAGE#{token_hash}", "sk": "MANAGE"}


def word_key(event_id: str, word: str, attendee_id: str) -> dict:
    # Partitioned by the word's first two letters, the shortest lookup.
    return {"pk": word_partition(event_id, word), "sk": f"{word}#{attendee_id}"}


def word_partition(event_id: str, lookup: str) -> str:
    return f"EVENT#{event_id}#WORD#{lookup[:2]}"


def attendees_partition(event_id: str) -> str:
    return f"EVENT#{event_id}#ATTENDEES"


def scans_partition(event_id: str) -> str:
    return f"EVENT#{event_id}#SCANS"


def certificate_counter_key(event_id: str) -> dict:
    return {"pk": f"EVENT#{event_id}", "sk": "CERTSEQ"}


def certificate_key(number: str) -> dict:
    return {"pk": f"CERT#{number}", "sk": "CERT"}


def logo_key(event_id: str, digest: str) -> dict:
    # Beside the event item, never on it: four logos of 200 KB would not fit
    # its 400 KB, and the door's hot read of the event stays small.
    return {"pk": f"EVENT#{event_id}", "sk": f"LOGO#{digest}"}


def payment_key(attendee_id: str, allowance: str, on: str) -> dict:
    return {"pk": f"ATTENDEE#{attendee_id}", "sk": f"PAY#{allowance}#{on}"}


def payments_partition(event_id: str, allowance: str) -> str:
    return f"EVENT#{event_id}#PAY#{allowance}"


def signature_key(attendee_id: str, on: str) -> dict:
    return {"pk": f"ATTENDEE#{attendee_id}", "sk": f"SIGNED#{on}"}


def signatures_partition(event_id: str, on: str) -> str:
    return f"EVENT#{event_id}#SIGNED#{on}"


def event_of(pk: str) -> str:
    """The event id in a key of the form EVENT#<event>#..."""
    return pk.split("#")[1]


def as_tuple(key: dict) -> tuple[str, str]:
    """A key as the (pk, sk) pair a batch read is looked up by."""
    return key["pk"], key["sk"]
