"""Fixtures: moto for DynamoDB, a fixed clock, the app wired to both."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from chalice.test import Client

import app as app_module
from chalicelib.core.auth import hash_token
from chalicelib.core.clock import FixedClock
from chalicelib.seed import WORKSHOP_ID, seed_events
from chalicelib.services import Hadir
from chalicelib.store import Store
from tests.support.aws import moto_table  # sets fake AWS credentials on import

ORGANISER_TOKEN = "organiser-token-for-tests-only"
BADGE_SECRET = b"badge-secret-for-tests-only-0123456789"
TABLE = "hadir-test"
# The first morning of the workshop, 09:00 in Jakarta.
WORKSHOP_MORNING = datetime.fromisoformat("2016-11-29T09:00:00+07:00")


@pytest.fixture
def dynamodb():
    with moto_table(TABLE) as client:
        yield client


@pytest.fixture
def clock():
    return FixedClock(WORKSHOP_MORNING)


@pytest.fixture
def store(dynamodb):
    return Store(dynamodb, TABLE)


@pytest.fixture
def hadir(store, clock):
    services = Hadir(
        store=store,
        clock=clock,
        badge_secret=BADGE_SECRET,
        organiser_token_hash=hash_token(ORGANISER_TOKEN),
    )
    for event in seed_events():
        services.put_event(event)
    return services


class Api:
    """JSON over the Chalice test client, which runs the authorizer as API Gateway does."""

    def __init__(self, http):
        self.http = http

    def call(self, method, path, body=None, token=None, headers=None, raw=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.http.request(method, path, headers=sent, body=data)
        return Reply(response)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.call("PUT", path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


class Reply:
    def __init__(self, response):
        self.status = response.status_code
        self.headers = response.headers
        self.raw = response.body
        try:
            self.json = json.loads(response.body) if response.body else None
        except (ValueError, UnicodeDecodeError):
            self.json = None

    @property
    def error_code(self):
        return (self.json or {}).get("error", {}).get("code")

    def __repr__(self):
        return f"<Reply {self.status} {self.raw[:300]!r}>"


@pytest.fixture
def api(hadir):
    app_module.use_hadir(hadir)
    with Client(app_module.app) as client:
        yield Api(client.http)
    app_module.use_hadir(None)


@pytest.fixture
def organiser():
    return ORGANISER_TOKEN


@pytest.fixture
def desk_token(api, organiser):
    reply = api.post(f"/events/{WORKSHOP_ID}/desk-tokens", {"label": "Desk A"}, token=organiser)
    assert reply.status == 201, reply
    return reply.json["token"]


def registration_body(**overrides):
    body = {
        "name": "Siti Rahmawati",
        "email": "siti@example.org",
        "organisation": "Wahana Lingkungan Hidup",
        "gender": "female",
        "organisation_type": "ngo",
        "consent": True,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@pytest.fixture
def register(api):
    def register(event_id=WORKSHOP_ID, **overrides):
        reply = api.post(f"/events/{event_id}/registrations", registration_body(**overrides))
        assert reply.status == 201, reply
        return reply.json

    return register
