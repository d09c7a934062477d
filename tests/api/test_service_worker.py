"""The desk's and the kiosk's service worker (API.md section 13) as the server serves it."""

from __future__ import annotations

from tests.support.values import WORKSHOP_ID


def test_the_service_worker_may_control_the_pages_and_is_revalidated_each_time(api):
    reply = api.get("/assets/sw.js")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"
    # Served under /assets/ but registered for /desk/ and /kiosk/.
    assert reply.headers["Service-Worker-Allowed"] == "/"
    assert reply.headers["Cache-Control"] == "no-cache"


def test_the_desk_page_allows_only_its_own_workers(api):
    reply = api.get(f"/desk/{WORKSHOP_ID}")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in reply.headers["Content-Security-Policy"].split(";")
    )
    assert policy["worker-src"] == "'self'"


def test_other_assets_are_not_service_workers(api):
    reply = api.get("/assets/desk.js")
    assert "Service-Worker-Allowed" not in reply.headers
