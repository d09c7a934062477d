"""The browser pages (API.md §9) and their static files, served by the same app.

The pages are static: each is an HTML shell plus scripts that call the public
API from the browser. Nothing about an event or a person is put into the HTML
here, so there is nothing to escape on the server; the scripts render every
API value as text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from string import Template

from chalicelib.core.errors import Code, Refusal

WEB = Path(__file__).resolve().parent.parent / "web"
PAGES = ("register", "desk", "kiosk", "dashboard")
# Each page's summary and who uses it, for the OpenAPI document.
PAGE_DESCRIPTIONS = {
    "register": ("Registration page", "Public: the registration form, then the badge."),
    "desk": (
        "Desk page",
        "For desk staff: camera scanning, search, walk-ins, reissue and an offline queue. "
        "The desk token is given in the fragment (`#token=...`), which is never sent.",
    ),
    "kiosk": (
        "Kiosk page",
        "Self-service scanning at the door for attendees, with a desk token (`#token=...`).",
    ),
    "me": (
        "The attendee's own page",
        "Their registration, badge, corrections, data export and withdrawal.",
    ),
    "dashboard": (
        "Dashboard page",
        "For organisers: counts, chart, CSV, badge printing and desk tokens, with the "
        "organiser token (`#token=...`).",
    ),
    "certificate": (
        "Certificate verification page",
        "Public: whether a certificate number is valid, with the name, event, dates and days "
        "attended (served at /c/{number}).",
    ),
}
# Every page is one shell (web/page.html) naming its script, <page>.js, and its
# own style sheet after hadir.css; the kiosk is dressed as the desk.
PAGE_STYLESHEETS = {
    "register": "register.css",
    "desk": "desk.css",
    "kiosk": "desk.css",
    "dashboard": "dashboard.css",
    "certificate": "certificate.css",
    "me": "register.css",
}
ASSET_DIRS = (WEB / "assets", WEB / "vendor")
SERVICE_WORKER = "sw.js"
ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".LICENSE": "text/plain; charset=utf-8",
}

# No inline script or style anywhere, and nothing from another origin. blob: and
# data: images are the dashboard's fetched chart and drawn pairing QR.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "worker-src 'self'",  # the desk's and the kiosk's service worker (assets/sw.js)
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The staff pages' URL once held a token in its fragment; browsers never
    # send fragments, and no page sends its URL on either.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "X-Frame-Options": "DENY",
}


def not_found() -> Refusal:
    return Refusal(Code.NOT_FOUND, "There is nothing at this address.")


def _etag(text: str) -> str:
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


@functools.cache
def _file(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    return text, _etag(text)


@functools.cache
def page_html(name: str) -> str:
    shell = Template((WEB / "page.html").read_text(encoding="utf-8"))
    return shell.substitute(page=name, stylesheet=PAGE_STYLESHEETS[name])


def page(name: str) -> tuple[str, dict[str, str]]:
    """The HTML shell of one page; the same for every event (the script reads the path)."""
    body = page_html(name)
    etag = _etag(body)
    headers = {
        "Content-Type": CONTENT_TYPES[".html"],
        "Cache-Control": "no-cache",
        "ETag": etag,
        **SECURITY_HEADERS,
    }
    return body, headers


def asset(name: str) -> tuple[str, dict[str, str]]:
    """A script, style sheet or licence by its flat name; 404 for anything else."""
    if not ASSET_NAME.match(name) or ".." in name:
        raise not_found()
    for directory in ASSET_DIRS:
        path = directory / name
        if path.suffix in CONTENT_TYPES and path.is_file():
            body, etag = _file(path)
            headers = {
                "Content-Type": CONTENT_TYPES[path.suffix],
                # Short, and revalidated by ETag: a fix reaches every desk within minutes.
                "Cache-Control": "public, max-age=300",
                "ETag": etag,
                **SECURITY_HEADERS,
            }
            if name == SERVICE_WORKER:
                # Served from /assets/ but controls the pages at /desk/ and /kiosk/.
                headers["Service-Worker-Allowed"] = "/"
                headers["Cache-Control"] = "no-cache"
            return body, headers
    raise not_found()
