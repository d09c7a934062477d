"""Retrying within a budget, with jittered exponential pauses ("full jitter").

A desk scanning at the door waits for the answer, so every retry loop in Hadir
stops after about two seconds and answers 503 with Retry-After instead of
holding the queue. Random pauses spread out desks that collided on the same
item, so they do not collide again in step. Sleep, clock and randomness are
handed in, so tests run the loops without waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

# What a client is told to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True)
class Backoff:
    budget_seconds: float = 2.0  # the longest a request spends retrying
    max_attempts: int = 8
    first_pause: float = 0.02
    longest_pause: float = 0.4
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    monotonic: Callable[[], float] = field(default=time.monotonic, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def pause(self, retry: int) -> float:
        """The pause before retry number `retry` (1, 2, ...): uniform in [0, cap)."""
        cap = min(self.longest_pause, self.first_pause * 2 ** (retry - 1))
        return self.random() * cap

    def attempts(self) -> Iterator[int]:
        """Yields 0, 1, 2, ... with a pause before each retry, until the budget is spent.

        The caller breaks out (or returns) on success; when the loop ends on its
        own the budget is gone and the caller answers 503.
        """
        started = self.monotonic()
        for attempt in range(self.max_attempts):
            if attempt:
                pause = self.pause(attempt)
                if self.monotonic() + pause - started > self.budget_seconds:
                    return
                self.sleep(pause)
            yield attempt
