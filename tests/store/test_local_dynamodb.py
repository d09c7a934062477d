"""The embedded DynamoDB's patches: a cancelled transaction leaves nothing, and nothing leaks."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from moto.core.model_instances import model_data

from tests.support.values import TABLE


def put(pk, **attributes):
    return {
        "Put": {
            "TableName": TABLE,
            "Item": {"pk": {"S": pk}, "sk": {"S": "X"}, **attributes},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def get(dynamodb, pk):
    return dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": "X"}}).get("Item")


def test_a_cancelled_transaction_puts_back_every_item_it_touched(dynamodb):
    dynamodb.put_item(
        TableName=TABLE, Item={"pk": {"S": "kept"}, "sk": {"S": "X"}, "n": {"N": "1"}}
    )
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "taken"}, "sk": {"S": "X"}})
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "blocker"}, "sk": {"S": "X"}})
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                put("new"),  # applied by moto before the failure below, then undone
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "kept"}, "sk": {"S": "X"}},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "Delete": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "taken"}, "sk": {"S": "X"}},
                    }
                },
                put("blocker"),  # fails: already there
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert get(dynamodb, "new") is None
    assert get(dynamodb, "kept")["n"] == {"N": "1"}
    assert get(dynamodb, "taken") is not None


def test_a_transaction_that_succeeds_is_kept_whole(dynamodb):
    dynamodb.transact_write_items(TransactItems=[put("a"), put("b")])
    assert get(dynamodb, "a") is not None and get(dynamodb, "b") is not None


def test_dynamodb_objects_are_not_kept_for_moto_s_dashboard(dynamodb):
    for index in range(20):
        dynamodb.transact_write_items(TransactItems=[put(f"item-{index}")])
    tracked = sum(len(model.instances_tracked) for model in model_data["dynamodb"].values())
    assert tracked == 0


def _asked(dynamodb) -> list[str]:
    asked: list[str] = []
    dynamodb.meta.events.register(
        "before-call.dynamodb.*", lambda model, **_: asked.append(model.name)
    )
    return asked


def test_on_dynamodb_local_each_answered_transaction_is_settled_by_a_read(dynamodb):
    from chalicelib.store.client import settle_transactions

    settle_transactions(dynamodb, TABLE)
    asked = _asked(dynamodb)
    dynamodb.transact_write_items(TransactItems=[put("one")])
    assert asked == ["TransactWriteItems", "GetItem"]
    assert get(dynamodb, "one") is not None
    # A refused transaction landed nothing: there is nothing to settle.
    asked.clear()
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put("one")])
    assert asked == ["TransactWriteItems"]


@pytest.mark.parametrize(("engine", "settled"), [("dynamodb-local", True), (None, False)])
def test_only_dynamodb_local_is_settled(dynamodb, engine, settled):
    from chalicelib.config import Settings
    from chalicelib.runtime import dynamodb_client

    settings = Settings(
        stage="local",
        table_name=TABLE,
        region=dynamodb.meta.region_name,
        dynamodb_endpoint=None,  # moto's mock answers in process
        badge_secret=b"x" * 32,
        organiser_token_hash="0" * 64,
        clock_start=None,
        clock_anchor=None,
        dynamodb_engine=engine,
    )
    client = dynamodb_client(settings)
    asked = _asked(client)
    client.transact_write_items(TransactItems=[put("two")])
    assert asked == ["TransactWriteItems", *(["GetItem"] if settled else [])]
