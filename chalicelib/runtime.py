"""Builds the services from settings: the only place clients are created."""

from __future__ import annotations

import os
from datetime import datetime

from chalicelib.config import Settings, parse_instant
from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock, ShiftedClock, SystemClock
from chalicelib.services import Hadir
from chalicelib.store import Store
from chalicelib.store.client import DYNAMODB_LOCAL, settle_transactions


def dynamodb_client(settings: Settings):
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=Config(
            # A Lambda container serves one request at a time; chalice local
            # serves many at once from threads sharing this client.
            max_pool_connections=50,
            # Hadir retries itself, within a budget a door scan can wait for
            # (chalicelib/core/backoff.py): botocore's own retries would sleep up to
            # seconds, and would re-send a write without deciding again.
            retries={"mode": "standard", "total_max_attempts": 1},
            connect_timeout=1,
            read_timeout=_read_timeout(settings),
        ),
    )
    if settings.dynamodb_engine == DYNAMODB_LOCAL:
        settle_transactions(client, settings.table_name)
    return client


def _read_timeout(settings: Settings) -> float:
    # DynamoDB answers in milliseconds; a moto server on a laptop, under a
    # crowd of local desks, can take far longer without anything being wrong.
    return 30 if settings.dynamodb_endpoint else 2


def backoff(settings: Settings) -> Backoff:
    return Backoff(budget_seconds=20) if settings.dynamodb_endpoint else Backoff()


def rehearsal_or_system_clock(settings: Settings) -> Clock:
    return _clock(settings.clock_start, settings.clock_anchor)


def clock_from_environment() -> Clock:
    """The same clock as the services', read without their secrets (for /health)."""
    return _clock(
        parse_instant(os.environ, "HADIR_CLOCK_START"),
        parse_instant(os.environ, "HADIR_CLOCK_ANCHOR"),
    )


def _clock(start: datetime | None, anchor: datetime | None) -> Clock:
    if start is None:
        return SystemClock()
    if anchor is None:
        return ShiftedClock(start)
    return ShiftedClock(start, anchor)


def build_hadir(settings: Settings, clock: Clock | None = None) -> Hadir:
    if clock is None:
        clock = rehearsal_or_system_clock(settings)
    retrying = backoff(settings)
    return Hadir(
        store=Store(dynamodb_client(settings), settings.table_name, retrying),
        clock=clock,
        badge_secret=settings.badge_secret,
        organiser_token_hash=settings.organiser_token_hash,
        backoff=retrying,
    )
