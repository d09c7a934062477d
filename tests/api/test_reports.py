"""Reports, ../shared/API.md section 8: the per-day report, the CSV, the arrivals chart.

Over HTTP through the Chalice test client (staff auth included), with the app
wired to moto's DynamoDB and a fixed clock; nothing of the app is mocked. The
clock is set to the minute (or second) each check-in happens at.
"""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from chalicelib.core.auth import DESK, Staff
from chalicelib.core.models import ORGANISATION_TYPES, CheckinRequest, Registration
from chalicelib.seed import WORKSHOP_ID
from tests.support.api import (
    assert_error,
    assert_validation,
    badge_code,
    checkin,
    event_doc,
    put_event,
)
from tests.support.direct import seed_directly
from tests.support.values import DAY1, DAY2, jakarta, new_scan_id, registration_body

EVENT = f"/events/{WORKSHOP_ID}"
REPORT = f"{EVENT}/attendance/report"
CSV = f"{EVENT}/attendance.csv"
SVG = f"{EVENT}/arrivals.svg"
SVG_NS = "{http://www.w3.org/2000/svg}"
# The workshop's check-in window is 08:00-17:00 on both days: 36 slots.
SLOTS = [f"{hour:02d}:{minute:02d}" for hour in range(8, 17) for minute in (0, 15, 30, 45)]
NOT_CHECKED_IN = ["", "", ""]
CSV_HEADER = [
    "name",
    "organisation",
    "organisation_type",
    "gender",
    "email",
    "phone",
    "status",
    "days",
    "job_title",
    "source",
    "registered_at",
    f"{DAY1}_checked_in_at",
    f"{DAY1}_desk",
    f"{DAY1}_source",
    f"{DAY2}_checked_in_at",
    f"{DAY2}_desk",
    f"{DAY2}_source",
]
BOTH_DAYS = f"{DAY1} {DAY2}"
# job_title (none given), source and registered_at (local) of an online
# registration made at the tests' clock's start.
ONLINE = ["", "online", "2016-11-29 09:00:00"]


# --- helpers ----------------------------------------------------------------


def new_desk(api, organiser, label: str) -> str:
    reply = api.post(f"{EVENT}/desk-tokens", {"label": label}, token=organiser)
    assert reply.status == 201, reply
    return reply.json["token"]


def scan(api, clock, token, registration, local: str, **fields) -> dict:
    """Check `registration` in at the Jakarta wall-clock time `local`."""
    clock.set(jakarta(local))
    reply = checkin(api, token, code=badge_code(registration), **fields)
    assert reply.status == 201, reply
    return reply.json


def walk_in_checked_in(api, clock, token, local: str, **fields) -> dict:
    """A walk-in registered and checked in at the desk at `local`."""
    clock.set(jakarta(local))
    body = registration_body(check_in=True, scan_id=new_scan_id(), **fields)
    reply = api.post(f"{EVENT}/attendees", body, token=token)
    assert reply.status == 201, reply
    assert reply.json["checkin"]["result"] == "checked_in", reply
    return reply.json


def undo(api, organiser, attendee_id: str, on: str):
    reply = api.delete(f"{EVENT}/checkins/{attendee_id}/{on}", token=organiser)
    assert reply.status == 200, reply
    return reply


def cancel(api, organiser, attendee_id: str):
    reply = api.delete(f"{EVENT}/attendees/{attendee_id}", token=organiser)
    assert reply.status == 200, reply
    return reply


def report(api, organiser) -> dict:
    reply = api.get(REPORT, token=organiser)
    assert reply.status == 200, reply
    assert_adds_up(reply.json)
    return reply.json


def report_day(api, organiser, on: str) -> dict:
    (day,) = [day for day in report(api, organiser)["days"] if day["date"] == on]
    return day


def arrivals(day: dict) -> dict[str, int]:
    """The slots that had arrivals, and how many."""
    return {slot["start"]: slot["count"] for slot in day["arrivals"] if slot["count"]}


def assert_adds_up(body: dict) -> None:
    """Every breakdown of every day sums to the day's check-ins; nothing negative."""
    for day in body["days"]:
        checked_in = day["checked_in"]
        for key in ("by_source", "by_gender", "by_organisation_type", "by_desk"):
            assert sum(day[key].values()) == checked_in, (day["date"], key, day)
            assert all(count >= 0 for count in day[key].values()), (key, day)
        counts = [slot["count"] for slot in day["arrivals"]]
        assert sum(counts) == checked_in, (day["date"], day["arrivals"])
        assert all(count >= 0 for count in counts), day["arrivals"]
        assert 0 <= day["walk_ins"] <= checked_in <= day["registered"], day
        assert 0 <= day["late"] <= checked_in, day


def genders(female=0, male=0, prefer_not_to_say=0, **not_given) -> dict:
    return {"female": female, "male": male, "prefer_not_to_say": prefer_not_to_say, **not_given}


def sources(scan=0, search=0, paper=0) -> dict:
    return {"scan": scan, "search": search, "paper": paper}


def organisation_types(**counts) -> dict:
    """Every type, zeros included; "not_given" last, and only when passed."""
    every = {name: counts.pop(name, 0) for name in ORGANISATION_TYPES}
    return {**every, **counts}


def csv_rows(reply) -> list[list[str]]:
    text = reply.raw.decode("utf-8") if isinstance(reply.raw, bytes) else reply.raw
    assert text.startswith("\ufeff"), text[:20]
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def svg_root(reply) -> ET.Element:
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"].startswith("image/svg+xml"), reply.headers
    return ET.fromstring(reply.raw)


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG_NS}rect") if rect.get("class") == "bar"]


# --- the report: breakdowns ---------------------------------------------------


def test_report_shape_of_a_day_without_check_ins(api, organiser):
    body = report(api, organiser)
    assert set(body) == {"event_id", "as_of", "days"}
    assert body["event_id"] == WORKSHOP_ID
    assert body["as_of"] == "2016-11-29T02:00:00Z"
    assert [(day["number"], day["date"]) for day in body["days"]] == [(1, DAY1), (2, DAY2)]
    for day in body["days"]:
        assert set(day) == {
            "number",
            "date",
            "registered",
            "checked_in",
            "walk_ins",
            "late",
            "by_source",
            "by_gender",
            "by_organisation_type",
            "by_desk",
            "arrivals",
        }
        assert (day["registered"], day["checked_in"], day["walk_ins"], day["late"]) == (0,) * 4
        assert day["by_source"] == sources()
        assert day["by_gender"] == genders()
        assert day["by_organisation_type"] == organisation_types()
        assert day["by_desk"] == {}
        # One slot per 15 minutes of the 08:00-17:00 window, zeros included.
        assert day["arrivals"] == [{"start": slot, "count": 0} for slot in SLOTS]
    assert len(SLOTS) == 36 and SLOTS[0] == "08:00" and SLOTS[-1] == "16:45"
    assert api.get(REPORT, token=organiser).headers["Cache-Control"] == "no-store"


def test_breakdowns_after_scans_at_known_minutes_and_desks(
    api, organiser, register, desk_token, clock
):
    desk_b = new_desk(api, organiser, "Desk B")
    siti = register()  # female, ngo
    budi = register(
        name="Budi Santoso", email="budi@example.org", gender="male", organisation_type="government"
    )
    unanswered = register(
        name="Anonim", email="anonim@example.org", gender=None, organisation_type=None
    )
    dewi = register(name="Dewi Lestari", email="dewi@example.org", organisation_type="academia")

    scan(api, clock, desk_token, siti, "2016-11-29T08:00:00")
    scan(api, clock, desk_b, budi, "2016-11-29T08:07:00")
    scan(api, clock, desk_token, unanswered, "2016-11-29T09:14:59", desk="Pintu Utara")
    walk_in_checked_in(
        api,
        clock,
        desk_b,
        "2016-11-29T10:05:00",
        name="Joko Widodo",
        email="joko@example.org",
        gender="male",
        organisation_type="media",
    )
    scan(api, clock, desk_b, siti, "2016-11-30T08:30:00")
    scan(api, clock, desk_token, dewi, "2016-11-30T09:20:00")

    day1, day2 = report(api, organiser)["days"]
    assert (day1["registered"], day1["checked_in"], day1["walk_ins"]) == (5, 4, 1)
    assert (day1["late"], day1["by_source"]) == (0, sources(scan=3, search=1))
    assert day1["by_gender"] == genders(female=1, male=2, not_given=1)
    assert day1["by_organisation_type"] == organisation_types(
        ngo=1, government=1, media=1, not_given=1
    )
    assert day1["by_desk"] == {"Desk A": 1, "Desk B": 2, "Pintu Utara": 1}
    assert [slot["start"] for slot in day1["arrivals"]] == SLOTS
    assert arrivals(day1) == {"08:00": 2, "09:00": 1, "10:00": 1}

    # Day 2 counts only day 2's check-ins; nobody who did not answer came.
    assert (day2["registered"], day2["checked_in"], day2["walk_ins"]) == (5, 2, 0)
    assert (day2["late"], day2["by_source"]) == (0, sources(scan=2))
    assert day2["by_gender"] == genders(female=2)
    assert day2["by_organisation_type"] == organisation_types(ngo=1, academia=1)
    assert day2["by_desk"] == {"Desk A": 1, "Desk B": 1}
    assert [slot["start"] for slot in day2["arrivals"]] == SLOTS
    assert arrivals(day2) == {"08:30": 1, "09:15": 1}


def test_a_repeated_scan_changes_no_bucket(api, organiser, register, desk_token, clock):
    siti = register()
    scan(api, clock, desk_token, siti, "2016-11-29T08:20:00")
    before = report(api, organiser)["days"]
    clock.set(jakarta("2016-11-29T11:40:00"))
    again = checkin(api, desk_token, code=badge_code(siti), desk="Pintu Utara")
    assert again.status == 200 and again.json["result"] == "already_checked_in", again
    assert report(api, organiser)["days"] == before


def test_arrivals_follow_the_days_own_check_in_window(api, organiser, register, clock):
    windows = {"checkin_opens": "07:30", "checkin_closes": "12:00"}
    doc = event_doc(api)
    days = [doc["days"][0] | windows, doc["days"][1] | {"checkin_closes": "08:15"}]
    put_event(api, organiser, WORKSHOP_ID, days=days)
    siti = register()
    scan(api, clock, organiser, siti, "2016-11-29T07:30:00")

    day1, day2 = report(api, organiser)["days"]
    starts = [slot["start"] for slot in day1["arrivals"]]
    assert len(starts) == 18 and starts[0] == "07:30" and starts[-1] == "11:45"
    assert arrivals(day1) == {"07:30": 1}
    assert [slot["start"] for slot in day2["arrivals"]] == ["08:00"]


# --- the report: slot boundaries ---------------------------------------------


@pytest.mark.parametrize(
    ("local", "slot"),
    [
        pytest.param("08:00:00", "08:00", id="window-opens"),
        pytest.param("08:14:59", "08:00", id="first-slot-last-second"),
        pytest.param("09:14:59", "09:00", id="09:14:59"),
        pytest.param("09:15:00", "09:15", id="09:15:00"),
        pytest.param("16:59:59", "16:45", id="16:59:59"),
        pytest.param("17:00:00", "16:45", id="window-closes-in-last-slot"),
    ],
)
def test_slot_boundaries(api, organiser, register, desk_token, clock, local, slot):
    scan(api, clock, desk_token, register(), f"{DAY1}T{local}")
    day1 = report_day(api, organiser, DAY1)
    assert arrivals(day1) == {slot: 1}
    assert len(day1["arrivals"]) == 36


def test_a_check_in_after_the_window_closes_is_refused_and_not_counted(
    api, organiser, register, desk_token, clock
):
    clock.set(jakarta(f"{DAY1}T17:00:01"))
    reply = checkin(api, desk_token, code=badge_code(register()))
    assert_error(reply, 409, "outside_checkin_hours")
    assert report_day(api, organiser, DAY1)["checked_in"] == 0


def test_an_offline_scan_counts_in_the_slot_it_was_scanned_in(
    api, organiser, register, desk_token, clock
):
    # Sent at 11:00, scanned at 09:14:59 local (given in UTC).
    clock.set(jakarta(f"{DAY1}T11:00:00"))
    reply = checkin(api, desk_token, code=badge_code(register()), scanned_at="2016-11-29T02:14:59Z")
    assert reply.status == 201, reply
    day1 = report_day(api, organiser, DAY1)
    assert arrivals(day1) == {"09:00": 1}
    assert day1["late"] == 1  # received 1 hour 45 minutes after it was scanned


# --- the report: undo, cancel, re-check-in -----------------------------------


def test_undo_takes_every_bucket_of_the_check_in_off(api, organiser, register, desk_token, clock):
    desk_b = new_desk(api, organiser, "Desk B")
    siti = register()
    scan(api, clock, desk_token, siti, f"{DAY1}T08:30:00")
    joko = walk_in_checked_in(
        api,
        clock,
        desk_b,
        f"{DAY1}T10:05:00",
        name="Joko Widodo",
        email="joko@example.org",
        gender="male",
        organisation_type="media",
    )
    day1 = report_day(api, organiser, DAY1)
    assert (day1["checked_in"], day1["walk_ins"]) == (2, 1)
    assert day1["by_desk"] == {"Desk A": 1, "Desk B": 1}
    assert arrivals(day1) == {"08:30": 1, "10:00": 1}

    clock.set(jakarta(f"{DAY1}T12:00:00"))
    undo(api, organiser, joko["attendee_id"], DAY1)

    day1 = report_day(api, organiser, DAY1)
    assert (day1["registered"], day1["checked_in"], day1["walk_ins"]) == (2, 1, 0)
    assert day1["by_source"] == sources(scan=1)
    assert day1["by_gender"] == genders(female=1)
    assert day1["by_organisation_type"] == organisation_types(ngo=1)
    assert day1["by_desk"] == {"Desk A": 1}
    assert arrivals(day1) == {"08:30": 1}

    # In again, at another desk and minute: the new desk and slot count, once.
    clock.set(jakarta(f"{DAY1}T11:20:00"))
    again = checkin(api, desk_token, attendee_id=joko["attendee_id"])
    assert again.status == 201, again
    day1 = report_day(api, organiser, DAY1)
    assert (day1["registered"], day1["checked_in"], day1["walk_ins"]) == (2, 2, 1)
    assert day1["by_source"] == sources(scan=2)  # by id, without a source: `scan`
    assert day1["by_gender"] == genders(female=1, male=1)
    assert day1["by_organisation_type"] == organisation_types(ngo=1, media=1)
    assert day1["by_desk"] == {"Desk A": 2}
    assert arrivals(day1) == {"08:30": 1, "11:15": 1}


def test_undoing_a_not_given_check_in_drops_the_not_given_bucket(
    api, organiser, register, desk_token, clock
):
    unanswered = register(gender=None, organisation_type=None)
    scan(api, clock, desk_token, unanswered, f"{DAY2}T16:59:00")
    day2 = report_day(api, organiser, DAY2)
    assert day2["by_gender"] == genders(not_given=1)
    assert arrivals(day2) == {"16:45": 1}

    undo(api, organiser, unanswered["attendee_id"], DAY2)
    day2 = report_day(api, organiser, DAY2)
    assert day2["checked_in"] == 0
    assert day2["by_gender"] == genders()
    assert day2["by_organisation_type"] == organisation_types()
    assert (day2["by_desk"], arrivals(day2)) == ({}, {})
    # Day 1 was never touched.
    assert report_day(api, organiser, DAY1)["checked_in"] == 0


def test_undo_of_one_day_leaves_the_other_day(api, organiser, register, desk_token, clock):
    siti = register()
    scan(api, clock, desk_token, siti, f"{DAY1}T08:45:00")
    scan(api, clock, desk_token, siti, f"{DAY2}T09:00:00")
    day1_before = report_day(api, organiser, DAY1)

    undo(api, organiser, siti["attendee_id"], DAY2)

    assert report_day(api, organiser, DAY1) == day1_before
    day2 = report_day(api, organiser, DAY2)
    assert (day2["checked_in"], day2["by_desk"], arrivals(day2)) == (0, {}, {})


def test_cancel_drops_registered_only(api, organiser, register, desk_token, clock):
    siti = register()
    budi = register(name="Budi Santoso", email="budi@example.org", gender="male")
    day2_only = register(name="Dewi Lestari", email="dewi@example.org", days=[DAY2])
    scan(api, clock, desk_token, siti, f"{DAY1}T08:10:00")
    before = report(api, organiser)["days"]
    assert [day["registered"] for day in before] == [2, 3]

    cancel(api, organiser, budi["attendee_id"])
    cancel(api, organiser, day2_only["attendee_id"])

    after = report(api, organiser)["days"]
    assert [day["registered"] for day in after] == [1, 1]
    for old, new in zip(before, after, strict=True):
        assert {**new, "registered": None} == {**old, "registered": None}


def test_a_walk_in_counted_on_both_days_it_comes(api, organiser, desk_token, clock):
    joko = walk_in_checked_in(
        api, clock, desk_token, f"{DAY1}T09:30:00", gender="male", organisation_type="media"
    )
    clock.set(jakarta(f"{DAY2}T08:00:00"))
    assert checkin(api, desk_token, code=badge_code(joko)).status == 201
    day1, day2 = report(api, organiser)["days"]
    assert (day1["checked_in"], day1["walk_ins"]) == (1, 1)
    assert (day2["checked_in"], day2["walk_ins"]) == (1, 1)
    assert (arrivals(day1), arrivals(day2)) == ({"09:30": 1}, {"08:00": 1})


# The slot a check-in counted in is worked out again from the *current* event
# document when it is undone (domain.decide_undo -> breakdown -> arrival_slot),
# not remembered with the check-in. Move the window after a check-in and the
# undo takes the arrival off another slot: one count stays, one goes negative.
def test_undo_after_the_window_changed_takes_the_arrival_off_its_own_slot(
    api, organiser, register, desk_token, clock
):
    siti = register()
    scan(api, clock, desk_token, siti, f"{DAY1}T16:50:00")  # slot 16:45
    doc = event_doc(api)
    doc["days"][0]["checkin_closes"] = "16:00"  # the organiser shortens the day
    put_event(api, organiser, WORKSHOP_ID, days=doc["days"])

    undo(api, organiser, siti["attendee_id"], DAY1)

    day1 = report_day(api, organiser, DAY1)  # asserts no count is negative
    assert day1["checked_in"] == 0
    assert arrivals(day1) == {}


def test_arrivals_still_add_up_after_the_window_narrows(
    api, organiser, register, desk_token, clock
):
    scan(api, clock, desk_token, register(), f"{DAY1}T08:05:00")
    doc = event_doc(api)
    doc["days"][0]["checkin_opens"] = "08:30"
    put_event(api, organiser, WORKSHOP_ID, days=doc["days"])

    report(api, organiser)  # asserts every breakdown sums to checked_in


# --- the report: what it reads ------------------------------------------------


@pytest.fixture
def items_read(dynamodb):
    """Items DynamoDB read for us, by operation, from the responses themselves."""
    counts: Counter = Counter()

    def count(http_response, parsed, model, **_):
        if model.name in ("Query", "Scan"):
            counts[model.name] += parsed.get("ScannedCount", 0)
        elif model.name == "BatchGetItem":
            counts[model.name] += sum(len(v) for v in parsed.get("Responses", {}).values())
        elif model.name == "GetItem":
            counts[model.name] += 1 if parsed.get("Item") else 0

    dynamodb.meta.events.register("after-call.dynamodb", count)
    yield counts
    dynamodb.meta.events.unregister("after-call.dynamodb", count)


def test_the_report_reads_the_same_items_at_100_and_5000_attendees(hadir, dynamodb, items_read):
    small, large = "report-small-2016", "report-large-2016"
    desk = Staff(role=DESK, event_id=large, token_id="desk-a", label="Desk A")
    for event_id in (small, large):
        hadir.put_event(hadir.get_event(WORKSHOP_ID).model_copy(update={"id": event_id}))
    # A few real check-ins first (moto copies its whole table per transaction).
    for index in range(3):
        person = Registration(
            name=f"Hadir {index}", email=f"h{index}@example.org", organisation="Y", consent=True
        )
        code = hadir.register(large, person)["badge"]["code"]
        scanned = hadir.check_in(large, CheckinRequest(code=code, scan_id=f"rep-{index:05d}"), desk)
        assert scanned.outcome == "checked_in"
    seed_directly(dynamodb, small, 100)
    seed_directly(dynamodb, large, 5000)

    reads = {}
    for event_id in (small, large):
        items_read.clear()
        body = hadir.report(event_id)
        reads[event_id] = dict(items_read)
        assert_adds_up(body)
        if event_id == large:
            assert body["days"][0]["checked_in"] == 3
    assert reads[small] == reads[large] == {"GetItem": 1}


# --- the CSV ---------------------------------------------------------------------


def test_csv_headers_and_byte_order_mark(api, organiser):
    reply = api.get(CSV, token=organiser)
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"].split(";")[0].strip() == "text/csv"
    assert "charset=utf-8" in reply.headers["Content-Type"].replace(" ", "").lower()
    disposition = reply.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert 'filename="' in disposition and disposition.endswith('.csv"'), disposition
    assert reply.headers["Cache-Control"] == "no-store"
    raw = reply.raw if isinstance(reply.raw, bytes) else reply.raw.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    # No registrations yet: the header row alone.
    assert csv_rows(reply) == [CSV_HEADER]


def test_csv_rows_round_trip_sorted_and_neutralised(api, organiser, register, desk_token, clock):
    desk_b = new_desk(api, organiser, "Desk B")
    sutrisno = register(
        name="Sutrisno, S.H.",
        email="sutrisno@example.org",
        organisation='Kantor Hukum "Adil", Jakarta',
        phone="0812 3456 7890",
        gender="male",
        organisation_type="private_sector",
    )
    register(
        name='Abdul "Dul" Karim',
        email="abdul@example.org",
        organisation="Yayasan Kehati",
        gender="male",
    )
    huong = register(
        name="Đỗ Thị Hương",
        email="huong@example.org",
        organisation="Viện Sinh thái",
        organisation_type="academia",
    )
    eko = register(
        name="Eko Prasetyo",
        email="eko@example.org",
        organisation="+62 org",
        phone="+62 812 3456",
        gender="male",
        organisation_type=None,
    )
    register(
        name='=HYPERLINK("http://evil.example","click")',
        email="hyper@example.org",
        organisation="-x",
        gender="prefer_not_to_say",
        organisation_type="other",
    )
    citra = register(
        name="Citra Lestari",
        email="citra@example.org",
        organisation="@x",
        gender=None,
        organisation_type=None,
        days=[DAY1],
    )
    cancel(api, organiser, citra["attendee_id"])
    scan(api, clock, desk_token, huong, f"{DAY1}T08:30:15")
    scan(api, clock, desk_token, eko, f"{DAY1}T10:00:00", desk="Pintu Utara")
    walk_in_checked_in(
        api,
        clock,
        desk_b,
        f"{DAY1}T11:00:00",
        name="Zainal Arifin",
        email="zainal@example.org",
        organisation="Komunitas Pesisir",
        organisation_type="community",
        gender="male",
    )
    scan(api, clock, desk_b, huong, f"{DAY2}T09:45:00")
    scan(api, clock, desk_token, sutrisno, f"{DAY2}T16:59:59")
    # Another event's registration is not in this event's list.
    put_event(api, organiser, "other-event-2016")
    register(event_id="other-event-2016", name="Aaron Other", email="aaron@example.org")

    reply = api.get(CSV, token=organiser)
    assert reply.status == 200, reply
    header, *rows = csv_rows(reply)
    assert header == CSV_HEADER
    assert rows == [
        ['Abdul "Dul" Karim', "Yayasan Kehati", "ngo", "male", "abdul@example.org", "",
         "active", BOTH_DAYS, *ONLINE, *NOT_CHECKED_IN, *NOT_CHECKED_IN],
        ["Citra Lestari", "'@x", "", "", "citra@example.org", "",
         "cancelled", DAY1, *ONLINE, *NOT_CHECKED_IN, *NOT_CHECKED_IN],
        ["Đỗ Thị Hương", "Viện Sinh thái", "academia", "female", "huong@example.org", "",
         "active", BOTH_DAYS, *ONLINE, "2016-11-29 08:30:15", "Desk A", "scan",
         "2016-11-30 09:45:00", "Desk B", "scan"],
        ["Eko Prasetyo", "'+62 org", "", "male", "eko@example.org", "'+62 812 3456",
         "active", BOTH_DAYS, *ONLINE,
         "2016-11-29 10:00:00", "Pintu Utara", "scan", *NOT_CHECKED_IN],
        ['\'=HYPERLINK("http://evil.example","click")', "'-x", "other", "prefer_not_to_say",
         "hyper@example.org", "", "active", BOTH_DAYS, *ONLINE, *NOT_CHECKED_IN, *NOT_CHECKED_IN],
        ["Sutrisno, S.H.", 'Kantor Hukum "Adil", Jakarta', "private_sector", "male",
         "sutrisno@example.org", "0812 3456 7890",
         "active", BOTH_DAYS, *ONLINE, *NOT_CHECKED_IN, "2016-11-30 16:59:59", "Desk A", "scan"],
        ["Zainal Arifin", "Komunitas Pesisir", "community", "male", "zainal@example.org", "",
         "active", BOTH_DAYS, "", "walk_in", "2016-11-29 11:00:00",
         "2016-11-29 11:00:00", "Desk B", "search", *NOT_CHECKED_IN],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", "=1+1", id="name-equals"),
        pytest.param("name", "+Budi", id="name-plus"),
        pytest.param("name", "-Budi", id="name-minus"),
        pytest.param("name", "@Budi", id="name-at"),
        pytest.param("organisation", "=cmd|' /C calc'!A0", id="organisation-dde"),
        pytest.param("phone", "-0812 3456", id="phone-minus"),
        pytest.param("email", "=budi@example.org", id="email-equals"),
    ],
)
def test_csv_formula_looking_cells_get_a_leading_quote(api, organiser, register, field, value):
    register(**{field: value})
    _, row = csv_rows(api.get(CSV, token=organiser))
    assert row[CSV_HEADER.index(field)] == "'" + value


def test_csv_reads_with_a_query_never_a_scan(api, organiser, register, items_read):
    register()
    register(name="Budi Santoso", email="budi@example.org")
    items_read.clear()
    assert len(csv_rows(api.get(CSV, token=organiser))) == 3
    assert items_read["Scan"] == 0
    assert items_read["Query"] == 2


# --- the arrivals chart -------------------------------------------------------


def test_arrivals_svg_bars_match_the_report(api, organiser, register, desk_token, clock):
    times = ["08:00:00", "08:05:00", "08:14:59", "09:15:00", "16:59:00", "17:00:00"]
    for index, local in enumerate(times):
        person = register(name=f"Peserta {index}", email=f"p{index}@example.org")
        scan(api, clock, desk_token, person, f"{DAY1}T{local}")
    day1 = report_day(api, organiser, DAY1)
    assert arrivals(day1) == {"08:00": 3, "09:15": 1, "16:45": 2}

    root = svg_root(api.get(f"{SVG}?date={DAY1}", token=organiser))
    assert root.tag == f"{SVG_NS}svg"
    title, desc = root.find(f"{SVG_NS}title"), root.find(f"{SVG_NS}desc")
    assert title is not None and title.text.strip(), "the chart needs a <title>"
    assert desc is not None and desc.text.strip(), "the chart needs a <desc>"
    assert "6 arrivals" in desc.text

    chart = bars(root)
    assert len(chart) == 36
    assert [(bar.get("data-slot"), int(bar.get("data-count"))) for bar in chart] == [
        (slot["start"], slot["count"]) for slot in day1["arrivals"]
    ]
    heights = {bar.get("data-slot"): float(bar.get("height")) for bar in chart}
    per_arrival = {slot: heights[slot] / count for slot, count in arrivals(day1).items()}
    assert max(per_arrival.values()) == pytest.approx(min(per_arrival.values()), rel=1e-3)
    assert min(per_arrival.values()) > 0
    assert all(heights[slot] == 0 for slot in SLOTS if slot not in arrivals(day1))
    # Every bar stands on the same baseline.
    bottoms = {round(float(bar.get("y")) + float(bar.get("height")), 1) for bar in chart}
    assert len(bottoms) == 1
    # Each slot's time and count are in its bar's title; the hours are written under the bars.
    titles = [group.find(f"{SVG_NS}title").text for group in root.iter(f"{SVG_NS}g")]
    assert titles == [f"{slot['start']}: {slot['count']}" for slot in day1["arrivals"]]
    labels = {text.text for text in root.iter(f"{SVG_NS}text")}
    assert {slot for slot in SLOTS if slot.endswith(":00")} <= labels


def test_arrivals_svg_is_bilingual_and_readable_at_360_px(api, organiser):
    root = svg_root(api.get(f"{SVG}?date={DAY1}", token=organiser))
    title = root.find(f"{SVG_NS}title").text
    assert title.index("Kedatangan hari ke-1") < title.index("Arrivals, day 1"), title
    assert "/" in root.find(f"{SVG_NS}desc").text  # Indonesian, then English
    texts = [text.text for text in root.iter(f"{SVG_NS}text")]
    assert texts.index("Jam kedatangan (waktu setempat), per 15 menit") < texts.index(
        "Time of arrival (local), per 15 minutes"
    )
    # Scaled to a 360 px wide phone, no text is smaller than 9.5 px.
    width = float(root.get("viewBox").split()[2])
    shrink = 360 / width
    sizes = [float(text.get("font-size")) * shrink for text in root.iter(f"{SVG_NS}text")]
    assert min(sizes) >= 9.5, (width, min(sizes))
    # Few time labels, far enough apart not to overlap ("08:00" is ~3 em wide at most).
    ticks = [text for text in root.iter(f"{SVG_NS}text") if text.get("class") == "tick"]
    times = sorted(float(text.get("x")) for text in ticks if ":" in text.text)
    assert 4 <= len(times) <= 12, times
    size = max(float(text.get("font-size")) for text in ticks)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 3 * size


def test_arrivals_svg_of_a_day_without_arrivals(api, organiser):
    reply = api.get(f"{SVG}?date={DAY2}", token=organiser)
    assert reply.headers["Cache-Control"] == "no-store"
    chart = bars(svg_root(reply))
    assert [bar.get("data-slot") for bar in chart] == SLOTS
    assert {(bar.get("data-count"), float(bar.get("height"))) for bar in chart} == {("0", 0.0)}


def test_arrivals_svg_for_a_date_that_is_not_an_event_day(api, organiser):
    assert_error(api.get(f"{SVG}?date=2016-12-01", token=organiser), 409, "not_an_event_day")


@pytest.mark.parametrize("query", ["", "?date=", "?date=yesterday", "?date=2016-11-31"])
def test_arrivals_svg_needs_a_date(api, organiser, query):
    assert_validation(api.get(f"{SVG}{query}", token=organiser), "date")


# --- who may read reports -----------------------------------------------------

REPORT_ROUTES = [
    pytest.param(REPORT, id="report"),
    pytest.param(CSV, id="csv"),
    pytest.param(f"{SVG}?date={DAY1}", id="svg"),
]


@pytest.mark.parametrize("path", REPORT_ROUTES)
def test_desk_tokens_may_not_read_reports(api, desk_token, path):
    assert_error(api.get(path, token=desk_token), 403, "forbidden")


@pytest.mark.parametrize("path", REPORT_ROUTES)
def test_reports_of_an_unknown_event_are_404(api, organiser, path):
    path = path.replace(WORKSHOP_ID, "no-such-event")
    assert_error(api.get(path, token=organiser), 404, "event_not_found")
