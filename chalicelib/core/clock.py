"""Injectable clocks. Everything that needs "now" is handed one of these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class ShiftedClock:
    """Reads `start` at the real instant `anchor` and runs on in real time.

    For rehearsing past events. The anchor is fixed by whoever configures the
    clock (the local runner passes its own start time), so every process of a
    run agrees on the time whenever it happened to build its clock.
    """

    start: datetime
    anchor: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.start + (datetime.now(UTC) - self.anchor)


@dataclass
class FixedClock:
    """A clock that only moves when told to (tests)."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> None:
        self.instant = instant
