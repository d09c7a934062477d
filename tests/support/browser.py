"""Real headless Chromium (Debian's chromium + chromium-driver) driven by selenium.

`chromium()` opens a browser on `make run`'s stack; `camera=` makes Chromium's
fake camera play a y4m file, made from badge PNGs by ffmpeg (`badge_video`).
Waiting is always for a condition (`wait_for`), never a sleep.

Without Chromium the browser tests are skipped, except where
HADIR_REQUIRE_BROWSER=1 (CI, which installs it): there they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.localstack import WORKSHOP, Stack, start_stack

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (360, 740)
LAPTOP = (1280, 800)
WAIT_SECONDS = 30


def require_browser() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    if shutil.which("ffmpeg") is None:
        missing.append("ffmpeg")
    if not missing:
        return
    message = (
        f"browser tests need Debian's chromium, chromium-driver and ffmpeg; missing: {missing}"
    )
    if os.environ.get("HADIR_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def chromium(size: tuple[int, int] = PHONE, camera: Path | None = None) -> Iterator:
    """A headless Chromium with a viewport of `size`; `camera`: a y4m for the fake camera."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="hadir-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(flag)
    if camera is not None:
        options.add_argument("--use-fake-ui-for-media-stream")  # allow the camera, no prompt
        options.add_argument("--use-fake-device-for-media-stream")
        options.add_argument(f"--use-file-for-fake-video-capture={camera}")
    # An explicit chromedriver: selenium-manager would try to download one.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        resize(driver, size)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def resize(driver, size: tuple[int, int]) -> None:
    """The viewport exactly `size` CSS pixels (a phone's is narrower than any window)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size[0] < 600},
    )


def wait_for(driver, condition: Callable, message: str, seconds: float = WAIT_SECONDS):
    """Polls `condition(driver)` until it is truthy; fails with `message` and the page's text."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    # The pages re-render: a node read a moment ago may be gone; look again.
    waiting = WebDriverWait(
        driver, seconds, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    )
    try:
        return waiting.until(condition)
    except TimeoutException:
        text = driver.execute_script("return document.body ? document.body.innerText : ''")
        pytest.fail(f"{message}\n--- page text ---\n{text}\n--- console ---\n{console(driver)}")


def console(driver) -> str:
    try:
        return "\n".join(entry["message"] for entry in driver.get_log("browser"))
    except Exception:  # only a diagnostic
        return "(no console log)"


def by_testid(driver, testid: str):
    """The element with this test id, once the page has drawn it (pages draw after
    their requests answer: a loaded machine answers later)."""
    from selenium.webdriver.common.by import By

    found = wait_for(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]'),
        f"nothing with data-testid={testid!r} appeared",
    )
    return found[0]


def all_by_testid(driver, testid: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def visible_testid(testid: str) -> Callable:
    """A wait condition: the element with this data-testid exists and is displayed."""

    def condition(driver):
        found = [node for node in all_by_testid(driver, testid) if node.is_displayed()]
        return found[0] if found else False

    return condition


def set_offline(driver, offline: bool) -> None:
    """Chrome DevTools Protocol network emulation: the page's requests fail as with no Wi-Fi."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


# --- the desk's and the kiosk's IndexedDB (roster.js), read from a test -----------

READ_STORE = """
const [name, store, done] = arguments;
const request = indexedDB.open(name);
request.onerror = () => done(null);
request.onsuccess = () => {
  const db = request.result;
  if (!db.objectStoreNames.contains(store)) { db.close(); return done(null); }
  const all = db.transaction(store).objectStore(store).getAll();
  all.onsuccess = () => { db.close(); done(all.result); };
  all.onerror = () => { db.close(); done(null); };
};
"""


def stored(driver, store: str) -> list[dict]:
    """Everything in one store of the page's IndexedDB ("people", "queue", "differences").

    Only once the page has opened it: opened first from here, it would be made empty.
    """
    return driver.execute_async_script(READ_STORE, f"hadir.{WORKSHOP}", store) or []


def roster_knows(attendee_id: str):
    """A wait condition: the roster on the device has this person."""

    def condition(driver):
        return any(person["id"] == attendee_id for person in stored(driver, "people"))

    return condition


def fits_width(driver) -> bool:
    """Nothing sticks out sideways: the page scrolls only vertically."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


# Each badge's QR, scaled up with hard edges, centred on a white 640x480 frame.
FRAME = "scale=360:360:flags=neighbor,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p"


def badge_video(pngs: list[bytes], path: Path, seconds_each: float = 1.5) -> Path:
    """A y4m for the fake camera: each badge PNG in turn, centred on white, looping.

    ffmpeg pads each QR onto a 640x480 frame at 10 frames per second; Chromium
    plays the file round and round.
    """
    require_browser()
    work = Path(tempfile.mkdtemp(prefix="hadir-video-"))
    parts = []
    for index, png in enumerate(pngs):
        image = work / f"badge{index}.png"
        image.write_bytes(png)
        part = work / f"part{index}.y4m"
        subprocess.run(
            [
                "ffmpeg", "-loglevel", "error", "-y",
                "-loop", "1", "-i", str(image), "-t", str(seconds_each), "-r", "10",
                "-vf", FRAME,
                "-f", "yuv4mpegpipe", str(part),
            ],
            check=True,
        )  # fmt: skip
        parts.append(part)
    listing = work / "parts.txt"
    listing.write_text("".join(f"file '{part}'\n" for part in parts))
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0",
            "-i", str(listing), "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", str(path),
        ],
        check=True,
    )  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return path


def screenshot(driver, name: str) -> None:
    """docs/screenshots/<name>.png when HADIR_SCREENSHOTS=1 (make screenshots)."""
    if os.environ.get("HADIR_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


# --- the stack the pages run on ---------------------------------------------------

# Day 1 of the workshop, inside its check-in hours; the clock runs on from here.
REHEARSAL = "2016-11-29T09:00:00+07:00"
# The organiser token of the page tests' one stack (tests/browser/conftest.py).
ORGANISER = "page-tests-organiser-token"


@contextlib.contextmanager
def page_stack(organiser: str) -> Iterator[Stack]:
    """make run's stack for the page tests (skipped first if there is no browser)."""
    require_browser()
    # moto's server unless HADIR_ENGINE asks for another: the pages' tier has not moved
    # to DynamoDB Local with the stack tier yet (issue 15).
    engine = os.environ.get("HADIR_ENGINE") or "moto"
    with start_stack(clock_start=REHEARSAL, token=organiser, engine=engine) as running:
        yield running


def mint_desk_token(stack: Stack, label: str, role: str = "desk") -> str:
    status, body = stack.json(
        "POST", f"/events/{WORKSHOP}/desk-tokens", {"label": label, "role": role}, token=stack.token
    )
    assert status == 201, body
    return body["token"]


def register(stack: Stack, name: str, email: str, organisation: str, **more) -> dict:
    body = {"name": name, "email": email, "organisation": organisation, "consent": True, **more}
    status, reply = stack.json("POST", f"/events/{WORKSHOP}/registrations", body)
    assert status == 201, reply
    return reply


def badge_png(stack: Stack, code: str) -> bytes:
    status, _, png = stack.call("GET", f"/badges/{code}/qr.png", accept="image/png")
    assert status == 200
    return png
