"""Lambda containers racing on one table: each its own client and services."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.core.auth import hash_token
from chalicelib.core.errors import Refusal
from chalicelib.services import Hadir
from chalicelib.store import Store
from tests.support.aws import dynamodb_client
from tests.support.values import BADGE_SECRET, ORGANISER_TOKEN, TABLE


def container(clock) -> Hadir:
    return Hadir(Store(dynamodb_client(), TABLE), clock, BADGE_SECRET, hash_token(ORGANISER_TOKEN))


def all_at_once(count: int, work) -> list:
    """Run work(index) on `count` threads released together; results or Refusals."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        try:
            return work(index)
        except Refusal as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
