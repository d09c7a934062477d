"""The desk and the kiosk without a network (API.md section 13), in headless Chromium
with the fake camera: offline decisions from the roster on the device, the queue in
IndexedDB and its failure paths, the sync and its list of differences.

The server is really stopped under the page where it matters (its data directory
kept, started again on the same port); elsewhere DevTools' offline emulation, or a
503 answered in the page itself (a fetch wrapper installed before the page's
scripts, test-only), stands for the network.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from tests.support.browser import (
    ORGANISER,
    PHONE,
    all_by_testid,
    badge_png,
    badge_video,
    by_testid,
    chromium,
    mint_desk_token,
    register,
    roster_knows,
    set_offline,
    stored,
    visible_testid,
    wait_for,
)
from tests.support.localstack import (
    WORKSHOP,
    Stack,
    free_port,
    launch_run_local,
    require_java,
    stop,
)

pytestmark = [pytest.mark.browser, pytest.mark.stack]

DAY_ONE = "2016-11-29"


# A test-only wrapper of the page's fetch, installed before any of its scripts: it
# notes every check-in POST (in order) and, while localStorage says so, answers
# them 503 itself, as a gateway would. Nothing of it is in the product.
FETCH_SHIM = """
(() => {
  const real = window.fetch;
  window.fetch = function (input, init) {
    const url = String((input && input.url) || input);
    if (url.includes('/checkins') && init && init.method === 'POST' && init.body) {
      const sent = JSON.parse(localStorage.getItem('test.sent') || '[]');
      const body = JSON.parse(init.body);
      if (body.scan_id) {
        const refused = localStorage.getItem('test.answer503') === '1';
        sent.push({ scan_id: body.scan_id, answered: refused ? 503 : 0 });
        localStorage.setItem('test.sent', JSON.stringify(sent));
        if (refused) {
          const error = { error: { code: 'service_unavailable', message: 'test' } };
          return Promise.resolve(new Response(JSON.stringify(error), {
            status: 503, headers: { 'Content-Type': 'application/json' } }));
        }
      }
    }
    return real.apply(this, arguments);
  };
})();
"""


def install_shim(driver) -> None:
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FETCH_SHIM})


def answer_503(driver, on: bool) -> None:
    driver.execute_script(
        "localStorage.setItem('test.answer503', arguments[0] ? '1' : '0')", bool(on)
    )


def sent(driver) -> list[dict]:
    return driver.execute_script("return JSON.parse(localStorage.getItem('test.sent') || '[]')")


# --- the page ------------------------------------------------------------------------


def open_page(driver, base: str, page: str, token: str, attendee_ids: list[str]) -> None:
    driver.get(f"{base}/{page}/{WORKSHOP}#token={token}")
    ready = "event-title" if page == "desk" else "start-scan"
    wait_for(driver, visible_testid(ready), f"the {page} page did not open")
    for attendee_id in attendee_ids:
        wait_for(driver, roster_knows(attendee_id), "the roster did not reach the device")


def shown_result(kind: str, offline: bool | None = None):
    def condition(driver):
        found = visible_testid("result")(driver)
        if not found or found.get_attribute("data-result") != kind:
            return False
        if offline is not None and (found.get_attribute("data-offline") == "true") != offline:
            return False
        return found

    return condition


def stop_camera(driver) -> None:
    """No more reads: the badge would be read again after 10 s."""
    driver.execute_script("document.querySelector('[data-testid=\"stop-scan\"]').click()")


def queue_empty(driver) -> bool:
    return not visible_testid("queue-banner")(driver) and stored(driver, "queue") == []


# --- the API ---------------------------------------------------------------------------


def checkins_of(stack: Stack, attendee_id: str) -> list[dict]:
    status, body = stack.json("GET", f"/events/{WORKSHOP}/attendees/{attendee_id}", token=ORGANISER)
    assert status == 200, body
    return body["checkins"]


def scans_of(stack: Stack, attendee_id: str) -> list[dict]:
    scans, cursor = [], None
    while True:
        path = f"/events/{WORKSHOP}/scans?limit=200"
        status, body = stack.json(
            "GET", path + (f"&next={quote(cursor)}" if cursor else ""), token=ORGANISER
        )
        assert status == 200, body
        scans += [scan for scan in body["scans"] if scan["attendee_id"] == attendee_id]
        cursor = body["next"]
        if not cursor:
            return scans


# --- (d) the server stopped under the page ----------------------------------------------


@contextlib.contextmanager
def server(data_dir: str, port: int, clock_start: str) -> Iterator[Stack]:
    """make run on DynamoDB Local, on `data_dir` and `port`: stopped and started
    again on both, it keeps every registration, token and check-in."""
    require_java()
    env = {
        **os.environ,
        "HADIR_ENGINE": "dynamodb-local",
        "HADIR_DATA_DIR": data_dir,
        "HADIR_ORGANISER_TOKEN": ORGANISER,
        "HADIR_CLOCK_START": clock_start,
    }
    launched = launch_run_local(env, port=port)
    try:
        yield Stack(
            f"{launched.scheme}://127.0.0.1:{launched.port}",
            launched.process,
            launched.lines,
            ORGANISER,
            launched.banner,
        )
    finally:
        stop(launched.process)


# What a desk needs to load and scan without its server (jsQR: headless Chromium
# on Linux has no BarcodeDetector).
OFFLINE_FILES = (
    "desk.js",
    "common.js",
    "checkin.js",
    "roster.js",
    "staff.js",
    "scanner.js",
    "desk-allowances.js",
    "hadir.css",
    "desk.css",
    "jsQR-1.4.0.js",
)

CACHED = """
const done = arguments[0];
caches.open('hadir-pages-v1').then((cache) => cache.keys())
  .then((keys) => done(keys.map((request) => request.url))).catch(() => done([]));
"""


def cached(driver) -> list[str]:
    return driver.execute_async_script(CACHED)


def test_server_stopped_the_desk_decides_green_reloads_and_the_scan_arrives_once(tmp_path):
    data_dir = tempfile.mkdtemp(prefix="hadir-offline-")
    port = free_port()
    with contextlib.ExitStack() as exits:
        with server(data_dir, port, "2016-11-29T09:00:00+07:00") as first:
            token = mint_desk_token(first, "Meja A")
            ayu = register(first, "Ayu Lestari", "ayu.offline@example.org", "Yayasan Hutan Lestari")
            camera = badge_video([badge_png(first, ayu["badge"]["code"])], tmp_path / "ayu.y4m")
            driver = exits.enter_context(chromium(PHONE, camera=camera))
            open_page(driver, first.base, "desk", token, [ayu["attendee_id"]])
            # The service worker has kept the page, its modules and the decoder.
            page = f"{first.base}/desk/{WORKSHOP}"
            wanted = {page, *(f"{first.base}/assets/{name}" for name in OFFLINE_FILES)}
            wait_for(
                driver, lambda d: wanted <= set(cached(d)), "the page was not kept for offline"
            )

        # The server is gone (its process stopped, not an emulation).
        by_testid(driver, "start-scan").click()
        result = wait_for(driver, shown_result("ok", offline=True), "no green decided offline")
        assert "Ayu Lestari" in result.text
        assert "Yayasan Hutan Lestari" in result.text
        assert "OFFLINE" in by_testid(driver, "offline-mark").text
        stop_camera(driver)
        [queued] = stored(driver, "queue")
        assert (queued["code"], queued["shown"]) == (ayu["badge"]["code"], "ok")
        wait_for(
            driver,
            lambda d: "1 pindaian menunggu jaringan" in (visible_testid("queue-banner")(d).text),
            "the banner did not count the waiting scan",
        )

        # Reloaded while the server is still down: the page loads from the service
        # worker's cache, with the queue kept in IndexedDB.
        driver.refresh()
        wait_for(driver, visible_testid("event-title"), "the desk did not load without its server")
        banner = wait_for(driver, visible_testid("queue-banner"), "no queue after the reload")
        assert "1 pindaian menunggu jaringan" in banner.text
        assert [entry["scan_id"] for entry in stored(driver, "queue")] == [queued["scan_id"]]

        # The same data, the same port, a few minutes on: the page's retry sends it.
        with server(data_dir, port, "2016-11-29T09:05:00+07:00") as again:
            wait_for(driver, queue_empty, "the queued scan was not sent")
            accepted = [
                item
                for item in all_by_testid(driver, "sync-result")
                if item.get_attribute("data-result") == "ok"
            ]
            assert len(accepted) == 1 and "Ayu Lestari" in accepted[0].text
            assert all_by_testid(driver, "difference") == []  # green, as shown
            [checkin] = checkins_of(again, ayu["attendee_id"])
            assert (checkin["date"], checkin["desk"]) == (DAY_ONE, "Meja A")
            scans = scans_of(again, ayu["attendee_id"])
            assert [scan["scan_id"] for scan in scans] == [queued["scan_id"]]
            seen = datetime.fromisoformat(queued["scanned_at"]).replace(microsecond=0)
            assert datetime.fromisoformat(scans[0]["scanned_at"]) == seen


# --- the queue's failure paths (the shared page stack, answers of 503 in the page) ------


@pytest.fixture(scope="module")
def desk_token(stack):
    return mint_desk_token(stack, "Meja Antrean")


def test_a_resend_answered_503_keeps_the_scan_and_its_scan_id_across_a_reload(
    stack, desk_token, tmp_path
):
    budi = register(stack, "Budi Santoso", "budi.offline-503@example.org", "Komunitas Pesisir")
    camera = badge_video([badge_png(stack, budi["badge"]["code"])], tmp_path / "budi.y4m")
    with chromium(PHONE, camera=camera) as driver:
        install_shim(driver)
        open_page(driver, stack.base, "desk", desk_token, [budi["attendee_id"]])
        answer_503(driver, True)
        by_testid(driver, "start-scan").click()
        wait_for(driver, shown_result("ok", offline=True), "a 503 was not decided offline")
        stop_camera(driver)
        [queued] = stored(driver, "queue")
        scan_id = queued["scan_id"]

        # Resent by the retry timer, answered 503 again: kept, with its scan_id.
        wait_for(driver, lambda d: len(sent(d)) >= 3, "the queue was not resent")
        assert {entry["scan_id"] for entry in sent(driver)} == {scan_id}
        assert [entry["scan_id"] for entry in stored(driver, "queue")] == [scan_id]

        # The queue survives a reload.
        driver.refresh()
        wait_for(driver, visible_testid("event-title"), "the desk did not open again")
        banner = wait_for(driver, visible_testid("queue-banner"), "no banner after the reload")
        assert "1 pindaian menunggu jaringan" in banner.text
        assert [entry["scan_id"] for entry in stored(driver, "queue")] == [scan_id]
        assert checkins_of(stack, budi["attendee_id"]) == []

        answer_503(driver, False)
        wait_for(driver, queue_empty, "the queue was not sent once the server answered")
    [checkin] = checkins_of(stack, budi["attendee_id"])
    assert checkin["desk"] == "Meja Antrean"
    assert [scan["scan_id"] for scan in scans_of(stack, budi["attendee_id"])] == [scan_id]


def test_the_queue_goes_oldest_first_and_a_new_scan_waits_behind_it(stack, desk_token, tmp_path):
    dewi = register(stack, "Dewi Kartika", "dewi.offline-order@example.org", "Media Hijau")
    eko = register(stack, "Eko Prasetyo", "eko.offline-order@example.org", "Media Hijau")
    camera = badge_video(
        [badge_png(stack, dewi["badge"]["code"]), badge_png(stack, eko["badge"]["code"])],
        tmp_path / "two.y4m",
    )
    with chromium(PHONE, camera=camera) as driver:
        install_shim(driver)
        open_page(driver, stack.base, "desk", desk_token, [dewi["attendee_id"], eko["attendee_id"]])
        answer_503(driver, True)
        by_testid(driver, "start-scan").click()
        wait_for(driver, lambda d: len(stored(d, "queue")) >= 2, "two scans were not queued")
        stop_camera(driver)
        first, second = stored(driver, "queue")[:2]
        assert (first["shown"], second["shown"]) == ("ok", "ok")
        # The second was never sent ahead: only the oldest is tried, again and again.
        tried = len(sent(driver))
        wait_for(driver, lambda d: len(sent(d)) >= tried + 2, "the queue was not resent")
        assert second["scan_id"] not in {entry["scan_id"] for entry in sent(driver)}

        answer_503(driver, False)
        wait_for(driver, queue_empty, "the queue was not sent")
        delivered = [entry["scan_id"] for entry in sent(driver) if entry["answered"] == 0]
        assert delivered[:2] == [first["scan_id"], second["scan_id"]]
    by_code = {dewi["badge"]["code"]: dewi, eko["badge"]["code"]: eko}
    one = scans_of(stack, by_code[first["code"]]["attendee_id"])
    two = scans_of(stack, by_code[second["code"]]["attendee_id"])
    assert [scan["scan_id"] for scan in one] == [first["scan_id"]]
    assert [scan["scan_id"] for scan in two] == [second["scan_id"]]
    assert one[0]["received_at"] <= two[0]["received_at"]


# --- two desks, the kiosk (DevTools' offline emulation) -----------------------------------


def test_two_desks_offline_check_in_one_person_once_and_list_one_difference(stack, tmp_path):
    fajar = register(stack, "Fajar Nugroho", "fajar.offline-two@example.org", "Walhi")
    camera = badge_video([badge_png(stack, fajar["badge"]["code"])], tmp_path / "fajar.y4m")
    tokens = {
        "Meja A": mint_desk_token(stack, "Meja A"),
        "Meja B": mint_desk_token(stack, "Meja B"),
    }
    with contextlib.ExitStack() as exits:
        desks = {label: exits.enter_context(chromium(PHONE, camera=camera)) for label in tokens}
        for label, driver in desks.items():
            open_page(driver, stack.base, "desk", tokens[label], [fajar["attendee_id"]])
            set_offline(driver, True)
            by_testid(driver, "start-scan").click()
            result = wait_for(driver, shown_result("ok", offline=True), f"{label}: no green")
            assert "Fajar Nugroho" in result.text
            stop_camera(driver)
        assert checkins_of(stack, fajar["attendee_id"]) == []

        # Back one after the other: the second desk's green was wrong, and says so.
        for label in ("Meja A", "Meja B"):
            set_offline(desks[label], False)
            wait_for(desks[label], queue_empty, f"{label}: the queue was not sent")
        assert all_by_testid(desks["Meja A"], "difference") == []
        [difference] = all_by_testid(desks["Meja B"], "difference")
        text = difference.find_element(By.CSS_SELECTOR, ".who").text
        assert text.startswith("Fajar Nugroho: ditampilkan hijau (offline) pukul 09:"), text
        assert "server: sudah check-in pukul 09:" in text and text.endswith("di Meja A"), text
        # Kept on the device: still listed after a reload.
        desks["Meja B"].refresh()
        wait_for(desks["Meja B"], visible_testid("difference"), "the difference was not kept")

    [checkin] = checkins_of(stack, fajar["attendee_id"])
    assert checkin["desk"] == "Meja A"
    results = sorted(
        (scan["desk"], scan.get("result") or scan.get("error_code"))
        for scan in scans_of(stack, fajar["attendee_id"])
    )
    assert results == [("Meja A", "checked_in"), ("Meja B", "already_checked_in")]


def test_the_kiosk_greets_offline_by_display_name_from_the_roster(stack, tmp_path):
    kiosk_token = mint_desk_token(stack, "Kios Offline", role="kiosk")
    tini = register(
        stack,
        "Kartini Wulandari",
        "tini.offline-kiosk@example.org",
        "Yayasan Rahasia",
        display_name="Tini",
    )
    camera = badge_video([badge_png(stack, tini["badge"]["code"])], tmp_path / "tini.y4m")
    with chromium(PHONE, camera=camera) as driver:
        open_page(driver, stack.base, "kiosk", kiosk_token, [tini["attendee_id"]])
        set_offline(driver, True)
        by_testid(driver, "start-scan").click()
        result = wait_for(driver, shown_result("ok", offline=True), "the kiosk did not greet")
        assert "Selamat datang, Tini!" in result.text
        for private in ("Kartini", "Wulandari", "Yayasan Rahasia"):
            assert private not in driver.page_source
        set_offline(driver, False)
        wait_for(driver, queue_empty, "the kiosk's queue was not sent")
    [checkin] = checkins_of(stack, tini["attendee_id"])
    assert (checkin["date"], checkin["desk"]) == (DAY_ONE, "Kios Offline")
