"""CORS: the configured origins, exactly, and no other; preflights on every path.

Through the Chalice test client, staff auth included. Its stage here is one
.chalice/config.json does not name, so HADIR_CORS_ORIGINS is what each test sets.
"""

from __future__ import annotations

import json
import re

import pytest
from chalice.test import Client

import app as app_module
from tests.support.values import ORGANISER_TOKEN, WORKSHOP_ID, registration_body

ALLOWED = "http://localhost:8000"
OTHER_ALLOWED = "https://hadir.example.org"
LOOKALIKES = [
    "http://localhost:8000.evil.example",
    "http://localhost:80",
    "http://localhost",
    "https://localhost:8000",
    "http://evil.example",
    "null",
]
REGISTRATION = json.dumps(registration_body()).encode()


@pytest.fixture
def origins(monkeypatch):
    monkeypatch.setenv("HADIR_CORS_ORIGINS", f"{ALLOWED},{OTHER_ALLOWED}")


@pytest.fixture
def http(hadir):
    app_module.use_hadir(hadir)
    with Client(app_module.app, stage_name="cors-tests") as client:
        yield client.http
    app_module.use_hadir(None)


def preflight(http, path, origin=None, method="GET"):
    headers = {"Access-Control-Request-Method": method}
    if origin is not None:
        headers["Origin"] = origin
    return http.request("OPTIONS", path, headers=headers)


def call(http, method, path, origin=None, body=b"", **headers):
    sent = {"Content-Type": "application/json", **headers}
    if origin is not None:
        sent["Origin"] = origin
    return http.request(method, path, headers=sent, body=body)


def cors_headers(reply) -> dict:
    return {k: v for k, v in reply.headers.items() if k.lower().startswith("access-control-")}


# --- preflight ----------------------------------------------------------------


@pytest.mark.parametrize("origin", [ALLOWED, OTHER_ALLOWED])
def test_a_preflight_from_an_allowed_origin_is_answered(origins, http, origin):
    reply = preflight(http, f"/events/{WORKSHOP_ID}", origin, method="PUT")

    assert reply.status_code == 204, reply.body
    assert not reply.body
    assert reply.headers["Access-Control-Allow-Origin"] == origin
    assert reply.headers["Access-Control-Allow-Methods"] == "GET, PUT, OPTIONS"
    assert reply.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert reply.headers["Access-Control-Max-Age"] == "600"
    assert reply.headers["Vary"] == "Origin"


@pytest.mark.parametrize("origin", [None, *LOOKALIKES])
def test_a_preflight_from_any_other_origin_gets_no_allowance(origins, http, origin):
    reply = preflight(http, f"/events/{WORKSHOP_ID}", origin, method="PUT")

    assert reply.status_code == 204, reply.body
    assert not [name for name in reply.headers if name.startswith("Access-Control-Allow-")]
    assert reply.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/health", {"GET"}),
        (f"/events/{WORKSHOP_ID}", {"GET", "PUT"}),
        (f"/events/{WORKSHOP_ID}/registrations", {"POST"}),
        (f"/events/{WORKSHOP_ID}/attendees", {"GET", "POST"}),
        (f"/events/{WORKSHOP_ID}/attendees/a-1", {"GET", "DELETE", "PATCH"}),
        (f"/events/{WORKSHOP_ID}/desk-tokens", {"GET", "POST"}),
        (f"/events/{WORKSHOP_ID}/desk-tokens/t-1", {"DELETE"}),
        (f"/events/{WORKSHOP_ID}/checkins/a-1/2016-11-29", {"DELETE"}),
    ],
)
def test_a_preflight_allows_the_methods_of_its_path(origins, http, path, methods):
    reply = preflight(http, path, ALLOWED)

    assert reply.status_code == 204, reply.body
    allowed = reply.headers["Access-Control-Allow-Methods"].split(", ")
    assert set(allowed) == methods | {"OPTIONS"}


def test_every_path_answers_a_preflight(origins, http):
    for path, methods in app_module.app.routes.items():
        assert "OPTIONS" in methods, path
        assert methods["OPTIONS"].authorizer is None, path
        concrete = re.sub(r"{\w+}", "x", path)
        reply = preflight(http, concrete, ALLOWED)
        assert reply.status_code == 204, (path, reply.body)
        assert reply.headers["Access-Control-Allow-Origin"] == ALLOWED, path


def test_a_preflight_needs_no_services(origins):
    # Nothing wired and no secret configured: anything that built the services would fail.
    app_module.use_hadir(None)
    with Client(app_module.app, stage_name="cors-tests") as client:
        reply = preflight(client.http, f"/events/{WORKSHOP_ID}/attendance", ALLOWED)
    assert reply.status_code == 204, reply.body
    assert app_module._hadir is None


def test_without_configured_origins_nobody_is_allowed(monkeypatch, http):
    monkeypatch.delenv("HADIR_CORS_ORIGINS", raising=False)

    reply = preflight(http, f"/events/{WORKSHOP_ID}", ALLOWED)
    assert reply.status_code == 204
    assert not cors_headers(reply)

    reply = call(http, "GET", f"/events/{WORKSHOP_ID}", ALLOWED)
    assert reply.status_code == 200
    assert not cors_headers(reply)
    assert "Vary" not in reply.headers


# --- every other response -----------------------------------------------------


def test_a_response_names_an_allowed_origin(origins, http):
    reply = call(http, "GET", f"/events/{WORKSHOP_ID}", ALLOWED)

    assert reply.status_code == 200
    assert reply.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert reply.headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Methods" not in reply.headers


@pytest.mark.parametrize("origin", [None, *LOOKALIKES])
def test_a_response_to_another_origin_names_none(origins, http, origin):
    reply = call(http, "GET", f"/events/{WORKSHOP_ID}", origin)

    assert reply.status_code == 200
    assert not cors_headers(reply)
    # Whether the header is there depends on Origin, so caches must keep them apart.
    assert reply.headers["Vary"] == "Origin"


@pytest.mark.parametrize("origin", [ALLOWED, *LOOKALIKES])
def test_error_replies_carry_it_only_for_allowed_origins(origins, http, origin):
    replies = [
        call(http, "GET", "/events/no-such-event", origin),
        call(http, "PATCH", "/health", origin),
        call(
            http,
            "GET",
            f"/events/{WORKSHOP_ID}/attendance",
            origin,
            Authorization="Bearer not-a-token",
        ),
        call(http, "POST", f"/events/{WORKSHOP_ID}/registrations", origin, body=b"{"),
    ]

    assert [reply.status_code for reply in replies] == [404, 405, 401, 400]
    for reply in replies:
        assert b'"error"' in reply.body
        expected = {"Access-Control-Allow-Origin": origin} if origin == ALLOWED else {}
        assert cors_headers(reply) == expected, reply.body


@pytest.mark.parametrize("origin", [ALLOWED, *LOOKALIKES])
def test_a_post_carries_it_only_for_allowed_origins(origins, http, origin):
    reply = call(http, "POST", f"/events/{WORKSHOP_ID}/registrations", origin, body=REGISTRATION)

    assert reply.status_code == 201, reply.body
    expected = {"Access-Control-Allow-Origin": origin} if origin == ALLOWED else {}
    assert cors_headers(reply) == expected


def test_staff_replies_carry_it(origins, http):
    reply = call(
        http,
        "GET",
        f"/events/{WORKSHOP_ID}/attendance",
        OTHER_ALLOWED,
        Authorization=f"Bearer {ORGANISER_TOKEN}",
    )

    assert reply.status_code == 200, reply.body
    assert reply.headers["Access-Control-Allow-Origin"] == OTHER_ALLOWED


def test_binary_replies_carry_it(origins, http):
    registered = call(http, "POST", f"/events/{WORKSHOP_ID}/registrations", body=REGISTRATION)
    code = json.loads(registered.body)["badge"]["code"]

    png = call(http, "GET", f"/badges/{code}/qr.png", ALLOWED, Accept="image/png")
    assert png.status_code == 200
    assert png.body.startswith(b"\x89PNG")
    assert png.headers["Access-Control-Allow-Origin"] == ALLOWED

    refused = call(http, "GET", f"/badges/{code}/qr.png", ALLOWED)  # no Accept naming it
    assert refused.status_code == 400
    assert refused.headers["Access-Control-Allow-Origin"] == ALLOWED

    other = call(http, "GET", f"/badges/{code}/qr.png", LOOKALIKES[0], Accept="image/png")
    assert other.status_code == 200
    assert not cors_headers(other)


def test_a_misconfigured_list_is_an_internal_error(monkeypatch, http):
    monkeypatch.setenv("HADIR_CORS_ORIGINS", "*")

    reply = call(http, "GET", "/health", ALLOWED)

    assert reply.status_code == 500
    assert b'"internal_error"' in reply.body
    assert not cors_headers(reply)


# --- the dev stage ------------------------------------------------------------


def test_the_dev_stage_lets_make_runs_own_origins_in(hadir, monkeypatch):
    monkeypatch.delenv("HADIR_CORS_ORIGINS", raising=False)
    app_module.use_hadir(hadir)
    try:
        with Client(app_module.app, stage_name="dev") as client:
            for origin in ("http://localhost:8000", "http://127.0.0.1:8000"):
                reply = call(client.http, "GET", f"/events/{WORKSHOP_ID}", origin)
                assert reply.headers["Access-Control-Allow-Origin"] == origin
            reply = call(client.http, "GET", f"/events/{WORKSHOP_ID}", "http://localhost:3000")
            assert not cors_headers(reply)
    finally:
        app_module.use_hadir(None)
