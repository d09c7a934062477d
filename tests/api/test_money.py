"""Money and paper: allowances, payments, the receipt sheet, the finance CSV, the signed
paper list brought back (../shared/API.md section 12, issue 19).

Over HTTP through the Chalice test client, with the app wired to moto's DynamoDB
and a fixed clock (09:00 in Jakarta on the workshop's first day).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from chalicelib.seed import WORKSHOP_ID
from tests.support.api import assert_error, assert_validation, checkin, event_doc, put_event
from tests.support.values import DAY1, DAY2, jakarta

EVENT = f"/events/{WORKSHOP_ID}"
TRANSPORT = {"code": "transport", "label": "Uang transport", "amount": 150000, "currency": "IDR"}
PER_DIEM = {"code": "per-diem", "label": "Uang harian", "amount": 75000}
PDF_ACCEPT = {"Accept": "application/pdf"}


@pytest.fixture
def allowances(api, organiser):
    put_event(api, organiser, WORKSHOP_ID, allowances=[TRANSPORT, PER_DIEM])


@pytest.fixture
def people(api, register, desk_token):
    """Three people: Ani and Budi checked in on day 1, Citra not."""
    found = {}
    for name in ("Budi Santoso", "Ani Wijaya", "Citra Lestari"):
        first = name.split()[0].lower()
        found[first] = register(name=name, email=f"{first}@example.org")
    for first in ("ani", "budi"):
        reply = checkin(api, desk_token, attendee_id=found[first]["attendee_id"], source="search")
        assert reply.status == 201, reply
    return found


def pay(api, token, attendee_id, code="transport", on=DAY1):
    return api.post(
        f"{EVENT}/allowances/{code}/payments", {"attendee_id": attendee_id, "date": on}, token=token
    )


def pdf_text(reply) -> list[str]:
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(reply.raw)).pages]


# --- allowances in the event document ------------------------------------------------


def test_the_event_document_keeps_its_allowances(api, organiser, allowances):
    doc = api.get(EVENT).json
    assert doc["allowances"] == [TRANSPORT, {**PER_DIEM, "currency": "IDR"}]


@pytest.mark.parametrize(
    "allowances, field",
    [
        ([TRANSPORT, TRANSPORT], "allowances"),
        ([{**TRANSPORT, "amount": 0}], "allowances.0.amount"),
        ([{**TRANSPORT, "amount": -5}], "allowances.0.amount"),
        ([{**TRANSPORT, "amount": 1.5}], "allowances.0.amount"),
        ([{**TRANSPORT, "code": "Uang Transport"}], "allowances.0.code"),
        ([{**TRANSPORT, "code": "x" * 40}], "allowances.0.code"),
        ([{**TRANSPORT, "currency": "USD"}], "allowances.0.currency"),
        ([{**TRANSPORT, "code": f"a{index}"} for index in range(11)], "allowances"),
    ],
)
def test_bad_allowances_are_refused(api, organiser, allowances, field):
    reply = api.put(EVENT, event_doc(api, allowances=allowances), token=organiser)
    error = assert_validation(reply, field)
    assert any(item["field"] == field for item in error["fields"]), error


# --- payments --------------------------------------------------------------------------


def test_a_desk_pays_a_checked_in_person_once(api, desk_token, organiser, allowances, people):
    ani = people["ani"]["attendee_id"]
    reply = pay(api, desk_token, ani)
    assert reply.status == 201, reply
    assert reply.json == {
        "attendee_id": ani,
        "date": DAY1,
        "allowance": "transport",
        "amount": 150000,
        "paid_at": "2016-11-29T02:00:00Z",
        "paid_at_local": "2016-11-29T09:00:00+07:00",
        "desk": "Desk A",
    }
    again = pay(api, organiser, ani)
    error = assert_error(again, 409, "already_paid")
    assert error["paid_at"] == "2016-11-29T02:00:00Z"
    assert error["desk"] == "Desk A"
    assert "Desk A" in error["message"]
    # Another allowance is another payment.
    assert pay(api, desk_token, ani, code="per-diem").status == 201
    detail = api.get(f"{EVENT}/attendees/{ani}", token=desk_token).json
    assert [(p["allowance"], p["date"], p["amount"]) for p in detail["payments"]] == [
        ("per-diem", DAY1, 75000),
        ("transport", DAY1, 150000),
    ]


def test_no_payment_without_a_checkin_that_day(api, desk_token, allowances, people):
    assert_error(pay(api, desk_token, people["citra"]["attendee_id"]), 409, "not_checked_in")
    assert_error(pay(api, desk_token, people["ani"]["attendee_id"], on=DAY2), 409, "not_checked_in")
    assert (
        api.get(f"{EVENT}/attendees/{people['citra']['attendee_id']}", token=desk_token).json[
            "payments"
        ]
        == []
    )


def test_payment_errors(api, desk_token, allowances, people):
    ani = people["ani"]["attendee_id"]
    assert_error(pay(api, desk_token, ani, code="lunch"), 404, "allowance_not_found")
    assert_error(pay(api, desk_token, "A" * 26), 404, "attendee_not_found")
    assert_error(pay(api, desk_token, "not-an-id"), 404, "attendee_not_found")
    assert_error(pay(api, desk_token, ani, on="2016-12-25"), 409, "not_an_event_day")
    assert_validation(pay(api, desk_token, ani, on="tomorrow"), "date")
    reply = api.post(f"{EVENT}/allowances/transport/payments", {"date": DAY1}, token=desk_token)
    assert_validation(reply, "attendee_id")
    assert_error(pay(api, None, ani), 401, "unauthorized")
    reply = api.post(
        "/events/nowhere/allowances/transport/payments",
        {"attendee_id": ani, "date": DAY1},
        token=desk_token,
    )
    assert reply.status in (403, 404), reply


def test_a_person_of_another_event_is_not_paid(api, organiser, allowances, register):
    put_event(api, organiser, "other-event", allowances=[TRANSPORT])
    other = register("other-event", email="x@example.org")
    reply = checkin(api, organiser, "other-event", attendee_id=other["attendee_id"])
    assert reply.status == 201, reply
    assert_error(pay(api, organiser, other["attendee_id"]), 404, "attendee_not_found")


def test_the_organiser_undoes_a_payment(api, desk_token, organiser, allowances, people):
    ani = people["ani"]["attendee_id"]
    assert pay(api, desk_token, ani).status == 201
    path = f"{EVENT}/allowances/transport/payments/{ani}/{DAY1}"
    assert_error(api.delete(path, token=desk_token), 403, "forbidden")
    reply = api.delete(path, token=organiser)
    assert reply.status == 200, reply
    assert reply.json["amount"] == 150000 and reply.json["undone_at"]
    assert_error(api.delete(path, token=organiser), 404, "payment_not_found")
    assert_error(
        api.delete(f"{EVENT}/allowances/lunch/payments/{ani}/{DAY1}", token=organiser),
        404,
        "allowance_not_found",
    )
    assert_validation(
        api.delete(f"{EVENT}/allowances/transport/payments/{ani}/soon", token=organiser), "date"
    )
    # Paid again after the undo: a new payment.
    assert pay(api, desk_token, ani).status == 201


# --- the receipt sheet -------------------------------------------------------------------


def sheet(api, token, code="transport", on=DAY1):
    return api.get(
        f"{EVENT}/allowance-sheet.pdf?allowance={code}&date={on}", token=token, headers=PDF_ACCEPT
    )


def test_the_receipt_sheet_lists_the_days_checked_in_people(
    api, organiser, desk_token, allowances, people
):
    assert pay(api, desk_token, people["budi"]["attendee_id"]).status == 201
    (text,) = pdf_text(sheet(api, organiser))
    assert "Tanda Terima / Receipt List: Uang transport" in text
    assert "Hari 1 / Day 1" in text
    assert "Civil Society" in text
    assert "Ani Wijaya" in text and "Budi Santoso" in text
    assert "Citra" not in text  # not checked in
    assert text.index("Ani Wijaya") < text.index("Budi Santoso")
    assert "Rp150.000" in text
    assert "✓ 09:00" in text  # Budi's paid mark
    assert "Page total (2): Rp300.000" in text
    assert "Grand total (2 orang / people): Rp300.000" in text
    assert "Paid (1): Rp150.000" in text
    assert "1 / 1" in text


def test_receipt_sheet_errors(api, organiser, desk_token, allowances):
    assert_error(sheet(api, desk_token), 403, "forbidden")
    assert_error(sheet(api, organiser, code="lunch"), 404, "allowance_not_found")
    assert_error(sheet(api, organiser, on="2016-12-25"), 409, "not_an_event_day")
    assert_validation(sheet(api, organiser, code="Not A Code"), "allowance")
    reply = api.get(f"{EVENT}/allowance-sheet.pdf?date={DAY1}", token=organiser, headers=PDF_ACCEPT)
    assert_validation(reply, "allowance")


def test_an_empty_day_prints_one_page_totalling_nothing(api, organiser, allowances):
    (text,) = pdf_text(sheet(api, organiser, on=DAY2))
    assert "Grand total (0 orang / people): Rp0" in text


# --- the finance CSV ---------------------------------------------------------------------


def finance_csv(api, organiser, code="transport"):
    reply = api.get(f"{EVENT}/allowances.csv?allowance={code}", token=organiser)
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"].startswith("text/csv")
    text = reply.raw.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_a_row_per_person_per_day_attended(
    api, organiser, desk_token, clock, allowances, people, register
):
    assert pay(api, desk_token, people["ani"]["attendee_id"]).status == 201
    clock.set(jakarta("2016-11-30T08:30"))
    reply = checkin(api, desk_token, attendee_id=people["ani"]["attendee_id"])
    assert reply.status == 201
    rows = finance_csv(api, organiser)
    assert [(row["name"], row["date"]) for row in rows] == [
        ("Ani Wijaya", DAY1),
        ("Budi Santoso", DAY1),
        ("Ani Wijaya", DAY2),
    ]
    assert rows[0] == {
        "name": "Ani Wijaya",
        "organisation": "Wahana Lingkungan Hidup",
        "date": DAY1,
        "amount": "150000",
        "paid_at": "2016-11-29 09:00:00",
        "desk": "Desk A",
    }
    assert rows[1]["paid_at"] == "" and rows[1]["desk"] == ""
    # Each day's total is its sheet's grand total.
    for on in (DAY1, DAY2):
        total = sum(int(row["amount"]) for row in rows if row["date"] == on)
        (text,) = pdf_text(sheet(api, organiser, on=on))
        count = sum(1 for row in rows if row["date"] == on)
        grand = f"Rp{total:,}".replace(",", ".")
        assert f"Grand total ({count} orang / people): {grand}" in text


def test_the_csv_guards_every_cell_against_formulas(
    api, organiser, desk_token, allowances, register
):
    person = register(name="=HYPERLINK(1)", organisation="@SUM(A1)", email="f@example.org")
    assert checkin(api, desk_token, attendee_id=person["attendee_id"]).status == 201
    (row,) = finance_csv(api, organiser)
    assert row["name"] == "'=HYPERLINK(1)"
    assert row["organisation"] == "'@SUM(A1)"


def test_csv_errors(api, organiser, desk_token, allowances):
    assert_error(
        api.get(f"{EVENT}/allowances.csv?allowance=transport", token=desk_token), 403, "forbidden"
    )
    reply = api.get(f"{EVENT}/allowances.csv?allowance=lunch", token=organiser)
    assert_error(reply, 404, "allowance_not_found")
    assert_validation(api.get(f"{EVENT}/allowances.csv", token=organiser), "allowance")


# --- the paper list brought back ------------------------------------------------------------


def sign(api, token, ids, on=DAY1):
    return api.post(f"{EVENT}/paper-signatures", {"date": on, "attendee_ids": ids}, token=token)


def reconciliation(api, organiser, on=DAY1):
    reply = api.get(f"{EVENT}/reconciliation?date={on}", token=organiser)
    assert reply.status == 200, reply
    return reply.json


def test_ticks_are_recorded_once(api, desk_token, people):
    ids = [people["ani"]["attendee_id"], people["citra"]["attendee_id"]]
    assert sign(api, desk_token, ids).json == {"recorded": 2, "already_recorded": 0}
    assert sign(api, desk_token, [*ids, ids[0]]).json == {"recorded": 0, "already_recorded": 2}
    both = [*ids, people["budi"]["attendee_id"]]
    assert sign(api, desk_token, both).json == {"recorded": 1, "already_recorded": 2}


def test_signature_errors(api, desk_token, organiser, people, register):
    ani = people["ani"]["attendee_id"]
    assert_error(sign(api, desk_token, [ani], on="2016-12-25"), 409, "not_an_event_day")
    assert_error(sign(api, desk_token, [ani, "A" * 26]), 404, "attendee_not_found")
    assert_error(sign(api, desk_token, [ani, "nope"]), 404, "attendee_not_found")
    assert_validation(sign(api, desk_token, []), "attendee_ids")
    assert_validation(sign(api, desk_token, ["x"] * 1001), "attendee_ids")
    # Nothing was recorded by a refused request.
    assert reconciliation(api, organiser)["signed_not_checked_in"] == []


def test_reconciliation_and_the_paper_checkin(api, desk_token, organiser, clock, people):
    ani, budi, citra = (people[name]["attendee_id"] for name in ("ani", "budi", "citra"))
    assert sign(api, desk_token, [ani, citra]).status == 200
    assert reconciliation(api, organiser) == {
        "date": DAY1,
        "signed_not_checked_in": [{"attendee_id": citra, "name": "Citra Lestari"}],
        "checked_in_not_signed": [{"attendee_id": budi, "name": "Budi Santoso"}],
        "both": 1,
    }
    # Citra is checked in from the paper, at the sheet's time.
    clock.set(jakarta("2016-11-29T11:00"))
    reply = checkin(
        api,
        desk_token,
        attendee_id=citra,
        source="paper",
        scanned_at=jakarta("2016-11-29T08:40").isoformat(),
    )
    assert reply.status == 201, reply
    after = reconciliation(api, organiser)
    assert after["signed_not_checked_in"] == [] and after["both"] == 2
    report = api.get(f"{EVENT}/attendance/report", token=organiser).json
    day = next(d for d in report["days"] if d["date"] == DAY1)
    assert day["by_source"] == {"scan": 0, "search": 2, "paper": 1}
    # Undoing Ani's check-in makes her signed-only again.
    assert api.delete(f"{EVENT}/checkins/{ani}/{DAY1}", token=organiser).status == 200
    after = reconciliation(api, organiser)
    assert after["signed_not_checked_in"] == [{"attendee_id": ani, "name": "Ani Wijaya"}]
    assert after["both"] == 1
    # A cancelled registration's tick counts nowhere.
    assert api.delete(f"{EVENT}/attendees/{ani}", token=organiser).status == 200
    after = reconciliation(api, organiser)
    assert after["signed_not_checked_in"] == []
    assert after["checked_in_not_signed"] == [{"attendee_id": budi, "name": "Budi Santoso"}]
    assert after["both"] == 1


def test_reconciliation_errors(api, organiser, desk_token):
    assert_error(api.get(f"{EVENT}/reconciliation?date={DAY1}", token=desk_token), 403, "forbidden")
    reply = api.get(f"{EVENT}/reconciliation?date=2016-12-25", token=organiser)
    assert_error(reply, 409, "not_an_event_day")
    assert_validation(api.get(f"{EVENT}/reconciliation", token=organiser), "date")


# --- the sign-in sheet: numbered rows, optional columns, a stable row map -------------------


def sign_in_sheet(api, token, query):
    return api.get(f"{EVENT}/sign-in-sheet.pdf?date={DAY1}{query}", token=token, headers=PDF_ACCEPT)


def rows(api, token, as_of=None):
    query = f"&as_of={as_of}" if as_of else ""
    reply = api.get(f"{EVENT}/sign-in-sheet/rows?date={DAY1}{query}", token=token)
    assert reply.status == 200, reply
    return reply.json


def test_the_sign_in_sheet_takes_optional_columns(api, desk_token, register):
    register(
        name="Budi Santoso", email="b@example.org", gender="male", job_title="Ketua", phone="0812 1"
    )
    register(name="Ani Wijaya", email="a@example.org", gender="female")
    (text,) = pdf_text(sign_in_sheet(api, desk_token, "&columns=gender,job_title,phone"))
    assert "L/P" in text and "Jabatan / Job title" in text and "Telepon / Phone" in text
    assert "Ketua" in text and "0812 1" in text
    lines = text.splitlines()
    assert any(line.startswith("1") and "Ani Wijaya" in line for line in lines), lines
    assert "Lembar / Sheet: 2016-11-29T02:00:00Z" in text
    (plain,) = pdf_text(sign_in_sheet(api, desk_token, ""))
    assert "L/P" not in plain and "Ketua" not in plain


@pytest.mark.parametrize("columns", ["email", "gender,email", "GENDER"])
def test_unknown_sheet_columns_are_refused(api, desk_token, columns):
    assert_validation(sign_in_sheet(api, desk_token, f"&columns={columns}"), "columns")


def test_row_numbers_stay_with_the_sheet_they_were_printed_on(
    api, desk_token, organiser, clock, register
):
    budi = register(name="Budi Santoso", email="b@example.org")
    ani = register(name="Ani Wijaya", email="a@example.org")
    printed = rows(api, desk_token)
    assert printed["as_of"] == "2016-11-29T02:00:00Z"
    assert [(row["number"], row["attendee_id"]) for row in printed["rows"]] == [
        (1, ani["attendee_id"]),
        (2, budi["attendee_id"]),
    ]
    # Later: someone who sorts first registers, Ani is cancelled.
    clock.set(clock.now() + timedelta(minutes=30))
    register(name="Aaron Hakim", email="aaron@example.org")
    assert api.delete(f"{EVENT}/attendees/{ani['attendee_id']}", token=organiser).status == 200
    assert rows(api, desk_token, printed["as_of"])["rows"] == printed["rows"]
    now = rows(api, desk_token)
    assert [row["name"] for row in now["rows"]] == ["Aaron Hakim", "Budi Santoso"]
    assert_error(
        api.get(f"{EVENT}/sign-in-sheet/rows?date=2016-12-25", token=desk_token),
        409,
        "not_an_event_day",
    )


# --- who is still unpaid (the desk's list) ---------------------------------------------


def unpaid(api, token, code="transport", on=DAY1):
    return api.get(f"{EVENT}/allowances/{code}/unpaid?date={on}", token=token)


def test_the_desk_lists_the_days_checked_in_people_not_yet_paid(
    api, desk_token, organiser, allowances, people
):
    ani, budi = people["ani"]["attendee_id"], people["budi"]["attendee_id"]
    reply = unpaid(api, desk_token)
    assert reply.status == 200, reply
    assert reply.headers["Cache-Control"] == "no-store"
    body = reply.json
    assert (body["date"], body["allowance"], body["amount"]) == (DAY1, "transport", 150000)
    assert (body["checked_in"], body["paid"]) == (2, 0)
    # By name; Citra is not checked in, so not listed.
    assert [p["name"] for p in body["unpaid"]] == ["Ani Wijaya", "Budi Santoso"]
    assert body["unpaid"][0] == {
        "attendee_id": ani,
        "name": "Ani Wijaya",
        "organisation": people["ani"]["organisation"],
        "checked_in_at": "2016-11-29T02:00:00Z",
        "checked_in_at_local": "2016-11-29T09:00:00+07:00",
    }
    assert pay(api, desk_token, ani).status == 201
    body = unpaid(api, desk_token).json
    assert (body["checked_in"], body["paid"]) == (2, 1)
    assert [p["attendee_id"] for p in body["unpaid"]] == [budi]
    # Each allowance on its own; each day on its own.
    assert len(unpaid(api, desk_token, code="per-diem").json["unpaid"]) == 2
    assert unpaid(api, desk_token, on=DAY2).json["unpaid"] == []
    # An undone payment is unpaid again.
    undo = api.delete(f"{EVENT}/allowances/transport/payments/{ani}/{DAY1}", token=organiser)
    assert undo.status == 200, undo
    assert len(unpaid(api, organiser).json["unpaid"]) == 2


def test_the_unpaid_list_is_two_queries_and_no_scan(
    api, desk_token, organiser, allowances, people, requests_made
):
    requests_made.clear()
    assert unpaid(api, organiser).status == 200
    assert dict(requests_made) == {"GetItem": 1, "Query": 2}


def test_unpaid_errors(api, desk_token, allowances, people):
    assert_error(unpaid(api, desk_token, code="lunch"), 404, "allowance_not_found")
    assert_error(unpaid(api, desk_token, on="2016-12-25"), 409, "not_an_event_day")
    assert_validation(unpaid(api, desk_token, on="soon"), "date")
    assert_validation(api.get(f"{EVENT}/allowances/transport/unpaid", token=desk_token), "date")
    assert_error(unpaid(api, None), 401, "unauthorized")
    reply = api.get(f"/events/nowhere/allowances/transport/unpaid?date={DAY1}", token=desk_token)
    assert reply.status in (403, 404), reply
