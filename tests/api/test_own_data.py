"""The attendee's own data (API.md sections 1 and 10; UU PDP 27/2022): the manage
token, /registrations/{manage_token}, consent records, retention and erasure."""

from __future__ import annotations

import json

import pytest

from chalicelib.core.auth import hash_token
from chalicelib.store.keys import TTL_ATTRIBUTE, manage_key
from tests.support.api import assert_error, badge_code, checkin
from tests.support.values import TABLE, WORKSHOP_ID, jakarta, registration_body

ATTENDEES = f"/events/{WORKSHOP_ID}/attendees"
PERSONAL = ("Siti Rahmawati", "siti@example.org", "Wahana", "0812 3456 7890", "Campaigner")


def own(registration: dict) -> str:
    return f"/registrations/{registration['manage']['token']}"


def patch(api, path, body):
    return api.call("PATCH", path, body)


@pytest.fixture
def siti(register):
    return register(phone="0812 3456 7890", job_title="Campaigner")


def leaks(text: str) -> list[str]:
    return [value for value in PERSONAL if value in text]


# --- the manage token ----------------------------------------------------------


def test_registration_gives_a_manage_link_apart_from_the_badge(siti):
    manage = siti["manage"]
    assert manage["url"] == f"/me/{manage['token']}"
    assert len(manage["token"]) == 43 and manage["token"] != badge_code(siti)


def test_the_manage_token_is_kept_only_as_its_hash(api, siti, dynamodb):
    token = siti["manage"]["token"]
    items = dynamodb.scan(TableName=TABLE)["Items"]
    assert token not in json.dumps(items)
    key = manage_key(hash_token(token))
    item = dynamodb.get_item(TableName=TABLE, Key={k: {"S": v} for k, v in key.items()})["Item"]
    assert item["attendee_id"]["S"] == siti["attendee_id"]
    assert TTL_ATTRIBUTE in item


def test_a_walk_in_gets_a_manage_link_and_a_desk_consent(api, desk_token):
    reply = api.post(ATTENDEES, registration_body(), token=desk_token)
    assert reply.status == 201, reply
    mine = api.get(own(reply.json)).json
    assert mine["consent"]["channel"] == "desk"


def test_a_registration_sent_again_with_its_key_gets_the_same_manage_token(api):
    headers = {"Idempotency-Key": "again-key-0001"}
    first = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body(), headers=headers)
    again = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body(), headers=headers)
    assert first.status == again.status == 201
    assert first.json["manage"] == again.json["manage"]


@pytest.mark.parametrize("token", ["short", "x" * 43, "a" * 42 + "!", "a" * 200])
def test_an_unknown_or_malformed_token_is_not_found(api, token):
    for method, path in [
        ("GET", f"/registrations/{token}"),
        ("GET", f"/registrations/{token}/export"),
        ("DELETE", f"/registrations/{token}"),
    ]:
        assert_error(api.call(method, path), 404, "not_found")
    assert_error(patch(api, f"/registrations/{token}", {"name": "X"}), 404, "not_found")


# --- seeing and correcting ------------------------------------------------------


def test_the_attendee_sees_everything(api, siti):
    reply = api.get(own(siti))
    assert reply.status == 200, reply
    assert reply.headers["Cache-Control"] == "no-store"
    mine = reply.json
    assert (mine["name"], mine["email"], mine["phone"], mine["job_title"]) == (
        "Siti Rahmawati",
        "siti@example.org",
        "0812 3456 7890",
        "Campaigner",
    )
    assert mine["consent"] == {
        "given_at": "2016-11-29T02:00:00Z",
        "version": "2016-11-v1",
        "language": "id",
        "channel": "web",
    }
    assert mine["badge"] == siti["badge"]
    assert mine["changes"] == [] and mine["certificate"] is None and mine["checkins"] == []


def test_a_correction_shows_on_the_badge_in_search_and_for_the_desk(api, siti, organiser):
    reply = patch(api, own(siti), {"name": "Siti Rahmawati Putri", "organisation": "WALHI"})
    assert reply.status == 200, reply
    assert (reply.json["name"], reply.json["organisation"]) == ("Siti Rahmawati Putri", "WALHI")
    assert api.get(siti["badge"]["url"]).json["name"] == "Siti Rahmawati Putri"
    found = api.get(f"{ATTENDEES}?q=putri", token=organiser).json["attendees"]
    assert [person["id"] for person in found] == [siti["attendee_id"]]
    assert api.get(f"{ATTENDEES}?q=wahana", token=organiser).json["attendees"] == []
    assert len(api.get(f"{ATTENDEES}?q=walhi", token=organiser).json["attendees"]) == 1


def test_null_clears_an_optional_field_and_is_refused_for_a_required_one(api, siti):
    reply = patch(api, own(siti), {"phone": None, "display_name": "Ibu Siti"})
    assert (reply.status, reply.json["phone"], reply.json["display_name"]) == (
        200,
        None,
        "Ibu Siti",
    )
    assert_error(patch(api, own(siti), {"name": None}), 422, "validation_error")
    assert_error(patch(api, own(siti), {"email": "new@example.org"}), 422, "validation_error")
    assert_error(patch(api, own(siti), {"name": "x" * 201}), 422, "validation_error")


def test_corrections_close_when_the_last_day_closes(api, siti, clock):
    clock.set(jakarta("2016-11-30T16:59"))
    assert patch(api, own(siti), {"job_title": "Ketua"}).status == 200
    clock.set(jakarta("2016-11-30T17:00"))
    assert_error(patch(api, own(siti), {"job_title": "Ketua"}), 409, "event_over")
    assert api.get(own(siti)).status == 200  # seeing and exporting stay open


# --- consent ---------------------------------------------------------------------


def test_consent_version_and_language_are_recorded(api, register):
    mine = register(consent_version="2016-11-v1", language="en")
    consent = api.get(own(mine)).json["consent"]
    assert (consent["version"], consent["language"]) == ("2016-11-v1", "en")


def test_an_unknown_consent_version_is_refused(api):
    body = registration_body(consent_version="2015-01-v0")
    reply = api.post(f"/events/{WORKSHOP_ID}/registrations", body)
    assert_error(reply, 422, "validation_error")
    assert reply.json["error"]["fields"][0]["field"] == "consent_version"


# --- export ----------------------------------------------------------------------


def test_the_export_holds_everything_with_the_scan_log(api, siti, desk_token):
    checkin(api, desk_token, code=badge_code(siti))
    reply = api.get(f"{own(siti)}/export")
    assert reply.status == 200, reply
    assert "attachment" in reply.headers["Content-Disposition"]
    export = reply.json
    assert export["registration"]["email"] == "siti@example.org"
    assert export["registration"]["gender"] == "female"
    assert export["registration"]["retention_ends"] == "2017-11-30T17:00:00Z"
    assert [scan["result"] for scan in export["scans"]] == ["checked_in"]


# --- withdrawal and erasure ----------------------------------------------------------


def test_withdrawing_without_checkins_cancels(api, siti, organiser):
    before = api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json["registered"]
    reply = api.delete(own(siti))
    assert (reply.status, reply.json) == (200, {"status": "withdrawn"})
    assert api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json["registered"] == (
        before - 1
    )
    assert_error(api.get(siti["badge"]["url"]), 410, "badge_revoked")
    assert_error(api.get(own(siti)), 404, "not_found")
    assert_error(api.delete(own(siti)), 404, "not_found")
    # The address may register again.
    assert api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).status == 201


def xlsx_text(api, organiser) -> str:
    """Every cell of every sheet of attendance.xlsx, as text."""
    import io

    import openpyxl

    reply = api.get(
        f"/events/{WORKSHOP_ID}/attendance.xlsx",
        token=organiser,
        headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    assert reply.status == 200, reply
    raw = reply.raw
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    return "\n".join(cells)


def pdf_text(api, organiser, path: str) -> str:
    from tests.unit.test_printing import read_pdf

    reply = api.get(path, token=organiser, headers={"Accept": "application/pdf"})
    assert reply.status == 200, reply
    return "\n".join(page.text for page in read_pdf(reply.raw))


def test_withdrawing_after_a_checkin_erases_and_leaves_nothing_personal(
    api, siti, desk_token, organiser
):
    scanned = checkin(api, desk_token, code=badge_code(siti), scan_id="erase-scan-0001")
    assert scanned.status == 201
    before = api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json
    assert api.delete(own(siti)).json == {"status": "withdrawn"}

    assert api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json == {
        **before,
        "as_of": before["as_of"],
    }
    detail = api.get(f"{ATTENDEES}/{siti['attendee_id']}", token=organiser)
    assert detail.status == 200 and detail.json["erased"] is True
    assert_error(api.get(siti["badge"]["url"]), 410, "badge_revoked")
    assert_error(api.get(own(siti)), 404, "not_found")
    assert_error(api.get(f"{own(siti)}/export"), 404, "not_found")
    replay = checkin(api, desk_token, code=badge_code(siti), scan_id="erase-scan-0001")
    answers = [
        detail.raw.decode(),
        api.get(f"{ATTENDEES}?q=siti", token=organiser).raw.decode(),
        api.get(f"{ATTENDEES}?q=wahana", token=organiser).raw.decode(),
        api.get(ATTENDEES, token=organiser).raw.decode(),
        api.get(f"/events/{WORKSHOP_ID}/scans", token=organiser).raw.decode(),
        api.get(f"/events/{WORKSHOP_ID}/attendance.csv", token=organiser).raw.decode(),
        xlsx_text(api, organiser),
        replay.raw.decode(),
    ]
    assert [leaks(answer) for answer in answers] == [[]] * len(answers)
    # The email is free again, and the person is still counted once.
    assert api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).status == 201


def test_past_retention_the_person_is_erased_before_any_sweep(
    api, siti, desk_token, organiser, clock, dynamodb
):
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    item = dynamodb.get_item(
        TableName=TABLE,
        Key={"pk": {"S": f"ATTENDEE#{siti['attendee_id']}"}, "sk": {"S": "ATTENDEE"}},
    )["Item"]
    expiry = int(item[TTL_ATTRIBUTE]["N"])
    assert expiry == int(jakarta("2017-12-01T00:00").timestamp())

    clock.set(jakarta("2017-11-30T23:59"))
    assert api.get(siti["badge"]["url"]).status == 200
    clock.set(jakarta("2017-12-01T00:00"))

    detail = api.get(f"{ATTENDEES}/{siti['attendee_id']}", token=organiser)
    assert detail.status == 200 and detail.json["erased"] is True
    assert_error(api.get(siti["badge"]["url"]), 410, "badge_revoked")
    assert_error(api.get(own(siti)), 404, "not_found")
    answers = [
        detail.raw.decode(),
        api.get(f"{ATTENDEES}?q=siti", token=organiser).raw.decode(),
        api.get(ATTENDEES, token=organiser).raw.decode(),
        api.get(f"/events/{WORKSHOP_ID}/attendance.csv", token=organiser).raw.decode(),
        xlsx_text(api, organiser),
        pdf_text(api, organiser, f"/events/{WORKSHOP_ID}/sign-in-sheet.pdf?date=2016-11-29"),
        # Nobody's badge is printed past retention.
        pdf_text(api, organiser, f"/events/{WORKSHOP_ID}/badges.pdf"),
    ]
    assert [leaks(answer) for answer in answers] == [[]] * len(answers)
    # The counts stay.
    report = api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser).json
    assert (report["registered"], report["attended_any"]) == (1, 1)


def test_retention_follows_the_events_retention_days(api, organiser, clock):
    from tests.support.api import event_doc

    doc = event_doc(api, retention_days=30)
    assert api.put(f"/events/{WORKSHOP_ID}", doc, token=organiser).status == 200
    mine = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).json
    export = api.get(f"{own(mine)}/export").json
    assert export["registration"]["retention_ends"] == "2016-12-30T17:00:00Z"


def test_data_given_after_the_event_is_kept_its_own_retention(api, clock, dynamodb):
    """A registration made long after the event (a rehearsal on the real clock) is
    not born erased: it is kept `retention_days` from the day it was given."""
    clock.set(jakarta("2026-11-30T10:00"))
    late = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).json
    item = dynamodb.get_item(
        TableName=TABLE,
        Key={"pk": {"S": f"ATTENDEE#{late['attendee_id']}"}, "sk": {"S": "ATTENDEE"}},
    )["Item"]
    assert int(item[TTL_ATTRIBUTE]["N"]) == int(jakarta("2027-12-01T00:00").timestamp())
    assert api.get(late["badge"]["url"]).status == 200
    assert api.get(own(late)).status == 200


def test_the_table_deletes_expired_items_by_their_ttl(dynamodb):
    described = dynamodb.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]
    assert described == {"TimeToLiveStatus": "ENABLED", "AttributeName": TTL_ATTRIBUTE}


def test_a_registration_the_organisers_cancelled_is_seen_not_corrected(api, siti, organiser):
    assert api.delete(f"{ATTENDEES}/{siti['attendee_id']}", token=organiser).status == 200
    mine = api.get(own(siti))
    assert (mine.status, mine.json["status"], mine.json["badge"]) == (200, "cancelled", None)
    assert_error(patch(api, own(siti), {"job_title": "Ketua"}), 409, "registration_cancelled")
    assert api.delete(own(siti)).json == {"status": "withdrawn"}
    assert_error(api.get(own(siti)), 404, "not_found")


def test_a_walk_in_replayed_by_its_scan_id_gets_the_same_manage_link(api, desk_token):
    body = registration_body(check_in=True, scan_id="walk-in-own-0001")
    first = api.post(ATTENDEES, body, token=desk_token)
    again = api.post(ATTENDEES, body, token=desk_token)
    assert first.status == again.status == 201
    assert first.json["manage"] == again.json["manage"]
    assert api.get(own(first.json)).status == 200
