"""The desk page in headless Chromium: scanning badges with a (fake) camera, the
offline queue, search, check-in by name, reissue and walk-ins, over make run's stack."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    PHONE,
    all_by_testid,
    badge_png,
    badge_video,
    by_testid,
    chromium,
    fits_width,
    mint_desk_token,
    register,
    roster_knows,
    screenshot,
    set_offline,
    stored,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

DAY_ONE = "2016-11-29"


@pytest.fixture(scope="module")
def desk_token(stack):
    return mint_desk_token(stack, "Desk A")


def day_one_checked_in(stack) -> int:
    status, body = stack.json("GET", f"/events/{WORKSHOP}/attendance", token=ORGANISER)
    assert status == 200, body
    return next(day["checked_in"] for day in body["days"] if day["date"] == DAY_ONE)


def checkins_of(stack, attendee_id: str) -> list[dict]:
    status, body = stack.json("GET", f"/events/{WORKSHOP}/attendees/{attendee_id}", token=ORGANISER)
    assert status == 200, body
    return body["checkins"]


def accepted_scans(stack) -> list[dict]:
    scans, cursor = [], None
    while True:
        path = f"/events/{WORKSHOP}/scans?result=checked_in&limit=200"
        status, body = stack.json(
            "GET", path + (f"&next={quote(cursor)}" if cursor else ""), token=ORGANISER
        )
        assert status == 200, body
        scans += body["scans"]
        cursor = body["next"]
        if not cursor:
            return scans


def open_desk(driver, stack, token: str) -> None:
    driver.get(f"{stack.base}/desk/{WORKSHOP}#token={token}")
    wait_for(driver, visible_testid("event-title"), "the desk page did not open")
    assert token not in driver.current_url  # taken out of the address bar
    assert "Civil Society" in by_testid(driver, "event-title").text


def shown_result(kind: str):
    """A wait condition: the full-screen result is showing `kind` (ok, warn, bad, queued)."""

    def condition(driver):
        found = visible_testid("result")(driver)
        return found if found and found.get_attribute("data-result") == kind else False

    return condition


def assert_no_placeholders(driver) -> None:
    """No missing value rendered as text."""
    text = driver.execute_script("return document.body.innerText")
    for word in ("null", "undefined", "NaN", "[object"):
        assert word not in text, text


def banner_text(driver) -> str:
    banner = visible_testid("queue-banner")(driver)
    return banner.text if banner else ""


def test_scanning_a_badge_checks_the_attendee_in(stack, desk_token, tmp_path):
    ayu = register(stack, "Ayu Lestari", "ayu.desk-scan@example.org", "Yayasan Hutan Lestari")
    camera = badge_video([badge_png(stack, ayu["badge"]["code"])], tmp_path / "ayu.y4m")
    before = day_one_checked_in(stack)

    with chromium(PHONE, camera=camera) as driver:
        open_desk(driver, stack, desk_token)
        by_testid(driver, "start-scan").click()
        result = wait_for(driver, shown_result("ok"), "the badge was not accepted")
        assert "Ayu Lestari" in result.text
        assert "Yayasan Hutan Lestari" in result.text
        assert_no_placeholders(driver)
        screenshot(driver, "desk-360")
        assert fits_width(driver)
        # The badge stays in front of the camera: it is not checked in twice.
        wait_for(driver, shown_result("warn"), "a second look at the badge was not 'already'")
        assert "Sudah check-in pukul 09:" in by_testid(driver, "result").text
        assert "Desk A" in by_testid(driver, "result").text

    assert day_one_checked_in(stack) == before + 1
    [checkin] = checkins_of(stack, ayu["attendee_id"])
    assert (checkin["date"], checkin["desk"]) == (DAY_ONE, "Desk A")


def test_scans_made_offline_are_queued_and_sent_once_when_back_online(stack, desk_token, tmp_path):
    budi = register(stack, "Budi Santoso", "budi.desk-offline@example.org", "Komunitas Pesisir")
    dewi = register(stack, "Dewi Kartika", "dewi.desk-offline@example.org", "Media Hijau")
    camera = badge_video(
        [badge_png(stack, budi["badge"]["code"]), badge_png(stack, dewi["badge"]["code"])],
        tmp_path / "two.y4m",
    )
    before = day_one_checked_in(stack)

    with chromium(PHONE, camera=camera) as driver:
        open_desk(driver, stack, desk_token)
        for person in (budi, dewi):
            wait_for(driver, roster_knows(person["attendee_id"]), "no roster on the device")
        set_offline(driver, True)
        by_testid(driver, "start-scan").click()
        # Decided on the device from the roster (API.md section 13), marked offline.
        wait_for(driver, shown_result("ok"), "an offline scan was not decided green")
        assert by_testid(driver, "result").get_attribute("data-offline") == "true"
        wait_for(
            driver,
            lambda d: banner_text(d).startswith("2 pindaian menunggu jaringan"),
            "the banner did not count two waiting scans",
        )
        queued = stored(driver, "queue")[:2]
        seen_at = {entry["code"]: entry["scanned_at"] for entry in queued}
        assert sorted(seen_at) == sorted([budi["badge"]["code"], dewi["badge"]["code"]])
        assert day_one_checked_in(stack) == before  # nothing reached the server

        set_offline(driver, False)

        def both_synced(d):
            if visible_testid("queue-banner")(d):
                return False
            accepted = [
                item.text
                for item in all_by_testid(d, "sync-result")
                if item.get_attribute("data-result") == "ok"
            ]
            return len(accepted) == 2 and accepted

        accepted = wait_for(driver, both_synced, "the queued scans were not sent")
        assert any("Budi Santoso" in line for line in accepted)
        assert any("Dewi Kartika" in line for line in accepted)
        assert_no_placeholders(driver)

    assert day_one_checked_in(stack) == before + 2
    scans = accepted_scans(stack)
    for person in (budi, dewi):
        [scan] = [entry for entry in scans if entry["attendee_id"] == person["attendee_id"]]
        assert scan["desk"] == "Desk A"
        # Dated when the camera saw the badge (the server's clock, learnt at
        # start), not when the network came back.
        queued = datetime.fromisoformat(seen_at[person["badge"]["code"]])
        assert datetime.fromisoformat(scan["scanned_at"]) == queued.replace(microsecond=0)
        assert scan["scanned_at"] <= scan["received_at"]


def test_search_check_in_by_name_reissue_and_walk_in_on_a_laptop(stack, desk_token):
    bambang = register(stack, "Bambang Suryadi", "bambang.desk-search@example.org", "Dinas KLHK")
    old_code = bambang["badge"]["code"]

    with chromium(LAPTOP) as driver:
        open_desk(driver, stack, desk_token)

        # Search by the starts of words, then check in by name.
        by_testid(driver, "tab-search").click()
        by_testid(driver, "search-input").send_keys("bamb sury")

        def row(d):
            rows = [r for r in all_by_testid(d, "search-result") if "Bambang Suryadi" in r.text]
            return rows[0] if rows else False

        found = wait_for(driver, row, "the search did not find Bambang")
        assert "Dinas KLHK" in found.text
        assert "Belum check-in hari ini" in found.text
        found.find_element(By.CSS_SELECTOR, '[data-testid="checkin-button"]').click()
        result = wait_for(driver, shown_result("ok"), "check-in by name was not accepted")
        assert "Bambang Suryadi" in result.text
        result.click()  # a tap hides it sooner
        wait_for(driver, lambda d: not visible_testid("result")(d), "the result did not hide")
        wait_for(
            driver,
            lambda d: row(d) and "Hadir pukul 09:" in row(d).text,
            "the search result did not show the check-in",
        )
        assert_no_placeholders(driver)
        screenshot(driver, "desk-1280")
        [checkin] = checkins_of(stack, bambang["attendee_id"])
        assert checkin["desk"] == "Desk A"

        # A lost badge: a new code, the old one refused from now on.
        row(driver).find_element(By.CSS_SELECTOR, '[data-testid="reissue-button"]').click()
        reason = wait_for(driver, visible_testid("reissue-reason"), "no reason asked")
        Select(reason).select_by_value("damaged")
        by_testid(driver, "reissue-note").send_keys("kena hujan")
        by_testid(driver, "reissue-submit").click()
        qr = wait_for(driver, visible_testid("reissue-qr"), "the new badge was not shown")
        wait_for(
            driver,
            lambda d: d.execute_script("return arguments[0].naturalWidth > 0", qr),
            "the new badge's QR did not load",
        )
        new_code = qr.get_attribute("src").split("/badges/")[1].split("/")[0]
        assert new_code != old_code
        assert (
            by_testid(driver, "reissue-qr-pdf")
            .get_attribute("href")
            .endswith(f"/badges/{new_code}/badge.pdf")
        )
        assert stack.json("GET", f"/badges/{old_code}")[0] == 410
        assert stack.json("GET", f"/badges/{new_code}")[0] == 200
        status, detail = stack.json(
            "GET", f"/events/{WORKSHOP}/attendees/{bambang['attendee_id']}", token=ORGANISER
        )
        assert status == 200, detail
        assert [issue["reason"] for issue in detail["badge"]["reissues"]] == ["damaged: kena hujan"]

        # A walk-in, registered and checked in at once; their badge shown to print.
        by_testid(driver, "tab-walkin").click()
        form = wait_for(driver, visible_testid("walkin-form"), "no walk-in form")
        form.find_element(By.ID, "walkin-name").send_keys("Rina Marlina")
        form.find_element(By.ID, "walkin-email").send_keys("rina@contoh")
        form.find_element(By.ID, "walkin-organisation").send_keys("Universitas Contoh")
        Select(form.find_element(By.ID, "walkin-organisation_type")).select_by_value("academia")
        form.find_element(By.ID, "walkin-consent").click()
        assert form.find_element(By.ID, "walkin-check_in").is_selected()  # checked by default
        by_testid(driver, "walkin-submit").click()
        # The API's 422 lands under the field; what was typed stays.
        error = wait_for(driver, visible_testid("error-email"), "no error under the email")
        assert error.text == "Alamat email tidak valid."
        email = driver.find_element(By.ID, "walkin-email")
        assert driver.find_element(By.ID, "walkin-name").get_attribute("value") == "Rina Marlina"
        email.clear()
        email.send_keys("rina.desk-walkin@example.org")
        by_testid(driver, "walkin-submit").click()
        result = wait_for(driver, shown_result("ok"), "the walk-in was not checked in")
        assert "Rina Marlina" in result.text
        assert_no_placeholders(driver)
        result.click()
        badge = wait_for(driver, visible_testid("walkin-badge"), "the walk-in's badge not shown")
        wait_for(
            driver,
            lambda d: d.execute_script("return arguments[0].naturalWidth > 0", badge),
            "the walk-in's QR did not load",
        )
        status, body = stack.json(
            "GET", f"/events/{WORKSHOP}/attendees?q=rina%20marl", token=desk_token
        )
        assert status == 200, body
        [rina] = body["attendees"]
        assert [day["checked_in_at"] is not None for day in rina["days"]] == [True, False]

        # The same email again: clearly refused, nothing registered twice.
        by_testid(driver, "walkin-again").click()
        form = wait_for(driver, visible_testid("walkin-form"), "no fresh walk-in form")
        form.find_element(By.ID, "walkin-name").send_keys("Rina M.")
        form.find_element(By.ID, "walkin-email").send_keys("RINA.desk-walkin@example.org")
        form.find_element(By.ID, "walkin-organisation").send_keys("Universitas Contoh")
        form.find_element(By.ID, "walkin-consent").click()
        by_testid(driver, "walkin-submit").click()
        error = wait_for(driver, visible_testid("walkin-error"), "a duplicate was not refused")
        assert "sudah terdaftar" in error.text


def test_a_refused_token_is_forgotten_and_a_pasted_one_works(stack, desk_token):
    with chromium(PHONE) as driver:
        driver.get(f"{stack.base}/desk/{WORKSHOP}#token=not-a-real-token")
        form_input = wait_for(driver, visible_testid("token-input"), "no token form")
        assert "not-a-real-token" not in driver.current_url
        assert "tidak dikenal" in driver.find_element(By.CSS_SELECTOR, ".token-form").text
        stored = driver.execute_script(
            f"return localStorage.getItem('hadir.desk-token.{WORKSHOP}')"
        )
        assert stored is None  # forgotten
        form_input.send_keys(desk_token)
        by_testid(driver, "token-submit").click()
        wait_for(driver, visible_testid("start-scan"), "the pasted token did not open the desk")
        assert fits_width(driver)
        # Kept in this browser: a reload goes straight to the desk.
        driver.refresh()
        wait_for(driver, visible_testid("start-scan"), "the token was not kept")
