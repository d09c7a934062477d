"""Money and paper on the pages (API.md section 12), in headless Chromium over make run's
stack: the desk's pay button (paid, then already paid, naming the desk) and its unpaid
list, and the dashboard's reconciliation of a signed paper sign-in sheet."""

from __future__ import annotations

import time

import pytest

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    all_by_testid,
    by_testid,
    chromium,
    mint_desk_token,
    register,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

EVENT = f"/events/{WORKSHOP}"
DAY1 = "2016-11-29"
TRANSPORT = {"code": "transport", "label": "Uang transport", "amount": 150000, "currency": "IDR"}


@pytest.fixture(scope="module")
def allowances(stack):
    status, doc = stack.json("GET", EVENT)
    assert status == 200, doc
    status, body = stack.json("PUT", EVENT, {**doc, "allowances": [TRANSPORT]}, token=ORGANISER)
    assert status == 200, body


@pytest.fixture(scope="module")
def desk_token(stack):
    return mint_desk_token(stack, "Meja Uang")


def check_in(stack, token, attendee_id, scan_id, **more):
    body = {"attendee_id": attendee_id, "scan_id": scan_id, "source": "search", **more}
    status, reply = stack.json("POST", f"{EVENT}/checkins", body, token=token)
    assert status == 201, reply


def printed_after(stack, token, people: list[dict]) -> dict:
    """The rows of a sheet printed now, once its stamp is past every one of `people`."""
    wanted = {person["attendee_id"] for person in people}
    deadline = time.monotonic() + 10
    while True:
        status, sheet = stack.json("GET", f"{EVENT}/sign-in-sheet/rows?date={DAY1}", token=token)
        assert status == 200, sheet
        if wanted <= {row["attendee_id"] for row in sheet["rows"]}:
            return sheet
        assert time.monotonic() < deadline, sheet["as_of"]


def text_of(driver, testid: str) -> str:
    return " ".join(node.text for node in all_by_testid(driver, testid))


def test_the_desk_pays_once_and_then_shows_who_paid_and_when(stack, allowances, desk_token):
    wulan = register(stack, "Wulan Pembayaran", "wulan.money@example.org", "Yayasan Kas")
    yoga = register(stack, "Yoga Pembayaran", "yoga.money@example.org", "Yayasan Kas")
    check_in(stack, desk_token, wulan["attendee_id"], "money-wulan-1")
    check_in(stack, desk_token, yoga["attendee_id"], "money-yoga-1")

    def find_wulan(driver):
        by_testid(driver, "tab-search").click()
        by_testid(driver, "search-input").send_keys("wulan pemb")
        return wait_for(
            driver, visible_testid("pay-button"), "no pay button on a checked-in person"
        )

    with chromium(LAPTOP) as driver:
        driver.get(f"{stack.base}/desk/{WORKSHOP}#token={desk_token}")
        wait_for(driver, visible_testid("event-title"), "the desk page did not open")
        button = find_wulan(driver)
        assert "Bayar Uang transport · Rp150.000" in button.text
        button.click()
        paid = wait_for(
            driver,
            lambda d: "Dibayar pukul 09:" in text_of(d, "pay-result") and text_of(d, "pay-result"),
            "the payment was not shown as paid",
        )
        assert "Meja Uang" in paid

        # Another look (a reload, as another shift would): already paid, when and by whom.
        driver.refresh()
        wait_for(driver, visible_testid("event-title"), "the desk page did not reopen")
        find_wulan(driver).click()
        again = wait_for(
            driver,
            lambda d: (
                "Sudah dibayar pukul 09:" in text_of(d, "pay-result") and text_of(d, "pay-result")
            ),
            "a second payment was not shown as already paid",
        )
        assert "oleh Meja Uang" in again

        # The unpaid list: Yoga is still waiting, Wulan is not.
        by_testid(driver, "tab-pay").click()
        by_testid(driver, "unpaid-load").click()
        wait_for(driver, visible_testid("unpaid-counts"), "the unpaid list did not load")
        names = text_of(driver, "unpaid-person")
        assert "Yoga Pembayaran" in names
        assert "Wulan Pembayaran" not in names

    status, detail = stack.json("GET", f"{EVENT}/attendees/{wulan['attendee_id']}", token=ORGANISER)
    assert status == 200, detail
    assert [(p["allowance"], p["date"], p["desk"]) for p in detail["payments"]] == [
        ("transport", DAY1, "Meja Uang")
    ]


def test_the_dashboard_reconciles_the_signed_sheet_and_checks_in_the_signed_only(stack, desk_token):
    # Eka signed and was scanned; Fajar signed but was never scanned; Gita was scanned only.
    eka = register(stack, "Eka Kertas", "eka.paper@example.org", "Lembaga Kertas")
    fajar = register(stack, "Fajar Kertas", "fajar.paper@example.org", "Lembaga Kertas")
    gita = register(stack, "Gita Kertas", "gita.paper@example.org", "Lembaga Kertas")
    check_in(stack, desk_token, eka["attendee_id"], "paper-eka-1")
    check_in(stack, desk_token, gita["attendee_id"], "paper-gita-1")
    # The sheet lists whoever registered before its stamp, to the whole second.
    sheet = printed_after(stack, desk_token, [eka, fajar, gita])
    number = {row["attendee_id"]: row["number"] for row in sheet["rows"]}
    status, before = stack.json("GET", f"{EVENT}/reconciliation?date={DAY1}", token=ORGANISER)
    assert status == 200, before

    with chromium(LAPTOP) as driver:
        driver.get(f"{stack.base}/dashboard/{WORKSHOP}#token={ORGANISER}")
        wait_for(driver, visible_testid("reconciliation-panel"), "no reconciliation panel")
        by_testid(driver, "recon-as-of").send_keys(sheet["as_of"])  # as the sheet's foot says
        by_testid(driver, "recon-load").click()
        wait_for(driver, visible_testid("sheet-rows"), "the sheet's rows did not load")
        # Eka's number typed, Fajar's box ticked by hand.
        by_testid(driver, "recon-numbers").send_keys(str(number[eka["attendee_id"]]))
        by_testid(driver, "recon-tick-numbers").click()
        fajar_box = wait_for(
            driver,
            lambda d: next(
                (
                    box
                    for box in all_by_testid(d, "row-tick")
                    if box.get_attribute("data-number") == str(number[fajar["attendee_id"]])
                ),
                False,
            ),
            "no box for Fajar's row",
        )
        fajar_box.click()
        assert "2 baris dicentang" in by_testid(driver, "ticked-count").text
        by_testid(driver, "recon-record").click()
        wait_for(driver, visible_testid("both-count"), "the differences were not shown")
        assert "Fajar Kertas" in by_testid(driver, "signed-only").text
        assert "Eka Kertas" not in by_testid(driver, "signed-only").text
        assert "Gita Kertas" in by_testid(driver, "checked-only").text
        assert f"Keduanya: {before['both'] + 1}" in by_testid(driver, "both-count").text
        assert "2 tanda tangan baru dicatat" in by_testid(driver, "recon-notice").text
        assert by_testid(driver, "paper-time").get_attribute("value") == "09:00"

        by_testid(driver, "paper-checkin-all").click()
        wait_for(
            driver,
            lambda d: f"Keduanya: {before['both'] + 2}" in by_testid(d, "both-count").text,
            "the signed-only person did not move to both",
        )
        assert "Fajar Kertas" not in by_testid(driver, "signed-only").text
        progress = by_testid(driver, "paper-progress")
        assert progress.get_attribute("value") == progress.get_attribute("max") == "1"
        assert "1 di-check-in" in by_testid(driver, "recon-notice").text

    status, detail = stack.json("GET", f"{EVENT}/attendees/{fajar['attendee_id']}", token=ORGANISER)
    assert status == 200, detail
    [checkin] = detail["checkins"]
    assert checkin["date"] == DAY1
    assert checkin["checked_in_at"] == "2016-11-29T02:00:00Z"  # the day's opening, 09:00
    status, report = stack.json("GET", f"{EVENT}/attendance/report", token=ORGANISER)
    assert status == 200, report
    assert report["days"][0]["by_source"]["paper"] >= 1
