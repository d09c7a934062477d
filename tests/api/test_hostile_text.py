"""Issue 17, findings 2-6: input that outgrew the store, invisible characters,
look-alike emails and the registration oracle, through the API on moto.

The table is held to DynamoDB's key-size limits (moto has none), with
test_hostile_input's hook, so a key that would be refused in production fails
here too.
"""

from __future__ import annotations

import pytest

from chalicelib.core.records import DESK_LABELS_A_DAY, DESK_LABELS_AN_EVENT, OTHER_DESK
from tests.api.test_hostile_input import enforce_dynamodb_key_limits
from tests.support.api import assert_error, assert_validation, badge_code, checkin, put_event
from tests.support.aws import moto_table
from tests.support.values import DAY1, TABLE, WORKSHOP_ID, registration_body

REGISTER = f"/events/{WORKSHOP_ID}/registrations"
WALK_INS = f"/events/{WORKSHOP_ID}/attendees"


@pytest.fixture
def dynamodb():
    with moto_table(TABLE) as client:
        client.meta.events.register("provide-client-params.dynamodb.*", enforce_dynamodb_key_limits)
        yield client


# --- finding 3: keys that grow under normalisation ------------------------------------

GROWING = {
    "squared-katakana": "\u3300" * 200,  # one character, five once decomposed
    "arabic-ligature": "\ufdfa" * 200,  # one character, eighteen once decomposed
    "spaced-ligatures": " ".join(["\ufdfa" * 60] * 3),
}


@pytest.mark.parametrize("text", list(GROWING.values()), ids=list(GROWING))
@pytest.mark.parametrize("field", ["name", "organisation"])
def test_text_that_outgrows_its_key_once_normalised_is_a_422(api, field, text):
    reply = api.post(REGISTER, registration_body(**{field: text}))
    assert_validation(reply, field)


def test_a_walk_in_whose_name_outgrows_its_key_is_a_422(api, desk_token):
    body = registration_body(name="\u3300" * 200, check_in=True, scan_id="walkin-growing-1")
    assert_validation(api.post(WALK_INS, body, token=desk_token), "name")


def test_a_search_that_outgrows_its_key_is_a_422(api, desk_token):
    reply = api.get(f"{WALK_INS}?q={'%E3%8C%80' * 200}", token=desk_token)
    assert_validation(reply, "q")


def test_long_names_that_fit_their_keys_still_register(api):
    reply = api.post(REGISTER, registration_body(name="\u3300" * 40, organisation="ก" * 200))
    assert reply.status == 201, reply


# --- finding 4: invisible format characters and control characters --------------------

FORMAT_CHARACTERS = {
    "zero-width-space": "\u200b",
    "left-to-right-mark": "\u200e",
    "right-to-left-mark": "\u200f",
    "word-joiner": "\u2060",
    "byte-order-mark": "\ufeff",
    "soft-hyphen": "\u00ad",
    "arabic-letter-mark": "\u061c",
    "invisible-times": "\u2062",
    "tag-character": "\U000e0041",
    "bidi-isolate": "\u2066",
}
CONTROLS = {"tab": "\t", "newline": "\n", "delete": "\x7f", "c1": "\x85", "line-sep": "\u2028"}
ODD = {**FORMAT_CHARACTERS, **CONTROLS}


@pytest.mark.parametrize("char", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["name", "organisation", "job_title", "display_name"])
def test_registration_texts_refuse_invisible_and_control_characters(api, field, char):
    reply = api.post(REGISTER, registration_body(**{field: f"Siti{char}Rahma"}))
    assert_validation(reply, field)


@pytest.mark.parametrize("char", list(ODD.values()), ids=list(ODD))
def test_staff_texts_refuse_invisible_and_control_characters(api, organiser, desk_token, char):
    text = f"Meja{char}A"
    tokens = api.post(f"/events/{WORKSHOP_ID}/desk-tokens", {"label": text}, token=organiser)
    assert_validation(tokens, "label")
    walk_in = registration_body(desk=text, check_in=True, scan_id="walkin-odd-0001")
    assert_validation(api.post(WALK_INS, walk_in, token=desk_token), "desk")
    attendee = api.post(REGISTER, registration_body()).json
    assert_validation(checkin(api, desk_token, code=badge_code(attendee), desk=text), "desk")
    reissue = api.post(
        f"{WALK_INS}/{attendee['attendee_id']}/badge", {"reason": f"lo{char}st"}, token=desk_token
    )
    assert_validation(reissue, "reason")
    event = api.get(f"/events/{WORKSHOP_ID}").json
    for field, value in (("title", text), ("organisers", [text])):
        reply = api.put(f"/events/{WORKSHOP_ID}", {**event, field: value}, token=organiser)
        assert_validation(reply, field)
    venue = {**event["venue"], "address": text}
    reply = api.put(f"/events/{WORKSHOP_ID}", {**event, "venue": venue}, token=organiser)
    assert_validation(reply, "venue")


@pytest.mark.parametrize("name", ["محمد\u200cعبد الله", "क्\u200dष Devi", "👩\u200d🔬 Siti"])
def test_the_joiners_some_scripts_need_are_kept(api, name):
    reply = api.post(REGISTER, registration_body(name=name))
    assert reply.status == 201, reply
    assert reply.json["name"] == name


# --- finding 5: one person, one registration --------------------------------------------

SAME_PERSON = [
    pytest.param("rene@example.org", "  RENE@Example.ORG ", id="case-and-spaces"),
    pytest.param("ren\u00e9@example.org", "rene\u0301@example.org", id="decomposed-e-acute"),
    pytest.param("siti@bücher.example", "siti@xn--bcher-kva.example", id="idn-against-xn"),
    pytest.param("siti@xn--bcher-kva.example", "siti@BÜCHER.example", id="xn-against-idn"),
    pytest.param("siti@straße.example", "siti@xn--strae-oqa.example", id="idna2008-eszett"),
]


@pytest.mark.parametrize(("first", "second"), SAME_PERSON)
def test_one_person_cannot_register_twice_under_another_spelling(api, first, second):
    assert api.post(REGISTER, registration_body(email=first)).status == 201
    reply = api.post(REGISTER, registration_body(email=second))
    assert_error(reply, 409, "already_registered", personal=(second,))


def test_idna_2003_would_have_merged_two_domains_idna_2008_keeps_apart(api):
    """IDNA 2003 (Python's codec) maps "ß" to "ss": straße and strasse are two domains."""
    assert api.post(REGISTER, registration_body(email="siti@straße.example")).status == 201
    assert api.post(REGISTER, registration_body(email="siti@strasse.example")).status == 201


@pytest.mark.parametrize(
    "email",
    ['"siti"@example.org', '"si ti"@example.org', 'si"ti@example.org', "si\\ti@example.org"],
)
def test_a_quoted_local_part_is_refused(api, email):
    assert_validation(api.post(REGISTER, registration_body(email=email)), "email")


@pytest.mark.parametrize("email", ["siti@xn--zz.example", "siti@-bad-.example", "siti@a..b"])
def test_a_domain_idna_refuses_is_a_422(api, email):
    assert_validation(api.post(REGISTER, registration_body(email=email)), "email")


def test_cancelling_frees_the_normalised_email(api, organiser):
    first = api.post(REGISTER, registration_body(email="siti@BÜCHER.example")).json
    reply = api.delete(f"{WALK_INS}/{first['attendee_id']}", token=organiser)
    assert reply.status == 200, reply
    again = api.post(REGISTER, registration_body(email="siti@xn--bcher-kva.example"))
    assert again.status == 201, again


# --- finding 6: closed and full are decided before the email ----------------------------


@pytest.mark.parametrize("order", ["registered-then-closed", "closed-then-registered"])
def test_a_closed_event_says_closed_whoever_the_email_belongs_to(api, organiser, order):
    event_id = "oracle-closed"
    put_event(api, organiser, event_id)
    path = f"/events/{event_id}/registrations"
    if order == "registered-then-closed":
        assert api.post(path, registration_body(email="known@example.org")).status == 201
        put_event(api, organiser, event_id, registration_open=False)
    else:
        put_event(api, organiser, event_id, registration_open=False)
    for email in ("known@example.org", "KNOWN@example.org", "stranger@example.org"):
        reply = api.post(path, registration_body(email=email))
        assert_error(reply, 409, "registration_closed", personal=(email,))


@pytest.mark.parametrize("order", ["registered-then-full", "full-then-registered"])
def test_a_full_event_says_full_whoever_the_email_belongs_to(api, organiser, order):
    event_id = "oracle-full"
    put_event(api, organiser, event_id, capacity=1)
    path = f"/events/{event_id}/registrations"
    assert api.post(path, registration_body(email="known@example.org")).status == 201
    if order == "full-then-registered":
        # Room again for one, then full once more by someone else.
        put_event(api, organiser, event_id, capacity=2)
        assert api.post(path, registration_body(email="other@example.org")).status == 201
    for email in ("known@example.org", " Known@Example.org", "stranger@example.org"):
        reply = api.post(path, registration_body(email=email))
        assert_error(reply, 409, "event_full", personal=(email,))


def test_a_full_event_still_refuses_a_walk_in_as_full_whoever_it_is(api, organiser):
    event_id = "oracle-desk"
    put_event(api, organiser, event_id, capacity=1)
    token = api.post(f"/events/{event_id}/desk-tokens", {"label": "Desk"}, token=organiser)
    body = registration_body(email="known@example.org")
    assert api.post(f"/events/{event_id}/registrations", body).status == 201
    reply = api.post(f"/events/{event_id}/attendees", body, token=token.json["token"])
    assert_error(reply, 409, "event_full")


# --- finding 2: desk labels are bounded ---------------------------------------------------


def report_day(api, organiser, day=DAY1) -> dict:
    reply = api.get(f"/events/{WORKSHOP_ID}/attendance/report", token=organiser)
    assert reply.status == 200, reply
    return next(item for item in reply.json["days"] if item["date"] == day)


def test_a_day_names_at_most_50_desk_labels_and_counts_the_rest_as_other(
    api, organiser, desk_token, dynamodb
):
    extra = 5
    for index in range(DESK_LABELS_A_DAY + extra):
        attendee = api.post(REGISTER, registration_body(email=f"p{index}@example.org")).json
        reply = checkin(api, desk_token, code=badge_code(attendee), desk=f"Meja {index:03d}")
        assert reply.status == 201, reply
    day = report_day(api, organiser)
    assert len([name for name in day["by_desk"] if name != OTHER_DESK]) == DESK_LABELS_A_DAY
    assert day["by_desk"][OTHER_DESK] == extra
    assert sum(day["by_desk"].values()) == day["checked_in"] == DESK_LABELS_A_DAY + extra
    # A walk-in at a 51st label counts under (other) too.
    walk_in = registration_body(
        email="walkin@example.org", desk="Meja baru", check_in=True, scan_id="walkin-label-51"
    )
    assert api.post(WALK_INS, walk_in, token=desk_token).status == 201
    assert report_day(api, organiser)["by_desk"][OTHER_DESK] == extra + 1
    # A label the day already counts still counts under its own name.
    attendee = api.post(REGISTER, registration_body(email="again@example.org")).json
    assert checkin(api, desk_token, code=badge_code(attendee), desk="Meja 007").status == 201
    assert report_day(api, organiser)["by_desk"]["Meja 007"] == 2
    key = {"pk": {"S": f"EVENT#{WORKSHOP_ID}"}, "sk": {"S": "EVENT"}}
    item = dynamodb.get_item(TableName=TABLE, Key=key)
    labels = [name for name in item["Item"] if name.startswith(f"desk@{DAY1}@")]
    assert len(labels) == DESK_LABELS_A_DAY + 1  # 50 labels and (other)


def test_undoing_a_check_in_counted_as_other_takes_it_off_other(api, organiser, desk_token):
    for index in range(DESK_LABELS_A_DAY):
        attendee = api.post(REGISTER, registration_body(email=f"u{index}@example.org")).json
        assert checkin(api, desk_token, code=badge_code(attendee), desk=f"L{index}").status == 201
    late = api.post(REGISTER, registration_body(email="late@example.org")).json
    assert checkin(api, desk_token, code=badge_code(late), desk="L-late").status == 201
    assert report_day(api, organiser)["by_desk"][OTHER_DESK] == 1
    reply = api.delete(
        f"/events/{WORKSHOP_ID}/checkins/{late['attendee_id']}/{DAY1}", token=organiser
    )
    assert reply.status == 200, reply
    assert OTHER_DESK not in report_day(api, organiser)["by_desk"]


def test_a_check_in_decided_on_a_stale_count_cannot_add_a_51st_label(
    api, organiser, desk_token, store, monkeypatch
):
    """No read-then-write race: the label is counted under a condition on the
    day's label count, so a check-in decided when there was room finds none
    and is decided again (under "(other)")."""
    for index in range(DESK_LABELS_A_DAY - 1):
        attendee = api.post(REGISTER, registration_body(email=f"r{index}@example.org")).json
        assert checkin(api, desk_token, code=badge_code(attendee), desk=f"R{index}").status == 201
    stale = store.events.get(WORKSHOP_ID)  # room for one more label
    racer = api.post(REGISTER, registration_body(email="racer@example.org")).json
    assert checkin(api, desk_token, code=badge_code(racer), desk="R-racer").status == 201
    late = api.post(REGISTER, registration_body(email="late@example.org")).json
    real_load = store.load_for_checkin
    served = []

    def load_once_stale(*args, **kwargs):
        record, *rest = real_load(*args, **kwargs)
        if not served:
            served.append(record)
            return (stale, *rest)
        return (record, *rest)

    monkeypatch.setattr(store, "load_for_checkin", load_once_stale)
    assert checkin(api, desk_token, code=badge_code(late), desk="R-late").status == 201
    assert served  # the stale record was used for the first decision
    monkeypatch.undo()
    by_desk = report_day(api, organiser)["by_desk"]
    assert len([name for name in by_desk if name != OTHER_DESK]) == DESK_LABELS_A_DAY
    assert by_desk[OTHER_DESK] == 1


def test_labels_are_bounded_over_the_event_too(api, organiser, desk_token, dynamodb):
    """100 (day, label) buckets an event; then "(other)" on every day."""
    key = {"pk": {"S": f"EVENT#{WORKSHOP_ID}"}, "sk": {"S": "EVENT"}}
    dynamodb.update_item(
        TableName=TABLE,
        Key=key,
        UpdateExpression="SET desk_labels = :full",
        ExpressionAttributeValues={":full": {"N": str(DESK_LABELS_AN_EVENT)}},
    )
    attendee = api.post(REGISTER, registration_body(email="budget@example.org")).json
    assert checkin(api, desk_token, code=badge_code(attendee), desk="Meja Z").status == 201
    assert report_day(api, organiser)["by_desk"] == {OTHER_DESK: 1}


def test_a_badge_is_reissued_at_most_100_times(api, desk_token, dynamodb):
    from chalicelib.core.domain import MAX_REISSUES

    attendee = api.post(REGISTER, registration_body(email="lost@example.org")).json
    path = f"{WALK_INS}/{attendee['attendee_id']}/badge"
    entry = {"M": {"at": {"S": "2016-11-29T01:00:00+00:00"}, "reason": {"S": "lost"}}}
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"ATTENDEE#{attendee['attendee_id']}"}, "sk": {"S": "ATTENDEE"}},
        UpdateExpression="SET reissues = :many",
        ExpressionAttributeValues={":many": {"L": [entry] * (MAX_REISSUES - 1)}},
    )
    assert api.post(path, {"reason": "lost"}, token=desk_token).status == 201
    reply = api.post(path, {"reason": "lost again"}, token=desk_token)
    assert_error(reply, 409, "too_many_reissues")


def test_prints_past_the_bound_are_not_recorded(api, organiser, dynamodb):
    from chalicelib.core.domain import MAX_PRINTS

    attendee = api.post(REGISTER, registration_body(email="printed@example.org")).json
    key = {"pk": {"S": f"ATTENDEE#{attendee['attendee_id']}"}, "sk": {"S": "ATTENDEE"}}
    dynamodb.update_item(
        TableName=TABLE,
        Key=key,
        UpdateExpression="SET prints = :many",
        ExpressionAttributeValues={":many": {"L": [{"S": "2016-11-28T01:00Z"}] * MAX_PRINTS}},
    )
    other = api.post(REGISTER, registration_body(email="first-print@example.org")).json
    reply = api.get(
        f"/events/{WORKSHOP_ID}/badges.pdf?mark_printed=true",
        token=organiser,
        headers={"Accept": "application/pdf"},
    )
    assert reply.status == 200, reply
    item = dynamodb.get_item(TableName=TABLE, Key=key)["Item"]
    assert len(item["prints"]["L"]) == MAX_PRINTS
    other_key = {"pk": {"S": f"ATTENDEE#{other['attendee_id']}"}, "sk": {"S": "ATTENDEE"}}
    assert len(dynamodb.get_item(TableName=TABLE, Key=other_key)["Item"]["prints"]["L"]) == 1
