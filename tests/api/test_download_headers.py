"""Issue 17, finding 9 (a): every download is served with nosniff, and the two a
browser could open as a document and run (CSV, SVG) with a locked-down CSP."""

from __future__ import annotations

import pytest

from chalicelib.seed import WORKSHOP_ID
from tests.support.api import badge_code
from tests.support.values import DAY1

EVENT = f"/events/{WORKSHOP_ID}"


def downloads(code: str) -> list[tuple[str, str, str]]:
    """(path, Accept, who) of every download."""
    return [
        (f"/badges/{code}/qr.png", "image/png", "public"),
        (f"/badges/{code}/badge.pdf", "application/pdf", "public"),
        (f"{EVENT}/badges.pdf?layout=a4-8", "application/pdf", "organiser"),
        (f"{EVENT}/sign-in-sheet.pdf?date={DAY1}", "application/pdf", "desk"),
        (f"{EVENT}/attendance.csv", "text/csv", "organiser"),
        (f"{EVENT}/arrivals.svg?date={DAY1}", "image/svg+xml", "organiser"),
    ]


@pytest.mark.parametrize(
    "index", range(6), ids=["png", "badge-pdf", "sheet-pdf", "sign-in-pdf", "csv", "svg"]
)
def test_every_download_says_nosniff(api, register, organiser, desk_token, index):
    code = badge_code(register())
    path, accept, who = downloads(code)[index]
    token = {"public": None, "organiser": organiser, "desk": desk_token}[who]
    reply = api.get(path, token=token, headers={"Accept": accept})
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"].startswith(accept)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    policy = reply.headers.get("Content-Security-Policy", "")
    if accept in ("text/csv", "image/svg+xml"):
        directives = {part.strip() for part in policy.split(";")}
        assert "default-src 'none'" in directives, policy
        assert "sandbox" in directives, policy
        assert "frame-ancestors 'none'" in directives, policy


def test_refusals_of_a_download_say_nosniff_too(api):
    reply = api.get("/badges/NOT-A-CODE/badge.pdf", headers={"Accept": "application/pdf"})
    assert reply.status >= 400
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
