"""Builds the services from settings: the only place clients are created."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

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


def mail_transport(settings: Settings) -> tuple[Any, Any]:
    """The email queue and sender, chosen once from configuration (API.md section 14):
    the stage's SQS queue and SES in AWS; a thread and the outbox directory locally
    (nothing leaves the machine); neither when none is configured."""
    from chalicelib.mail.transport import OutboxSender, SesSender, SqsQueue, ThreadQueue

    if settings.email_queue_url:
        import boto3

        queue = SqsQueue(boto3.client("sqs", region_name=settings.region), settings.email_queue_url)
        sender = None
        if settings.email_from:
            sender = SesSender(
                boto3.client("sesv2", region_name=settings.region),
                settings.email_from,
                settings.email_configuration_set,
            )
        return queue, sender
    if settings.outbox_dir:
        return ThreadQueue(), OutboxSender(
            settings.outbox_dir, settings.email_from or "hadir@localhost"
        )
    return None, None


def build_hadir(settings: Settings, clock: Clock | None = None) -> Hadir:
    if clock is None:
        clock = rehearsal_or_system_clock(settings)
    retrying = backoff(settings)
    queue, sender = mail_transport(settings)
    hadir = Hadir(
        store=Store(dynamodb_client(settings), settings.table_name, retrying),
        clock=clock,
        badge_secret=settings.badge_secret,
        organiser_token_hash=settings.organiser_token_hash,
        backoff=retrying,
        mail_queue=queue,
        mail_sender=sender,
    )
    if hasattr(queue, "serve"):
        queue.serve(hadir.deliver_mail)
    return hadir
