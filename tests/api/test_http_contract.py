"""The HTTP contract of ../shared/API.md sections 1, 2 and 4, checked over HTTP.

Every test goes through the Chalice test client (staff auth included), with the
app wired to moto's DynamoDB and a fixed clock. Nothing of the app is mocked.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

import pytest

from tests.support.api import (
    STAFF_ROUTES,
    altered,
    assert_error,
    assert_validation,
    attendance,
    badge_code,
    checkin,
    event_doc,
    personal_data,
    put_event,
    staff_request,
    text_of,
)
from tests.support.direct import simulate_reissue
from tests.support.values import (
    DAY1,
    DAY2,
    OTHER_ID,
    TABLE,
    WORKSHOP_ID,
    jakarta,
    new_scan_id,
    registration_body,
)

# --- helpers ----------------------------------------------------------------


@pytest.fixture
def other_event(api, organiser):
    put_event(api, organiser, OTHER_ID)
    return OTHER_ID


@pytest.fixture
def foreign_desk_token(api, organiser, other_event):
    reply = api.post(f"/events/{other_event}/desk-tokens", {"label": "Other desk"}, token=organiser)
    assert reply.status == 201, reply
    return reply.json["token"]


# --- 1. events and registration: errors ---------------------------------------


def test_health_gives_the_servers_time(api, clock):
    reply = api.get("/health")
    assert (reply.status, reply.json) == (200, {"status": "ok", "time": "2016-11-29T02:00:00Z"})


def test_the_seeded_workshop_is_the_documented_event(api):
    reply = api.get(f"/events/{WORKSHOP_ID}")
    assert reply.status == 200, reply
    # Its personal-data terms (API.md section 10), then the documented document.
    consent = reply.json.pop("consent")
    assert consent["version"] == "2016-11-v1"
    assert "27" in consent["text"]["id"] and "27/2022" in consent["text"]["en"]
    assert reply.json.pop("retention_days") == 365
    assert reply.json.pop("email") == {"on_registration": False}  # issue 21
    hours = {
        "opens": "09:00",
        "closes": "17:00",
        "checkin_opens": "08:00",
        "checkin_closes": "17:00",
    }
    assert reply.json == {
        "id": WORKSHOP_ID,
        "title": "Civil Society's Social Media Capacity on Conservation Issues",
        "organisers": ["USAID BIJAK", "Change.org Indonesia"],
        "venue": {
            "name": "Hotel Grand Cemara",
            "address": "Jl. Cemara No.1, RT.3/RW.3, Gondangdia, Menteng, "
            "Kota Jakarta Pusat, Jakarta 10350",
            "phone": "(021) 3908215",
        },
        "timezone": "Asia/Jakarta",
        "days": [
            {"number": 1, "date": DAY1, **hours},
            {"number": 2, "date": DAY2, **hours},
        ],
        "registration_open": True,
        "capacity": None,
        "certificate": None,  # API.md section 11: no certificates unless a rule is set
        "logos": [],
        "allowances": [],  # API.md section 12: none until the organiser adds some
    }


def test_unknown_event_is_event_not_found_everywhere(api, organiser):
    assert_error(api.get("/events/no-such-event"), 404, "event_not_found")
    body = registration_body()
    reply = api.post("/events/no-such-event/registrations", body)
    assert_error(reply, 404, "event_not_found", personal=personal_data(body))
    reply = checkin(api, organiser, event_id="no-such-event", attendee_id="a" * 16)
    assert_error(reply, 404, "event_not_found")
    assert_error(
        api.get("/events/no-such-event/attendance", token=organiser), 404, "event_not_found"
    )


LONG_EMAIL = "a" * 243 + "@example.org"  # 255 characters

REGISTRATION_422 = [
    pytest.param({"name": None}, "name", id="missing-name"),
    pytest.param({"name": "   "}, "name", id="blank-name"),
    pytest.param({"organisation": None}, "organisation", id="missing-organisation"),
    pytest.param({"email": None}, "email", id="missing-email"),
    pytest.param({"email": "siti-at-example.org"}, "email", id="email-without-at"),
    pytest.param({"email": "siti@example"}, "email", id="email-without-dot"),
    pytest.param({"email": "siti @example.org"}, "email", id="email-with-space"),
    pytest.param({"consent": False}, "consent", id="consent-false"),
    pytest.param({"consent": None}, "consent", id="consent-missing"),
    pytest.param({"name": "N" * 201}, "name", id="name-201"),
    pytest.param({"organisation": "O" * 201}, "organisation", id="organisation-201"),
    pytest.param({"email": LONG_EMAIL}, "email", id="email-255"),
    pytest.param({"phone": "1" * 33}, "phone", id="phone-33"),
    pytest.param({"phone": "call me maybe"}, "phone", id="phone-letters"),
    pytest.param({"job_title": "J" * 201}, "job_title", id="job-title-201"),
    pytest.param({"gender": "x"}, "gender", id="unknown-gender"),
    pytest.param({"organisation_type": "charity"}, "organisation_type", id="unknown-org-type"),
    pytest.param({"days": ["2016-12-01"]}, "days", id="day-not-of-event"),
    pytest.param({"days": [DAY1, "2016-11-28"]}, "days", id="one-day-not-of-event"),
    pytest.param({"days": []}, "days", id="no-days"),
    pytest.param({"days": ["tomorrow"]}, "days", id="day-not-a-date"),
    pytest.param({"display_name": "D" * 41}, "display_name", id="display-name-41"),
    pytest.param({"display_name": "  "}, "display_name", id="blank-display-name"),
    pytest.param({"display_name": "Bu\u202eDi"}, "display_name", id="display-name-bidi"),
    pytest.param({"display_name": "Budi\x00"}, "display_name", id="display-name-nul"),
    pytest.param({"display_name": 7}, "display_name", id="display-name-number"),
]


@pytest.mark.parametrize(("overrides", "field"), REGISTRATION_422)
def test_registration_validation_error(api, overrides, field):
    body = registration_body(**{"phone": "+62 812 3456 7890", **overrides})
    reply = api.post(f"/events/{WORKSHOP_ID}/registrations", body)
    assert_validation(reply, field, personal=personal_data(body))


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"name": "N" * 200}, id="name-200"),
        pytest.param({"organisation": "O" * 200}, id="organisation-200"),
        pytest.param({"email": "a" * 242 + "@example.org"}, id="email-254"),
        pytest.param({"phone": "+" + "1" * 31}, id="phone-32"),
        pytest.param({"job_title": "J" * 200}, id="job-title-200"),
        pytest.param({"display_name": "D" * 40}, id="display-name-40"),
        pytest.param({"gender": "prefer_not_to_say", "organisation_type": "donor"}, id="enums"),
    ],
)
def test_registration_accepts_values_at_the_limits(register, overrides):
    assert register(**overrides)["attendee_id"]


def test_registration_shape_and_default_days(register):
    registration = register(phone="+62 812 3456 7890", job_title="Campaigner")
    assert set(registration) == {
        "attendee_id",
        "event_id",
        "name",
        "display_name",
        "organisation",
        "days",
        "badge",
        "manage",
    }
    assert registration["event_id"] == WORKSHOP_ID
    assert registration["days"] == [DAY1, DAY2]
    assert register(email="day2@example.org", days=[DAY2])["days"] == [DAY2]


def test_the_same_email_may_register_for_two_events(register, other_event):
    register(email="siti@example.org")
    assert register(event_id=other_event, email="siti@example.org")["event_id"] == other_event


def test_already_registered_ignores_case_and_spaces(api, register):
    register(email="siti@example.org")
    body = registration_body(email="  SITI@Example.ORG  ", phone="+62 812 0000 1111")
    reply = api.post(f"/events/{WORKSHOP_ID}/registrations", body)
    assert_error(reply, 409, "already_registered", personal=(*personal_data(body), "siti@"))


def test_event_full(api, organiser, register):
    put_event(api, organiser, "tiny-event-2016", capacity=1)
    register(event_id="tiny-event-2016", email="first@example.org")
    body = registration_body(email="second@example.org", name="Budi Santoso")
    reply = api.post("/events/tiny-event-2016/registrations", body)
    assert_error(reply, 409, "event_full", personal=personal_data(body))
    counts = api.get("/events/tiny-event-2016/attendance", token=organiser).json
    assert counts["registered"] == 1


def test_capacity_changes_take_effect_and_counts_survive_a_put(api, organiser, register):
    put_event(api, organiser, "tiny-event-2016", capacity=1)
    register(event_id="tiny-event-2016", email="first@example.org")
    put_event(api, organiser, "tiny-event-2016", capacity=2)
    register(event_id="tiny-event-2016", email="second@example.org")
    reply = api.post(
        "/events/tiny-event-2016/registrations", registration_body(email="third@example.org")
    )
    assert_error(reply, 409, "event_full")
    put_event(api, organiser, "tiny-event-2016", capacity=None)
    register(event_id="tiny-event-2016", email="third@example.org")
    counts = api.get("/events/tiny-event-2016/attendance", token=organiser).json
    assert counts["registered"] == 3
    assert [day["registered"] for day in counts["days"]] == [3, 3]


def test_registration_closed(api, organiser):
    put_event(api, organiser, "closed-event-2016", registration_open=False)
    body = registration_body()
    reply = api.post("/events/closed-event-2016/registrations", body)
    assert_error(reply, 409, "registration_closed", personal=personal_data(body))
    counts = api.get("/events/closed-event-2016/attendance", token=organiser).json
    assert counts["registered"] == 0


def test_put_event_creates_then_replaces(api, organiser):
    doc = event_doc(api, "new-event-2016")
    created = api.put("/events/new-event-2016", doc, token=organiser)
    assert created.status == 201, created
    assert created.json["id"] == "new-event-2016"
    replaced = api.put("/events/new-event-2016", {**doc, "title": "Renamed"}, token=organiser)
    assert replaced.status == 200, replaced
    assert api.get("/events/new-event-2016").json["title"] == "Renamed"
    # Sent again unchanged (a retried PUT, or make seed-event run twice): still a replace.
    again = api.put("/events/new-event-2016", {**doc, "title": "Renamed"}, token=organiser)
    assert again.status == 200, again


def test_put_event_id_must_match_path(api, organiser):
    reply = api.put("/events/new-event-2016", event_doc(api, "another-id"), token=organiser)
    assert_validation(reply, "id")
    assert_error(api.get("/events/new-event-2016"), 404, "event_not_found")
    assert_error(api.get("/events/another-id"), 404, "event_not_found")


def test_put_event_days_out_of_order(api, organiser):
    doc = event_doc(api, "new-event-2016")
    first, second = doc["days"]
    swapped_dates = [{**first, "date": DAY2}, {**second, "date": DAY1}]
    reply = api.put("/events/new-event-2016", {**doc, "days": swapped_dates}, token=organiser)
    assert_validation(reply, "days")
    swapped_numbers = [{**first, "number": 2}, {**second, "number": 1}]
    reply = api.put("/events/new-event-2016", {**doc, "days": swapped_numbers}, token=organiser)
    assert_validation(reply, "days")
    assert_error(api.get("/events/new-event-2016"), 404, "event_not_found")


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("Prof. Dr. Ir. H. Bambang Sutrisno", None, "Bambang"),
        ("I Gusti Ayu Putu Mahendra", None, "Mahendra"),
        ("Siti Aminah, S.H., M.Kn.", None, "Siti"),
        ("I Gusti Ayu Putu Mahendra", "  Gek Mahe ", "Gek Mahe"),
    ],
)
def test_the_display_name_is_given_or_made_from_the_name(
    api, register, organiser, name, given, expected
):
    extra = {} if given is None else {"display_name": given}
    registration = register(name=name, **extra)
    assert registration["display_name"] == expected
    assert registration["name"] == name
    view = api.get(registration["badge"]["url"])
    assert view.status == 200, view
    assert (view.json["name"], view.json["display_name"]) == (name, expected)
    detail = api.get(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}", token=organiser
    )
    assert detail.status == 200, detail
    assert detail.json["display_name"] == expected


def test_a_record_from_before_display_names_greets_by_the_default(
    api, register, organiser, dynamodb
):
    registration = register(name="Hj. Ratna Kusuma Dewi")
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"ATTENDEE#{registration['attendee_id']}"}, "sk": {"S": "ATTENDEE"}},
        UpdateExpression="REMOVE display_name",
    )
    view = api.get(registration["badge"]["url"])
    assert view.status == 200, view
    assert view.json["display_name"] == "Ratna"
    detail = api.get(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}", token=organiser
    )
    assert detail.json["display_name"] == "Ratna"


# --- badges ------------------------------------------------------------------

BADGE_ROUTES = ["badge", "qr", "checkin"]


def present(api, token, route, code):
    """Present a code on one of the routes that take a badge code."""
    if route == "badge":
        return api.get(f"/badges/{quote(code, safe='')}")
    if route == "qr":
        return api.get(f"/badges/{quote(code, safe='')}/qr.png")
    return checkin(api, token, code=code)


def test_badge_and_qr_of_a_real_code(api, register):
    registration = register()
    code = badge_code(registration)
    assert registration["badge"] == {
        "code": code,
        "qr_png_url": f"/badges/{code}/qr.png",
        "url": f"/badges/{code}",
    }
    view = api.get(registration["badge"]["url"])
    assert view.status == 200, view
    # Only what the worn badge shows (API.md section 1): no email, phone, job
    # title, check-in times, nor even the attendee id.
    assert view.json == {
        "name": registration["name"],
        "display_name": registration["display_name"],
        "organisation": registration["organisation"],
        "status": "active",
        "event": {
            "id": WORKSHOP_ID,
            "title": "Civil Society's Social Media Capacity on Conservation Issues",
        },
    }
    qr = api.get(registration["badge"]["qr_png_url"], headers={"Accept": "image/png"})
    assert qr.status == 200, qr
    assert qr.headers["Content-Type"] == "image/png"
    assert qr.raw.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    "accept",
    [
        "*/*",
        "image/png",
        "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
        "image/*",
    ],
)
def test_qr_png_for_any_accept_header_that_takes_an_image(api, register, accept):
    code = badge_code(register())
    qr = api.get(f"/badges/{code}/qr.png", headers={"Accept": accept})
    assert qr.status == 200, qr
    assert qr.raw.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_png_without_an_accept_header_says_what_to_send(api, register):
    # API Gateway turns a binary body back into bytes only for a request whose
    # Accept names it; Chalice refuses the rest, and we say why.
    code = badge_code(register())
    qr = api.get(f"/badges/{code}/qr.png")
    assert qr.status == 400
    assert qr.error_code == "bad_request"
    assert "Accept" in qr.json["error"]["message"]


@pytest.mark.parametrize("route", BADGE_ROUTES)
@pytest.mark.parametrize(
    "code",
    [
        pytest.param("A" * 40, id="unissued-40"),
        pytest.param("UNKNOWNCODE", id="unknown-short"),
        pytest.param("../../etc/passwd", id="path-traversal"),
        pytest.param("Z" * 500, id="500-chars"),
        pytest.param("' OR 1=1 --", id="sql-ish"),
    ],
)
def test_garbage_codes_are_badge_not_found(api, desk_token, route, code):
    assert_error(present(api, desk_token, route, code), 404, "badge_not_found")


@pytest.mark.parametrize("route", BADGE_ROUTES)
@pytest.mark.parametrize("position", [0, 1, 2, 7, 15, 20, 25, 30, 38, 39])
def test_a_code_with_one_character_changed_is_badge_not_found(
    api, register, desk_token, route, position
):
    code = badge_code(register())
    assert_error(present(api, desk_token, route, altered(code, position)), 404, "badge_not_found")


@pytest.mark.parametrize("route", BADGE_ROUTES)
def test_a_lower_cased_code_is_the_same_badge(api, register, desk_token, route):
    # Badge codes are read case-insensitively (API.md section 1).
    code = badge_code(register())
    if route == "checkin":
        reply = present(api, desk_token, route, code.lower())
        assert reply.status == 201, reply
        return
    png = {"Accept": "image/png"}
    path = f"/badges/{code.lower()}" + ("/qr.png" if route == "qr" else "")
    reply = api.get(path, headers=png)
    assert reply.status == 200, reply
    assert reply.raw == api.get(path.replace(code.lower(), code), headers=png).raw


@pytest.mark.parametrize("route", BADGE_ROUTES)
@pytest.mark.parametrize(
    "change", [{"badge_serial": 1}, {"status": "cancelled"}], ids=["reissued", "cancelled"]
)
def test_an_old_code_is_badge_revoked(api, register, desk_token, dynamodb, route, change):
    # No HTTP route reissues or cancels a badge yet (API.md section 6 is not
    # built): the stored attendee is changed directly, as a reissue would.
    registration = register()
    simulate_reissue(dynamodb, registration["attendee_id"], **change)
    reply = present(api, desk_token, route, badge_code(registration))
    personal = ("Siti Rahmawati", "siti@example.org")
    if route == "checkin" and "badge_serial" in change:
        # A desk is told whose old badge it holds (issue 20: reissue on the spot),
        # beside the error, never in it; the email is never given.
        error = assert_error(reply, 410, "badge_revoked", personal=personal[1:])
        assert not any(value in json.dumps(error) for value in personal)
        assert reply.json["attendee"] == {
            "id": registration["attendee_id"],
            "name": "Siti Rahmawati",
        }
    else:
        assert_error(reply, 410, "badge_revoked", personal=personal)


# --- 2. check-in: errors -----------------------------------------------------


def test_wrong_event(api, register, desk_token, other_event):
    registration = register(event_id=other_event)
    reply = checkin(api, desk_token, code=badge_code(registration))
    assert_error(reply, 409, "wrong_event", personal=("Siti Rahmawati", "siti@example.org"))


def test_not_registered_for_day(api, register, desk_token):
    registration = register(days=[DAY2])
    reply = checkin(api, desk_token, code=badge_code(registration))
    error = assert_error(reply, 409, "not_registered_for_day", personal=("Siti Rahmawati",))
    assert DAY1 in error["message"]


def test_not_an_event_day_by_the_clock(api, register, desk_token, clock):
    code = badge_code(register())
    clock.set(jakarta("2016-12-01T09:00"))
    assert_error(checkin(api, desk_token, code=code), 409, "not_an_event_day")


def test_not_an_event_day_by_scanned_at(api, register, desk_token, clock):
    code = badge_code(register())
    clock.set(jakarta("2016-12-01T12:00"))
    reply = checkin(api, desk_token, code=code, scanned_at="2016-12-01T09:00:00+07:00")
    assert_error(reply, 409, "not_an_event_day")
    reply = checkin(api, desk_token, code=code, scanned_at="2016-11-28T09:00:00+07:00")
    assert_error(reply, 409, "not_an_event_day")


def test_outside_checkin_hours_gives_the_window(api, register, desk_token, clock):
    code = badge_code(register())
    clock.set(jakarta("2016-11-29T07:59"))
    error = assert_error(checkin(api, desk_token, code=code), 409, "outside_checkin_hours")
    assert "08:00" in error["message"] and "17:00" in error["message"]
    clock.set(jakarta("2016-11-29T08:00"))
    accepted = checkin(api, desk_token, code=code)
    assert accepted.status == 201, accepted


def test_after_checkin_closes(api, register, desk_token, clock):
    code = badge_code(register())
    clock.set(jakarta("2016-11-29T17:01"))
    assert_error(checkin(api, desk_token, code=code), 409, "outside_checkin_hours")


CHECKIN_422 = [
    pytest.param({"attendee_id": "a" * 16}, ("code", "attendee_id", "body"), id="both"),
    pytest.param({"code": None}, ("code", "attendee_id", "body"), id="neither"),
    pytest.param({"scan_id": "abcdefg"}, "scan_id", id="scan-id-7"),
    pytest.param({"scan_id": "a" * 65}, "scan_id", id="scan-id-65"),
    pytest.param({"scan_id": "scan id!"}, "scan_id", id="scan-id-space"),
    pytest.param({"scan_id": "scan/../1"}, "scan_id", id="scan-id-slash"),
    pytest.param({"scan_id": "scan#12345"}, "scan_id", id="scan-id-hash"),
    pytest.param({"scan_id": "scän-12345"}, "scan_id", id="scan-id-non-ascii"),
    pytest.param({"scan_id": "abcdefgh\n"}, "scan_id", id="scan-id-newline"),
    pytest.param({"scan_id": None}, "scan_id", id="scan-id-missing"),
    pytest.param({"desk": "D" * 65}, "desk", id="desk-65"),
    pytest.param({"scanned_at": "2016-11-29T09:00:00"}, "scanned_at", id="scanned-at-naive"),
    pytest.param({"scanned_at": "yesterday"}, "scanned_at", id="scanned-at-garbage"),
    pytest.param(
        {"scanned_at": "2016-11-29T09:02:01+07:00"}, "scanned_at", id="scanned-at-2m01-ahead"
    ),
    pytest.param(
        {"scanned_at": "2016-11-29T02:10:00Z"}, "scanned_at", id="scanned-at-10m-ahead-utc"
    ),
]


@pytest.mark.parametrize(("overrides", "field"), CHECKIN_422)
def test_checkin_validation_error(api, register, desk_token, overrides, field):
    code = badge_code(register())
    body = {"code": code, "scan_id": new_scan_id(), **overrides}
    body = {key: value for key, value in body.items() if value is not None}
    reply = api.post(f"/events/{WORKSHOP_ID}/checkins", body, token=desk_token)
    assert_validation(reply, field, personal=("Siti Rahmawati",))


@pytest.mark.parametrize(
    "scanned_at", ["2016-11-29T09:01:00+07:00", "2016-11-29T09:02:00+07:00", "2016-11-29T02:01:00Z"]
)
def test_scanned_at_a_little_ahead_is_accepted(api, register, desk_token, scanned_at):
    reply = checkin(api, desk_token, code=badge_code(register()), scanned_at=scanned_at)
    assert reply.status == 201, reply


# --- 2. check-in: happy paths ------------------------------------------------


def test_checked_in_shape(api, register, desk_token):
    registration = register()
    reply = checkin(api, desk_token, code=badge_code(registration))
    assert reply.status == 201, reply
    assert reply.json == {
        "result": "checked_in",
        "attendee": {
            "id": registration["attendee_id"],
            "name": "Siti Rahmawati",
            "display_name": "Siti",
            "organisation": "Wahana Lingkungan Hidup",
        },
        "day": {"number": 1, "date": DAY1},
        "checked_in_at": "2016-11-29T02:00:00Z",
        "checked_in_at_local": "2016-11-29T09:00:00+07:00",
        "desk": "Desk A",
    }


def test_already_checked_in_keeps_the_first_time_and_desk(api, register, desk_token, clock):
    code = badge_code(register())
    first = checkin(api, desk_token, code=code, desk="Desk 1")
    assert first.status == 201, first
    clock.set(jakarta("2016-11-29T11:30"))
    again = checkin(api, desk_token, code=code, desk="Desk 2")
    assert again.status == 200, again
    assert again.json["result"] == "already_checked_in"
    assert again.json["checked_in_at"] == "2016-11-29T02:00:00Z"
    assert again.json["checked_in_at_local"] == "2016-11-29T09:00:00+07:00"
    assert again.json["desk"] == "Desk 1"
    assert {**again.json, "result": "checked_in"} == first.json


def test_repeated_scan_id_replays_the_answer_and_changes_nothing(
    api, register, desk_token, organiser, clock
):
    code = badge_code(register())
    body = {"code": code, "scan_id": "desk-a-000001", "desk": "Desk 1"}
    first = api.post(f"/events/{WORKSHOP_ID}/checkins", body, token=desk_token)
    assert first.status == 201, first
    counts = attendance(api, organiser)
    clock.set(jakarta("2016-11-29T10:15"))
    for _ in range(3):
        again = api.post(f"/events/{WORKSHOP_ID}/checkins", body, token=desk_token)
        assert (again.status, again.json) == (first.status, first.json)
    assert attendance(api, organiser) == counts
    assert counts["days"][0]["checked_in"] == 1


def test_repeated_scan_id_of_a_rejected_scan_replays_the_error(
    api, register, desk_token, organiser
):
    code = badge_code(register())
    body = {"code": altered(code, 12), "scan_id": "desk-a-000002"}
    first = api.post(f"/events/{WORKSHOP_ID}/checkins", body, token=desk_token)
    assert_error(first, 404, "badge_not_found")
    again = api.post(f"/events/{WORKSHOP_ID}/checkins", body, token=desk_token)
    assert (again.status, again.json) == (first.status, first.json)
    assert attendance(api, organiser)["attended_any"] == 0


def test_offline_scan_counts_on_the_day_it_was_seen(api, register, desk_token, organiser, clock):
    code = badge_code(register())
    clock.set(jakarta("2016-11-30T10:00"))
    reply = checkin(api, desk_token, code=code, scanned_at="2016-11-29T16:00:00+07:00")
    assert reply.status == 201, reply
    assert reply.json["day"] == {"number": 1, "date": DAY1}
    assert reply.json["checked_in_at"] == "2016-11-29T09:00:00Z"
    assert reply.json["checked_in_at_local"] == "2016-11-29T16:00:00+07:00"
    days = attendance(api, organiser)["days"]
    assert [day["checked_in"] for day in days] == [1, 0]


def test_the_day_is_the_event_local_date(api, register, desk_token, clock):
    code = badge_code(register())
    clock.set(jakarta("2016-11-30T09:30"))
    # 21:00 on the 29th in New York is 09:00 on the 30th in Jakarta.
    reply = checkin(api, desk_token, code=code, scanned_at="2016-11-29T21:00:00-05:00")
    assert reply.status == 201, reply
    assert reply.json["day"] == {"number": 2, "date": DAY2}
    assert reply.json["checked_in_at"] == "2016-11-30T02:00:00Z"
    assert reply.json["checked_in_at_local"] == "2016-11-30T09:00:00+07:00"


def test_utc_date_is_not_the_event_day(api, organiser, register, desk_token, clock):
    # Jakarta is UTC+7: its date differs from UTC's only before 07:00 local. The
    # workshop's check-in opens at 08:00, when both dates agree (08:30 WIB on the
    # 30th is 01:30 UTC on the 30th), so the check-in here opens at 06:00.
    days = [{**day, "checkin_opens": "06:00"} for day in event_doc(api)["days"]]
    put_event(api, organiser, WORKSHOP_ID, days=days)
    code = badge_code(register())
    clock.set(jakarta("2016-11-30T06:30"))  # still the 29th in UTC
    reply = checkin(api, desk_token, code=code)
    assert reply.status == 201, reply
    assert reply.json["day"] == {"number": 2, "date": DAY2}
    assert reply.json["checked_in_at"] == "2016-11-29T23:30:00Z"
    assert reply.json["checked_in_at_local"] == "2016-11-30T06:30:00+07:00"


def test_checkin_by_attendee_id_is_the_same_as_by_code(api, register, desk_token):
    registration = register()
    by_id = checkin(api, desk_token, attendee_id=registration["attendee_id"])
    assert by_id.status == 201, by_id
    assert by_id.json["attendee"]["id"] == registration["attendee_id"]
    assert by_id.json["desk"] == "Desk A"
    by_code = checkin(api, desk_token, code=badge_code(registration))
    assert by_code.status == 200, by_code
    assert {**by_code.json, "result": "checked_in"} == by_id.json


@pytest.mark.parametrize(
    "attendee_id", ["a" * 16, "not-an-id", "../../etc/passwd", "A" * 64], ids=str
)
def test_checkin_by_unknown_attendee_id_is_badge_not_found(api, desk_token, attendee_id):
    assert_error(checkin(api, desk_token, attendee_id=attendee_id), 404, "badge_not_found")


def test_organiser_may_check_in(api, register, organiser):
    reply = checkin(api, organiser, code=badge_code(register()))
    assert reply.status == 201, reply
    assert reply.json["desk"]


# --- 3. attendance -----------------------------------------------------------


def test_attendance_counts(api, register, desk_token, organiser, clock):
    ana = register(email="ana@example.org")  # both days, attends both
    register(email="budi@example.org")  # both days, never comes
    cici = register(email="cici@example.org", days=[DAY2])  # day 2 only, attends
    dedi = register(email="dedi@example.org", days=[DAY1])  # day 1 only, attends
    register(email="eka@example.org", days=[DAY1, DAY2])  # both days, never comes

    for person in (ana, dedi):
        assert checkin(api, desk_token, code=badge_code(person)).status == 201
    assert checkin(api, desk_token, code=badge_code(ana)).status == 200  # a second scan
    assert checkin(api, desk_token, code=badge_code(cici)).status == 409  # not for day 1
    clock.set(jakarta("2016-11-30T09:00"))
    for person in (ana, cici):
        assert checkin(api, desk_token, code=badge_code(person)).status == 201

    assert attendance(api, organiser) == {
        "event_id": WORKSHOP_ID,
        "registered": 5,
        "days": [
            {"number": 1, "date": DAY1, "registered": 4, "checked_in": 2, "no_shows": 2},
            {"number": 2, "date": DAY2, "registered": 4, "checked_in": 2, "no_shows": 2},
        ],
        "attended_any": 3,
        "attended_all_days": 1,
    }
    as_of = api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json["as_of"]
    assert as_of == "2016-11-30T02:00:00Z"


def test_attendance_of_a_new_event_is_all_zero(api, organiser, other_event):
    reply = api.get(f"/events/{other_event}/attendance", token=organiser)
    assert reply.status == 200, reply
    assert reply.json["registered"] == 0
    assert reply.json["attended_any"] == reply.json["attended_all_days"] == 0
    assert [day["no_shows"] for day in reply.json["days"]] == [0, 0]


# --- 4. the role matrix ------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body_kind", "role"), STAFF_ROUTES)
def test_no_authorization_header_is_401(api, method, path, body_kind, role):
    reply = staff_request(api, method, path, body_kind)
    assert reply.status == 401, reply


@pytest.mark.parametrize(("method", "path", "body_kind", "role"), STAFF_ROUTES)
@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer ",
        "Bearer",
        "Basic b3JnYW5pc2VyOnNlY3JldA==",
        "organiser-token-for-tests-only",
        "Token organiser-token-for-tests-only",
        "Bearer organiser-token-for-tests-only-but-longer",
    ],
)
def test_unknown_token_is_401_unauthorized(api, method, path, body_kind, role, authorization):
    reply = staff_request(api, method, path, body_kind, headers={"Authorization": authorization})
    assert_error(reply, 401, "unauthorized")


@pytest.mark.parametrize(("method", "path", "body_kind", "role"), STAFF_ROUTES)
def test_desk_token_of_the_event(api, desk_token, method, path, body_kind, role):
    reply = staff_request(api, method, path, body_kind, token=desk_token)
    if role == "desk":
        assert reply.status not in (401, 403), reply
        assert reply.status < 500, reply
    else:
        assert_error(reply, 403, "forbidden")


@pytest.mark.parametrize(("method", "path", "body_kind", "role"), STAFF_ROUTES)
def test_desk_token_of_another_event_is_403(api, foreign_desk_token, method, path, body_kind, role):
    reply = staff_request(api, method, path, body_kind, token=foreign_desk_token)
    assert_error(reply, 403, "forbidden")


@pytest.mark.parametrize(("method", "path", "body_kind", "role"), STAFF_ROUTES)
def test_organiser_may_do_everything(api, organiser, method, path, body_kind, role):
    reply = staff_request(api, method, path, body_kind, token=organiser)
    assert reply.status not in (401, 403), reply
    assert reply.status < 500, reply


def test_desk_token_works_on_its_own_event_only(api, register, foreign_desk_token, other_event):
    registration = register(event_id=other_event)
    reply = checkin(api, foreign_desk_token, event_id=other_event, code=badge_code(registration))
    assert reply.status == 201, reply
    assert reply.json["desk"] == "Other desk"


# --- 5. desk-token lifecycle -------------------------------------------------


def test_desk_token_lifecycle(api, organiser, register, clock):
    path = f"/events/{WORKSHOP_ID}/desk-tokens"
    created = api.post(path, {"label": "Front desk"}, token=organiser)
    assert created.status == 201, created
    assert set(created.json) == {"id", "label", "role", "token", "created_at"}
    assert created.json["label"] == "Front desk"
    assert created.json["role"] == "desk"  # the default
    assert created.json["created_at"] == "2016-11-29T02:00:00Z"
    token, token_id = created.json["token"], created.json["id"]
    assert len(token) >= 32
    secrets = (token, hashlib.sha256(token.encode()).hexdigest())

    listed = api.get(path, token=organiser)
    assert listed.status == 200, listed
    assert not any(secret in text_of(listed) for secret in secrets)
    assert listed.json["desk_tokens"] == [
        {
            "id": token_id,
            "label": "Front desk",
            "role": "desk",
            "created_at": "2016-11-29T02:00:00Z",
            "revoked_at": None,
        }
    ]

    registration = register()
    used = checkin(api, token, code=badge_code(registration))
    assert used.status == 201, used
    assert used.json["desk"] == "Front desk"

    clock.set(jakarta("2016-11-29T12:00"))
    revoked = api.delete(f"{path}/{token_id}", token=organiser)
    assert revoked.status == 204, revoked
    assert not revoked.raw

    listed = api.get(path, token=organiser)
    assert not any(secret in text_of(listed) for secret in secrets)
    (entry,) = listed.json["desk_tokens"]
    assert entry["id"] == token_id
    assert entry["revoked_at"] == "2016-11-29T05:00:00Z"

    assert_error(checkin(api, token, code=badge_code(registration)), 401, "unauthorized")
    assert_error(api.get(path, token=token), 401, "unauthorized")


def test_revoking_an_unknown_desk_token_is_desk_token_not_found(api, organiser, desk_token):
    # Well-formed (16 hex digits, as minted ids are), but no token has this id.
    reply = api.delete(f"/events/{WORKSHOP_ID}/desk-tokens/0123456789abcdef", token=organiser)
    assert_error(reply, 404, "desk_token_not_found")
    (entry,) = api.get(f"/events/{WORKSHOP_ID}/desk-tokens", token=organiser).json["desk_tokens"]
    assert entry["revoked_at"] is None  # the event's one real token is untouched


def test_revoking_an_ill_formed_desk_token_id_is_desk_token_not_found(api, organiser):
    reply = api.delete(f"/events/{WORKSHOP_ID}/desk-tokens/NOT-A-TOKEN", token=organiser)
    assert_error(reply, 404, "desk_token_not_found")


def test_revoking_another_events_desk_token_through_this_event_is_404(
    api, organiser, foreign_desk_token, other_event, register
):
    (entry,) = api.get(f"/events/{other_event}/desk-tokens", token=organiser).json["desk_tokens"]
    reply = api.delete(f"/events/{WORKSHOP_ID}/desk-tokens/{entry['id']}", token=organiser)
    assert_error(reply, 404, "desk_token_not_found")
    registration = register(event_id=other_event)
    still = checkin(api, foreign_desk_token, event_id=other_event, code=badge_code(registration))
    assert still.status == 201, still


def test_desk_token_label_is_validated(api, organiser):
    path = f"/events/{WORKSHOP_ID}/desk-tokens"
    assert_validation(api.post(path, {"label": "D" * 65}, token=organiser), "label")
    assert_validation(api.post(path, {"label": "  "}, token=organiser), "label")
    assert_validation(api.post(path, {}, token=organiser), "label")
    assert_error(
        api.post("/events/no-such-event/desk-tokens", {"label": "X"}, token=organiser),
        404,
        "event_not_found",
    )


# --- 6. hostile and malformed input ------------------------------------------

REGISTER = f"/events/{WORKSHOP_ID}/registrations"
NESTED = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def assert_client_error(reply):
    assert 400 <= reply.status < 500, reply
    assert reply.json and reply.error_code, reply
    assert_error(reply, reply.status, reply.error_code)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"{not json", id="malformed"),
        pytest.param(b'{"name": "Siti",', id="truncated"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
        pytest.param(b'{"name": "\xff"}', id="invalid-utf8-in-string"),
    ],
)
def test_malformed_json_is_400(api, raw):
    reply = api.post(REGISTER, raw=raw)
    assert reply.status == 400, reply
    assert_client_error(reply)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"[]", id="array"),
        pytest.param(json.dumps([registration_body()]).encode(), id="array-of-body"),
        pytest.param(b'"a string"', id="string"),
        pytest.param(b"42", id="number"),
        pytest.param(b"null", id="null"),
        pytest.param(b"true", id="true"),
        pytest.param(NESTED, id="deeply-nested-in-a-field"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested-array"),
        pytest.param(
            b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            id="deeply-nested-object",
        ),
        pytest.param(b"[" * 50 + b"]" * 50, id="moderately-nested-array"),
    ],
)
@pytest.mark.parametrize(
    "path", [REGISTER, f"/events/{WORKSHOP_ID}/checkins", f"/events/{WORKSHOP_ID}/desk-tokens"]
)
def test_bodies_that_are_not_an_object_are_4xx(api, organiser, path, raw):
    assert_client_error(api.post(path, raw=raw, token=organiser))


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_non_json_content_type_is_415(api, content_type):
    body = registration_body()
    reply = api.post(
        REGISTER, raw=json.dumps(body).encode(), headers={"Content-Type": content_type}
    )
    assert_error(reply, 415, "unsupported_media_type", personal=personal_data(body))


def test_json_with_a_charset_is_accepted(api):
    reply = api.post(
        REGISTER,
        raw=json.dumps(registration_body()).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert reply.status == 201, reply


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"name": "Siti\x00Rahmawati"}, "name", id="null-byte"),
        pytest.param({"name": "Siti\x1b[31mRahmawati"}, "name", id="escape"),
        pytest.param({"name": "Siti\nRahmawati"}, "name", id="newline"),
        pytest.param({"name": "Siti\u2028Rahmawati"}, "name", id="line-separator"),
        pytest.param({"organisation": "WALHI\x07"}, "organisation", id="bell-in-organisation"),
        pytest.param({"job_title": "Staff\r\nManager"}, "job_title", id="crlf-in-job-title"),
        pytest.param({"name": "N" * 2_000_000}, "name", id="2mb-name"),
        pytest.param({"name": 42}, "name", id="name-number"),
        pytest.param({"name": ["Siti"]}, "name", id="name-list"),
        pytest.param({"name": {"first": "Siti"}}, "name", id="name-object"),
        pytest.param({"email": 42}, "email", id="email-number"),
        pytest.param({"days": DAY1}, "days", id="days-string"),
        pytest.param({"days": [20161129]}, "days", id="days-numbers"),
        pytest.param({"consent": "true"}, "consent", id="consent-string"),
        pytest.param({"consent": 1}, "consent", id="consent-one"),
        pytest.param({"consent": 1.0}, "consent", id="consent-one-float"),
        pytest.param({"days": [1480377600]}, "days", id="days-unix-timestamp"),
        pytest.param({"gender": ["female"]}, "gender", id="gender-list"),
        pytest.param({"unexpected": "x"}, "unexpected", id="unknown-field"),
    ],
)
def test_hostile_registration_fields_are_422(api, organiser, overrides, field):
    body = registration_body(**overrides)
    reply = api.post(REGISTER, body)
    assert_validation(reply, field, personal=("siti@example.org",))
    assert api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json["registered"] == 0


def test_lone_surrogate_in_name_is_not_a_5xx(api):
    raw = json.dumps(registration_body(name="PLACEHOLDER")).replace("PLACEHOLDER", "\\ud800x")
    reply = api.post(REGISTER, raw=raw.encode())
    assert_client_error(reply)


@pytest.mark.parametrize(
    ("name", "organisation"),
    [
        ("Đỗ Thị Hương", "Yayasan Konservasi Alam Nusantara"),
        ("محمد عبد الله", "جمعية حماية البيئة"),
        ("Siti 🌿🐘", "Change.org 🇮🇩"),
        ("Nguyễn Văn An", 'Lembaga O\'Brien & "Partners" <Jakarta>'),
        ("李小龍", "中国野生动物保护协会"),
    ],
)
def test_unicode_names_are_returned_intact(api, register, desk_token, name, organisation):
    registration = register(name=name, organisation=organisation)
    assert (registration["name"], registration["organisation"]) == (name, organisation)
    view = api.get(registration["badge"]["url"]).json
    assert (view["name"], view["organisation"]) == (name, organisation)
    reply = checkin(api, desk_token, code=badge_code(registration))
    assert reply.status == 201, reply
    assert reply.json["attendee"]["name"] == name
    assert reply.json["attendee"]["organisation"] == organisation


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/events/%00"),
        ("GET", "/events/" + "x" * 2000),
        ("GET", "/badges/%00"),
        ("GET", "/badges/%ZZ"),
        ("DELETE", f"/events/{WORKSHOP_ID}"),
        ("POST", "/health"),
    ],
)
def test_odd_requests_are_never_5xx(api, organiser, method, path):
    reply = api.call(method, path, token=organiser)
    assert reply.status < 500, reply
    if reply.status >= 400:
        assert_client_error(reply)
