"""The attendance list as an Excel workbook (openpyxl): the whole list, then a sheet a day.

Every cell is typed: text stays text (a phone number keeps its leading zero,
with no quote mark to see), instants are real date-times in the event's local
time, check-in times real times, and nothing is a formula: a value that starts
with "=" is written as a string cell. openpyxl is imported here only, and this
module only by the export: the door never loads it.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chalicelib.core.domain import Attendee
from chalicelib.core.models import Event
from chalicelib.core.presenters import Cell, attendance_header, attendance_row

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_TIME = "yyyy-mm-dd hh:mm:ss"
TIME = "hh:mm:ss"
TEXT = "@"
# Columns holding digits that are not numbers.
TEXT_COLUMNS = ("phone",)
DAY_HEADER = [
    "name",
    "organisation",
    "organisation_type",
    "gender",
    "email",
    "phone",
    "job_title",
    "status",
    "source",
    "checked_in_at",
    "desk",
    "checkin_source",
]


def _local(event: Event, instant: datetime) -> datetime:
    """Excel has no time zones: the event's wall clock, without an offset."""
    return instant.astimezone(event.zone).replace(tzinfo=None)


def _put(sheet: Worksheet, row: int, column: int, value: Cell | object, text: bool) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # Never a formula, whatever it starts with: openpyxl would take "=..."
        # for one. A string cell is shown as written, with no quote mark.
        cell.data_type = "s"
        if text:
            cell.number_format = TEXT
        return
    cell.value = value


def _fill(sheet: Worksheet, header: list[str], rows: list[list[object]]) -> None:
    bold = Font(bold=True)
    for column, name in enumerate(header, start=1):
        _put(sheet, 1, column, name, False)
        sheet.cell(row=1, column=column).font = bold
        width = max([len(name), *(len(str(row[column - 1] or "")) for row in rows[:200])])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8), 50) + 2
    for index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet, index, column, value, header[column - 1] in TEXT_COLUMNS)
            if isinstance(value, datetime):
                sheet.cell(row=index, column=column).number_format = DATE_TIME
            elif value is not None and not isinstance(value, str):
                sheet.cell(row=index, column=column).number_format = TIME
    sheet.freeze_panes = "A2"


def attendance_xlsx(event: Event, attendees: list[Attendee]) -> bytes:
    """The workbook: "Peserta" (every registration, as the CSV), then one sheet per day."""
    book = Workbook()
    whole = book.active
    assert whole is not None
    whole.title = "Peserta - Attendees"
    rows: list[list[object]] = []
    for attendee in attendees:
        row = attendance_row(event, attendee)
        rows.append([_local(event, v) if isinstance(v, datetime) else v for v in row])
    _fill(whole, attendance_header(event), rows)
    for day in event.days:
        sheet = book.create_sheet(f"Hari {day.number} - {day.date.isoformat()}")
        day_rows: list[list[object]] = []
        for attendee in attendees:
            checkin = attendee.checkins.get(day.date)
            if day.date not in attendee.days and checkin is None:
                continue
            day_rows.append(
                [
                    attendee.name,
                    attendee.organisation,
                    attendee.organisation_type,
                    attendee.gender,
                    attendee.email,
                    attendee.phone,
                    attendee.job_title,
                    attendee.status,
                    attendee.source,
                    _local(event, checkin.at).time() if checkin else None,
                    checkin.desk if checkin else None,
                    checkin.made_by if checkin else None,
                ]
            )
        _fill(sheet, DAY_HEADER, day_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
