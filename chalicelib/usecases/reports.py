"""Reports: live attendance, the per-day breakdowns, the CSV and the arrivals chart.

Counts come from the event's counters, one item read at any size; only the
CSV reads every registration.
"""

from __future__ import annotations

from datetime import date

from chalicelib.core import presenters
from chalicelib.core.clock import Clock
from chalicelib.core.domain import utc_iso
from chalicelib.core.errors import not_an_event_day
from chalicelib.core.privacy import as_seen
from chalicelib.usecases.common import by_name, event_record
from chalicelib.usecases.ports import Stores


class Reports:
    def __init__(self, store: Stores, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def attendance(self, event_id: str) -> dict:
        record = event_record(self._store, event_id)
        return {
            "event_id": event_id,
            "as_of": utc_iso(self._clock.now()),
            "registered": record.registered(),
            "days": [
                {
                    "number": day.number,
                    "date": day.date.isoformat(),
                    "registered": record.registered_on(day.date),
                    "checked_in": record.checked_in_on(day.date),
                    "no_shows": record.registered_on(day.date) - record.checked_in_on(day.date),
                }
                for day in record.event.days
            ],
            "attended_any": record.counters.get("attended_any", 0),
            "attended_all_days": record.counters.get("attended_all_days", 0),
        }

    def report(self, event_id: str) -> dict:
        """Per-day breakdowns from the event's counters: one item read at any size."""
        record = event_record(self._store, event_id)
        return {
            "event_id": event_id,
            "as_of": utc_iso(self._clock.now()),
            "days": [presenters.report_day_json(record, day) for day in record.event.days],
        }

    def attendance_csv(self, event_id: str) -> str:
        """Every registration, cancelled ones included, by name: the donor's evidence."""
        event = event_record(self._store, event_id).event
        # Erased people keep their row, without their personal data.
        now = self._clock.now()
        attendees = [as_seen(a, now) for a in self._store.attendees.all_of(event_id)]
        attendees.sort(key=by_name)
        return presenters.attendance_csv(event, attendees)

    def attendance_xlsx(self, event_id: str) -> bytes:
        """The CSV's table as a workbook, and a sheet per event day (openpyxl, loaded here only)."""
        from chalicelib.documents.spreadsheet import attendance_xlsx

        event = event_record(self._store, event_id).event
        # Erased people keep their row, without their personal data, as in the CSV.
        now = self._clock.now()
        attendees = [as_seen(a, now) for a in self._store.attendees.all_of(event_id)]
        attendees.sort(key=by_name)
        return attendance_xlsx(event, attendees)

    def arrivals_svg(self, event_id: str, on: date) -> str:
        from chalicelib.documents.charts import arrivals_chart, chart_titles

        record = event_record(self._store, event_id)
        day = record.event.day_on(on)
        if day is None:
            raise not_an_event_day(str(on))
        counts = presenters.arrival_counts(record, day)
        return arrivals_chart(chart_titles(day.number, day.date), counts)
