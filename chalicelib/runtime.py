"""Builds the services from settings: the only place clients are created."""

from __future__ import annotations

from chalicelib.clock import Clock, ShiftedClock, SystemClock
from chalicelib.config import Settings
from chalicelib.services import Hadir
from chalicelib.store import Store


def dynamodb_client(settings: Settings):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        # A Lambda container serves one request at a time; chalice local
        # serves many at once from threads sharing this client.
        config=Config(max_pool_connections=50, retries={"mode": "standard"}),
    )


def rehearsal_or_system_clock(settings: Settings) -> Clock:
    if settings.clock_start is None:
        return SystemClock()
    if settings.clock_anchor is None:
        return ShiftedClock(settings.clock_start)
    return ShiftedClock(settings.clock_start, settings.clock_anchor)


def build_hadir(settings: Settings, clock: Clock | None = None) -> Hadir:
    if clock is None:
        clock = rehearsal_or_system_clock(settings)
    return Hadir(
        store=Store(dynamodb_client(settings), settings.table_name),
        clock=clock,
        badge_secret=settings.badge_secret,
        organiser_token_hash=settings.organiser_token_hash,
    )
