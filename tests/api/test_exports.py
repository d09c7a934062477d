"""The organiser's exports (API.md section 8): the CSV's new columns and the XLSX
workbook, read back with openpyxl as Excel would read it."""

from __future__ import annotations

import io
from datetime import datetime, time

import pytest
from openpyxl import load_workbook

from tests.support.api import assert_error, badge_code, checkin
from tests.support.values import DAY1, DAY2, WORKSHOP_ID, jakarta, registration_body

EVENT = f"/events/{WORKSHOP_ID}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPT = {"Accept": XLSX}


def workbook(api, organiser):
    reply = api.get(f"{EVENT}/attendance.xlsx", token=organiser, headers=ACCEPT)
    assert reply.status == 200, reply
    return load_workbook(io.BytesIO(reply.raw))


def rows_of(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def cells_of(sheet) -> dict[str, dict]:
    """Each data row's cells by header name, keyed by the row's name."""
    header = [cell.value for cell in sheet[1]]
    return {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}


@pytest.fixture
def people(api, organiser, register, desk_token, clock):
    siti = register(phone="0812 3456 7890", job_title="Koordinator")
    hyper = register(
        name='=HYPERLINK("http://evil.example","x")',
        email="h@example.org",
        organisation="+62 org",
        phone="-0812",
        days=[DAY2],
    )
    clock.set(jakarta(f"{DAY1}T10:15:30"))
    assert checkin(api, desk_token, code=badge_code(siti), desk="Pintu A").status == 201
    walk = api.post(
        f"{EVENT}/attendees", registration_body(name="Pak Darto", email=None), token=desk_token
    )
    assert walk.status == 201, walk
    return {"siti": siti, "hyper": hyper, "walk": walk.json}


def test_the_xlsx_is_served_as_a_download(api, organiser, people):
    reply = api.get(f"{EVENT}/attendance.xlsx", token=organiser, headers=ACCEPT)
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"] == XLSX
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Cache-Control"] == "no-store"
    disposition = reply.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="attendance-{WORKSHOP_ID}.xlsx"'
    assert reply.raw[:2] == b"PK"


def test_the_whole_list_has_the_csv_columns_with_typed_cells(api, organiser, people):
    book = workbook(api, organiser)
    assert book.sheetnames == [
        "Peserta - Attendees",
        f"Hari 1 - {DAY1}",
        f"Hari 2 - {DAY2}",
    ]
    sheet = book["Peserta - Attendees"]
    csv_header = api.get(f"{EVENT}/attendance.csv", token=organiser).raw.decode("utf-8-sig")
    assert [cell.value for cell in sheet[1]] == csv_header.splitlines()[0].split(",")
    rows = cells_of(sheet)
    siti = rows["Siti Rahmawati"]
    # The phone stays text, leading zero and all, and shows no quote mark.
    assert siti["phone"].value == "0812 3456 7890" and siti["phone"].data_type == "s"
    assert siti["phone"].number_format == "@"
    assert siti["job_title"].value == "Koordinator"
    assert siti["source"].value == "online"
    # Instants are real date-times, in the event's local time.
    assert siti["registered_at"].value == datetime(2016, 11, 29, 9, 0, 0)
    assert siti["registered_at"].is_date
    assert siti[f"{DAY1}_checked_in_at"].value == datetime(2016, 11, 29, 10, 15, 30)
    assert siti[f"{DAY1}_desk"].value == "Pintu A"
    assert siti[f"{DAY1}_source"].value == "scan"
    assert siti[f"{DAY2}_checked_in_at"].value is None
    walk = rows["Pak Darto"]
    assert walk["source"].value == "walk_in" and walk["email"].value is None


def test_nothing_in_the_workbook_is_a_formula(api, organiser, people):
    book = workbook(api, organiser)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    hyper = cells_of(book["Peserta - Attendees"])['=HYPERLINK("http://evil.example","x")']
    assert hyper["name"].data_type == "s"
    # Text cells are text as written: no quote mark added in a workbook.
    assert hyper["organisation"].value == "+62 org"
    assert hyper["phone"].value == "-0812"


def test_one_sheet_per_day_lists_those_expected_or_come(api, organiser, people):
    book = workbook(api, organiser)
    day1 = cells_of(book[f"Hari 1 - {DAY1}"])
    assert sorted(day1) == ["Pak Darto", "Siti Rahmawati"]
    arrived = day1["Siti Rahmawati"]
    assert arrived["checked_in_at"].value == time(10, 15, 30)
    assert arrived["checked_in_at"].number_format == "hh:mm:ss"
    assert arrived["desk"].value == "Pintu A" and arrived["checkin_source"].value == "scan"
    assert day1["Pak Darto"]["checked_in_at"].value is None
    day2 = cells_of(book[f"Hari 2 - {DAY2}"])
    assert sorted(day2) == sorted(
        ["Pak Darto", "Siti Rahmawati", '=HYPERLINK("http://evil.example","x")']
    )


def test_an_empty_event_has_headers_only(api, organiser):
    book = workbook(api, organiser)
    assert rows_of(book["Peserta - Attendees"])[1:] == []
    assert len(rows_of(book[f"Hari 1 - {DAY1}"])) == 1


def test_the_xlsx_is_the_organisers_only(api, desk_token):
    reply = api.get(f"{EVENT}/attendance.xlsx", token=desk_token, headers=ACCEPT)
    assert_error(reply, 403, "forbidden")
    assert_error(api.get(f"{EVENT}/attendance.xlsx", headers=ACCEPT), 401, "unauthorized")


def test_an_unknown_event_has_no_workbook(api, organiser):
    reply = api.get("/events/no-such-event/attendance.xlsx", token=organiser, headers=ACCEPT)
    assert_error(reply, 404, "event_not_found")


def test_the_csv_gains_job_title_source_and_registered_at(api, organiser, people):
    text = api.get(f"{EVENT}/attendance.csv", token=organiser).raw.decode("utf-8-sig")
    header, *lines = text.splitlines()
    columns = header.split(",")
    assert columns[8:11] == ["job_title", "source", "registered_at"]
    assert columns[11:] == [
        f"{DAY1}_checked_in_at",
        f"{DAY1}_desk",
        f"{DAY1}_source",
        f"{DAY2}_checked_in_at",
        f"{DAY2}_desk",
        f"{DAY2}_source",
    ]
    darto = next(line for line in lines if line.startswith("Pak Darto"))
    assert ",walk_in," in darto
