"""Events: read one, create or replace one."""

from __future__ import annotations

from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.models import Event
from chalicelib.core.records import days_in_use
from chalicelib.usecases.common import event_record
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.retry import optimistically


class Events:
    def __init__(self, store: Stores, clock: Clock, backoff: Backoff | None = None) -> None:
        self._store = store
        self._clock = clock
        self._backoff = backoff or Backoff()

    def get(self, event_id: str) -> Event:
        """The event document, its logos read from their own items."""
        record = event_record(self._store, event_id)
        if not record.logo_refs:
            return record.event
        return record.event.model_copy(update={"logos": self._store.events.logos(record)})

    def put(self, event: Event) -> bool:
        """Create or replace the event document; its counters are kept. True if created.

        A day that registrations or check-ins point at may not be dropped or
        moved (409 event_day_in_use): the write is conditioned on those days'
        counters being zero, so a registration racing the change either lands
        first (and the change is refused) or is decided again on the new days.
        """

        def attempt() -> bool:
            read = self._store.events.get(event.id)
            in_use = days_in_use(read, event)
            if in_use:
                dates = ", ".join(day.isoformat() for day in in_use)
                raise Refusal(
                    Code.EVENT_DAY_IN_USE,
                    f"Registrations or check-ins point at {dates}: that day may not be "
                    "dropped or moved.",
                )
            return self._store.events.put(event, self._clock.now(), read)

        return optimistically(self._backoff, attempt)
