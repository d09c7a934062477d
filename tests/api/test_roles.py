"""The role matrix: every staff route x every kind of caller, kiosk tokens included.

401 for nobody we know (no token, a bad one, a revoked one), 403 for a known
token without the role or of another event, and otherwise the route's own
answer (never 401, 403 or a 5xx). A kiosk token may only check in by badge code.
"""

from __future__ import annotations

import re

import pytest

import app as app_module
from tests.support.api import STAFF_ROUTES, assert_error, staff_request
from tests.support.values import OTHER_ID, WORKSHOP_ID

# Every staff route, and a check-in by badge code: the one thing a kiosk may do.
ROUTES = [
    *STAFF_ROUTES,
    pytest.param("POST", "/events/{event}/checkins", "checkin_code", "kiosk", id="checkin-code"),
    # API.md section 13: the roster a desk or kiosk keeps on the device.
    pytest.param("GET", "/events/{event}/roster", None, "kiosk", id="roster"),
]
CALLERS = ["none", "bad", "revoked", "foreign", "desk", "kiosk", "organiser"]
# The roles each caller may act as on the workshop.
MAY = {
    "desk": {"desk", "kiosk"},
    "kiosk": {"kiosk"},
    "organiser": {"organiser", "desk", "kiosk"},
}
UNKNOWN = {"none", "bad", "revoked"}


def mint(api, organiser, event_id, label, role="desk"):
    reply = api.post(
        f"/events/{event_id}/desk-tokens", {"label": label, "role": role}, token=organiser
    )
    assert reply.status == 201, reply
    assert reply.json["role"] == role
    return reply.json


@pytest.fixture
def tokens(api, organiser):
    """A token of every kind of caller, by name (None: no Authorization header)."""
    other = api.get(f"/events/{WORKSHOP_ID}").json
    other.update(id=OTHER_ID, title="Test event")
    assert api.put(f"/events/{OTHER_ID}", other, token=organiser).status == 201
    revoked = mint(api, organiser, WORKSHOP_ID, "Old desk")
    path = f"/events/{WORKSHOP_ID}/desk-tokens/{revoked['id']}"
    assert api.delete(path, token=organiser).status == 204
    return {
        "none": None,
        "bad": "desk_" + "x" * 43,
        "revoked": revoked["token"],
        "foreign": mint(api, organiser, OTHER_ID, "Other desk")["token"],
        "desk": mint(api, organiser, WORKSHOP_ID, "Desk A")["token"],
        "kiosk": mint(api, organiser, WORKSHOP_ID, "Pintu / Door", "kiosk")["token"],
        "organiser": organiser,
    }


@pytest.mark.parametrize(("method", "path", "body_kind", "role"), ROUTES)
def test_the_role_matrix(api, tokens, method, path, body_kind, role):
    answers = {}
    for caller in CALLERS:
        reply = staff_request(api, method, path, body_kind, tokens[caller])
        answers[caller] = reply
        if caller in UNKNOWN:
            assert_error(reply, 401, "unauthorized")
        elif caller == "foreign" or role not in MAY[caller]:
            assert_error(reply, 403, "forbidden")
        else:
            assert reply.status not in (401, 403), (caller, reply)
            assert reply.status < 500, (caller, reply)
    assert set(answers) == set(CALLERS)


def test_the_matrix_covers_every_staff_route():
    declared = {
        (spec.method, re.sub(r"\{[a-z_]+\}", "{}", spec.path))
        for spec in app_module.routes.specs
        if spec.role is not None
    }
    covered = {
        (param.values[0], re.sub(r"\{[a-z_]+\}", "{}", param.values[1].split("?")[0]))
        for param in ROUTES
    }
    # The matrix names concrete ids; put the placeholders back.
    covered = {
        (method, re.sub(r"/(?:[0-9a-f]{16}|a{16}|2016-11-29|transport)(?=/|$)", "/{}", path))
        for method, path in covered
    }
    assert declared == covered
