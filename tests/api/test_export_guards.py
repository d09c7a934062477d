"""Issue 17, finding 8: every cell of every export is guarded against formulas.

The desk label is free text that anyone with a desk token writes, and it lands in
the attendance CSV's `<date>_desk` column; a guard applied column by column left
it (and the check-in time) open. The guard is now one function applied to every
cell at the writer, and these tests hold each column to it.
"""

from __future__ import annotations

import csv
import io

import pytest

from chalicelib.core import presenters
from chalicelib.core.presenters import GuardedWriter, guard_cell
from chalicelib.seed import WORKSHOP_ID
from tests.support.api import badge_code, checkin
from tests.support.values import DAY1, jakarta, new_scan_id, registration_body

EVENT = f"/events/{WORKSHOP_ID}"
CSV = f"{EVENT}/attendance.csv"
HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
API_SAFE = HOSTILE[:5]  # text fields refuse control characters: tab and CR get a 422


def rows_of(reply) -> list[list[str]]:
    text = reply.raw.decode("utf-8") if isinstance(reply.raw, bytes) else reply.raw
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_the_guard_quotes_every_formula_start(value):
    assert guard_cell(value) == "'" + value
    assert guard_cell(None) == ""
    assert guard_cell("Budi") == "Budi"
    assert guard_cell(7) == "7"


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("column", range(6))
def test_the_writer_guards_every_column(value, column):
    """A column another change adds is guarded too: the guard is at the writer."""
    buffer = io.StringIO()
    row: list[object] = ["a", "b", None, 3, "e", "f"]
    row[column] = value
    GuardedWriter(buffer).writerow(row)
    [read] = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert read[column] == "'" + value
    assert all(not cell.startswith(presenters._FORMULA_STARTS) for cell in read)


@pytest.mark.parametrize("label", API_SAFE)
def test_a_desk_label_in_the_attendance_csv_is_guarded(
    api, organiser, register, desk_token, clock, label
):
    person = register()
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    reply = checkin(api, desk_token, code=badge_code(person), desk=label)
    assert reply.status == 201, reply
    header, row = rows_of(api.get(CSV, token=organiser))
    assert row[header.index(f"{DAY1}_desk")] == "'" + label
    assert row[header.index(f"{DAY1}_checked_in_at")] == f"{DAY1} 08:30:00"


@pytest.mark.parametrize("label", API_SAFE)
def test_a_walk_ins_desk_label_and_every_text_column_are_guarded(
    api, organiser, desk_token, clock, label
):
    clock.set(jakarta(f"{DAY1}T09:00:00"))
    body = registration_body(
        name=label, organisation=label, job_title=label, check_in=True, scan_id=new_scan_id()
    )
    body["desk"] = label
    reply = api.post(f"{EVENT}/attendees", body, token=desk_token)
    assert reply.status == 201, reply
    header, row = rows_of(api.get(CSV, token=organiser))
    for column in ("name", "organisation", f"{DAY1}_desk"):
        assert row[header.index(column)] == "'" + label, column
    if "job_title" in header:
        assert row[header.index("job_title")] == "'" + label


def test_every_cell_of_the_attendance_csv_passes_the_guard(
    api, organiser, register, desk_token, clock, monkeypatch
):
    """Each column, the check-in time and the source included, goes through
    `guard_cell`: marked here, every cell of every row must carry the mark."""
    person = register()
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    assert checkin(api, desk_token, code=badge_code(person), desk="Meja 1").status == 201
    monkeypatch.setattr(presenters, "guard_cell", lambda value: f"#{value}")
    rows = rows_of(api.get(CSV, token=organiser))
    assert len(rows) == 2
    for row in rows:
        assert all(cell.startswith("#") for cell in row), row
