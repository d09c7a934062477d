"""Injectable clocks. Everything that needs "now" is handed one of these."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ShiftedClock:
    """Starts at `start` and runs on in real time: rehearsals of past events.

    Uses a monotonic base so that a wall-clock adjustment on the host does not
    make the rehearsal jump.
    """

    start: datetime
    _base: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._base)


@dataclass
class FixedClock:
    """A clock that only moves when told to (tests)."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> None:
        self.instant = instant
