"""The attendee's own page (/me/{manage_token}) in headless Chromium over make run's stack:
the person opens their link, corrects their name, downloads their data and withdraws."""

from __future__ import annotations

import json
import secrets
import string
import tempfile
from pathlib import Path

import pytest

from tests.support.browser import (
    PHONE,
    by_testid,
    chromium,
    register,
    visible_testid,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def word() -> str:
    return "Zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


def test_open_correct_download_and_withdraw(stack):
    name = f"Siti {word().capitalize()}"
    mine = register(stack, name, f"{word()}@example.org", "Yayasan Uji")
    token = mine["manage"]["token"]
    downloads = Path(tempfile.mkdtemp(prefix="hadir-me-"))

    with chromium(PHONE) as driver:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        driver.get(f"{stack.base}{mine['manage']['url']}")
        shown = wait_for(driver, visible_testid("me-name"), "the registration")
        assert shown.text == name
        assert (
            by_testid(driver, "me-qr")
            .get_attribute("src")
            .endswith(f"/badges/{mine['badge']['code']}/qr.png")
        )
        assert "2016-11-v1" in by_testid(driver, "me-consent").text

        # Correct the name: the page, the record and the badge show the new one.
        corrected = f"{name} Putri"
        field = by_testid(driver, "me-field-name")
        field.clear()
        field.send_keys(corrected)
        by_testid(driver, "me-save").click()
        wait_for(
            driver,
            lambda d: by_testid(d, "me-name").text == corrected,
            "the corrected name on the page",
        )
        assert visible_testid("me-notice")(driver)
        status, record = stack.json("GET", f"/registrations/{token}")
        assert (status, record["name"]) == (200, corrected)
        assert stack.json("GET", f"/badges/{mine['badge']['code']}")[1]["name"] == corrected

        # Download everything Hadir holds.
        by_testid(driver, "me-export").click()
        exported = downloads / "hadir-data-saya.json"
        wait_for(driver, lambda _: exported.is_file(), "the downloaded export")
        data = json.loads(exported.read_text())
        assert data["registration"]["name"] == corrected
        assert data["registration"]["consent"]["channel"] == "web"

        # Withdraw, confirming first.
        by_testid(driver, "me-withdraw").click()
        wait_for(driver, visible_testid("me-withdraw-confirm"), "the confirmation").click()
        wait_for(driver, visible_testid("me-withdrawn"), "the withdrawal")
        assert stack.json("GET", f"/registrations/{token}")[0] == 404
        assert stack.json("GET", f"/badges/{mine['badge']['code']}")[0] == 410

        # The link is dead from then on.
        driver.get(f"{stack.base}{mine['manage']['url']}")
        wait_for(driver, visible_testid("me-missing"), "the dead link's notice")
