"""The public registration page (/register/{event_id}) in headless Chromium over make run's stack.

A person registers through the form on a phone and gets their badge: the name shown as
text (never as HTML), a QR that decodes to the badge code, remembered across reloads.
Field errors come back from the API onto the fields; a lost answer is resent with the
same Idempotency-Key; closed, full and unknown events say so.
"""

from __future__ import annotations

import io
import re
import secrets
import string
from urllib.parse import quote, urlsplit

import pytest
import zxingcpp
from PIL import Image

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    PHONE,
    all_by_testid,
    by_testid,
    chromium,
    fits_width,
    register,
    screenshot,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

STORE_KEY = f"hadir.badge.{WORKSHOP}"
XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def phone(stack):
    with chromium(PHONE) as driver:
        yield driver


def word() -> str:
    """A made-up word, so a search by name finds only this test's registration."""
    return "Zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


def unique_email() -> str:
    return f"{word().lower()}@example.org"


def open_page(driver, stack, event_id: str = WORKSHOP, fresh: bool = True) -> None:
    """The page as a first-time visitor sees it: nothing remembered, Bahasa Indonesia."""
    if fresh:
        driver.get(stack.base + "/health")  # same origin: its localStorage can be cleared
        driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.get(f"{stack.base}/register/{event_id}")


def wait_for_form(driver):
    return wait_for(driver, visible_testid("register-form"), "the registration form")


def fill(driver, **values: str) -> None:
    for name, value in values.items():
        field = by_testid(driver, f"field-{name}")
        field.clear()
        field.send_keys(value)


def submit(driver) -> None:
    by_testid(driver, "submit").click()


def code_from_link(driver) -> str:
    href = by_testid(driver, "badge-png").get_attribute("href")
    found = re.search(r"/badges/([^/]+)/qr\.png$", href)
    assert found, href
    return found.group(1)


def own_path(driver) -> str:
    """The person's own registration, through the manage link the badge view gives."""
    href = by_testid(driver, "manage-link").get_attribute("href")
    found = re.search(r"/me/([A-Za-z0-9_-]{43})$", href)
    assert found, href
    return f"/registrations/{found.group(1)}"


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    return [found.text for found in zxingcpp.read_barcodes(image)]


def search(stack, text: str) -> list[dict]:
    status, body = stack.json(
        "GET", f"/events/{WORKSHOP}/attendees?q={quote(text)}", token=ORGANISER
    )
    assert status == 200, body
    return body["attendees"]


def register_by_api(stack, name: str) -> dict:
    return register(stack, name, unique_email(), "Yayasan Uji")


def stored(driver):
    return driver.execute_script("return localStorage.getItem(arguments[0])", STORE_KEY)


def remember(driver, registration: dict) -> None:
    badge = {
        "code": registration["badge"]["code"],
        "name": registration["name"],
        "organisation": registration["organisation"],
        "days": registration["days"],
    }
    driver.execute_script(
        "localStorage.setItem(arguments[0], JSON.stringify(arguments[1]))", STORE_KEY, badge
    )


def image_loaded(element):
    def condition(driver):
        return driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", element
        )

    return condition


def test_a_hostile_name_registers_as_text_and_the_qr_holds_the_badge_code(stack, phone):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    open_page(phone, stack)
    wait_for_form(phone)
    assert by_testid(phone, "event-title").text.startswith("Civil Society")
    email = unique_email()
    fill(phone, name=XSS_NAME, email=email, organisation="Yayasan Pesisir Lestari")
    fill(phone, phone="0812 3456 7890", job_title="Koordinator Kampanye")
    by_testid(phone, "field-gender").send_keys("Perempuan")
    by_testid(phone, "field-consent").click()
    # Both days are ticked by default.
    assert by_testid(phone, "field-day-2016-11-29").is_selected()
    assert by_testid(phone, "field-day-2016-11-30").is_selected()
    assert fits_width(phone)
    submit(phone)

    wait_for(phone, visible_testid("badge"), "the badge after registering")
    assert by_testid(phone, "badge-name").text == XSS_NAME
    assert phone.find_elements(By.CSS_SELECTOR, 'img[src="x"]') == []
    with pytest.raises(NoAlertPresentException):
        phone.switch_to.alert.text  # noqa: B018 - reading it is what raises

    code = code_from_link(phone)
    status, badge = stack.json("GET", f"/badges/{code}")
    assert status == 200, badge
    assert (badge["name"], badge["organisation"]) == (XSS_NAME, "Yayasan Pesisir Lestari")
    assert "email" not in badge  # the public badge view shows what the badge shows
    status, mine = stack.json("GET", own_path(phone))
    assert (status, mine["name"], mine["email"]) == (200, XSS_NAME, email)
    # The event's own consent text was shown, and its version recorded.
    assert (mine["consent"]["version"], mine["consent"]["language"]) == ("2016-11-v1", "id")

    # The QR on screen loaded (the CSP allows it) and decodes to the badge code.
    qr = by_testid(phone, "badge-qr")
    wait_for(phone, image_loaded(qr), "the QR image to load")
    assert qr.get_attribute("alt")
    qr_path = urlsplit(qr.get_attribute("src")).path
    status, headers, png = stack.call("GET", qr_path, accept="image/png")
    assert status == 200
    assert decode(png) == [code]
    pdf = urlsplit(by_testid(phone, "badge-pdf").get_attribute("href")).path
    status, headers, body = stack.call("GET", pdf, accept="application/pdf")
    assert (status, headers["Content-Type"], body[:5]) == (200, "application/pdf", b"%PDF-")

    assert fits_width(phone)

    # Reopened, the page shows the same badge again.
    phone.refresh()
    wait_for(phone, visible_testid("badge"), "the remembered badge after a reload")
    assert by_testid(phone, "badge-name").text == XSS_NAME
    assert code_from_link(phone) == code
    assert all_by_testid(phone, "register-form") == []
    assert phone.find_elements(By.CSS_SELECTOR, 'img[src="x"]') == []


def test_a_remembered_badge_that_was_replaced_or_is_unknown_gives_the_form_back(stack, phone):
    registration = register_by_api(stack, f"Dewi {word()}")
    open_page(phone, stack)
    wait_for_form(phone)

    # Remembered and valid: shown, with the holder's details.
    remember(phone, registration)
    phone.refresh()
    wait_for(phone, visible_testid("badge"), "the remembered badge")
    assert by_testid(phone, "badge-name").text == registration["name"]

    # The API cannot be reached: the stored badge is still shown.
    phone.execute_cdp_cmd("Network.enable", {})
    phone.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/badges/*"]})
    try:
        phone.refresh()
        wait_for(phone, visible_testid("badge"), "the stored badge without the API")
        assert by_testid(phone, "badge-name").text == registration["name"]
    finally:
        phone.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})

    # The desk reissued it: the old code is revoked, the page says so and forgets it.
    status, reissued = stack.json(
        "POST",
        f"/events/{WORKSHOP}/attendees/{registration['attendee_id']}/badge",
        {"reason": "lost"},
        token=ORGANISER,
    )
    assert status == 201, reissued
    phone.refresh()
    wait_for(phone, visible_testid("badge-revoked"), "the replaced-badge notice")
    wait_for_form(phone)
    assert all_by_testid(phone, "badge") == []
    assert stored(phone) is None

    # A code Hadir never issued is forgotten without a word.
    forged = dict(registration, badge={"code": "A" * len(registration["badge"]["code"])})
    remember(phone, forged)
    phone.refresh()
    wait_for_form(phone)
    assert all_by_testid(phone, "badge-revoked") == []
    assert stored(phone) is None


def test_on_a_shared_tablet_register_another_person_leaves_nothing_of_the_last(stack, phone):
    """Issue 17: the badge is kept in the browser for its owner, so on a shared tablet
    the next person would see it; "register someone else" forgets it for good."""
    name = f"Larasati {word()}"
    open_page(phone, stack)
    wait_for_form(phone)
    fill(phone, name=name, email=unique_email(), organisation="Yayasan Tablet")
    by_testid(phone, "field-consent").click()
    submit(phone)
    wait_for(phone, visible_testid("badge"), "the badge")
    code = code_from_link(phone)
    phone.refresh()  # kept for its owner...
    wait_for(phone, visible_testid("badge"), "the remembered badge")
    another = by_testid(phone, "register-another")
    assert "orang lain" in another.text  # Bahasa Indonesia first
    another.click()  # ...until the next person asks for the form
    wait_for_form(phone)
    assert stored(phone) is None
    phone.refresh()
    wait_for_form(phone)
    body = phone.find_element("tag name", "body").text
    assert name not in body and "Yayasan Tablet" not in body
    assert code not in phone.page_source
    assert all_by_testid(phone, "badge") == []
    assert by_testid(phone, "field-name").get_attribute("value") == ""


def test_field_errors_from_the_api_appear_under_their_fields(stack, phone):
    name = f"Rina {word()}"
    open_page(phone, stack)
    wait_for_form(phone)
    fill(phone, name=name, email="bukan-alamat-email", organisation="Komunitas Hijau")
    by_testid(phone, "field-day-2016-11-29").click()
    by_testid(phone, "field-day-2016-11-30").click()
    submit(phone)  # consent not ticked, no day ticked

    wait_for(phone, visible_testid("field-error-email"), "the email's error")
    assert visible_testid("field-error-consent")(phone)
    assert visible_testid("field-error-days")(phone)
    assert visible_testid("form-error")(phone)
    assert all_by_testid(phone, "field-error-name") == []
    email = by_testid(phone, "field-email")
    assert email.get_attribute("aria-invalid") == "true"
    assert by_testid(phone, "field-consent").get_attribute("aria-invalid") == "true"
    assert by_testid(phone, "field-name").get_attribute("aria-invalid") is None
    assert phone.switch_to.active_element == email  # the first invalid field has focus
    assert "bukan-alamat-email" not in by_testid(phone, "form-error").text
    # What was typed is kept.
    assert by_testid(phone, "field-name").get_attribute("value") == name
    assert search(stack, name) == []

    # Corrected, it goes through, and the errors are gone.
    fill(phone, email=unique_email())
    by_testid(phone, "field-consent").click()
    by_testid(phone, "field-day-2016-11-30").click()
    submit(phone)
    wait_for(phone, visible_testid("badge"), "the badge after correcting the form")
    assert all_by_testid(phone, "field-error-email") == []
    assert [found["name"] for found in search(stack, name)] == [name]
    status, mine = stack.json("GET", own_path(phone))
    assert status == 200
    assert mine["days"] == ["2016-11-30"]  # only the ticked day

    # "Register someone else" forgets the badge and shows an empty form.
    by_testid(phone, "register-another").click()
    wait_for_form(phone)
    assert by_testid(phone, "field-name").get_attribute("value") == ""
    assert stored(phone) is None


# Wraps the page's fetch: records each POST's Idempotency-Key, and loses the answer to
# the first one after the server has handled it (a phone dropping off the network).
LOSE_FIRST_ANSWER = """
window.sentKeys = [];
const realFetch = window.fetch;
let lose = true;
window.fetch = async (url, init) => {
  if (!init || init.method !== "POST") return realFetch(url, init);
  window.sentKeys.push(init.headers["Idempotency-Key"]);
  const response = await realFetch(url, init);
  if (lose) {
    lose = false;
    throw new TypeError("Failed to fetch");
  }
  return response;
};
"""


def test_a_lost_answer_is_resent_with_the_same_key_and_registers_once(stack, phone):
    name = f"Agus {word()}"
    email = unique_email()
    open_page(phone, stack)
    wait_for_form(phone)
    phone.execute_script(LOSE_FIRST_ANSWER)
    fill(phone, name=name, email=email, organisation="Media Rakyat")
    by_testid(phone, "field-consent").click()
    submit(phone)

    problem = wait_for(phone, visible_testid("form-error"), "the no-connection message")
    assert "Tidak ada yang hilang" in problem.text
    assert by_testid(phone, "field-name").get_attribute("value") == name
    assert by_testid(phone, "submit").is_enabled()
    [landed] = search(stack, name)  # the first request did arrive

    submit(phone)
    wait_for(phone, visible_testid("badge"), "the badge after resending")
    first, second = phone.execute_script("return window.sentKeys")
    assert first == second and re.fullmatch(r"[A-Za-z0-9_-]{8,64}", first)
    assert [found["id"] for found in search(stack, name)] == [landed["id"]]
    status, mine = stack.json("GET", own_path(phone))
    assert (status, mine["attendee_id"]) == (200, landed["id"])

    # Someone else with the same email: a new attempt (new key), refused without the email.
    by_testid(phone, "register-another").click()
    wait_for_form(phone)
    fill(phone, name=f"Budi {word()}", email=email, organisation="Media Rakyat")
    by_testid(phone, "field-consent").click()
    submit(phone)
    problem = wait_for(phone, visible_testid("form-error"), "the already-registered message")
    assert "sudah terdaftar" in problem.text
    assert email not in phone.find_element("tag name", "body").text
    keys = phone.execute_script("return window.sentKeys")
    assert len(keys) == 3 and keys[2] != first


def put_event(stack, event_id: str, **changes) -> dict:
    status, event = stack.json("GET", f"/events/{WORKSHOP}")
    assert status == 200
    event = {**event, "id": event_id, **changes}
    status, body = stack.json("PUT", f"/events/{event_id}", event, token=ORGANISER)
    assert status in (200, 201), body
    return event


def test_closed_full_and_unknown_events_say_so(stack, phone):
    closed = put_event(stack, "register-closed", title="Lokakarya Tutup", registration_open=False)
    open_page(phone, stack, "register-closed")
    wait_for(phone, visible_testid("registration-closed"), "the registration-closed notice")
    assert by_testid(phone, "event-title").text == closed["title"]
    assert all_by_testid(phone, "register-form") == []

    put_event(stack, "register-full", title="Lokakarya Penuh", capacity=1)
    first = {"name": "Peserta Satu", "email": unique_email(), "organisation": "X", "consent": True}
    status, _ = stack.json("POST", "/events/register-full/registrations", first)
    assert status == 201
    open_page(phone, stack, "register-full")
    wait_for_form(phone)
    fill(phone, name="Peserta Kedua", email=unique_email(), organisation="Y")
    by_testid(phone, "field-consent").click()
    submit(phone)
    problem = wait_for(phone, visible_testid("form-error"), "the event-full message")
    assert "penuh" in problem.text

    open_page(phone, stack, "no-such-event")
    wait_for(phone, visible_testid("event-missing"), "the unknown-event message")
    assert all_by_testid(phone, "register-form") == []


def test_the_english_switch_changes_the_text_and_keeps_what_was_typed(stack, phone):
    open_page(phone, stack)
    wait_for_form(phone)
    fill(phone, name="Siti Rahmawati")
    assert by_testid(phone, "submit").text == "Daftar"
    assert "Selasa" in by_testid(phone, "register-form").find_element("xpath", "..").text

    by_testid(phone, "lang").click()
    wait_for(phone, lambda d: by_testid(d, "submit").text == "Register", "the English page")
    assert phone.execute_script("return document.documentElement.lang") == "en"
    assert "Tuesday" in phone.find_element("tag name", "body").text
    assert "Full name" in phone.find_element("css selector", 'label[for="f-name"]').text
    assert by_testid(phone, "field-name").get_attribute("value") == "Siti Rahmawati"

    by_testid(phone, "lang").click()
    wait_for(phone, lambda d: by_testid(d, "submit").text == "Daftar", "Bahasa Indonesia again")
    assert phone.execute_script("return document.documentElement.lang") == "id"
    assert by_testid(phone, "field-name").get_attribute("value") == "Siti Rahmawati"


def test_the_page_fits_a_phone_and_a_laptop(stack, phone):
    open_page(phone, stack)
    wait_for_form(phone)
    fill(phone, name="Siti Rahmawati", email=unique_email())
    fill(phone, organisation="Wahana Lingkungan Hidup Indonesia")
    by_testid(phone, "field-consent").click()
    assert fits_width(phone)
    submit(phone)
    wait_for(phone, visible_testid("badge"), "the badge")
    wait_for(phone, image_loaded(by_testid(phone, "badge-qr")), "the QR image to load")
    assert fits_width(phone)
    screenshot(phone, "register-360")

    with chromium(LAPTOP) as laptop:
        open_page(laptop, stack)
        wait_for_form(laptop)
        fill(laptop, name="Siti Rahmawati", email="siti@example.org")
        fill(laptop, organisation="Wahana Lingkungan Hidup Indonesia")
        assert fits_width(laptop)
        screenshot(laptop, "register-1280")
