"""The dashboard's import panel in headless Chromium over make run's stack (API.md
section 14): the sample list (a Google Forms export) chosen through the file input,
its dry run's report with the bad row's cell marked and the duplicate named, then
the import, its result, and a person from the file registered as the API sees it.

The test imports into an event of its own (the workshop's days, another id), so
the other page tests' counts are untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    by_testid,
    chromium,
    screenshot,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

EVENT_ID = "import-page-2016"
EVENT = f"/events/{EVENT_ID}"
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "peserta-contoh.csv"


@pytest.fixture(scope="module")
def event(stack):
    status, workshop = stack.json("GET", f"/events/{WORKSHOP}")
    assert status == 200, workshop
    status, reply = stack.json("PUT", EVENT, {**workshop, "id": EVENT_ID}, token=ORGANISER)
    assert status in (200, 201), reply
    return EVENT_ID


def registered(stack) -> int:
    status, counts = stack.json("GET", f"{EVENT}/attendance", token=ORGANISER)
    assert status == 200, counts
    return counts["registered"]


def test_the_sample_list_checked_then_imported(stack, event):
    assert registered(stack) == 0
    with chromium(LAPTOP) as driver:
        driver.get(f"{stack.base}/dashboard/{event}#token={ORGANISER}")
        wait_for(driver, visible_testid("import-panel"), "the import panel")
        by_testid(driver, "import-file").send_keys(str(SAMPLE))
        wait_for(driver, lambda d: by_testid(d, "import-check").is_enabled(), "the file is read")
        by_testid(driver, "import-check").click()

        summary = wait_for(driver, visible_testid("import-summary"), "the dry run's report")
        assert "Baris: 68" in summary.text and "Siap diimpor: 66" in summary.text
        assert "Duplikat (dilewati): 1" in summary.text
        # Row 68's email is the bad cell, marked with why; row 66 repeats row 2.
        cell = by_testid(driver, "import-cell-68-email")
        assert "bad-cell" in cell.get_attribute("class")
        assert "not a valid email address" in cell.text
        assert "Sama dengan baris 2" in by_testid(driver, "import-row-66").text
        assert registered(stack) == 0  # a dry run writes nothing
        screenshot(driver, "dashboard-import-report-1280")

        commit = by_testid(driver, "import-commit")
        assert "66" in commit.text
        commit.click()
        result = wait_for(driver, visible_testid("import-result"), "the import's result")
        assert "66 diimpor" in result.text and "1 dilewati" in result.text
        assert "1 baris bermasalah" in result.text
        assert not driver.find_elements("css selector", '[data-testid="import-progress"]')

    assert registered(stack) == 66
    status, found = stack.json("GET", f"{EVENT}/attendees?q=Siti%20Rahmawati", token=ORGANISER)
    assert status == 200, found
    (siti,) = [person for person in found["attendees"] if person["name"] == "Siti Rahmawati"]
    status, detail = stack.json("GET", f"{EVENT}/attendees/{siti['id']}", token=ORGANISER)
    assert status == 200, detail
    assert detail["source"] == "import" and detail["phone"] == "6282197156140"
