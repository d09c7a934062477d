"""Cancelling many registrations at once (issue 17, finding 10): POST .../cancellations.

Each one is the single cancel's transaction, so the counts move exactly as many
single cancels would; the answer says what became of each.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.test_desk_work import changed, counts, person, walk_in
from tests.support.api import assert_error, assert_validation, badge_code, checkin
from tests.support.values import WORKSHOP_ID


def bulk(api, token, body, event_id=WORKSHOP_ID):
    return api.post(f"/events/{event_id}/cancellations", body, token=token)


def outcomes(reply) -> dict[str, str]:
    assert reply.status == 200, reply
    return {item["attendee_id"]: item["result"] for item in reply.json["results"]}


@pytest.fixture
def five(register):
    return [register(email=f"p{n}@example.org", name=f"Peserta {n}") for n in range(5)]


def test_cancel_by_ids_says_what_became_of_each(api, organiser, desk_token, five):
    ids = [person_["attendee_id"] for person_ in five]
    assert checkin(api, desk_token, code=badge_code(five[0])).status == 201
    assert api.delete(f"/events/{WORKSHOP_ID}/attendees/{ids[1]}", token=organiser).status == 200
    before = counts(api, organiser)
    reply = bulk(api, organiser, {"attendee_ids": [*ids, ids[2], "a" * 16, "not-an-id"]})
    assert outcomes(reply) == {
        ids[0]: "already_checked_in",
        ids[1]: "already_cancelled",
        ids[2]: "cancelled",
        ids[3]: "cancelled",
        ids[4]: "cancelled",
        "a" * 16: "not_found",
        "not-an-id": "not_found",
    }
    assert len(reply.json["results"]) == 7  # a repeated id is answered once
    assert (reply.json["cancelled"], reply.json["more"]) == (3, False)
    # Exactly three single cancels' worth: registered and each day's registered.
    assert changed(before, counts(api, organiser)) == {
        "registered": -3,
        "day1_registered": -3,
        "day2_registered": -3,
    }
    assert person(api, organiser, ids[0])["status"] == "active"
    for attendee_id in ids[2:]:
        assert person(api, organiser, attendee_id)["status"] == "cancelled"
    assert api.get(five[2]["badge"]["url"]).status == 410


def test_sending_it_again_changes_nothing(api, organiser, five):
    ids = [person_["attendee_id"] for person_ in five]
    assert bulk(api, organiser, {"attendee_ids": ids}).json["cancelled"] == 5
    before = counts(api, organiser)
    again = bulk(api, organiser, {"attendee_ids": ids})
    assert set(outcomes(again).values()) == {"already_cancelled"}
    assert again.json["cancelled"] == 0
    assert counts(api, organiser) == before


def test_the_email_may_register_again(api, organiser, register, five):
    bulk(api, organiser, {"attendee_ids": [five[0]["attendee_id"]]})
    register(email="p0@example.org", name="Peserta 0")


def test_registered_within_minutes_takes_only_the_window_and_the_source(
    api, organiser, desk_token, register, clock
):
    early = register(email="early@example.org")
    clock.set(clock.now() + timedelta(minutes=30))
    flood = [register(email=f"bot{n}@example.org", name=f"Bot {n}") for n in range(4)]
    desk = walk_in(api, desk_token, email="desk@example.org").json
    checked = flood[0]
    assert checkin(api, desk_token, code=badge_code(checked)).status == 201
    clock.set(clock.now() + timedelta(minutes=5))
    before = counts(api, organiser)
    reply = bulk(api, organiser, {"registered_within_minutes": 10, "source": "online"})
    assert outcomes(reply) == {
        checked["attendee_id"]: "already_checked_in",
        **{item["attendee_id"]: "cancelled" for item in flood[1:]},
    }
    assert (reply.json["cancelled"], reply.json["matched"], reply.json["more"]) == (3, 4, False)
    assert changed(before, counts(api, organiser)) == {
        "registered": -3,
        "day1_registered": -3,
        "day2_registered": -3,
    }
    assert person(api, organiser, early["attendee_id"])["status"] == "active"
    assert person(api, organiser, desk["attendee_id"])["status"] == "active"
    # The default source is the public form; again, nothing is left to cancel.
    again = bulk(api, organiser, {"registered_within_minutes": 10})
    assert (again.json["cancelled"], again.json["more"]) == (0, False)
    walk_ins = bulk(api, organiser, {"registered_within_minutes": 10, "source": "walk_in"})
    assert outcomes(walk_ins) == {desk["attendee_id"]: "cancelled"}


def test_a_large_window_is_cancelled_a_hundred_a_call(api, organiser, register, monkeypatch):
    from chalicelib.usecases import cancellations

    monkeypatch.setattr(cancellations, "MAX_BULK_CANCEL", 2)
    for n in range(5):
        register(email=f"bot{n}@example.org", name=f"Bot {n}")
    before = counts(api, organiser)
    seen = []
    for _ in range(5):
        reply = bulk(api, organiser, {"registered_within_minutes": 60})
        seen.append((reply.json["cancelled"], reply.json["matched"], reply.json["more"]))
        if not reply.json["more"]:
            break
    assert seen == [(2, 5, True), (2, 3, True), (1, 1, False)]
    assert changed(before, counts(api, organiser))["registered"] == -5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({}, "body", id="neither"),
        pytest.param(
            {"attendee_ids": ["a" * 16], "registered_within_minutes": 5}, "body", id="both"
        ),
        pytest.param({"attendee_ids": []}, "attendee_ids", id="no-ids"),
        pytest.param({"attendee_ids": ["a" * 16] * 101}, "attendee_ids", id="too-many"),
        pytest.param({"attendee_ids": [""]}, "attendee_ids", id="empty-id"),
        pytest.param({"registered_within_minutes": 0}, "registered_within_minutes", id="zero"),
        pytest.param(
            {"registered_within_minutes": 10081}, "registered_within_minutes", id="past-a-week"
        ),
        pytest.param(
            {"registered_within_minutes": 5, "source": "web"}, "source", id="unknown-source"
        ),
        pytest.param({"attendee_ids": ["a" * 16], "source": "online"}, "body", id="stray-source"),
        pytest.param({"attendee_ids": ["a" * 16], "all": True}, "all", id="unknown-field"),
    ],
)
def test_bad_bodies_are_422_and_cancel_nothing(api, organiser, five, body, field):
    before = counts(api, organiser)
    reply = bulk(api, organiser, body)
    assert_validation(reply, field)
    assert counts(api, organiser) == before


def test_only_the_organiser_may(api, desk_token, five):
    body = {"attendee_ids": [five[0]["attendee_id"]]}
    assert_error(bulk(api, desk_token, body), 403, "forbidden")
    assert_error(bulk(api, None, body), 401, "unauthorized")


def test_an_unknown_event_is_404(api, organiser):
    assert_error(
        bulk(api, organiser, {"attendee_ids": ["a" * 16]}, "no-such-event"), 404, "event_not_found"
    )


def test_another_events_attendee_is_not_found(api, organiser, register):
    from tests.api.test_desk_work import SECOND_ID
    from tests.support.api import put_event

    put_event(api, organiser, SECOND_ID)
    theirs = register(event_id=SECOND_ID)
    reply = bulk(api, organiser, {"attendee_ids": [theirs["attendee_id"]]})
    assert outcomes(reply) == {theirs["attendee_id"]: "not_found"}
    assert api.get(theirs["badge"]["url"]).status == 200
