"""moto's DynamoDB, with clients made from one boto3 session for the whole run.

A client made by `boto3.client()` under moto's `mock_aws()` comes from a fresh
session (moto clears boto3's default one), and a fresh session parses
botocore's JSON data again: about 0.2 s for every test. Clients made from one
session share its loaded data, so a client costs milliseconds. Each test still
gets its own client (hooks registered on one never reach another) and its own
moto state: `mock_aws()` resets moto's backends when it starts and stops.
moto's stubber sits in botocore's built-in handlers, so these clients reach
moto whenever a mock is active, whenever their session was made.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from moto import mock_aws

from chalicelib.store import create_table
from devtools.local_dynamodb import serialise_moto_dynamodb

REGION = "ap-southeast-3"
# Set on import, before any test makes a client: never reach a real AWS account.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
os.environ.update(FAKE_CREDENTIALS)

_session: boto3.Session | None = None
# A botocore session is not safe to make clients from on several threads at once.
_lock = threading.Lock()


def session() -> boto3.Session:
    """The run's one boto3 session, with the fake credentials."""
    global _session
    with _lock:
        if _session is None:
            _session = boto3.Session(
                aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                aws_session_token=FAKE_CREDENTIALS["AWS_SESSION_TOKEN"],
                region_name=REGION,
            )
        return _session


def dynamodb_client():
    """A new DynamoDB client from the run's session: moto's while a mock is active."""
    shared = session()
    with _lock:
        return shared.client("dynamodb", region_name=REGION)


@contextmanager
def moto_table(table: str) -> Iterator:
    """A fresh moto DynamoDB holding an empty `table`; yields a client for it."""
    serialise_moto_dynamodb()
    with mock_aws():
        client = dynamodb_client()
        create_table(client, table)
        yield client
