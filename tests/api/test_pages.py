"""The pages as the server serves them: headers, files, sizes, and what the scripts may do.

What the pages do in a browser is in the test_page_*.py modules (headless Chromium).
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from chalicelib.api.pages import ASSET_DIRS, PAGES, WEB, page_html
from devtools.fetch_vendor import PACKAGES
from devtools.page_weight import page_files, weight
from tests.support.values import WORKSHOP_ID

VENDOR = WEB / "vendor"
OUR_SCRIPTS = sorted((WEB / "assets").glob("*.js"))
PAGE_LIMIT_BYTES = 300 * 1024
# The pages at /<page>/{event_id}, and the certificate's at /c/{number} (its own route).
EVERY_PAGE = (*PAGES, "certificate")


@pytest.mark.parametrize("page", PAGES)
def test_each_page_is_served_with_a_strict_content_security_policy(api, page):
    reply = api.get(f"/{page}/{WORKSHOP_ID}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in reply.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("page", PAGES)
def test_the_html_has_no_inline_script_or_style(page):
    html = page_html(page)
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
        assert script.strip() == "", "inline script"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "javascript:" not in html


@pytest.mark.parametrize("script", OUR_SCRIPTS, ids=lambda path: path.name)
def test_our_scripts_never_build_html_from_strings(script):
    text = script.read_text()
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        'setAttribute("style"',
        "DOMParser",
        "createContextualFragment",
    ):
        assert sink not in text, f"{script.name} uses {sink}"


@pytest.mark.parametrize("script", OUR_SCRIPTS, ids=lambda path: path.name)
def test_our_scripts_never_log(script):
    # A token or a person's details in a shared device's console is a leak.
    assert "console." not in script.read_text()


def test_a_page_for_an_impossible_event_id_is_404(api):
    reply = api.get("/desk/" + "x" * 300)
    assert (reply.status, reply.error_code) == (404, "event_not_found")


def test_a_page_is_the_same_shell_for_any_well_formed_event_id(api):
    # The script asks the API about the event; the shell names nothing.
    assert api.get("/register/no-such-event").raw == api.get(f"/register/{WORKSHOP_ID}").raw


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("common.js", "text/javascript; charset=utf-8"),
        ("hadir.css", "text/css; charset=utf-8"),
        ("jsQR-1.4.0.js", "text/javascript; charset=utf-8"),
        ("jsQR-1.4.0.LICENSE", "text/plain; charset=utf-8"),
    ],
)
def test_assets_are_served_with_their_type_and_an_etag(api, name, content_type):
    reply = api.get(f"/assets/{name}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == content_type
    assert reply.raw.decode() == next(
        (d / name).read_text() for d in ASSET_DIRS if (d / name).is_file()
    )
    again = api.get(f"/assets/{name}", headers={"If-None-Match": reply.headers["ETag"]})
    assert (again.status, again.raw) == (304, b"")


@pytest.mark.parametrize(
    "name",
    ["nope.js", "VENDOR.json", "..%2Fapp.py", "%2E%2E", ".hidden.js", "common.js%00.css", "a" * 90],
)
def test_anything_else_under_assets_is_404(api, name):
    reply = api.get(f"/assets/{name}")
    assert (reply.status, reply.error_code) == (404, "not_found")


def test_each_page_has_its_own_etag(api):
    etags = {api.get(f"/{page}/{WORKSHOP_ID}").headers["ETag"] for page in PAGES}
    assert len(etags) == len(PAGES)


@pytest.mark.parametrize("page", EVERY_PAGE)
def test_each_page_is_under_300_kb_over_the_wire(page):
    raw, wire = weight(page)
    assert wire < PAGE_LIMIT_BYTES, (page, raw, wire)


def test_the_qr_decoder_is_part_of_the_scanning_pages_weight():
    for page in ("desk", "kiosk"):
        assert VENDOR / "jsQR-1.4.0.js" in page_files(page), page


def test_every_page_file_exists_and_every_served_file_is_used():
    # The attendee's own page (/me/{manage_token}) is served by its own route.
    used = {path for page in (*EVERY_PAGE, "me") for path in page_files(page)}
    served = {
        path
        for directory in ASSET_DIRS
        for path in directory.iterdir()
        if path.suffix in (".js", ".css")
    }
    assert served <= used, f"unused files: {sorted(p.name for p in served - used)}"


def test_the_vendored_files_are_the_pinned_packages_unchanged():
    manifest = json.loads((VENDOR / "VENDOR.json").read_text())
    assert [(entry["name"], entry["version"]) for entry in manifest] == [
        (package["name"], package["version"]) for package in PACKAGES
    ]
    for entry in manifest:
        assert entry["license"] in ("Apache-2.0", "MIT")
        for name, sha256 in entry["files"].items():
            assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha256, name
    # Each licence travels with its code: a LICENSE file, or the notice heading the file.
    assert "Apache License" in (VENDOR / "jsQR-1.4.0.LICENSE").read_text()
    assert "MIT license" in (VENDOR / "qrcode-generator-2.0.4.js").read_text()[:600]


def test_the_attendees_own_page_is_served_for_a_token_shape_only(api):
    reply = api.get("/me/" + "A" * 43)
    assert reply.status == 200 and b"me.js" in reply.raw
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert (api.get("/me/short").status, api.get("/me/short").error_code) == (404, "not_found")
