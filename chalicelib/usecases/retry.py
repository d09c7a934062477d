"""Read, decide and write again: the one retry loop of the use cases.

A use case reads, decides on what it read, and writes with conditions that
hold only if nothing changed meanwhile. When a condition fails (another desk
got there first) or DynamoDB does not answer (the write may have landed), the
whole attempt runs again on a fresh read; the conditions turn a write that had
landed into its own record, never a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from chalicelib.core.backoff import Backoff
from chalicelib.core.errors import temporarily_unavailable
from chalicelib.store import Conflict, Unavailable

T = TypeVar("T")

# Lost races and DynamoDB's "not now": every loop retries these.
RETRIED: tuple[type[Exception], ...] = (Conflict, Unavailable)


def optimistically(
    backoff: Backoff,
    attempt: Callable[[], T],
    also: tuple[type[Exception], ...] = (),
) -> T:
    """What `attempt` returns, run again on `Conflict`, `Unavailable` and `also`.

    Pauses between attempts come from `backoff`; when its budget is spent the
    client is told to try again later (temporarily_unavailable).
    """
    retried = (*RETRIED, *also)
    for _ in backoff.attempts():
        try:
            return attempt()
        except retried:
            continue
    raise temporarily_unavailable()
