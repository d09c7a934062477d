"""Correcting a registration (API.md section 10), and a desk walk-in without an email
(section 6), over HTTP: the fields, the counts, the search, the email lock, the history."""

from __future__ import annotations

import pytest

from tests.support.api import assert_error, assert_validation, badge_code, checkin, put_event
from tests.support.values import DAY1, DAY2, OTHER_ID, WORKSHOP_ID, registration_body

EVENT = f"/events/{WORKSHOP_ID}"
UNKNOWN_ATTENDEE = "a" * 16


def patch(api, token, attendee_id, body, event_id=WORKSHOP_ID):
    return api.call("PATCH", f"/events/{event_id}/attendees/{attendee_id}", body=body, token=token)


def report_day(api, organiser, on):
    reply = api.get(f"{EVENT}/attendance/report", token=organiser)
    assert reply.status == 200, reply
    return next(day for day in reply.json["days"] if day["date"] == on)


def found(api, token, q) -> list[str]:
    reply = api.get(f"{EVENT}/attendees?q={q}", token=token)
    assert reply.status == 200, reply
    return sorted(person["id"] for person in reply.json["attendees"])


def registered(api, organiser) -> dict:
    reply = api.get(f"{EVENT}/attendance", token=organiser)
    assert reply.status == 200, reply
    return {"all": reply.json["registered"]} | {
        day["date"]: day["registered"] for day in reply.json["days"]
    }


# --- the fields -----------------------------------------------------------------


def test_a_typo_in_the_name_is_corrected_and_the_badge_shows_it(api, desk_token, register):
    registration = register(name="Siti Rahmwati")
    code = badge_code(registration)
    reply = patch(api, desk_token, registration["attendee_id"], {"name": "Siti Rahmawati"})
    assert reply.status == 200, reply
    assert reply.json["name"] == "Siti Rahmawati"
    assert reply.json["badge"]["code"] == code  # the same badge, still valid
    assert [change["fields"] for change in reply.json["changes"]] == [["name"]]
    assert reply.json["changes"][0]["by"] != "organiser"  # the desk token's id
    badge = api.get(f"/badges/{code}")
    assert badge.status == 200 and badge.json["name"] == "Siti Rahmawati"
    # The badge still checks in.
    assert checkin(api, desk_token, code=code).status == 201


def test_every_field_may_be_corrected_and_optional_ones_cleared(api, organiser, register):
    attendee_id = register(phone="0812 1111", job_title="Staf")["attendee_id"]
    body = {
        "display_name": "Ibu Siti",
        "organisation": "WALHI Jakarta",
        "job_title": None,
        "email": "siti.r@example.org",
        "phone": "0813 2222",
        "gender": "prefer_not_to_say",
        "organisation_type": "community",
        "days": [DAY2],
    }
    reply = patch(api, organiser, attendee_id, body)
    assert reply.status == 200, reply
    got = reply.json
    assert (got["display_name"], got["organisation"], got["job_title"]) == (
        "Ibu Siti",
        "WALHI Jakarta",
        None,
    )
    assert (got["email"], got["phone"], got["gender"], got["organisation_type"], got["days"]) == (
        "siti.r@example.org",
        "0813 2222",
        "prefer_not_to_say",
        "community",
        [DAY2],
    )
    assert got["changes"][0]["by"] == "organiser"
    assert sorted(got["changes"][0]["fields"]) == sorted(body)
    # Field names only, never old values.
    assert "0812" not in str(got["changes"])
    again = api.get(f"{EVENT}/attendees/{attendee_id}", token=organiser).json
    assert again["changes"] == got["changes"] and again["days"] == [DAY2]


def test_a_correction_that_changes_nothing_keeps_no_change(api, organiser, register):
    attendee_id = register()["attendee_id"]
    reply = patch(api, organiser, attendee_id, {"name": "Siti Rahmawati"})
    assert reply.status == 200, reply
    assert reply.json["changes"] == []


def test_a_renamed_person_is_greeted_by_the_new_name_unless_they_chose_one(
    api, organiser, register
):
    plain = register(name="Budi Santoso", email="budi@example.org")["attendee_id"]
    chosen = register(name="Ahmad Fauzi", email="ahmad@example.org", display_name="Pak Ahmad")[
        "attendee_id"
    ]
    assert patch(api, organiser, plain, {"name": "Budhi Santoso"}).json["display_name"] == "Budhi"
    assert patch(api, organiser, chosen, {"name": "Achmad Fauzi"}).json["display_name"] == (
        "Pak Ahmad"
    )


def test_the_history_keeps_the_latest_fifty_changes(api, organiser, register):
    attendee_id = register()["attendee_id"]
    for index in range(52):
        reply = patch(api, organiser, attendee_id, {"job_title": f"Staf {index}"})
        assert reply.status == 200, reply
    assert len(reply.json["changes"]) == 50


# --- counts -----------------------------------------------------------------------


def test_counts_follow_a_change_of_days(api, organiser, register):
    attendee_id = register()["attendee_id"]
    assert registered(api, organiser) == {"all": 1, DAY1: 1, DAY2: 1}
    assert patch(api, organiser, attendee_id, {"days": [DAY1]}).status == 200
    assert registered(api, organiser) == {"all": 1, DAY1: 1, DAY2: 0}
    assert patch(api, organiser, attendee_id, {"days": [DAY2]}).status == 200
    assert registered(api, organiser) == {"all": 1, DAY1: 0, DAY2: 1}


def test_report_buckets_follow_a_change_of_gender_and_organisation_type(
    api, organiser, desk_token, register
):
    registration = register(gender="female", organisation_type="ngo")
    assert checkin(api, desk_token, code=badge_code(registration)).status == 201
    reply = patch(
        api, organiser, registration["attendee_id"], {"gender": "male", "organisation_type": None}
    )
    assert reply.status == 200, reply
    day = report_day(api, organiser, DAY1)
    assert day["by_gender"]["female"] == 0 and day["by_gender"]["male"] == 1
    assert day["by_organisation_type"]["ngo"] == 0
    assert day["by_organisation_type"]["not_given"] == 1
    # Undoing the check-in takes it off the bucket it is in now.
    undo = api.delete(f"{EVENT}/checkins/{registration['attendee_id']}/{DAY1}", token=organiser)
    assert undo.status == 200, undo
    day = report_day(api, organiser, DAY1)
    assert day["by_gender"]["male"] == 0 and "not_given" not in day["by_organisation_type"]
    assert day["checked_in"] == 0


def test_a_day_with_a_checkin_cannot_be_dropped(api, organiser, desk_token, register):
    registration = register()
    assert checkin(api, desk_token, code=badge_code(registration)).status == 201
    reply = patch(api, organiser, registration["attendee_id"], {"days": [DAY2]})
    assert_error(reply, 409, "day_has_checkin")
    assert registered(api, organiser) == {"all": 1, DAY1: 1, DAY2: 1}
    # Adding a day beside it is fine.
    assert patch(api, organiser, registration["attendee_id"], {"days": [DAY1]}).status == 200


# --- search and email ---------------------------------------------------------------


def test_search_follows_a_change_of_name_and_organisation(api, desk_token, register):
    attendee_id = register(name="Siti Rahmwati", organisation="Walhi")["attendee_id"]
    body = {"name": "Siti Rahmawati", "organisation": "Yayasan Kehati"}
    assert patch(api, desk_token, attendee_id, body).status == 200
    assert found(api, desk_token, "rahmwati") == []
    assert found(api, desk_token, "walhi") == []
    assert found(api, desk_token, "rahmawati") == [attendee_id]
    assert found(api, desk_token, "kehati") == [attendee_id]
    # A word kept finds the whole new record ("siti" with "kehati").
    assert found(api, desk_token, "siti%20kehati") == [attendee_id]


def test_the_email_lock_moves_with_the_email(api, organiser, register):
    attendee_id = register(email="siti@example.org")["attendee_id"]
    assert patch(api, organiser, attendee_id, {"email": "Siti.R@Example.org"}).status == 200
    # The old address is free again; the new one is taken.
    again = api.post(f"{EVENT}/registrations", registration_body(email="siti@example.org"))
    assert again.status == 201, again
    taken = api.post(f"{EVENT}/registrations", registration_body(email="siti.r@example.org"))
    assert_error(taken, 409, "already_registered", personal=("siti.r@example.org",))


def test_an_email_of_someone_else_is_refused(api, organiser, register):
    register(email="budi@example.org", name="Budi")
    attendee_id = register(email="siti@example.org")["attendee_id"]
    reply = patch(api, organiser, attendee_id, {"email": "BUDI@example.org"})
    assert_error(reply, 409, "already_registered", personal=("budi@example.org",))
    person = api.get(f"{EVENT}/attendees/{attendee_id}", token=organiser).json
    assert person["email"] == "siti@example.org" and person["changes"] == []


def test_an_email_removed_frees_the_address(api, organiser, register):
    attendee_id = register(email="siti@example.org")["attendee_id"]
    assert patch(api, organiser, attendee_id, {"email": None}).json["email"] is None
    again = api.post(f"{EVENT}/registrations", registration_body(email="siti@example.org"))
    assert again.status == 201, again


# --- errors -----------------------------------------------------------------------


def test_an_unknown_attendee_is_404(api, organiser):
    assert_error(patch(api, organiser, UNKNOWN_ATTENDEE, {"name": "X"}), 404, "attendee_not_found")
    assert_error(patch(api, organiser, "not an id", {"name": "X"}), 404, "attendee_not_found")


def test_an_attendee_of_another_event_is_404_there(api, organiser, register):
    put_event(api, organiser, OTHER_ID)
    attendee_id = register()["attendee_id"]
    reply = patch(api, organiser, attendee_id, {"name": "X"}, event_id=OTHER_ID)
    assert_error(reply, 404, "attendee_not_found")
    reply = patch(api, organiser, attendee_id, {"name": "X"}, event_id="no-such-event")
    assert_error(reply, 404, "event_not_found")


def test_a_desk_token_of_another_event_is_403(api, organiser, register):
    put_event(api, organiser, OTHER_ID)
    token = api.post(f"/events/{OTHER_ID}/desk-tokens", {"label": "B"}, token=organiser).json
    attendee_id = register()["attendee_id"]
    assert_error(patch(api, token["token"], attendee_id, {"name": "X"}), 403, "forbidden")


def test_a_cancelled_registration_is_not_corrected(api, organiser, register):
    attendee_id = register()["attendee_id"]
    assert api.delete(f"{EVENT}/attendees/{attendee_id}", token=organiser).status == 200
    assert_error(patch(api, organiser, attendee_id, {"name": "X"}), 409, "registration_cancelled")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "body"),
        ({"days": None}, "body"),
        ({}, "body"),
        ({"name": "x" * 201}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"gender": "other"}, "gender"),
        ({"days": ["2016-12-25"]}, "days"),
        ({"days": []}, "days"),
        ({"badge_serial": 3}, "badge_serial"),
    ],
)
def test_bad_fields_are_422(api, organiser, register, body, field):
    attendee_id = register()["attendee_id"]
    assert_validation(patch(api, organiser, attendee_id, body), field)


def test_staff_only(api, register):
    attendee_id = register()["attendee_id"]
    assert_error(patch(api, None, attendee_id, {"name": "X"}), 401, "unauthorized")


# --- a walk-in without an email ---------------------------------------------------------


def test_a_walk_in_may_have_no_email(api, organiser, desk_token):
    body = registration_body(email=None, name="Pak Darto")
    first = api.post(f"{EVENT}/attendees", body, token=desk_token)
    assert first.status == 201, first
    # Another without one is no duplicate.
    second = api.post(f"{EVENT}/attendees", registration_body(email=None), token=desk_token)
    assert second.status == 201, second
    person = api.get(f"{EVENT}/attendees/{first.json['attendee_id']}", token=desk_token).json
    assert person["email"] is None
    assert found(api, desk_token, "darto") == [first.json["attendee_id"]]
    assert api.get(f"/badges/{badge_code(first.json)}").status == 200
    csv = api.get(f"{EVENT}/attendance.csv", token=organiser)
    assert csv.status == 200 and "Pak Darto" in csv.raw.decode()
    sheet = api.get(f"{EVENT}/badges.pdf", token=organiser, headers={"Accept": "*/*"})
    assert sheet.status == 200
    # Cancelled, and given an email later, all works without a lock to free.
    attendee_id = second.json["attendee_id"]
    assert patch(api, organiser, attendee_id, {"email": "x@example.org"}).status == 200
    assert api.delete(f"{EVENT}/attendees/{first.json['attendee_id']}", token=organiser).status == (
        200
    )


def test_a_walk_in_without_email_sent_again_with_its_key_is_one_registration(api, desk_token):
    body = registration_body(email=None)
    headers = {"Idempotency-Key": "walkin-no-email-1"}
    first = api.post(f"{EVENT}/attendees", body, token=desk_token, headers=headers)
    again = api.post(f"{EVENT}/attendees", body, token=desk_token, headers=headers)
    assert (first.status, again.status) == (201, 201)
    assert first.json["attendee_id"] == again.json["attendee_id"]


def test_online_registration_still_needs_an_email(api):
    reply = api.post(f"{EVENT}/registrations", registration_body(email=None))
    assert_validation(reply, "email")


# --- events whose days are in use -----------------------------------------------------


def event_body(api, **overrides):
    doc = api.get(EVENT).json
    doc.update(overrides)
    return doc


def test_a_day_registrations_point_at_cannot_be_dropped_or_moved(api, organiser, register):
    register(days=[DAY2])
    doc = api.get(EVENT).json
    dropped = event_body(api, days=doc["days"][:1])
    assert_error(api.put(EVENT, dropped, token=organiser), 409, "event_day_in_use")
    moved_day = {**doc["days"][1], "date": "2016-12-01"}
    moved = event_body(api, days=[doc["days"][0], moved_day])
    assert_error(api.put(EVENT, moved, token=organiser), 409, "event_day_in_use")
    assert api.get(EVENT).json["days"] == doc["days"]
    # Day 1 has nobody: it may go (day 2 becomes day 1, keeping its date).
    kept = event_body(api, days=[{**doc["days"][1], "number": 1}])
    assert api.put(EVENT, kept, token=organiser).status == 200


def test_a_day_freed_by_a_correction_may_be_dropped(api, organiser, register):
    attendee_id = register()["attendee_id"]
    doc = api.get(EVENT).json
    one_day = event_body(api, days=doc["days"][:1])
    assert_error(api.put(EVENT, one_day, token=organiser), 409, "event_day_in_use")
    assert patch(api, organiser, attendee_id, {"days": [DAY1]}).status == 200
    assert api.put(EVENT, one_day, token=organiser).status == 200


def test_changing_other_fields_of_a_busy_event_is_fine(api, organiser, register):
    register()
    assert api.put(EVENT, event_body(api, title="Renamed"), token=organiser).status == 200
