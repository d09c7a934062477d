"""Events: read one, create or replace one."""

from __future__ import annotations

from chalicelib.core.clock import Clock
from chalicelib.core.models import Event
from chalicelib.usecases.common import event_record
from chalicelib.usecases.ports import Stores


class Events:
    def __init__(self, store: Stores, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def get(self, event_id: str) -> Event:
        """The event document, its logos read from their own items."""
        record = event_record(self._store, event_id)
        if not record.logo_refs:
            return record.event
        return record.event.model_copy(update={"logos": self._store.events.logos(record)})

    def put(self, event: Event) -> bool:
        """Create or replace the event document; its counters are kept. True if created."""
        return self._store.events.put(event, self._clock.now())
