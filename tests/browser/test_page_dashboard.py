"""The organiser's dashboard (/dashboard/{event_id}) in headless Chromium over make run's stack.

Data is set up through the API; the page must show what the API says, follow it
live, pair a desk with a QR code a real decoder reads, revoke that desk's token,
and ask for a token when it has none (or a wrong one).
"""

from __future__ import annotations

import base64
import itertools
import re

import png
import pytest
import zxingcpp
from selenium.webdriver.support.ui import Select

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    PHONE,
    all_by_testid,
    by_testid,
    chromium,
    fits_width,
    mint_desk_token,
    register,
    screenshot,
    set_offline,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

EVENT = f"/events/{WORKSHOP}"
DAY1 = "2016-11-29"
PEOPLE = [
    ("Siti Nurhaliza", "female", "ngo"),
    ("Budi Santoso", "male", "government"),
    ("Dewi Lestari", "female", "media"),
    ("Agus Salim", "prefer_not_to_say", "academia"),
    ("Rina Wulandari", "female", "community"),
]
_emails = itertools.count(1)


@pytest.fixture(scope="module")
def people(stack):
    """Five registrations (varied gender and organisation type) and a desk that checks in 3.

    The stack is shared with the other page modules, so counts are read relative
    to `before`, day 1's check-ins before these.
    """
    before = day1_checked_in(stack)
    codes = []
    for name, gender, organisation_type in PEOPLE:
        body = register(
            stack,
            name,
            f"dashboard-{next(_emails)}@example.org",
            f"{name.split()[0]} Foundation",
            gender=gender,
            organisation_type=organisation_type,
        )
        codes.append(body["badge"]["code"])
    desk = mint_desk_token(stack, "Desk A")
    for code in codes[:3]:
        check_in(stack, desk, code)
    return {"codes": codes, "desk": desk, "before": before}


def day1_checked_in(stack) -> int:
    status, attendance = stack.json("GET", f"{EVENT}/attendance", token=ORGANISER)
    assert status == 200, attendance
    return next(day["checked_in"] for day in attendance["days"] if day["date"] == DAY1)


def check_in(stack, desk: str, code: str) -> None:
    scan = {"code": code, "scan_id": f"dash-{code[:8]}-{next(_emails)}", "desk": "Desk A"}
    status, body = stack.json("POST", f"{EVENT}/checkins", scan, token=desk)
    assert status == 201, body


def open_dashboard(driver, stack) -> None:
    driver.get(f"{stack.base}/dashboard/{WORKSHOP}#token={ORGANISER}")
    wait_for(driver, visible_testid("stat-registered"), "the dashboard shows its counts")
    assert "#token" not in driver.current_url, "the token stays in the address bar"
    assert ORGANISER not in driver.current_url


def tile(driver, testid: str) -> str:
    """The number a tile shows, read in one go (the tiles are redrawn as counts change)."""
    return driver.execute_script(
        "const node = document.querySelector(`[data-testid='${arguments[0]}'] .value`);"
        "return node ? node.textContent : '';",
        testid,
    )


def shows(testid: str, value) -> callable:
    return lambda driver: tile(driver, testid) == str(value)


def table(driver, testid: str) -> dict[str, str]:
    """A breakdown table as {data-key: the count shown}."""
    return driver.execute_script(
        """
        const rows = document.querySelectorAll(`[data-testid="${arguments[0]}"] tr[data-key]`);
        return Object.fromEntries([...rows].map(
          (row) => [row.dataset.key, row.querySelector("td.num").textContent]));
        """,
        testid,
    )


def as_text(counts: dict) -> dict[str, str]:
    return {key: str(value) for key, value in counts.items()}


def decode_png(png_bytes: bytes) -> list[str]:
    """The QR codes zxing-cpp finds in an RGBA PNG (read on its red channel)."""
    width, height, rows, _ = png.Reader(bytes=png_bytes).asRGBA8()
    grey = bytes(row[x] for row in rows for x in range(0, width * 4, 4))
    image = memoryview(grey).cast("B", (height, width))
    barcodes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in barcodes]


def capture_downloads(driver) -> None:
    """<a download> clicks are recorded (name and blob URL) instead of saved to disk.

    The page's CSP (connect-src 'self') rightly refuses fetch("blob:..."), so the
    blobs are kept as the page makes their URLs.
    """
    driver.execute_script(
        """
        window.savedFiles = [];
        window.blobs = {};
        const create = URL.createObjectURL;
        URL.createObjectURL = (blob) => {
          const url = create(blob);
          window.blobs[url] = blob;
          return url;
        };
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function () {
          if (this.download) window.savedFiles.push({ name: this.download, href: this.href });
          else click.call(this);
        };
        """
    )


def saved_file(driver, index: int) -> tuple[str, bytes]:
    wait_for(
        driver,
        lambda d: d.execute_script("return window.savedFiles.length") > index,
        f"download {index + 1} is saved",
    )
    name, href = driver.execute_script(
        "const f = window.savedFiles[arguments[0]]; return [f.name, f.href];", index
    )
    assert href.startswith("blob:")
    encoded = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        window.blobs[arguments[0]].arrayBuffer().then((buffer) => {
          let text = "";
          for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
          done(btoa(text));
        }, () => done(null));
        """,
        href,
    )
    assert encoded is not None, "the saved blob could not be read"
    return name, base64.b64decode(encoded)


def test_counts_chart_and_breakdowns_follow_the_api(stack, people):
    status, attendance = stack.json("GET", f"{EVENT}/attendance", token=ORGANISER)
    assert status == 200
    [day1] = [day for day in attendance["days"] if day["date"] == DAY1]
    assert day1["checked_in"] == people["before"] + 3
    with chromium(LAPTOP) as driver:
        open_dashboard(driver, stack)
        assert by_testid(driver, "event-title").text == stack.json("GET", EVENT)[1]["title"]
        wait_for(driver, shows("stat-registered", attendance["registered"]), "registered")
        assert tile(driver, f"stat-day-{DAY1}-checked-in") == str(day1["checked_in"])
        assert tile(driver, f"stat-day-{DAY1}-no-shows") == str(day1["no_shows"])
        assert tile(driver, "stat-attended-any") == str(attendance["attended_any"])
        assert tile(driver, "stat-attended-all") == str(attendance["attended_all_days"])
        assert re.search(r"\d\d[.:]\d\d[.:]\d\d", by_testid(driver, "as-of").text)

        # Live: one more arrives at a desk, and the page catches up by itself.
        check_in(stack, people["desk"], people["codes"][3])
        status, attendance = stack.json("GET", f"{EVENT}/attendance", token=ORGANISER)
        [day1] = [day for day in attendance["days"] if day["date"] == DAY1]
        four = day1["checked_in"]
        assert four == people["before"] + 4
        wait_for(driver, shows(f"stat-day-{DAY1}-checked-in", four), "the count refreshes live")
        wait_for(driver, shows(f"stat-day-{DAY1}-no-shows", day1["no_shows"]), "no-shows follow")
        wait_for(driver, shows("stat-attended-any", attendance["attended_any"]), "any-day follows")

        # The breakdowns are the report's numbers for the selected day (day 1, today).
        status, report = stack.json("GET", f"{EVENT}/attendance/report", token=ORGANISER)
        [day] = [day for day in report["days"] if day["date"] == DAY1]
        assert sum(day["by_gender"].values()) == four
        assert by_testid(driver, "day-select").get_attribute("value") == DAY1
        expected = {
            "breakdown-gender": as_text(day["by_gender"]),
            "breakdown-organisation-type": as_text(day["by_organisation_type"]),
            "breakdown-desk": as_text(day["by_desk"]),
            "breakdown-source": as_text(day["by_source"]),
        }
        wait_for(
            driver,
            lambda d: {testid: table(d, testid) for testid in expected} == expected,
            f"the breakdowns show the report: {expected}",
        )
        gender_labels = by_testid(driver, "breakdown-gender").text
        assert "Perempuan" in gender_labels and "Laki-laki" in gender_labels  # translated
        wait_for(
            driver,
            lambda d: d.execute_script(
                "const img = document.querySelector('img.chart');"
                "return img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:');"
            ),
            "the arrivals chart has loaded",
        )
        screenshot(driver, "dashboard-1280")

        # The network drops: the numbers stay, marked as not current; then they recover.
        set_offline(driver, True)
        wait_for(driver, visible_testid("stale"), "an offline / last-updated hint")
        assert tile(driver, f"stat-day-{DAY1}-checked-in") == str(four)
        set_offline(driver, False)
        wait_for(driver, lambda d: not all_by_testid(d, "stale"), "the hint goes once back online")

        # English labels on request, the same numbers.
        by_testid(driver, "lang").click()
        wait_for(driver, lambda d: "Female" in by_testid(d, "breakdown-gender").text, "English")
        assert tile(driver, f"stat-day-{DAY1}-checked-in") == str(four)


def test_downloads_and_the_badge_sheet(stack, people):
    with chromium(LAPTOP) as driver:
        open_dashboard(driver, stack)
        capture_downloads(driver)

        by_testid(driver, "download-csv").click()
        name, raw = saved_file(driver, 0)
        assert name.endswith(".csv")
        text = raw.decode("utf-8")
        assert text.startswith("\ufeffname,organisation,organisation_type,gender,email")
        for person, _, _ in PEOPLE:
            assert person in text

        by_testid(driver, "download-sign-in-sheet").click()
        name, raw = saved_file(driver, 1)
        assert DAY1 in name and name.endswith(".pdf")
        assert raw.startswith(b"%PDF")

        a6 = '[data-testid="badge-layout"] option[value="a6"]'
        driver.find_element("css selector", a6).click()
        by_testid(driver, "print-badges").click()
        name, raw = saved_file(driver, 2)
        assert "a6" in name and raw.startswith(b"%PDF")
        wait_for(driver, visible_testid("open-badges"), "an open link for the badge sheet")


def test_minting_a_kiosk_token_pairs_the_kiosk_page_only(stack, people):
    with chromium(LAPTOP) as driver:
        open_dashboard(driver, stack)
        by_testid(driver, "desk-label").send_keys("Kios Uji")
        Select(by_testid(driver, "desk-role")).select_by_value("kiosk")
        by_testid(driver, "create-desk-token").click()
        wait_for(
            driver,
            lambda d: d.execute_script(
                "const c = document.querySelector('[data-testid=pairing-qr]');"
                "return c && c.dataset.ready === 'true';"
            ),
            "the pairing QR is drawn",
        )
        data_url = driver.execute_script(
            "return document.querySelector('[data-testid=pairing-qr]').toDataURL('image/png')"
        )
        [text] = decode_png(base64.b64decode(data_url.split(",", 1)[1]))
        prefix = f"{stack.base}/kiosk/{WORKSHOP}#token="
        assert text.startswith(prefix), "a kiosk token pairs the kiosk page"
        token = text[len(prefix) :]
        assert by_testid(driver, "pairing-kiosk-link").text == text
        assert not driver.find_elements("css selector", "[data-testid=pairing-link]")
        listed = wait_for(
            driver,
            lambda d: d.execute_script(
                """
                for (const row of document.querySelectorAll('[data-testid=desk-token-row]')) {
                  if (row.querySelector('.token-label').textContent !== 'Kios Uji') continue;
                  return row.querySelector('[data-testid=token-role]').textContent;
                }
                return null;
                """
            ),
            "the kiosk token is listed",
        )
        assert listed == "Kios"
    status, _ = stack.json("GET", f"{EVENT}/attendees?q=zz", token=token)
    assert status == 403, "a kiosk token may not search"
    status, _ = stack.json("POST", f"{EVENT}/checkins", {}, token=token)
    assert status == 422, "a kiosk token of this event may check in"


def test_pairing_a_desk_and_revoking_its_token(stack, people):
    with chromium(LAPTOP) as driver:
        open_dashboard(driver, stack)
        by_testid(driver, "desk-label").send_keys("Meja Uji")
        by_testid(driver, "create-desk-token").click()
        wait_for(
            driver,
            lambda d: d.execute_script(
                "const c = document.querySelector('[data-testid=pairing-qr]');"
                "return c && c.dataset.ready === 'true';"
            ),
            "the pairing QR is drawn",
        )
        data_url = driver.execute_script(
            "return document.querySelector('[data-testid=pairing-qr]').toDataURL('image/png')"
        )
        [text] = decode_png(base64.b64decode(data_url.split(",", 1)[1]))
        prefix = f"{stack.base}/desk/{WORKSHOP}#token="
        assert text.startswith(prefix)
        token = text[len(prefix) :]
        assert token
        assert by_testid(driver, "pairing-link").text == text
        assert by_testid(driver, "pairing-kiosk-link").text == (
            f"{stack.base}/kiosk/{WORKSHOP}#token={token}"
        )
        status, _ = stack.json("GET", f"{EVENT}/attendees?q=zz", token=token)
        assert status == 200, "the paired token works at a desk"

        def row(d):
            """The new desk's row as [status text, has a revoke button], or None."""
            return d.execute_script(
                """
                for (const row of document.querySelectorAll('[data-testid=desk-token-row]')) {
                  if (row.querySelector('.token-label').textContent !== 'Meja Uji') continue;
                  return [row.querySelector('.token-status').textContent,
                          !!row.querySelector('[data-testid=revoke-button]')];
                }
                return null;
                """
            )

        wait_for(driver, row, "the new desk is listed")
        assert row(driver) == ["Aktif", True]
        driver.find_element(
            "xpath",
            "//tr[@data-testid='desk-token-row'][td[@class='token-label' and text()='Meja Uji']]"
            "//button[@data-testid='revoke-button']",
        ).click()
        alert = driver.switch_to.alert
        assert "Meja Uji" in alert.text
        alert.accept()
        wait_for(driver, lambda d: row(d)[1] is False, "the token is listed as revoked")
        assert row(driver)[0].startswith("Dicabut")
        status, _ = stack.json("GET", f"{EVENT}/attendees?q=zz", token=token)
        assert status == 401, "a revoked token is refused"

        # The secret was never stored, and "done" takes it off the page.
        stored = driver.execute_script(
            "return JSON.stringify({...localStorage, ...sessionStorage})"
        )
        assert token not in stored
        by_testid(driver, "pairing-done").click()
        wait_for(driver, lambda d: not all_by_testid(d, "pairing"), "the pairing panel closes")
        assert token not in driver.execute_script("return document.body.innerText")


def test_the_dashboard_fits_a_phone(stack, people):
    with chromium(PHONE) as driver:
        open_dashboard(driver, stack)
        wait_for(driver, lambda d: tile(d, f"stat-day-{DAY1}-checked-in") != "", "day tiles")
        wait_for(
            driver,
            lambda d: all_by_testid(d, "breakdown-gender") and all_by_testid(d, "desk-token-row"),
            "breakdowns and desk tokens shown",
        )
        assert fits_width(driver)
        screenshot(driver, "dashboard-360")
        by_testid(driver, "desk-label").send_keys("Meja Telepon")
        by_testid(driver, "create-desk-token").click()
        wait_for(driver, visible_testid("pairing-qr"), "the pairing panel")
        assert fits_width(driver), "the pairing panel (a long link) fits a phone"
        width = driver.execute_script(
            "return document.querySelector('[data-testid=pairing-qr]')"
            ".getBoundingClientRect().width"
        )
        assert width >= 200, "the QR is large enough to scan from another phone"


def test_without_a_token_the_page_asks_for_one(stack, people):
    with chromium(LAPTOP) as driver:
        driver.get(f"{stack.base}/dashboard/{WORKSHOP}")
        wait_for(driver, visible_testid("token-input"), "the token form")
        assert not all_by_testid(driver, "stat-registered")

        by_testid(driver, "token-input").send_keys("not-the-organiser-token")
        by_testid(driver, "token-submit").click()
        wait_for(
            driver,
            lambda d: d.find_elements("css selector", ".token-form [role=alert]"),
            "a wrong token is refused with an error",
        )
        stored = driver.execute_script("return JSON.stringify(localStorage)")
        assert "not-the-organiser-token" not in stored, "a refused token is forgotten"

        # A desk token is known but not enough: the page explains.
        by_testid(driver, "token-input").send_keys(people["desk"])
        by_testid(driver, "token-submit").click()
        wait_for(driver, visible_testid("forbidden"), "a desk token is explained as not enough")

        by_testid(driver, "sign-out").click()
        by_testid(driver, "token-input").send_keys(ORGANISER)
        by_testid(driver, "token-submit").click()
        wait_for(driver, visible_testid("stat-registered"), "the right token opens the dashboard")
        assert ORGANISER in driver.execute_script("return JSON.stringify(localStorage)")

        by_testid(driver, "sign-out").click()
        wait_for(driver, visible_testid("token-input"), "signing out asks for a token again")
        stored = driver.execute_script("return JSON.stringify(localStorage)")
        assert ORGANISER not in stored
