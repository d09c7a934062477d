"""The kiosk page in headless Chromium: attendees scan their own badge at the door
and are greeted by first name only, over make run's stack."""

from __future__ import annotations

import pytest

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    PHONE,
    badge_png,
    badge_video,
    by_testid,
    chromium,
    fits_width,
    mint_desk_token,
    register,
    resize,
    screenshot,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

DAY_ONE = "2016-11-29"


@pytest.fixture(scope="module")
def desk_token(stack):
    return mint_desk_token(stack, "Kiosk 1")


def open_kiosk(driver, stack, token: str) -> None:
    driver.get(f"{stack.base}/kiosk/{WORKSHOP}#token={token}")
    wait_for(driver, visible_testid("start-scan"), "the kiosk did not open")
    assert token not in driver.current_url


def shown_result(kind: str):
    def condition(driver):
        found = visible_testid("result")(driver)
        return found if found and found.get_attribute("data-result") == kind else False

    return condition


def assert_shows_nothing_but_the_first_name(driver, *private: str) -> None:
    html = driver.page_source
    text = driver.execute_script("return document.body.innerText")
    for word in ("null", "undefined"):  # no missing value rendered as text
        assert word not in text, text
    for secret in private:
        assert secret not in html, secret
        assert secret not in text, secret


def test_the_kiosk_greets_by_first_name_and_shows_nothing_else(stack, desk_token, tmp_path):
    siti = register(stack, "Siti Rahmawati", "siti.kiosk@example.org", "Yayasan Contoh")
    camera = badge_video([badge_png(stack, siti["badge"]["code"])], tmp_path / "siti.y4m")

    with chromium(PHONE, camera=camera) as driver:
        open_kiosk(driver, stack, desk_token)
        by_testid(driver, "start-scan").click()
        result = wait_for(driver, shown_result("ok"), "Siti was not welcomed")
        assert "Selamat datang, Siti!" in result.text
        assert_shows_nothing_but_the_first_name(driver, "Rahmawati", "Yayasan Contoh")
        screenshot(driver, "kiosk-360")
        assert fits_width(driver)

        # Still holding the badge up: told kindly that they are already in.
        resize(driver, LAPTOP)
        result = wait_for(driver, shown_result("warn"), "a second scan was not 'already in'")
        assert "Anda sudah tercatat hadir hari ini" in result.text
        assert_shows_nothing_but_the_first_name(driver, "Siti", "Rahmawati", "Yayasan Contoh")
        screenshot(driver, "kiosk-1280")

    status, detail = stack.json(
        "GET", f"/events/{WORKSHOP}/attendees/{siti['attendee_id']}", token=ORGANISER
    )
    assert status == 200
    assert [(c["date"], c["desk"]) for c in detail["checkins"]] == [(DAY_ONE, "Kiosk 1")]


def test_a_refused_badge_sends_the_attendee_to_the_desk(stack, desk_token, tmp_path):
    joko = register(stack, "Joko Widodo Prasetyo", "joko.kiosk@example.org", "Forum Warga")
    old_png = badge_png(stack, joko["badge"]["code"])
    status, _ = stack.json(
        "POST",
        f"/events/{WORKSHOP}/attendees/{joko['attendee_id']}/badge",
        {"reason": "lost"},
        token=desk_token,
    )
    assert status == 201
    camera = badge_video([old_png], tmp_path / "revoked.y4m")

    with chromium(PHONE, camera=camera) as driver:
        open_kiosk(driver, stack, desk_token)
        by_testid(driver, "start-scan").click()
        result = wait_for(driver, shown_result("bad"), "the revoked badge was not refused")
        assert "Silakan ke meja registrasi" in result.text
        assert "tidak berlaku" in result.text
        assert_shows_nothing_but_the_first_name(driver, "Joko", "Prasetyo", "Forum Warga")

    status, detail = stack.json(
        "GET", f"/events/{WORKSHOP}/attendees/{joko['attendee_id']}", token=ORGANISER
    )
    assert detail["checkins"] == []


def test_a_kiosk_token_greets_by_the_display_name_never_a_title(stack, tmp_path):
    kiosk_token = mint_desk_token(stack, "Kios Lobi", role="kiosk")
    bambang = register(
        stack,
        "Prof. Dr. Ir. H. Bambang Sutrisno",
        "bambang.kiosk@example.org",
        "Universitas Contoh",
    )
    camera = badge_video([badge_png(stack, bambang["badge"]["code"])], tmp_path / "bambang.y4m")

    with chromium(PHONE, camera=camera) as driver:
        open_kiosk(driver, stack, kiosk_token)
        by_testid(driver, "start-scan").click()
        result = wait_for(driver, shown_result("ok"), "Bambang was not welcomed")
        assert "Selamat datang, Bambang!" in result.text
        assert_shows_nothing_but_the_first_name(driver, "Prof.", "Sutrisno", "Universitas Contoh")

    status, detail = stack.json(
        "GET", f"/events/{WORKSHOP}/attendees/{bambang['attendee_id']}", token=ORGANISER
    )
    assert status == 200
    assert [(c["date"], c["desk"]) for c in detail["checkins"]] == [(DAY_ONE, "Kios Lobi")]
