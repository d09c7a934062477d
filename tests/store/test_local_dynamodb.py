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
