"""Fixtures: moto for DynamoDB, a fixed clock, the app wired to both."""

from __future__ import annotations

from collections import Counter

import pytest
from chalice.test import Client

import app as app_module
from chalicelib.core.auth import hash_token
from chalicelib.core.clock import FixedClock
from chalicelib.seed import seed_events
from chalicelib.services import Hadir
from chalicelib.store import Store
from tests.support.api import Api
from tests.support.aws import moto_table  # sets fake AWS credentials on import
from tests.support.values import (
    BADGE_SECRET,
    ORGANISER_TOKEN,
    TABLE,
    WORKSHOP_ID,
    WORKSHOP_MORNING,
    registration_body,
)


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


@pytest.fixture
def register(api):
    def register(event_id=WORKSHOP_ID, **overrides):
        reply = api.post(f"/events/{event_id}/registrations", registration_body(**overrides))
        assert reply.status == 201, reply
        return reply.json

    return register


@pytest.fixture
def requests_made(dynamodb):
    """Counts DynamoDB API calls by operation name, from the moment it is cleared."""
    counts: Counter = Counter()

    def count(model, **_):
        counts[model.name] += 1

    dynamodb.meta.events.register("before-call.dynamodb", count)
    yield counts
    dynamodb.meta.events.unregister("before-call.dynamodb", count)
