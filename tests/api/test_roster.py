"""The roster (API.md section 13): everyone, then only who changed, without a Scan."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.support.api import assert_error, assert_validation, badge_code, checkin
from tests.support.values import WORKSHOP_ID, registration_body

ROSTER = f"/events/{WORKSHOP_ID}/roster"
ACTIVE_FIELDS = {
    "id",
    "name",
    "display_name",
    "organisation",
    "status",
    "days",
    "badge_sha256",
    "checkins",
}


def sha(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def roster(api, token, since=None, **query):
    params = {**({"since": since} if since else {}), **query}
    path = ROSTER + (
        "?" + "&".join(f"{k}={quote(str(v))}" for k, v in params.items()) if params else ""
    )
    reply = api.get(path, token=token)
    assert reply.status == 200, reply
    return reply.json


def by_id(body):
    return {entry["id"]: entry for entry in body["attendees"]}


@pytest.fixture
def kiosk_token(api, organiser):
    reply = api.post(
        f"/events/{WORKSHOP_ID}/desk-tokens", {"label": "Pintu", "role": "kiosk"}, token=organiser
    )
    assert reply.status == 201, reply
    return reply.json["token"]


def later(clock, seconds=60):
    clock.set(clock.now() + timedelta(seconds=seconds))


def test_the_first_load_lists_everyone_by_name_with_the_badge_hash(api, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    budi = register(name="Budi Santoso", email="budi@example.org", days=["2016-11-30"])
    checkin(api, desk_token, code=badge_code(siti))
    body = roster(api, desk_token)
    assert set(body) == {"as_of", "since", "attendees", "next"}
    assert body["next"] is None
    assert body["since"] == body["as_of"]
    assert [entry["name"] for entry in body["attendees"]] == ["Budi Santoso", "Siti Rahayu"]
    entry = by_id(body)[siti["attendee_id"]]
    assert set(entry) == ACTIVE_FIELDS
    assert entry["badge_sha256"] == sha(badge_code(siti))
    assert entry["display_name"] == "Siti"
    assert entry["status"] == "active"
    assert entry["days"] == ["2016-11-29", "2016-11-30"]
    assert list(entry["checkins"]) == ["2016-11-29"]
    assert entry["checkins"]["2016-11-29"]["desk"] == "Desk A"
    assert entry["checkins"]["2016-11-29"]["at"].endswith("Z")
    assert by_id(body)[budi["attendee_id"]]["days"] == ["2016-11-30"]
    assert by_id(body)[budi["attendee_id"]]["checkins"] == {}


def test_a_kiosk_gets_no_name_or_organisation(api, kiosk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    entry = by_id(roster(api, kiosk_token))[siti["attendee_id"]]
    assert "name" not in entry and "organisation" not in entry
    assert entry["display_name"] == "Siti"
    assert entry["badge_sha256"] == sha(badge_code(siti))


def test_since_lists_only_the_people_changed_after_it(api, clock, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    budi = register(name="Budi Santoso", email="budi@example.org")
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    assert roster(api, desk_token, first["since"])["attendees"] == []
    checkin(api, desk_token, code=badge_code(siti))
    later(clock)
    changed = roster(api, desk_token, first["since"])
    assert list(by_id(changed)) == [siti["attendee_id"]]
    assert "2016-11-29" in changed["attendees"][0]["checkins"]
    assert budi["attendee_id"] not in by_id(changed)
    later(clock)
    # Nothing since the last refresh: an empty answer.
    assert roster(api, desk_token, changed["since"])["attendees"] == []


def test_a_new_registration_and_a_walk_in_are_news(api, clock, desk_token, register):
    first = roster(api, desk_token)
    later(clock)
    siti = register(name="Siti Rahayu", email="siti@example.org")
    walk_in = api.post(
        f"/events/{WORKSHOP_ID}/attendees",
        registration_body(name="Ani Wijaya", email="ani@example.org"),
        token=desk_token,
    )
    assert walk_in.status == 201, walk_in
    later(clock)
    changed = by_id(roster(api, desk_token, first["since"]))
    assert set(changed) == {siti["attendee_id"], walk_in.json["attendee_id"]}


def test_a_reissued_badge_changes_the_hash_and_names_the_old_one(api, clock, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    path = f"/events/{WORKSHOP_ID}/attendees/{siti['attendee_id']}/badge"
    reply = api.post(path, {"reason": "lost"}, token=desk_token)
    assert reply.status == 201, reply
    later(clock)
    entry = by_id(roster(api, desk_token, first["since"]))[siti["attendee_id"]]
    assert entry["badge_sha256"] == sha(reply.json["badge"]["code"])
    assert entry["revoked_sha256"] == [sha(badge_code(siti))]


def test_an_undone_checkin_and_a_correction_are_news(api, clock, organiser, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    checkin(api, desk_token, code=badge_code(siti))
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    undo = f"/events/{WORKSHOP_ID}/checkins/{siti['attendee_id']}/2016-11-29"
    assert api.delete(undo, token=organiser).status == 200
    later(clock)
    second = roster(api, desk_token, first["since"])
    assert by_id(second)[siti["attendee_id"]]["checkins"] == {}
    later(clock)
    path = f"/events/{WORKSHOP_ID}/attendees/{siti['attendee_id']}"
    assert api.call("PATCH", path, {"name": "Siti Nurhaliza"}, token=desk_token).status == 200
    later(clock)
    entry = by_id(roster(api, desk_token, second["since"]))[siti["attendee_id"]]
    assert entry["name"] == "Siti Nurhaliza"


def test_a_cancel_leaves_the_status_alone(api, clock, organiser, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    assert (
        api.delete(f"/events/{WORKSHOP_ID}/attendees/{siti['attendee_id']}", token=organiser).status
        == 200
    )
    later(clock)
    entry = by_id(roster(api, desk_token, first["since"]))[siti["attendee_id"]]
    assert entry == {"id": siti["attendee_id"], "status": "cancelled"}


def test_withdrawals_appear_as_status_only(api, clock, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    budi = register(name="Budi Santoso", email="budi@example.org")
    checkin(api, desk_token, code=badge_code(budi))
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    # Without check-ins: cancelled; with one: withdrawn, the personal data erased.
    assert api.delete(f"/registrations/{siti['manage']['token']}").status == 200
    assert api.delete(f"/registrations/{budi['manage']['token']}").status == 200
    later(clock)
    changed = by_id(roster(api, desk_token, first["since"]))
    assert changed[siti["attendee_id"]] == {"id": siti["attendee_id"], "status": "cancelled"}
    assert changed[budi["attendee_id"]] == {"id": budi["attendee_id"], "status": "withdrawn"}
    # And in a first load too: no name, no hash.
    everyone = by_id(roster(api, desk_token))
    assert everyone[budi["attendee_id"]] == {"id": budi["attendee_id"], "status": "withdrawn"}


def test_an_own_correction_is_news(api, clock, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    own = f"/registrations/{siti['manage']['token']}"
    assert api.call("PATCH", own, {"display_name": "Ayu"}).status == 200
    later(clock)
    assert (
        by_id(roster(api, desk_token, first["since"]))[siti["attendee_id"]]["display_name"] == "Ayu"
    )


def test_a_late_scan_is_news_however_old_its_scanned_at(api, clock, desk_token, register):
    siti = register(name="Siti Rahayu", email="siti@example.org")
    seen = clock.now().isoformat()
    later(clock, 600)
    first = roster(api, desk_token)
    later(clock)
    assert checkin(api, desk_token, code=badge_code(siti), scanned_at=seen).status == 201
    later(clock)
    assert siti["attendee_id"] in by_id(roster(api, desk_token, first["since"]))


def test_a_write_landing_just_before_the_refresh_time_is_not_missed(
    api, clock, desk_token, register
):
    """A check-in decided a few seconds before a roster was read, and committed after it."""
    siti = register(name="Siti Rahayu", email="siti@example.org")
    later(clock)
    decided = clock.now()
    later(clock, 5)
    first = roster(api, desk_token)
    clock.set(decided)
    checkin(api, desk_token, code=badge_code(siti))
    later(clock, 60)
    assert siti["attendee_id"] in by_id(roster(api, desk_token, first["since"]))


def test_pages_walk_everyone_and_keep_the_first_pages_since(api, clock, desk_token, register):
    ids = {
        register(name=f"Orang {n:02d}", email=f"o{n}@example.org")["attendee_id"] for n in range(7)
    }
    seen, path, since = set(), f"{ROSTER}?limit=3", None
    while path:
        reply = api.get(path, token=desk_token)
        assert reply.status == 200, reply
        since = since or reply.json["since"]
        assert reply.json["since"] == since
        seen |= set(by_id(reply.json))
        later(clock)
        path = f"{ROSTER}?limit=3&next={reply.json['next']}" if reply.json["next"] else None
    assert seen == ids


def test_since_pages_too(api, clock, desk_token, register):
    first = roster(api, desk_token)
    later(clock)
    ids = {
        register(name=f"Orang {n:02d}", email=f"o{n}@example.org")["attendee_id"] for n in range(5)
    }
    later(clock)
    page = roster(api, desk_token, first["since"], limit=2)
    seen = set(by_id(page))
    while page["next"]:
        page = roster(api, desk_token, first["since"], limit=2, next=page["next"])
        seen |= set(by_id(page))
    assert seen == ids


def test_a_refresh_is_one_query_and_one_batch_read(api, clock, desk_token, register, requests_made):
    people = [register(name=f"Orang {n:02d}", email=f"o{n}@example.org") for n in range(6)]
    later(clock)
    first = roster(api, desk_token)
    later(clock)
    checkin(api, desk_token, code=badge_code(people[0]))
    later(clock)
    requests_made.clear()
    assert len(roster(api, desk_token, first["since"])["attendees"]) == 1
    # The token with the event, the change index, the people who changed.
    assert dict(requests_made) == {"BatchGetItem": 2, "Query": 1}
    requests_made.clear()
    later(clock)
    assert roster(api, desk_token, roster(api, desk_token)["since"])["attendees"] == []


def test_errors(api, desk_token, organiser):
    assert_error(api.get(ROSTER), 401, "unauthorized")
    assert_error(api.get("/events/no-such-event/roster", token=organiser), 404, "event_not_found")
    assert_validation(api.get(f"{ROSTER}?since=yesterday", token=desk_token), "since")
    assert_validation(api.get(f"{ROSTER}?since=2016-11-29T08:00:00", token=desk_token), "since")
    assert_validation(api.get(f"{ROSTER}?limit=501", token=desk_token), "limit")
    assert_validation(api.get(f"{ROSTER}?next=garbage", token=desk_token), "next")
    assert_validation(api.get(f"{ROSTER}?color=red", token=desk_token), "color")


def test_a_desk_of_another_event_is_refused(api, organiser, desk_token):
    other = api.get(f"/events/{WORKSHOP_ID}").json
    other.update(id="other-event", title="Other")
    assert api.put("/events/other-event", other, token=organiser).status == 201
    assert_error(api.get("/events/other-event/roster", token=desk_token), 403, "forbidden")
