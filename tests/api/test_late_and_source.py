"""Late check-ins, each check-in's source, badge codes in any case: ../shared/API.md
sections 2, 6 and 8 (issue 14's last bullet).

Over HTTP through the Chalice test client, with the app wired to moto's DynamoDB
and a fixed clock set to the moment each request is received.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from chalicelib.seed import WORKSHOP_ID
from tests.support.api import assert_validation, badge_code, checkin
from tests.support.values import DAY1, DAY2, TABLE, jakarta, new_scan_id, registration_body

EVENT = f"/events/{WORKSHOP_ID}"


# --- helpers ----------------------------------------------------------------


def report_day(api, organiser, on: str = DAY1) -> dict:
    reply = api.get(f"{EVENT}/attendance/report", token=organiser)
    assert reply.status == 200, reply
    (day,) = [day for day in reply.json["days"] if day["date"] == on]
    assert 0 <= day["late"] <= day["checked_in"], day
    assert all(count >= 0 for count in day["by_source"].values()), day
    return day


def sources(scan=0, search=0, paper=0) -> dict:
    return {"scan": scan, "search": search, "paper": paper}


def scan_log(api, organiser, **params) -> list[dict]:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    reply = api.get(f"{EVENT}/scans?limit=200&{query}", token=organiser)
    assert reply.status == 200, reply
    assert reply.json["next"] is None
    return reply.json["scans"]


def queued(api, clock, token, registration, scanned: str, waited: timedelta, **fields):
    """A scan seen at Jakarta wall-clock `scanned`, received `waited` later."""
    clock.set(jakarta(scanned) + waited)
    scanned_at = jakarta(scanned).isoformat()
    reply = checkin(api, token, code=badge_code(registration), scanned_at=scanned_at, **fields)
    assert reply.status == 201, reply
    return reply


def undo(api, organiser, attendee_id: str, on: str = DAY1) -> None:
    reply = api.delete(f"{EVENT}/checkins/{attendee_id}/{on}", token=organiser)
    assert reply.status == 200, reply


def csv_rows(api, organiser) -> list[dict]:
    reply = api.get(f"{EVENT}/attendance.csv", token=organiser)
    assert reply.status == 200, reply
    text = reply.raw.decode("utf-8") if isinstance(reply.raw, bytes) else reply.raw
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


# --- late ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waited", "late"),
    [
        pytest.param(timedelta(minutes=4), False, id="4-minutes"),
        pytest.param(timedelta(minutes=5), False, id="5-minutes"),
        pytest.param(timedelta(minutes=5, seconds=1), True, id="5-minutes-1-second"),
        pytest.param(timedelta(minutes=6), True, id="6-minutes"),
        pytest.param(timedelta(hours=3), True, id="3-hours"),
    ],
)
def test_a_queued_scan_is_late_beyond_5_minutes(
    api, organiser, register, desk_token, clock, waited, late
):
    siti = register()
    queued(api, clock, desk_token, siti, f"{DAY1}T09:00:00", waited, scan_id="queued-0001")
    (entry,) = scan_log(api, organiser)
    assert (entry["scan_id"], entry["late"]) == ("queued-0001", late)
    assert entry["scanned_at"] == "2016-11-29T02:00:00Z"
    day = report_day(api, organiser)
    assert (day["checked_in"], day["late"]) == (1, int(late))
    # Counted on the day it was scanned, in the slot it was scanned in.
    assert report_day(api, organiser, DAY2)["late"] == 0


def test_a_late_refusal_is_logged_late_and_counted_nowhere(api, organiser, register, clock):
    day2_only = register(days=[DAY2])
    clock.set(jakarta(f"{DAY1}T10:00:00"))
    scanned_at = jakarta(f"{DAY1}T09:00:00").isoformat()
    reply = checkin(api, organiser, code=badge_code(day2_only), scanned_at=scanned_at)
    assert reply.status == 409, reply
    (entry,) = scan_log(api, organiser)
    assert (entry["error_code"], entry["late"]) == ("not_registered_for_day", True)
    assert report_day(api, organiser)["late"] == 0


def test_an_already_checked_in_answer_counts_no_second_late(
    api, organiser, register, desk_token, clock
):
    siti = register()
    queued(api, clock, desk_token, siti, f"{DAY1}T08:30:00", timedelta(minutes=10))
    again = checkin(
        api, desk_token, code=badge_code(siti), scanned_at=jakarta(f"{DAY1}T08:31").isoformat()
    )
    assert again.status == 200 and again.json["result"] == "already_checked_in", again
    assert report_day(api, organiser)["late"] == 1
    assert [entry["late"] for entry in scan_log(api, organiser)] == [True, True]


def test_undoing_a_late_check_in_takes_it_off_late(api, organiser, register, desk_token, clock):
    siti = register()
    budi = register(name="Budi Santoso", email="budi@example.org")
    queued(api, clock, desk_token, siti, f"{DAY1}T08:30:00", timedelta(minutes=6))
    queued(api, clock, desk_token, budi, f"{DAY1}T08:40:00", timedelta(minutes=7))
    assert report_day(api, organiser)["late"] == 2

    clock.set(jakarta(f"{DAY1}T12:00:00"))
    undo(api, organiser, siti["attendee_id"])
    day = report_day(api, organiser)
    assert (day["checked_in"], day["late"], day["by_source"]) == (1, 1, sources(scan=1))
    # The undo itself is made at once: not late.
    undone = scan_log(api, organiser, result="undone")
    assert [(entry["late"], entry["source"]) for entry in undone] == [(False, "scan")]

    # In again, on time: counted, but not late.
    clock.set(jakarta(f"{DAY1}T12:05:00"))
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    day = report_day(api, organiser)
    assert (day["checked_in"], day["late"]) == (2, 1)


def test_undoing_an_on_time_check_in_leaves_late(api, organiser, register, desk_token, clock):
    siti = register()
    budi = register(name="Budi Santoso", email="budi@example.org")
    queued(api, clock, desk_token, siti, f"{DAY1}T08:30:00", timedelta(minutes=6))
    queued(api, clock, desk_token, budi, f"{DAY1}T08:40:00", timedelta(minutes=4))
    undo(api, organiser, budi["attendee_id"])
    day = report_day(api, organiser)
    assert (day["checked_in"], day["late"]) == (1, 1)


@pytest.fixture
def late_and_on_time(api, organiser, register, desk_token, clock):
    """Three scans on day 1: on time, late, and a late refusal; the scan_ids by lateness."""
    siti = register()
    budi = register(name="Budi Santoso", email="budi@example.org")
    queued(api, clock, desk_token, siti, f"{DAY1}T08:30:00", timedelta(0), scan_id="on-time-01")
    queued(
        api, clock, desk_token, budi, f"{DAY1}T08:31:00", timedelta(minutes=20), scan_id="late-0001"
    )
    clock.set(jakarta(f"{DAY1}T09:30:00"))
    scanned_at = jakarta(f"{DAY1}T09:00:00").isoformat()
    forged = checkin(api, desk_token, code="A" * 40, scan_id="late-0002", scanned_at=scanned_at)
    assert forged.status == 404, forged
    return {True: ["late-0001", "late-0002"], False: ["on-time-01"]}


@pytest.mark.parametrize("late", [True, False])
def test_the_scan_log_filters_on_late(api, organiser, late_and_on_time, late):
    entries = scan_log(api, organiser, late=str(late).lower())
    assert [entry["scan_id"] for entry in entries] == late_and_on_time[late]
    assert {entry["late"] for entry in entries} == {late}


def test_the_late_filter_combines_with_result_and_date(api, organiser, late_and_on_time):
    entries = scan_log(api, organiser, late="true", result="checked_in", date=DAY1)
    assert [entry["scan_id"] for entry in entries] == ["late-0001"]
    assert scan_log(api, organiser, late="true", date=DAY2) == []
    assert len(scan_log(api, organiser, late="")) == 3  # blank: no filter


def test_a_late_filter_pages(api, organiser, late_and_on_time):
    reply = api.get(f"{EVENT}/scans?late=true&limit=1", token=organiser)
    assert reply.status == 200, reply
    first = reply.json["scans"]
    assert [entry["scan_id"] for entry in first] == ["late-0001"]
    reply = api.get(f"{EVENT}/scans?late=true&limit=1&next={reply.json['next']}", token=organiser)
    assert reply.status == 200, reply
    assert [entry["scan_id"] for entry in reply.json["scans"]] == ["late-0002"]


@pytest.mark.parametrize("value", ["maybe", "2", "late"])
def test_a_late_filter_that_is_not_a_boolean_is_422(api, organiser, value):
    assert_validation(api.get(f"{EVENT}/scans?late={value}", token=organiser), "late")


# --- source -------------------------------------------------------------------


def test_each_source_is_kept_counted_and_exported(api, organiser, register, desk_token, clock):
    siti = register()
    budi = register(name="Budi Santoso", email="budi@example.org")
    dewi = register(name="Dewi Lestari", email="dewi@example.org")
    eko = register(name="Eko Prasetyo", email="eko@example.org")
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    assert checkin(api, desk_token, code=badge_code(siti), scan_id="src-scan-01").status == 201
    explicit = checkin(api, desk_token, code=badge_code(eko), scan_id="src-scan-02", source="scan")
    assert explicit.status == 201, explicit
    by_name = checkin(
        api, desk_token, attendee_id=budi["attendee_id"], scan_id="src-search-1", source="search"
    )
    assert by_name.status == 201, by_name
    # Ticked on the signed paper list at 08:10, entered at 11:00: late too.
    clock.set(jakarta(f"{DAY1}T11:00:00"))
    paper = checkin(
        api,
        desk_token,
        attendee_id=dewi["attendee_id"],
        scan_id="src-paper-01",
        source="paper",
        scanned_at=jakarta(f"{DAY1}T08:10:00").isoformat(),
    )
    assert paper.status == 201, paper
    # A walk-in checked in at the desk is entered by hand: `search`.
    walk_in = api.post(
        f"{EVENT}/attendees",
        registration_body(
            name="Joko Widodo", email="joko@example.org", check_in=True, scan_id="src-walk-in1"
        ),
        token=desk_token,
    )
    assert walk_in.status == 201 and walk_in.json["checkin"]["result"] == "checked_in", walk_in

    day = report_day(api, organiser)
    assert day["checked_in"] == 5
    assert day["by_source"] == sources(scan=2, search=2, paper=1)
    assert list(day["by_source"]) == ["scan", "search", "paper"]
    assert day["late"] == 1
    assert report_day(api, organiser, DAY2)["by_source"] == sources()

    logged = {
        entry["scan_id"]: (entry["source"], entry["late"]) for entry in scan_log(api, organiser)
    }
    assert logged == {
        "src-scan-01": ("scan", False),
        "src-scan-02": ("scan", False),
        "src-search-1": ("search", False),
        "src-paper-01": ("paper", True),
        "src-walk-in1": ("search", False),
    }

    rows = {row["name"]: row for row in csv_rows(api, organiser)}
    assert {name: row[f"{DAY1}_source"] for name, row in rows.items()} == {
        "Siti Rahmawati": "scan",
        "Eko Prasetyo": "scan",
        "Budi Santoso": "search",
        "Dewi Lestari": "paper",
        "Joko Widodo": "search",
    }
    assert {row[f"{DAY2}_source"] for row in rows.values()} == {""}
    assert rows["Dewi Lestari"][f"{DAY1}_checked_in_at"] == "2016-11-29 08:10:00"


def test_the_csv_source_column_follows_each_days_desk(api, organiser):
    reply = api.get(f"{EVENT}/attendance.csv", token=organiser)
    text = reply.raw.decode("utf-8") if isinstance(reply.raw, bytes) else reply.raw
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[-6:] == [
        f"{DAY1}_checked_in_at",
        f"{DAY1}_desk",
        f"{DAY1}_source",
        f"{DAY2}_checked_in_at",
        f"{DAY2}_desk",
        f"{DAY2}_source",
    ]


def test_undo_takes_the_check_in_off_its_source(api, organiser, register, desk_token, clock):
    siti = register()
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    reply = checkin(api, desk_token, attendee_id=siti["attendee_id"], source="paper")
    assert reply.status == 201, reply
    assert report_day(api, organiser)["by_source"] == sources(paper=1)
    undo(api, organiser, siti["attendee_id"])
    assert report_day(api, organiser)["by_source"] == sources()
    undone = scan_log(api, organiser, result="undone")
    assert [entry["source"] for entry in undone] == ["paper"]


def test_a_replayed_scan_id_keeps_the_first_source(api, organiser, register, desk_token, clock):
    siti = register()
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    first = checkin(api, desk_token, code=badge_code(siti), scan_id="replay-src-1")
    again = checkin(api, desk_token, code=badge_code(siti), scan_id="replay-src-1", source="paper")
    assert (first.status, again.status, again.json) == (201, 201, first.json)
    assert report_day(api, organiser)["by_source"] == sources(scan=1)


@pytest.mark.parametrize("source", ["Scan", "qr", "", None, 1])
def test_an_unknown_source_is_422(api, desk_token, register, source):
    body = {"code": badge_code(register()), "scan_id": new_scan_id(), "source": source}
    reply = api.post(f"{EVENT}/checkins", body, token=desk_token)
    assert_validation(reply, "source")


# --- items written before late and source were kept ------------------------------


def test_items_without_late_or_source_still_load(
    api, organiser, register, desk_token, clock, dynamodb
):
    """A check-in, its log entry and its counts as written before this change."""
    siti = register()
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    assert checkin(api, desk_token, code=badge_code(siti), scan_id="old-scan-01").status == 201
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"ATTENDEE#{siti['attendee_id']}"}, "sk": {"S": "ATTENDEE"}},
        UpdateExpression="REMOVE checkins.#day.#source, checkins.#day.late",
        ExpressionAttributeNames={"#day": DAY1, "#source": "source"},
    )
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"EVENT#{WORKSHOP_ID}#SCAN#old-scan-01"}, "sk": {"S": "SCAN"}},
        UpdateExpression="REMOVE late, #source",
        ExpressionAttributeNames={"#source": "source"},
    )
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"EVENT#{WORKSHOP_ID}"}, "sk": {"S": "EVENT"}},
        UpdateExpression="REMOVE #bucket",
        ExpressionAttributeNames={"#bucket": f"source@{DAY1}@scan"},
    )

    (entry,) = scan_log(api, organiser)
    assert (entry["late"], entry["source"]) == (False, "scan")
    assert scan_log(api, organiser, late="false") == [entry]
    (row,) = csv_rows(api, organiser)
    assert row[f"{DAY1}_source"] == "scan"
    day = report_day(api, organiser)
    assert (day["checked_in"], day["late"], day["by_source"]) == (1, 0, sources())

    # Undone, it takes off only what it was counted in: nothing goes below zero.
    undo(api, organiser, siti["attendee_id"])
    day = report_day(api, organiser)
    assert (day["checked_in"], day["late"], day["by_source"]) == (0, 0, sources())


# --- badge codes in any case ------------------------------------------------------


def qr_texts(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(str.lower, id="lower-case"),
        pytest.param(lambda code: f"  {code.lower()} ", id="spaces-around"),
        pytest.param(lambda code: code[:20].lower() + code[20:], id="mixed-case"),
    ],
)
def test_a_code_typed_in_lower_case_checks_in(api, organiser, register, desk_token, typed):
    siti = register()
    code = badge_code(siti)
    reply = checkin(api, desk_token, code=typed(code))
    assert reply.status == 201, reply
    assert reply.json["attendee"]["id"] == siti["attendee_id"]
    again = checkin(api, desk_token, code=code)
    assert again.status == 200 and again.json["result"] == "already_checked_in", again
    (entry, _) = scan_log(api, organiser)
    assert entry["attendee_id"] == siti["attendee_id"]


def test_a_lower_case_code_is_shown_as_issued(api, register):
    siti = register()
    code = badge_code(siti)
    assert code == code.upper() and code != code.lower()
    lower = code.lower()

    view = api.get(f"/badges/{lower}")
    assert view.status == 200, view
    assert view.json == api.get(f"/badges/{code}").json

    png = api.get(f"/badges/{lower}/qr.png", headers={"Accept": "image/png"})
    assert png.status == 200, png
    assert qr_texts(Image.open(io.BytesIO(png.raw))) == [code]
    # Printed as issued too: tests/unit/test_printing.py.


def test_a_lower_case_code_that_was_altered_is_still_not_found(api, desk_token, register):
    code = badge_code(register())
    altered = code[:-1].lower() + ("a" if code[-1] != "A" else "b")
    reply = checkin(api, desk_token, code=altered)
    assert reply.status == 404 and reply.error_code == "badge_not_found", reply
    assert api.get(f"/badges/{altered}").status == 404
