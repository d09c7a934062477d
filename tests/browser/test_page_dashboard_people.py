"""The dashboard's attendee list and organiser tasks (issue 16, issue 17 finding 10),
in headless Chromium over make run's stack: list and filters, cancel (with the 409
said in words), undo a check-in, bulk cancel, and the edit form (PATCH, API.md §10).
"""

from __future__ import annotations

import itertools

import pytest
from selenium.webdriver.support.ui import Select

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
_n = itertools.count(1)


def person(stack, name):
    return register(stack, name, f"people-{next(_n)}@example.org", "Yayasan Uji")


def status_of(stack, attendee_id):
    return stack.json("GET", f"{EVENT}/attendees/{attendee_id}", token=ORGANISER)[1]["status"]


def open_list(driver, stack, query):
    driver.get(f"{stack.base}/dashboard/{WORKSHOP}#token={ORGANISER}")
    wait_for(driver, visible_testid("people-loaded"), "the attendee list is loaded")
    search = by_testid(driver, "people-search")
    search.clear()
    search.send_keys(query)


def row(driver, attendee_id):
    return driver.find_element(
        "css selector", f'[data-testid="person-row"][data-id="{attendee_id}"]'
    )


def confirm_next(driver):
    driver.execute_script("window.confirm = () => true;")


def test_list_filters_cancel_and_undo(stack):
    arrived = person(stack, "Kartini Uji Hadir")
    absent = person(stack, "Kartini Uji Absen")
    desk = mint_desk_token(stack, "Desk P")
    scan = {"code": arrived["badge"]["code"], "scan_id": f"people-{next(_n)}-scan"}
    assert stack.json("POST", f"{EVENT}/checkins", scan, token=desk)[0] == 201
    with chromium(LAPTOP) as driver:
        open_list(driver, stack, "kartini uji")
        wait_for(driver, lambda d: len(all_by_testid(d, "person-row")) == 2, "both are listed")
        Select(by_testid(driver, "people-filter")).select_by_value("checked_in")
        rows = all_by_testid(driver, "person-row")
        assert [item.get_attribute("data-id") for item in rows] == [arrived["attendee_id"]]
        Select(by_testid(driver, "people-filter")).select_by_value("no_show")
        rows = all_by_testid(driver, "person-row")
        assert [item.get_attribute("data-id") for item in rows] == [absent["attendee_id"]]
        Select(by_testid(driver, "people-filter")).select_by_value("all")

        # Cancel someone checked in: refused, in words; undo, then cancel.
        confirm_next(driver)
        row(driver, arrived["attendee_id"]).find_element(
            "css selector", '[data-testid="person-details"]'
        ).click()
        wait_for(driver, visible_testid("cancel-person"), "the detail opens")
        by_testid(driver, "cancel-person").click()
        wait_for(
            driver, lambda d: "check-in" in by_testid(d, "person-notice").text, "409 is explained"
        )
        assert status_of(stack, arrived["attendee_id"]) == "active"
        by_testid(driver, "undo-checkin").click()
        wait_for(driver, lambda d: not all_by_testid(d, "undo-checkin"), "the check-in is undone")
        by_testid(driver, "cancel-person").click()
        wait_for(
            driver, lambda d: status_of(stack, arrived["attendee_id"]) == "cancelled", "cancelled"
        )
        wait_for(
            driver,
            lambda d: row(d, arrived["attendee_id"]).get_attribute("data-status") == "cancelled",
            "the row says cancelled",
        )


def test_bulk_cancel_of_a_selection(stack):
    flood = [person(stack, f"Banjir Palsu {n}") for n in range(3)]
    with chromium(LAPTOP) as driver:
        open_list(driver, stack, "banjir palsu")
        wait_for(driver, lambda d: len(all_by_testid(d, "person-row")) == 3, "the three are listed")
        by_testid(driver, "select-all").click()
        assert "3" in by_testid(driver, "selected-count").text
        confirm_next(driver)
        by_testid(driver, "cancel-selected").click()
        wait_for(
            driver,
            lambda d: all(status_of(stack, item["attendee_id"]) == "cancelled" for item in flood),
            "all three are cancelled",
        )
        wait_for(
            driver,
            lambda d: "3" in d.find_element("css selector", ".notice.ok").text,
            "the summary",
        )


def test_edit_saves_through_patch(stack):
    """Needs PATCH /events/{id}/attendees/{id} (records16): fails until it lands."""
    typo = person(stack, "Budi Santosso")
    with chromium(LAPTOP) as driver:
        open_list(driver, stack, "budi santosso")
        wait_for(driver, lambda d: len(all_by_testid(d, "person-row")) == 1, "listed")
        row(driver, typo["attendee_id"]).find_element(
            "css selector", '[data-testid="person-details"]'
        ).click()
        wait_for(driver, visible_testid("edit-open"), "the detail opens")
        by_testid(driver, "edit-open").click()
        name = by_testid(driver, "edit-name")
        name.clear()
        name.send_keys("Budi Santoso")
        by_testid(driver, "edit-save").click()
        wait_for(driver, lambda d: by_testid(d, "person-name").text == "Budi Santoso", "saved")
        status, body = stack.json(
            "GET", f"{EVENT}/attendees/{typo['attendee_id']}", token=ORGANISER
        )
        assert (status, body["name"]) == (200, "Budi Santoso")
