"""Certificates in headless Chromium over make run's stack (API.md §9, §11): the public
verification page /c/{number} (valid, revoked, unknown) and the dashboard's certificate
panel (the eligible and those short, the rule as saved, the bulk PDF with its link).

The page stack's clock runs from the workshop's first day, so these tests use an
event of their own whose two days are already over; its check-ins are sent with
the scan times of those days (a desk's queued scans, §2).
"""

from __future__ import annotations

import io
import unicodedata

import pypdf
import pytest

from tests.browser.test_page_dashboard import capture_downloads, saved_file
from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    PHONE,
    by_testid,
    chromium,
    fits_width,
    screenshot,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

EVENT_ID = "certs-page-2016"
EVENT = f"/events/{EVENT_ID}"
DAYS = ["2016-11-27", "2016-11-28"]
RULE = {"rule": "min_days", "min_days": 2, "signatories": [{"name": "Ibu Ketua", "title": "Ketua"}]}
PEOPLE = [
    ("Đỗ Thị Hương", DAYS),
    ("Budi Santoso", DAYS),
    ("Citra Kirana", DAYS[:1]),  # short of the rule: missed the second day
]


def call(stack, method, path, body=None, token=ORGANISER, expect=(200, 201)):
    status, reply = stack.json(method, path, body, token=token)
    assert status in expect, (method, path, status, reply)
    return reply


@pytest.fixture(scope="module")
def over(stack):
    """An event whose days are over, two people eligible and one short; numbers given."""
    status, workshop = stack.json("GET", f"/events/{WORKSHOP}")
    assert status == 200
    days = [
        {**day, "number": index + 1, "date": date}
        for index, (day, date) in enumerate(zip(workshop["days"], DAYS, strict=True))
    ]
    document = {**workshop, "id": EVENT_ID, "days": days, "certificate": RULE, "logos": []}
    call(stack, "PUT", EVENT, document)
    desk = call(stack, "POST", f"{EVENT}/desk-tokens", {"label": "Desk C"})["token"]
    people = {}
    for index, (name, attended) in enumerate(PEOPLE):
        body = {
            "name": name,
            "email": f"certificate-page-{index}@example.org",
            "organisation": f"Organisasi {index}",
            "consent": True,
        }
        registration = call(stack, "POST", f"{EVENT}/registrations", body, token=None)
        for day in attended:
            scan = {
                "code": registration["badge"]["code"],
                "scan_id": f"cert-page-{index}-{day}",
                "scanned_at": f"{day}T09:30:00+07:00",
            }
            call(stack, "POST", f"{EVENT}/checkins", scan, token=desk)
        people[name] = registration["attendee_id"]
    listed = call(stack, "GET", f"{EVENT}/certificates")
    numbers = {entry["name"]: entry["number"] for entry in listed["certificates"]}
    assert set(numbers) == {"Đỗ Thị Hương", "Budi Santoso"}
    return {"people": people, "numbers": numbers, "desk": desk}


def open_verification(driver, stack, number: str) -> str:
    driver.get(f"{stack.base}/c/{number}")
    return wait_for(driver, visible_testid("result"), "the page gives its verdict").text


def test_the_verification_page_valid_revoked_and_unknown(stack, over):
    number = over["numbers"]["Đỗ Thị Hương"]
    with chromium(PHONE) as driver:
        verdict = open_verification(driver, stack, number)
        assert "Sertifikat ini sah" in verdict
        details = by_testid(driver, "details").text
        assert "Đỗ Thị Hương" in details
        assert "Organisasi" not in details  # only name, event, dates and days attended
        assert "27" in details and "28" in details and "2016" in details
        assert fits_width(driver)
        screenshot(driver, "certificate-valid-360")

        # A number with one character changed is unknown.
        altered = number[:-1] + ("A" if number[-1] != "A" else "B")
        assert "tidak dikenal" in open_verification(driver, stack, altered)

        # The organiser cancels Budi (his check-ins undone first): revoked.
        budi = over["people"]["Budi Santoso"]
        for day in DAYS:
            call(stack, "DELETE", f"{EVENT}/checkins/{budi}/{day}")
        call(stack, "DELETE", f"{EVENT}/attendees/{budi}")
        verdict = open_verification(driver, stack, over["numbers"]["Budi Santoso"])
        assert "dicabut" in verdict
        assert not driver.find_elements("css selector", '[data-testid="details"]')


def test_the_dashboard_panel_lists_saves_and_downloads(stack, over):
    with chromium(LAPTOP) as driver:
        driver.get(f"{stack.base}/dashboard/{EVENT_ID}#token={ORGANISER}")
        panel = wait_for(driver, visible_testid("certificates-panel"), "the certificate panel")
        wait_for(
            driver,
            lambda d: "Đỗ Thị Hương" in by_testid(d, "certificates-eligible").text,
            "the eligible list",
        )
        eligible = by_testid(driver, "certificates-eligible").text
        assert over["numbers"]["Đỗ Thị Hương"] in eligible
        short = by_testid(driver, "certificates-short").text
        assert "Citra Kirana" in short and "Đỗ Thị Hương" not in short
        assert "28" in short.split("Citra Kirana", 1)[1]  # the day missed
        rule = by_testid(driver, "certificate-rule")
        assert rule.get_attribute("value") == "min_days"
        assert by_testid(driver, "signatory-name-0").get_attribute("value") == "Ibu Ketua"

        # A second signatory, saved with PUT of the event document.
        by_testid(driver, "signatory-name-1").send_keys("Bapak Wakil")
        by_testid(driver, "signatory-title-1").send_keys("Wakil Ketua")
        by_testid(driver, "save-certificate").click()
        wait_for(
            driver,
            lambda d: (
                call(stack, "GET", EVENT, token=None)["certificate"]["signatories"]
                == [*RULE["signatories"], {"name": "Bapak Wakil", "title": "Wakil Ketua"}]
            ),
            "the signatories are saved",
        )

        capture_downloads(driver)
        button = wait_for(
            driver,
            lambda d: (
                by_testid(d, "download-certificates").is_enabled()
                and by_testid(d, "download-certificates")
            ),
            "the bulk download is offered once the event is over",
        )
        button.click()
        name, raw = saved_file(driver, 0)
        assert name == f"sertifikat-{EVENT_ID}.pdf"
        pages = pypdf.PdfReader(io.BytesIO(raw)).pages
        texts = [
            unicodedata.normalize("NFC", " ".join((page.extract_text() or "").split()))
            for page in pages
        ]
        eligible = call(stack, "GET", f"{EVENT}/certificates")["certificates"]
        assert len(pages) == len(eligible) and "Đỗ Thị Hương" in " ".join(texts)
        assert all("Bapak Wakil" in text for text in texts)
        wait_for(driver, visible_testid("open-certificates"), "an open link for the PDF")
        assert panel.is_displayed()
        screenshot(driver, "dashboard-certificates-1280")
