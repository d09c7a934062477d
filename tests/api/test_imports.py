"""Importing a participant list (API.md section 14): POST /events/{id}/imports.

The sample list (tests/fixtures/peserta-contoh.*, a copy of ../shared/data) is a
Google Forms export with Indonesian headers and the mistakes real forms hold.
"""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.api.test_desk_work import counts
from tests.support.api import assert_error
from tests.support.values import WORKSHOP_ID

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_REPORT = {
    "rows": 68,
    "valid": 66,
    "errors": [{"row": 68, "field": "email", "message": "is not a valid email address"}],
    "duplicates": [{"row": 66, "matches": "row 2"}],
}


def send(api, token, body: bytes, content_type="text/csv", dry_run=False, event_id=WORKSHOP_ID):
    query = "?dry_run=true" if dry_run else ""
    return api.call(
        "POST",
        f"/events/{event_id}/imports{query}",
        raw=body,
        token=token,
        headers={"Content-Type": content_type},
    )


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def people(api, organiser) -> dict[str, dict]:
    reply = api.get(f"/events/{WORKSHOP_ID}/attendees?limit=100", token=organiser)
    found = {person["name"]: person for person in reply.json["attendees"]}
    while reply.json.get("next"):
        reply = api.get(
            f"/events/{WORKSHOP_ID}/attendees?limit=100&next={reply.json['next']}", token=organiser
        )
        found.update({person["name"]: person for person in reply.json["attendees"]})
    return found


def detail(api, organiser, person) -> dict:
    path = f"/events/{WORKSHOP_ID}/attendees/{person['id']}"
    reply = api.get(path, token=organiser)
    assert reply.status == 200, reply
    return reply.json


@pytest.mark.parametrize(("name", "content_type"), [("csv", "text/csv"), ("xlsx", XLSX)])
def test_the_sample_list_reports_its_mistakes_then_imports(api, organiser, name, content_type):
    body = (FIXTURES / f"peserta-contoh.{name}").read_bytes()
    before = counts(api, organiser)
    reply = send(api, organiser, body, content_type, dry_run=True)
    assert reply.status == 200, reply
    assert reply.json == SAMPLE_REPORT
    assert counts(api, organiser) == before  # a dry run writes nothing

    reply = send(api, organiser, body, content_type)
    assert reply.status == 201, reply
    assert reply.json == {"imported": 66, "skipped": 1, "errors": SAMPLE_REPORT["errors"]}
    after = counts(api, organiser)
    assert after["registered"] == before["registered"] + 66
    found = people(api, organiser)
    budi = detail(api, organiser, found["Budi Santoso"])  # stray spaces gone, the comma kept
    assert budi["organisation"] == "Forum Hutan, Sumatera"
    assert budi["phone"] == "0856-1234-5678" and budi["gender"] == "male"
    assert budi["source"] == "import" and budi["display_name"] == "Budi"
    darmo = detail(api, organiser, found["Pak Darmo"])  # no email, "-" for a phone, one day
    assert darmo["email"] is None and darmo["phone"] is None
    assert darmo["days"] == ["2016-11-29"] and darmo["organisation_type"] == "community"
    siti = detail(api, organiser, found["Siti Rahmawati"])
    assert siti["phone"] == "6282197156140"  # digits as typed, not a number
    assert siti["organisation_type"] == "government" and siti["gender"] == "female"

    # The same file again adds no one: every row is there already.
    reply = send(api, organiser, body, content_type)
    assert reply.json == {"imported": 0, "skipped": 67, "errors": SAMPLE_REPORT["errors"]}
    assert counts(api, organiser) == after
    reply = send(api, organiser, body, content_type, dry_run=True)
    assert reply.json["valid"] == 0
    assert {"row": 3, "matches": "registered"} in reply.json["duplicates"]


def test_an_imported_registration_has_a_badge_a_manage_link_and_its_consent(
    api, organiser, desk_token
):
    listing = "Nama;Lembaga;Email\nSri Wahyuni;WALHI;sri@example.org\n"
    before = api.get(f"/events/{WORKSHOP_ID}/roster", token=desk_token).json
    assert send(api, organiser, listing.encode()).json["imported"] == 1
    (person,) = [p for p in people(api, organiser).values() if p["name"] == "Sri Wahyuni"]
    detail = api.get(f"/events/{WORKSHOP_ID}/attendees/{person['id']}", token=desk_token)
    assert detail.status == 200
    assert detail.json["source"] == "import"
    consent = detail.json.get("consent")
    if consent is not None:
        assert consent["channel"] == "import"
        assert consent["version"] == api.get(f"/events/{WORKSHOP_ID}").json["consent"]["version"]
    code = detail.json["badge"]["code"]
    assert api.get(f"/badges/{code}").status == 200
    # Registered online with the same address afterwards: already registered.
    body = {
        "name": "Sri W",
        "email": "SRI@example.org",
        "organisation": "WALHI",
        "consent": True,
    }
    assert api.post(f"/events/{WORKSHOP_ID}/registrations", body).status == 409
    # The desks' rosters learn of the imported person like of any registration.
    import hashlib

    roster = api.get(f"/events/{WORKSHOP_ID}/roster?since={before['as_of']}", token=desk_token)
    assert roster.status == 200, roster
    (listed,) = [p for p in roster.json["attendees"] if p["id"] == person["id"]]
    assert listed["badge_sha256"] == hashlib.sha256(code.encode()).hexdigest()


def test_a_registered_email_is_a_duplicate_and_registration_may_be_closed(api, organiser, register):
    register(email="ada@example.org", name="Ada Lovelace")
    event = api.get(f"/events/{WORKSHOP_ID}").json
    event["registration"] = {**event.get("registration", {}), "open": False}
    closed = api.put(f"/events/{WORKSHOP_ID}", event, token=organiser)
    listing = "Name,Organisation,E-mail\nAda,X,ADA@example.org \nBo Rin,Y,bo@example.org\n"
    reply = send(api, organiser, listing.encode(), dry_run=True)
    assert reply.json["duplicates"] == [{"row": 2, "matches": "registered"}]
    reply = send(api, organiser, listing.encode())
    assert reply.status == 201 and reply.json["imported"] == 1, (closed, reply)


def test_an_openpyxl_workbook_with_numbers_dates_and_a_formula(api, organiser):
    body = xlsx(
        [
            ["Nama Lengkap", "Nama Lembaga", "No HP", "Jenis Kelamin", "Hari", "Surel"],
            ["Andi Mappanyukki", "LSM Bugis", 81234567890, "L", "2016-11-30", "andi@example.org"],
            ["Cut Nyak", "Komunitas Aceh", "+62 811", "P", "29 November", '=HYPERLINK("x")'],
        ]
    )
    reply = send(api, organiser, body, XLSX, dry_run=True)
    assert reply.status == 200, reply
    # The formula has no cached value (openpyxl never calculates): its cell is
    # empty, never the formula, and a row without email imports.
    assert reply.json == {"rows": 2, "valid": 2, "errors": [], "duplicates": []}
    assert send(api, organiser, body, XLSX).json["imported"] == 2
    found = people(api, organiser)
    andi = detail(api, organiser, found["Andi Mappanyukki"])
    assert andi["phone"] == "81234567890" and andi["days"] == ["2016-11-30"]
    assert detail(api, organiser, found["Cut Nyak"])["email"] is None


def test_a_two_thousand_row_file_with_errors_sprinkled_in(api, organiser):
    rng = random.Random(21)
    lines = ["Nama,Lembaga,Email,Jenis Kelamin,Hari"]
    bad_rows = {}
    for n in range(2000):
        name, email, gender, day = f"Peserta {n:04d}", f"p{n}@example.org", "L", "29 November"
        roll = rng.random()
        if roll < 0.01:
            email, bad_rows[n + 2] = "not-an-email", "email"
        elif roll < 0.02:
            gender, bad_rows[n + 2] = "X", "gender"
        elif roll < 0.03:
            day, bad_rows[n + 2] = "1 Januari", "days"
        elif roll < 0.035:
            name, bad_rows[n + 2] = "Zero\u200bWidth", "name"
        lines.append(f"{name},Lembaga {n % 7},{email},{gender},{day}")
    body = "\n".join(lines).encode()
    reply = send(api, organiser, body, dry_run=True)
    assert reply.status == 200
    assert {(e["row"], e["field"]) for e in reply.json["errors"]} == set(bad_rows.items())
    assert reply.json["valid"] == 2000 - len(bad_rows)
    before = counts(api, organiser)
    reply = send(api, organiser, body)
    assert reply.json["imported"] == 2000 - len(bad_rows)
    after = counts(api, organiser)
    assert after["registered"] - before["registered"] == 2000 - len(bad_rows)
    assert after["day1_registered"] - before["day1_registered"] == 2000 - len(bad_rows)
    assert send(api, organiser, body).json["imported"] == 0


def test_duplicates_within_the_file_without_email(api, organiser):
    listing = "Nama,Lembaga\nPak Darmo,Tani\n pak  darmo ,TANI\nBu Darmo,Tani\n"
    reply = send(api, organiser, listing.encode(), dry_run=True)
    assert reply.json["duplicates"] == [{"row": 3, "matches": "row 2"}]
    assert send(api, organiser, listing.encode()).json == {
        "imported": 2,
        "skipped": 1,
        "errors": [],
    }
    assert send(api, organiser, listing.encode()).json["imported"] == 0


def test_hostile_text_is_an_error_of_its_row(api, organiser):
    listing = (
        "Nama,Lembaga,Email\n"
        "Ali\u202eevil,X,a@example.org\n"
        f"{'x' * 300},X,b@example.org\n"
        "Ok Person,X,c@example.org\n"
        ",X,d@example.org\n"
    )
    reply = send(api, organiser, listing.encode("utf-8-sig"), dry_run=True)
    assert reply.status == 200
    assert {(e["row"], e["field"]) for e in reply.json["errors"]} == {
        (2, "name"),
        (3, "name"),
        (5, "name"),
    }
    assert reply.json["valid"] == 1


def test_a_file_over_the_limit_is_413(api, organiser):
    body = b"Nama,Lembaga\n" + b"Someone,Somewhere\n" * 250_000  # 4.5 MB
    assert_error(send(api, organiser, body), 413, "file_too_large")
    many = "Nama,Lembaga\n" + "".join(f"P{n},L\n" for n in range(5001))
    assert_error(send(api, organiser, many.encode(), dry_run=True), 413, "file_too_large")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\x00\x01\x02garbage\xff\xfe", "text/csv"),
        ("Nama,Lembaga\n".encode("utf-16"), "text/csv"),
        (b"PK\x03\x04not really a zip", XLSX),
        (b"just,some,columns\n1,2,3\n", "text/csv"),  # no column of names
        (b"", "text/csv"),
        (bytes(random.Random(1).randbytes(5000)), "application/octet-stream"),
    ],
    ids=["binary", "utf16", "broken-zip", "no-names", "empty", "random"],
)
def test_garbage_is_422_unreadable_file(api, organiser, body, content_type):
    assert_error(send(api, organiser, body, content_type, dry_run=True), 422, "unreadable_file")


def test_a_zip_bomb_is_refused_unread(api, organiser):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):  # 200 MB, a few hundred KB compressed
                member.write(chunk)
    body = out.getvalue()
    assert len(body) < 1_000_000
    tracemalloc.start()
    reply = send(api, organiser, body, XLSX, dry_run=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert_error(reply, 422, "unreadable_file")
    assert peak < 30 * 1024 * 1024


def test_a_ten_megabyte_cell_is_refused_within_bounded_memory(api, organiser):
    body = xlsx([["Nama", "Lembaga"], ["A" * 10_000_000, "X"], ["Sri", "Y"]])
    assert len(body) < 1_000_000  # it compresses well
    tracemalloc.start()
    reply = send(api, organiser, body, XLSX, dry_run=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reply.status in (200, 422), reply
    if reply.status == 200:
        assert reply.json["errors"] == [
            {"row": 2, "field": "name", "message": reply.json["errors"][0]["message"]}
        ]
    else:
        assert_error(reply, 422, "unreadable_file")
    assert peak < 200 * 1024 * 1024


def test_a_json_body_is_415_and_an_unknown_event_404(api, organiser):
    reply = api.post(f"/events/{WORKSHOP_ID}/imports", {"a": 1}, token=organiser)
    assert_error(reply, 415, "unsupported_media_type")
    reply = send(api, organiser, b"Nama,Lembaga\nA,B\n", event_id="no-such-event")
    assert_error(reply, 404, "event_not_found")
