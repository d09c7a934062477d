"""Desk work, ../shared/API.md section 6, checked over HTTP.

Search, the attendee view, check-in by attendee id, walk-ins, badge reissue,
cancellation, undoing a check-in and the scan log. As in test_http_contract.py,
every request goes through the Chalice test client (staff auth included) with
the app wired to moto's DynamoDB and a fixed clock; nothing of the app is mocked.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import quote, urlencode

import pytest

from chalicelib.core.badges import MAX_SERIAL
from tests.support.api import (
    assert_error,
    assert_validation,
    attendance,
    badge_code,
    checkin,
    put_event,
)
from tests.support.direct import simulate_reissue
from tests.support.values import DAY1, DAY2, WORKSHOP_ID, jakarta, registration_body

EVENT = f"/events/{WORKSHOP_ID}"
ATTENDEES = f"{EVENT}/attendees"
SECOND_ID = "second-event-2016"
UNKNOWN_ATTENDEE = "a" * 16  # the shape of an attendee id, but nobody's
SITI = ("Siti Rahmawati", "siti@example.org")


# --- helpers ----------------------------------------------------------------


def with_query(path: str, **params) -> str:
    """`path?params`, leaving out None; spaces as %20, as browsers' fetch sends them."""
    kept = {key: value for key, value in params.items() if value is not None}
    return f"{path}?{urlencode(kept, quote_via=quote)}" if kept else path


def search(api, token, q=None, event_id=WORKSHOP_ID, **params):
    return api.get(with_query(f"/events/{event_id}/attendees", q=q, **params), token=token)


def found(api, token, q) -> list[str]:
    """The names a search finds, sorted; a person found twice is listed twice."""
    reply = search(api, token, q)
    assert reply.status == 200, reply
    assert reply.json["next"] is None, reply
    return sorted(person["name"] for person in reply.json["attendees"])


def every_page(api, token, path, key, **params) -> list[list[dict]]:
    """Follow `next` from the first page to the last; the pages, in order."""
    pages, cursor = [], None
    for _ in range(50):
        reply = api.get(with_query(path, next=cursor, **params), token=token)
        assert reply.status == 200, reply
        pages.append(reply.json[key])
        cursor = reply.json["next"]
        if cursor is None:
            return pages
        assert isinstance(cursor, str) and cursor, reply
    raise AssertionError("paging never ended")


def person(api, token, attendee_id, event_id=WORKSHOP_ID):
    reply = api.get(f"/events/{event_id}/attendees/{attendee_id}", token=token)
    assert reply.status == 200, reply
    return reply.json


def walk_in(api, token, event_id=WORKSHOP_ID, **fields):
    return api.post(f"/events/{event_id}/attendees", registration_body(**fields), token=token)


def reissue(api, token, attendee_id, reason="lost", event_id=WORKSHOP_ID):
    body = {} if reason is None else {"reason": reason}
    return api.post(f"/events/{event_id}/attendees/{attendee_id}/badge", body, token=token)


def cancel(api, token, attendee_id, event_id=WORKSHOP_ID):
    return api.delete(f"/events/{event_id}/attendees/{attendee_id}", token=token)


def undo(api, token, attendee_id, on, event_id=WORKSHOP_ID):
    return api.delete(f"/events/{event_id}/checkins/{attendee_id}/{on}", token=token)


def scan_log(api, token, **params) -> list[dict]:
    """Every entry of the scan log (all pages)."""
    pages = every_page(api, token, f"{EVENT}/scans", "scans", **params)
    return [entry for page in pages for entry in page]


def counts(api, organiser) -> dict:
    """The attendance numbers in one flat dict: registered, day1/day2 counts, attended_*."""
    numbers = attendance(api, organiser)
    flat = {key: numbers[key] for key in ("registered", "attended_any", "attended_all_days")}
    for number, day in enumerate(numbers["days"], start=1):
        flat[f"day{number}_registered"] = day["registered"]
        flat[f"day{number}_checked_in"] = day["checked_in"]
    return flat


def changed(before: dict, after: dict) -> dict:
    """How each count moved: only the ones that did."""
    return {key: after[key] - before[key] for key in before if after[key] != before[key]}


def utc(instant) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def desk_token_id(api, organiser, label="Desk A") -> str:
    listed = api.get(f"{EVENT}/desk-tokens", token=organiser).json["desk_tokens"]
    (entry,) = [entry for entry in listed if entry["label"] == label]
    return entry["id"]


def present_everywhere(api, token, code):
    """The answers to a code on the badge page, its QR image and a check-in."""
    return {
        "badge": api.get(f"/badges/{code}"),
        "qr": api.get(f"/badges/{code}/qr.png", headers={"Accept": "image/png"}),
        "checkin": checkin(api, token, code=code),
    }


def assert_revoked_everywhere(api, token, code, named=None):
    """410 everywhere, naming no one; a desk's check-in names `named` (a
    registration still active whose old badge this is) and only them."""
    for route, reply in present_everywhere(api, token, code).items():
        assert reply.status == 410, (route, reply)
        if route == "checkin" and named is not None:
            assert set(reply.json) == {"error", "attendee"}, reply
            assert reply.json["attendee"] == named, reply
            assert_error(reply, 410, "badge_revoked", personal=SITI[1:])  # the email: never
            assert SITI[0] not in reply.json["error"]["message"], reply
        else:
            assert_error(reply, 410, "badge_revoked", personal=SITI)


@pytest.fixture
def second_event(api, organiser):
    put_event(api, organiser, SECOND_ID)
    return SECOND_ID


@pytest.fixture
def siti(register):
    return register()


# --- 1. search ----------------------------------------------------------------

PEOPLE = [
    ("Siti Rahmawati", "Wahana Lingkungan Hidup"),
    ("Đỗ Thị Hương", "Yayasan Konservasi Alam Nusantara"),
    ("Siti Sitompul", "Greenpeace Indonesia"),
    ("Budi Santoso", "Wahana Lingkungan Hidup"),
    ("Rizal Hakim", "Yayasan Siti Nurbaya"),
    ("Dodi Thamrin", "Forum Hijau"),
]


@pytest.fixture
def people(register):
    return {
        name: register(name=name, organisation=organisation, email=f"p{index}@example.org")
        for index, (name, organisation) in enumerate(PEOPLE)
    }


@pytest.mark.parametrize(
    ("q", "names"),
    [
        pytest.param("sit", ["Rizal Hakim", "Siti Rahmawati", "Siti Sitompul"], id="sit"),
        pytest.param("SITI", ["Rizal Hakim", "Siti Rahmawati", "Siti Sitompul"], id="upper"),
        pytest.param("rah", ["Siti Rahmawati"], id="second-word"),
        pytest.param("  Siti   RAHMA ", ["Siti Rahmawati"], id="spaces-and-case"),
        pytest.param("siti g", ["Siti Sitompul"], id="one-letter-word-filters"),
        pytest.param("siti r", ["Rizal Hakim", "Siti Rahmawati"], id="one-letter-any-word"),
        pytest.param("huong", ["Đỗ Thị Hương"], id="huong"),
        pytest.param("do thi", ["Đỗ Thị Hương"], id="do-thi"),
        pytest.param("ĐỖ THỊ", ["Đỗ Thị Hương"], id="DO-THI-accented"),
        pytest.param("Đỗ", ["Dodi Thamrin", "Đỗ Thị Hương"], id="d-stroke-is-d"),
        pytest.param("thi do", ["Đỗ Thị Hương"], id="word-order-free"),
        pytest.param("do", ["Dodi Thamrin", "Đỗ Thị Hương"], id="do-prefix"),
        pytest.param("wahana", ["Budi Santoso", "Siti Rahmawati"], id="organisation"),
        pytest.param("lingkungan hidup", ["Budi Santoso", "Siti Rahmawati"], id="org-words"),
        pytest.param("siti wahana", ["Siti Rahmawati"], id="name-and-organisation"),
        pytest.param("wahana siti", ["Siti Rahmawati"], id="organisation-and-name"),
        pytest.param("siti nurbaya", ["Rizal Hakim"], id="organisation-only"),
        pytest.param("budi siti", [], id="every-word-must-match"),
        pytest.param("siti greenpeace hidup", [], id="three-words-one-missing"),
        pytest.param("ati", [], id="not-inside-a-word"),
        pytest.param("mawati", [], id="not-a-word-end"),
        pytest.param("ompul", [], id="not-inside-second-word"),
        pytest.param("sitix", [], id="longer-than-the-word"),
        pytest.param("zz", [], id="nobody"),
    ],
)
def test_search_matches_starts_of_words(api, desk_token, people, q, names):
    assert found(api, desk_token, q) == names


def test_a_person_with_two_matching_words_is_listed_once(api, desk_token, people):
    reply = search(api, desk_token, "sit")
    ids = [entry["id"] for entry in reply.json["attendees"]]
    assert len(ids) == len(set(ids)) == 3
    assert people["Siti Sitompul"]["attendee_id"] in ids


def test_search_does_not_find_people_of_another_event(api, desk_token, register, second_event):
    register(event_id=second_event, name="Siti Lain", email="lain@example.org")
    register(name="Budi Santoso", email="budi@example.org")
    assert found(api, desk_token, "siti") == []
    assert found(api, desk_token, "budi") == ["Budi Santoso"]


@pytest.mark.parametrize(
    ("name", "q"),
    [
        pytest.param("محمد عبد الله", "محم", id="arabic"),
        pytest.param("محمد عبد الله", "الل", id="arabic-third-word"),
        pytest.param("مُحَمَّد رضا", "محمد", id="arabic-harakat"),
        pytest.param("Дмитрий Иванов", "дми", id="cyrillic"),
        pytest.param("Дмитрий Иванов", "ИВАН", id="cyrillic-upper"),
        pytest.param("Дмитрий Иванов", "Дмитрий", id="cyrillic-short-i"),
        pytest.param("Γιώργος Παπαδόπουλος", "γιωρ", id="greek-no-tonos"),
        pytest.param("Γιώργος Παπαδόπουλος", "ΠΑΠΑΔ", id="greek-upper"),
        pytest.param("Γιώργος Παπαδόπουλος", "Γιώργος", id="greek-final-sigma"),
        pytest.param("佐藤 花子", "佐藤", id="kanji"),
        pytest.param("山田太郎", "山田", id="kanji-one-word"),
        pytest.param("さとう はなこ", "はな", id="hiragana"),
        pytest.param("ｻﾄｳ ﾊﾅｺ", "サト", id="half-width-katakana"),
        pytest.param("Ma'ruf Amin", "ma'ruf", id="apostrophe-typed"),
        pytest.param("Ma’ruf Amin", "ma'ruf", id="curly-apostrophe"),
        pytest.param("Ma'ruf Amin", "amin", id="apostrophe-other-word"),
        pytest.param("Anne-Marie Dupont", "marie", id="hyphen-second-part"),
        pytest.param("Anne-Marie Dupont", "anne-m", id="hyphen-typed"),
        pytest.param("Anne-Marie Dupont", "anne marie", id="hyphen-as-space"),
        pytest.param("José Ramos-Horta", "jose horta", id="accent-and-hyphen"),
        pytest.param("Søren Łukasz", "soren luk", id="stroke-letters"),
        pytest.param("Nguyễn Thị Minh Khai", "nguyen minh", id="vietnamese"),
        pytest.param(
            "Ma'ruf Amin",
            "maruf",
            id="apostrophe-left-out",
        ),
        pytest.param(
            "Budi S",
            "budi s",
            id="one-letter-name-word",
        ),
        pytest.param(
            "प्रिया शर्मा",
            "प्रिया",
            id="devanagari-full-word",
        ),
    ],
)
def test_search_across_scripts(api, desk_token, register, name, q):
    register()  # Siti Rahmawati, who must not be found
    register(name=name, organisation="Komunitas Lintas Budaya", email="other@example.org")
    assert found(api, desk_token, q) == [name]


def test_search_result_shows_status_and_each_days_check_in(api, desk_token, siti):
    reply = search(api, desk_token, "siti")
    assert reply.status == 200, reply
    assert reply.json == {
        "attendees": [
            {
                "id": siti["attendee_id"],
                "name": "Siti Rahmawati",
                "organisation": "Wahana Lingkungan Hidup",
                "status": "active",
                "days": [
                    {"date": DAY1, "checked_in_at": None, "checked_in_at_local": None},
                    {"date": DAY2, "checked_in_at": None, "checked_in_at_local": None},
                ],
                # For the dashboard's filters (walk-ins, registered lately).
                "source": "online",
                "registered_at": "2016-11-29T02:00:00Z",
            }
        ],
        "next": None,
    }
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    (entry,) = search(api, desk_token, "siti").json["attendees"]
    assert entry["days"] == [
        {
            "date": DAY1,
            "checked_in_at": "2016-11-29T02:00:00Z",
            "checked_in_at_local": "2016-11-29T09:00:00+07:00",
        },
        {"date": DAY2, "checked_in_at": None, "checked_in_at_local": None},
    ]


def test_search_lists_only_the_days_registered_for(api, desk_token, register):
    register(days=[DAY2])
    (entry,) = search(api, desk_token, "siti").json["attendees"]
    assert [day["date"] for day in entry["days"]] == [DAY2]


def test_search_shows_a_cancelled_registration_as_cancelled(
    api, desk_token, organiser, siti, register
):
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    again = register()  # the same person registers anew
    reply = search(api, desk_token, "siti rahmawati")
    statuses = {entry["id"]: entry["status"] for entry in reply.json["attendees"]}
    assert statuses == {siti["attendee_id"]: "cancelled", again["attendee_id"]: "active"}


@pytest.mark.parametrize("token_name", ["desk_token", "organiser"])
@pytest.mark.parametrize("q", ["-", "%", "s r", "a b c"])
def test_a_query_without_a_word_of_two_letters_or_one_alone_is_422(
    api, siti, request, token_name, q
):
    token = request.getfixturevalue(token_name)
    assert_validation(search(api, token, q), "q")


def test_a_blank_query_is_no_query(api, desk_token, organiser, siti):
    # A search box sent empty: the desk must still type something; the
    # organiser gets the whole list, as without q.
    assert_validation(search(api, desk_token, ""), "q")
    reply = search(api, organiser, "")
    assert [entry["id"] for entry in reply.json["attendees"]] == [siti["attendee_id"]]


def test_a_desk_must_send_q(api, desk_token, siti):
    assert_validation(search(api, desk_token), "q")


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"limit": "-1"}, {"page": "2"}],
    ids=str,
)
def test_bad_search_parameters_are_422(api, desk_token, params):
    assert_validation(search(api, desk_token, "siti", **params), tuple(params))


NAMES_IN_NO_ORDER = ["Gita Putri", "Agus Salim", "Eko Prasetyo", "Citra Dewi", "Fitri Handayani"]
NAMES_IN_NO_ORDER += ["Bambang Wijaya", "Dewi Lestari"]


@pytest.mark.parametrize(("how_many", "sizes"), [(7, [3, 3, 1]), (6, [3, 3])])
def test_an_organiser_pages_through_everyone_by_name(api, organiser, register, how_many, sizes):
    ids = {
        register(name=name, email=f"p{index}@example.org")["attendee_id"]: name
        for index, name in enumerate(NAMES_IN_NO_ORDER[:how_many])
    }
    pages = every_page(api, organiser, ATTENDEES, "attendees", limit=3)
    assert [len(page) for page in pages] == sizes
    listed = [entry for page in pages for entry in page]
    assert {entry["id"]: entry["name"] for entry in listed} == ids
    assert len(listed) == how_many
    assert [entry["name"] for entry in listed] == sorted(ids.values())


def test_organiser_list_includes_cancelled_registrations(api, organiser, siti, register):
    budi = register(name="Budi Santoso", email="budi@example.org")
    assert cancel(api, organiser, budi["attendee_id"]).status == 200
    listed = every_page(api, organiser, ATTENDEES, "attendees")
    assert [(entry["name"], entry["status"]) for page in listed for entry in page] == [
        ("Budi Santoso", "cancelled"),
        ("Siti Rahmawati", "active"),
    ]


def test_a_name_is_listed_before_longer_names_it_starts(api, organiser, register):
    register(name="Budi Santoso", email="budi.santoso@example.org")
    register(name="Budi", email="budi@example.org")
    listed = every_page(api, organiser, ATTENDEES, "attendees")
    assert [entry["name"] for page in listed for entry in page] == ["Budi", "Budi Santoso"]


def test_search_pages_with_limit_and_next(api, desk_token, register):
    budis = {
        register(name=f"Budi {surname}", email=f"budi{index}@example.org")["attendee_id"]
        for index, surname in enumerate(["Santoso", "Hartono", "Gunawan", "Utomo", "Prakoso"])
    }
    register(name="Bunga Citra", email="bunga@example.org")  # same index partition "bu"
    register()
    pages = every_page(api, desk_token, ATTENDEES, "attendees", q="budi", limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    ids = [entry["id"] for page in pages for entry in page]
    assert sorted(ids) == sorted(budis)


def test_search_pages_list_a_person_with_two_matching_words_once(api, desk_token, register):
    expected = {
        register(name=name, organisation=organisation, email=f"s{index}@example.org")["attendee_id"]
        for index, (name, organisation) in enumerate(
            [
                ("Siti Sitompul", "Greenpeace Indonesia"),
                ("Sitorus Siti", "Forum Hijau"),
                ("Siti", "Yayasan Siti Nurbaya"),  # the same word in name and organisation
                ("Sitti Situmorang Sitanggang", "Situs Budaya"),
            ]
        )
    }
    pages = every_page(api, desk_token, ATTENDEES, "attendees", q="sit", limit=1)
    ids = [entry["id"] for page in pages for entry in page]
    assert sorted(ids) == sorted(expected)
    assert all(len(page) <= 1 for page in pages)


def first_cursor(api, token, **params) -> str:
    reply = search(api, token, limit=1, **params)
    assert reply.status == 200, reply
    assert reply.json["next"], reply
    return reply.json["next"]


@pytest.mark.parametrize(
    "cursor_kind",
    ["garbage", "base64-json-list", "base64-wrong-keys", "list-cursor-in-search", "other-word"],
)
def test_a_garbage_next_is_422(api, organiser, register, cursor_kind):
    register()
    register(name="Siti Sitompul", email="s2@example.org")
    register(name="Budi Santoso", email="budi@example.org")
    register(name="Budi Hartono", email="budi2@example.org")
    cursors = {
        "garbage": ("siti", "not a cursor!"),
        "base64-json-list": ("siti", "WzEsMiwzXQ"),  # [1,2,3]
        "base64-wrong-keys": ("siti", "eyJhIjoiYiJ9"),  # {"a":"b"}
        "list-cursor-in-search": ("siti", first_cursor(api, organiser)),
        "other-word": ("siti", first_cursor(api, organiser, q="budi")),
    }
    q, cursor = cursors[cursor_kind]
    assert_validation(search(api, organiser, q, next=cursor), "next")


def test_a_search_cursor_does_not_list_everyone(api, organiser, register):
    register()
    register(name="Siti Sitompul", email="s2@example.org")
    cursor = first_cursor(api, organiser, q="siti")
    assert_validation(search(api, organiser, next=cursor), "next")


def test_search_of_an_unknown_event_is_404(api, organiser):
    assert_error(search(api, organiser, "siti", event_id="no-such-event"), 404, "event_not_found")
    assert_error(search(api, organiser, event_id="no-such-event"), 404, "event_not_found")


# --- 2. the attendee view -----------------------------------------------------


def test_attendee_view_shape(api, desk_token, register):
    registration = register(phone="+62 812 3456 7890", job_title="Campaigner", days=[DAY1])
    code = badge_code(registration)
    assert person(api, desk_token, registration["attendee_id"]) == {
        "attendee_id": registration["attendee_id"],
        "event_id": WORKSHOP_ID,
        "name": "Siti Rahmawati",
        "display_name": "Siti",
        "email": "siti@example.org",
        "phone": "+62 812 3456 7890",
        "organisation": "Wahana Lingkungan Hidup",
        "organisation_type": "ngo",
        "job_title": "Campaigner",
        "gender": "female",
        "days": [DAY1],
        "status": "active",
        "source": "online",
        "registered_at": "2016-11-29T02:00:00Z",
        "cancelled_at": None,
        "badge": {**registration["badge"], "status": "active", "reissues": [], "prints": []},
        "checkins": [],
        "changes": [],
        "payments": [],  # API.md section 12
        "emails": [],  # API.md section 14
    }
    assert registration["badge"]["code"] == code


def test_attendee_view_lists_check_ins(api, desk_token, organiser, siti, clock):
    token_id = desk_token_id(api, organiser)
    assert checkin(api, desk_token, code=badge_code(siti), desk="Pintu 1").status == 201
    clock.set(jakarta("2016-11-30T08:15"))
    assert checkin(api, organiser, attendee_id=siti["attendee_id"]).status == 201
    assert person(api, desk_token, siti["attendee_id"])["checkins"] == [
        {
            "date": DAY1,
            "checked_in_at": "2016-11-29T02:00:00Z",
            "checked_in_at_local": "2016-11-29T09:00:00+07:00",
            "desk": "Pintu 1",
            "desk_token_id": token_id,
        },
        {
            "date": DAY2,
            "checked_in_at": "2016-11-30T01:15:00Z",
            "checked_in_at_local": "2016-11-30T08:15:00+07:00",
            "desk": "Organiser",
            "desk_token_id": None,
        },
    ]


def test_attendee_view_carries_the_registration_fields(api, desk_token, siti):
    view = person(api, desk_token, siti["attendee_id"])
    # The manage token is the attendee's alone: given at registration, never to staff.
    assert "manage" not in view
    kept = [key for key in siti if key not in ("badge", "manage")]
    assert {key: view.get(key) for key in kept} == {key: siti[key] for key in kept}


@pytest.mark.parametrize(
    "attendee_id", [UNKNOWN_ATTENDEE, "not-an-id", "A" * 16, "x" * 64], ids=str
)
def test_attendee_view_of_an_unknown_attendee_is_404(api, desk_token, siti, attendee_id):
    reply = api.get(f"{ATTENDEES}/{attendee_id}", token=desk_token)
    assert_error(reply, 404, "attendee_not_found")


def test_attendee_of_another_event_is_attendee_not_found(
    api, desk_token, organiser, register, second_event
):
    theirs = register(event_id=second_event)["attendee_id"]
    assert_error(api.get(f"{ATTENDEES}/{theirs}", token=desk_token), 404, "attendee_not_found")
    assert_error(api.get(f"{ATTENDEES}/{theirs}", token=organiser), 404, "attendee_not_found")
    assert person(api, organiser, theirs, event_id=second_event)["event_id"] == second_event


def test_attendee_view_of_an_unknown_event_is_404(api, organiser, siti):
    reply = api.get(f"/events/no-such-event/attendees/{siti['attendee_id']}", token=organiser)
    assert_error(reply, 404, "event_not_found")


# --- 3. check-in by attendee id -----------------------------------------------


def set_up_not_registered_for_day(api, register, organiser, clock):
    return register(days=[DAY2])


def set_up_outside_hours(api, register, organiser, clock):
    registration = register()
    clock.set(jakarta("2016-11-29T07:00"))
    return registration


def set_up_not_an_event_day(api, register, organiser, clock):
    registration = register()
    clock.set(jakarta("2016-12-01T09:00"))
    return registration


def set_up_cancelled(api, register, organiser, clock):
    registration = register()
    assert cancel(api, organiser, registration["attendee_id"]).status == 200
    return registration


def set_up_other_event(api, register, organiser, clock):
    put_event(api, organiser, SECOND_ID)
    return register(event_id=SECOND_ID)


@pytest.mark.parametrize(
    ("set_up", "status", "code"),
    [
        (set_up_not_registered_for_day, 409, "not_registered_for_day"),
        (set_up_outside_hours, 409, "outside_checkin_hours"),
        (set_up_not_an_event_day, 409, "not_an_event_day"),
        (set_up_cancelled, 410, "badge_revoked"),
        (set_up_other_event, 409, "wrong_event"),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_check_in_by_id_refuses_as_by_code(
    api, register, desk_token, organiser, clock, set_up, status, code
):
    registration = set_up(api, register, organiser, clock)
    before = counts(api, organiser)
    by_id = checkin(api, desk_token, attendee_id=registration["attendee_id"])
    by_code = checkin(api, desk_token, code=badge_code(registration))
    assert_error(by_id, status, code, personal=SITI)
    assert (by_id.status, by_id.json) == (by_code.status, by_code.json)
    assert counts(api, organiser) == before


def test_check_in_by_id_of_someone_with_a_reissued_badge(api, desk_token, siti):
    assert reissue(api, desk_token, siti["attendee_id"]).status == 201
    reply = checkin(api, desk_token, attendee_id=siti["attendee_id"])
    assert reply.status == 201, reply


def test_check_in_by_id_replays_the_same_scan_id(api, desk_token, organiser, siti, register, clock):
    budi = register(name="Budi Santoso", email="budi@example.org")
    body = {"attendee_id": siti["attendee_id"], "scan_id": "desk-a-by-id-1", "desk": "Desk 1"}
    first = api.post(f"{EVENT}/checkins", body, token=desk_token)
    assert first.status == 201, first
    assert first.json["result"] == "checked_in"
    after_first = counts(api, organiser)
    clock.set(jakarta("2016-11-29T10:00"))
    for again_body in (body, {**body, "attendee_id": budi["attendee_id"]}):
        again = api.post(f"{EVENT}/checkins", again_body, token=desk_token)
        assert (again.status, again.json) == (first.status, first.json)
    assert counts(api, organiser) == after_first
    # A new scan of the same person: already checked in, the first time kept.
    second = checkin(api, desk_token, attendee_id=siti["attendee_id"])
    assert second.status == 200, second
    assert {**second.json, "result": "checked_in"} == first.json


# --- 4. walk-ins ----------------------------------------------------------------


def test_walk_in_without_check_in(api, desk_token, organiser):
    before = counts(api, organiser)
    reply = walk_in(api, desk_token)
    assert reply.status == 201, reply
    code = badge_code(reply.json)
    token = reply.json["manage"]["token"]
    assert reply.json == {
        "attendee_id": reply.json["attendee_id"],
        "event_id": WORKSHOP_ID,
        "name": "Siti Rahmawati",
        "display_name": "Siti",
        "organisation": "Wahana Lingkungan Hidup",
        "days": [DAY1, DAY2],
        "badge": {"code": code, "qr_png_url": f"/badges/{code}/qr.png", "url": f"/badges/{code}"},
        "checkin": None,
        # The walk-in's own link, for the desk to hand over (API.md section 10).
        "manage": {"token": token, "url": f"/me/{token}"},
    }
    assert changed(before, counts(api, organiser)) == {
        "registered": 1,
        "day1_registered": 1,
        "day2_registered": 1,
    }
    view = person(api, desk_token, reply.json["attendee_id"])
    assert (view["source"], view["checkins"]) == ("walk_in", [])
    assert api.get(f"/badges/{code}").status == 200
    assert checkin(api, desk_token, code=code).status == 201


def test_a_walk_in_takes_a_display_name_or_gets_the_default(api, desk_token):
    reply = walk_in(api, desk_token, name="Ni Made Ayu Sekarini", display_name="Sekar")
    assert reply.status == 201, reply
    assert reply.json["display_name"] == "Sekar"
    assert person(api, desk_token, reply.json["attendee_id"])["display_name"] == "Sekar"
    reply = walk_in(
        api, desk_token, name="Drs. H. Mulyadi Saputra, M.Si.", email="mulyadi@example.org"
    )
    assert reply.status == 201, reply
    assert reply.json["display_name"] == "Mulyadi"
    too_long = walk_in(api, desk_token, email="x@example.org", display_name="D" * 41)
    assert_validation(too_long, "display_name")


def test_walk_in_with_check_in(api, desk_token, organiser):
    before = counts(api, organiser)
    reply = walk_in(api, desk_token, check_in=True, scan_id="walk-in-000001", days=[DAY1])
    assert reply.status == 201, reply
    attendee_id = reply.json["attendee_id"]
    assert reply.json["days"] == [DAY1]
    assert reply.json["checkin"] == {
        "result": "checked_in",
        "attendee": {
            "id": attendee_id,
            "name": "Siti Rahmawati",
            "display_name": "Siti",
            "organisation": "Wahana Lingkungan Hidup",
        },
        "day": {"number": 1, "date": DAY1},
        "checked_in_at": "2016-11-29T02:00:00Z",
        "checked_in_at_local": "2016-11-29T09:00:00+07:00",
        "desk": "Desk A",
    }
    # Registered for day 1 only, and in on day 1: that is every day *they* came
    # for, but not every day of the event, so attended_all_days does not move.
    assert changed(before, counts(api, organiser)) == {
        "registered": 1,
        "day1_registered": 1,
        "day1_checked_in": 1,
        "attended_any": 1,
    }
    view = person(api, desk_token, attendee_id)
    assert view["source"] == "walk_in"
    assert [entry["date"] for entry in view["checkins"]] == [DAY1]
    again = checkin(api, desk_token, code=badge_code(reply.json))
    assert again.status == 200, again
    assert again.json["result"] == "already_checked_in"


def test_a_walk_in_for_every_day_is_counted_once_checked_in(api, desk_token, organiser):
    before = counts(api, organiser)
    reply = walk_in(api, desk_token, check_in=True, scan_id="walk-in-000002", desk="Pintu 2")
    assert reply.status == 201, reply
    assert reply.json["checkin"]["desk"] == "Pintu 2"
    assert changed(before, counts(api, organiser)) == {
        "registered": 1,
        "day1_registered": 1,
        "day2_registered": 1,
        "day1_checked_in": 1,
        "attended_any": 1,
    }


def test_a_repeated_walk_in_replays_the_first_answer(api, desk_token, organiser, clock):
    body = registration_body(check_in=True, scan_id="walk-in-000003")
    first = api.post(ATTENDEES, body, token=desk_token)
    assert first.status == 201, first
    after_first = counts(api, organiser)
    clock.set(jakarta("2016-11-29T09:45"))
    for _ in range(2):
        again = api.post(ATTENDEES, body, token=desk_token)
        assert (again.status, again.json) == (first.status, first.json)
    assert counts(api, organiser) == after_first
    listed = every_page(api, organiser, ATTENDEES, "attendees")
    assert [entry["id"] for page in listed for entry in page] == [first.json["attendee_id"]]


def test_walk_in_check_in_needs_a_scan_id(api, desk_token, organiser):
    before = counts(api, organiser)
    reply = walk_in(api, desk_token, check_in=True)
    assert_validation(reply, ("scan_id", "body"), personal=SITI)
    assert counts(api, organiser) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": None}, "consent"),
        ({"consent": False}, "consent"),
        ({"name": None}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"scan_id": "short", "check_in": True}, "scan_id"),
        ({"check_in": "yes", "scan_id": "walk-in-000004"}, "check_in"),
        ({"desk": "D" * 65}, "desk"),
        ({"days": ["2016-12-01"]}, "days"),
        ({"unexpected": 1}, "unexpected"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_walk_in_validation(api, desk_token, organiser, overrides, field):
    reply = walk_in(api, desk_token, **overrides)
    assert_validation(reply, field, personal=SITI)
    assert counts(api, organiser)["registered"] == 0


def test_the_desk_registers_walk_ins_after_registration_closes(api, desk_token, organiser):
    put_event(api, organiser, WORKSHOP_ID, registration_open=False)
    public = api.post(f"{EVENT}/registrations", registration_body())
    assert_error(public, 409, "registration_closed", personal=SITI)
    reply = walk_in(api, desk_token, check_in=True, scan_id="walk-in-closed-1")
    assert reply.status == 201, reply
    assert reply.json["checkin"]["result"] == "checked_in"
    assert counts(api, organiser)["registered"] == 1


def test_a_walk_in_to_a_full_event_is_event_full(api, desk_token, organiser, register):
    put_event(api, organiser, WORKSHOP_ID, capacity=1)
    register(email="first@example.org")
    before = counts(api, organiser)
    reply = walk_in(api, desk_token, check_in=True, scan_id="walk-in-full-01")
    assert_error(reply, 409, "event_full", personal=SITI)
    assert counts(api, organiser) == before
    assert scan_log(api, organiser) == []


@pytest.mark.parametrize("check_in", [False, True])
def test_a_walk_in_with_a_registered_email_is_already_registered(
    api, desk_token, organiser, siti, check_in
):
    before = counts(api, organiser)
    reply = walk_in(
        api,
        desk_token,
        email="  SITI@Example.org ",
        name="Siti R.",
        check_in=check_in,
        scan_id="walk-in-dup-01" if check_in else None,
    )
    assert_error(reply, 409, "already_registered", personal=(*SITI, "Siti R."))
    assert counts(api, organiser) == before


def test_a_walk_in_outside_check_in_hours_is_registered_not_checked_in(
    api, desk_token, organiser, clock
):
    clock.set(jakarta("2016-11-29T07:00"))
    before = counts(api, organiser)
    reply = walk_in(api, desk_token, check_in=True, scan_id="walk-in-early-1")
    assert reply.status == 201, reply
    error = reply.json["checkin"]["error"]
    assert error["code"] == "outside_checkin_hours"
    assert "08:00" in error["message"] and "17:00" in error["message"]
    assert set(reply.json["checkin"]) == {"error"}
    assert changed(before, counts(api, organiser)) == {
        "registered": 1,
        "day1_registered": 1,
        "day2_registered": 1,
    }
    assert person(api, desk_token, reply.json["attendee_id"])["checkins"] == []
    (entry,) = scan_log(api, organiser)
    assert (entry["scan_id"], entry["result"], entry["error_code"]) == (
        "walk-in-early-1",
        None,
        "outside_checkin_hours",
    )
    # At 08:00 the desk checks the walk-in in with the new badge.
    clock.set(jakarta("2016-11-29T08:00"))
    assert checkin(api, desk_token, code=badge_code(reply.json)).status == 201


def test_walk_in_on_another_event_is_403(api, desk_token, second_event):
    assert_error(walk_in(api, desk_token, event_id=second_event), 403, "forbidden")


def test_walk_in_of_an_unknown_event_is_404(api, organiser):
    assert_error(walk_in(api, organiser, event_id="no-such-event"), 404, "event_not_found")


# --- 5. reissue -----------------------------------------------------------------


def test_reissue_revokes_the_old_code_and_the_new_one_works(
    api, desk_token, organiser, siti, clock
):
    old = badge_code(siti)
    clock.set(jakarta("2016-11-29T08:30"))
    reply = reissue(api, desk_token, siti["attendee_id"], reason="lost")
    assert reply.status == 201, reply
    new = reply.json["badge"]["code"]
    assert new != old
    assert reply.json == {
        "badge": {"code": new, "qr_png_url": f"/badges/{new}/qr.png", "url": f"/badges/{new}"}
    }
    assert_revoked_everywhere(
        api, desk_token, old, named={"id": siti["attendee_id"], "name": SITI[0]}
    )
    assert api.get(f"/badges/{new}").status == 200
    qr = api.get(f"/badges/{new}/qr.png", headers={"Accept": "image/png"})
    assert qr.status == 200, qr
    accepted = checkin(api, desk_token, code=new)
    assert accepted.status == 201, accepted

    view = person(api, desk_token, siti["attendee_id"])
    assert view["badge"] == {
        **reply.json["badge"],
        "status": "active",
        "reissues": [
            {
                "at": "2016-11-29T01:30:00Z",
                "at_local": "2016-11-29T08:30:00+07:00",
                "by": desk_token_id(api, organiser),
                "reason": "lost",
            }
        ],
        "prints": [],
    }


def test_reissuing_twice_revokes_both_older_codes(api, desk_token, organiser, siti):
    first = badge_code(siti)
    second = reissue(api, desk_token, siti["attendee_id"]).json["badge"]["code"]
    third_reply = reissue(api, organiser, siti["attendee_id"], reason="Nama salah dicetak")
    assert third_reply.status == 201, third_reply
    third = third_reply.json["badge"]["code"]
    assert len({first, second, third}) == 3
    for old in (first, second):
        assert_revoked_everywhere(
            api, desk_token, old, named={"id": siti["attendee_id"], "name": SITI[0]}
        )
    assert checkin(api, desk_token, code=third).status == 201
    reissues = person(api, desk_token, siti["attendee_id"])["badge"]["reissues"]
    assert [(entry["by"], entry["reason"]) for entry in reissues] == [
        (desk_token_id(api, organiser), "lost"),
        ("organiser", "Nama salah dicetak"),
    ]


def test_a_checked_in_person_keeps_their_check_in_after_a_reissue(api, desk_token, organiser, siti):
    first = checkin(api, desk_token, code=badge_code(siti))
    assert first.status == 201
    new = reissue(api, desk_token, siti["attendee_id"]).json["badge"]["code"]
    again = checkin(api, desk_token, code=new)
    assert again.status == 200, again
    assert {**again.json, "result": "checked_in"} == first.json
    assert counts(api, organiser)["day1_checked_in"] == 1


@pytest.mark.parametrize(
    "reason",
    [None, "", "   ", "R" * 201, 42, "lost\x00", ["lost"]],
    ids=["missing", "empty", "blank", "201-chars", "number", "control-char", "list"],
)
def test_reissue_needs_a_reason_of_1_to_200_characters(api, desk_token, siti, reason):
    assert_validation(reissue(api, desk_token, siti["attendee_id"], reason=reason), "reason")
    assert api.get(f"/badges/{badge_code(siti)}").status == 200  # still current


@pytest.mark.parametrize("reason", ["x", "R" * 200, "hilang di parkiran 🚗"], ids=len)
def test_reissue_reasons_at_the_limits(api, desk_token, siti, reason):
    assert reissue(api, desk_token, siti["attendee_id"], reason=reason).status == 201
    (entry,) = person(api, desk_token, siti["attendee_id"])["badge"]["reissues"]
    assert entry["reason"] == reason


def test_reissue_of_a_cancelled_registration_is_409(api, desk_token, organiser, siti):
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    reply = reissue(api, desk_token, siti["attendee_id"])
    assert_error(reply, 409, "registration_cancelled", personal=SITI)
    assert person(api, desk_token, siti["attendee_id"])["badge"]["reissues"] == []


def test_reissue_of_an_unknown_or_foreign_attendee_is_404(
    api, desk_token, organiser, register, second_event
):
    theirs = register(event_id=second_event)
    for attendee_id in (UNKNOWN_ATTENDEE, "not-an-id", theirs["attendee_id"]):
        assert_error(reissue(api, organiser, attendee_id), 404, "attendee_not_found")
    assert api.get(theirs["badge"]["url"]).status == 200  # untouched


def test_a_badge_at_the_last_serial_is_not_reissued_again(api, desk_token, dynamodb, siti):
    # A code carries its serial in 16 bits: MAX_SERIAL reissues at most. A stored
    # serial one short of it stands in for 65,534 reissues.
    simulate_reissue(dynamodb, siti["attendee_id"], badge_serial=MAX_SERIAL - 1)
    last = reissue(api, desk_token, siti["attendee_id"])
    assert last.status == 201, last
    code = last.json["badge"]["code"]

    reply = reissue(api, desk_token, siti["attendee_id"], reason="lost again")
    assert_error(reply, 409, "too_many_reissues", personal=SITI)
    view = person(api, desk_token, siti["attendee_id"])
    assert [entry["reason"] for entry in view["badge"]["reissues"]] == ["lost"]
    assert view["badge"]["code"] == code  # the last code stays current
    assert checkin(api, desk_token, code=code).status == 201


# --- 6. cancel ------------------------------------------------------------------


def test_cancel(api, desk_token, organiser, register, clock):
    register(email="budi@example.org", name="Budi Santoso")
    siti = register(days=[DAY2])
    before = counts(api, organiser)
    clock.set(jakarta("2016-11-29T10:00"))
    reply = cancel(api, organiser, siti["attendee_id"])
    assert (reply.status, reply.json) == (200, {"status": "cancelled"})
    assert changed(before, counts(api, organiser)) == {"registered": -1, "day2_registered": -1}
    assert_revoked_everywhere(api, desk_token, badge_code(siti))
    clock.set(jakarta("2016-11-30T09:00"))
    assert_error(checkin(api, desk_token, code=badge_code(siti)), 410, "badge_revoked")
    by_id = checkin(api, desk_token, attendee_id=siti["attendee_id"])
    assert_error(by_id, 410, "badge_revoked")
    view = person(api, desk_token, siti["attendee_id"])
    assert (view["status"], view["cancelled_at"]) == ("cancelled", "2016-11-29T03:00:00Z")
    assert view["badge"] == {
        "code": None,
        "qr_png_url": None,
        "url": None,
        "status": "revoked",
        "reissues": [],
        "prints": [],
    }


def test_cancelling_twice_drops_the_counts_once(api, organiser, siti):
    before = counts(api, organiser)
    for _ in range(2):
        reply = cancel(api, organiser, siti["attendee_id"])
        assert (reply.status, reply.json) == (200, {"status": "cancelled"})
    assert changed(before, counts(api, organiser)) == {
        "registered": -1,
        "day1_registered": -1,
        "day2_registered": -1,
    }


def test_the_email_may_register_again_after_a_cancel(api, organiser, siti, register):
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    again = register(email="Siti@Example.org")
    assert again["attendee_id"] != siti["attendee_id"]
    assert counts(api, organiser)["registered"] == 1
    assert api.get(again["badge"]["url"]).status == 200
    # The old registration stays cancelled; cancelling it again frees nothing more.
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    assert_error(api.post(f"{EVENT}/registrations", registration_body()), 409, "already_registered")
    assert counts(api, organiser)["registered"] == 1


def test_a_cancel_frees_a_place_in_a_full_event(api, organiser, siti, register):
    put_event(api, organiser, WORKSHOP_ID, capacity=1)
    assert_error(
        api.post(f"{EVENT}/registrations", registration_body(email="budi@example.org")),
        409,
        "event_full",
    )
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    register(email="budi@example.org")


def test_cancel_once_checked_in_is_409_until_undone(api, desk_token, organiser, siti, clock):
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    clock.set(jakarta("2016-11-30T09:00"))
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    before = counts(api, organiser)
    assert_error(cancel(api, organiser, siti["attendee_id"]), 409, "already_checked_in")
    assert undo(api, organiser, siti["attendee_id"], DAY1).status == 200
    assert_error(cancel(api, organiser, siti["attendee_id"]), 409, "already_checked_in")
    assert undo(api, organiser, siti["attendee_id"], DAY2).status == 200
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    assert changed(before, counts(api, organiser)) == {
        "registered": -1,
        "day1_registered": -1,
        "day2_registered": -1,
        "day1_checked_in": -1,
        "day2_checked_in": -1,
        "attended_any": -1,
        "attended_all_days": -1,
    }
    assert person(api, organiser, siti["attendee_id"])["status"] == "cancelled"


def test_a_desk_may_not_cancel(api, desk_token, organiser, siti):
    assert_error(cancel(api, desk_token, siti["attendee_id"]), 403, "forbidden")
    assert person(api, organiser, siti["attendee_id"])["status"] == "active"


def test_cancel_of_an_unknown_or_foreign_attendee_is_404(api, organiser, register, second_event):
    theirs = register(event_id=second_event)
    for attendee_id in (UNKNOWN_ATTENDEE, "not-an-id", theirs["attendee_id"]):
        assert_error(cancel(api, organiser, attendee_id), 404, "attendee_not_found")
    assert api.get(theirs["badge"]["url"]).status == 200


# --- 7. undo a check-in -----------------------------------------------------------


def test_undo_a_check_in(api, desk_token, organiser, siti, clock):
    first = checkin(api, desk_token, code=badge_code(siti))
    assert first.status == 201
    before = counts(api, organiser)
    clock.set(jakarta("2016-11-29T09:30"))
    reply = undo(api, organiser, siti["attendee_id"], DAY1)
    assert reply.status == 200, reply
    assert reply.json == {**first.json, "result": "undone", "undone_at": "2016-11-29T02:30:00Z"}
    assert changed(before, counts(api, organiser)) == {"day1_checked_in": -1, "attended_any": -1}
    assert person(api, organiser, siti["attendee_id"])["checkins"] == []
    (entry,) = search(api, desk_token, "siti").json["attendees"]
    assert entry["days"][0]["checked_in_at"] is None

    clock.set(jakarta("2016-11-29T09:45"))
    again = checkin(api, desk_token, code=badge_code(siti))
    assert again.status == 201, again
    assert again.json["checked_in_at"] == "2016-11-29T02:45:00Z"
    assert counts(api, organiser) == before


def test_undo_day_one_of_someone_who_came_both_days(api, desk_token, organiser, siti, clock):
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    clock.set(jakarta("2016-11-30T09:00"))
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    before = counts(api, organiser)
    assert (before["attended_any"], before["attended_all_days"]) == (1, 1)
    reply = undo(api, organiser, siti["attendee_id"], DAY1)
    assert reply.status == 200, reply
    assert reply.json["day"] == {"number": 1, "date": DAY1}
    assert changed(before, counts(api, organiser)) == {
        "day1_checked_in": -1,
        "attended_all_days": -1,
    }
    # Checked in again for day 1: a scan queued offline yesterday arrives.
    late = checkin(api, desk_token, code=badge_code(siti), scanned_at="2016-11-29T16:00:00+07:00")
    assert late.status == 201, late
    assert counts(api, organiser) == before


def test_undoing_a_day_without_check_in_is_404(api, desk_token, organiser, siti):
    assert_error(undo(api, organiser, siti["attendee_id"], DAY1), 404, "checkin_not_found")
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    assert_error(undo(api, organiser, siti["attendee_id"], DAY2), 404, "checkin_not_found")
    assert_error(undo(api, organiser, siti["attendee_id"], "2016-12-01"), 404, "checkin_not_found")
    assert undo(api, organiser, siti["attendee_id"], DAY1).status == 200
    assert_error(undo(api, organiser, siti["attendee_id"], DAY1), 404, "checkin_not_found")
    assert counts(api, organiser)["day1_checked_in"] == 0


@pytest.mark.parametrize("on", ["yesterday", "2016-13-01", "2016-11-31", "29-11-2016", "2016-11"])
def test_undo_with_a_bad_date_is_422(api, desk_token, organiser, siti, on):
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    assert_validation(undo(api, organiser, siti["attendee_id"], on), "date")
    assert counts(api, organiser)["day1_checked_in"] == 1


def test_undo_of_an_unknown_or_foreign_attendee_is_404(
    api, organiser, siti, register, second_event
):
    theirs = register(event_id=second_event, email="budi@example.org")["attendee_id"]
    assert checkin(api, organiser, event_id=second_event, attendee_id=theirs).status == 201
    for attendee_id in (UNKNOWN_ATTENDEE, "not-an-id", theirs):
        assert_error(undo(api, organiser, attendee_id, DAY1), 404, "attendee_not_found")
    assert person(api, organiser, theirs, event_id=second_event)["checkins"] != []


def test_undo_is_logged_in_the_scan_log(api, desk_token, organiser, siti, clock):
    assert checkin(api, desk_token, code=badge_code(siti), scan_id="desk-a-undo-01").status == 201
    clock.set(jakarta("2016-11-29T10:00"))
    assert undo(api, organiser, siti["attendee_id"], DAY1).status == 200
    scanned, undone = scan_log(api, organiser)
    assert scanned["scan_id"] == "desk-a-undo-01"
    assert undone["scan_id"] != scanned["scan_id"]
    assert undone["result"] == "undone"
    assert undone["error_code"] is None
    assert undone["attendee_id"] == siti["attendee_id"]
    assert undone["date"] == DAY1
    assert undone["received_at"] == "2016-11-29T03:00:00Z"
    assert (undone["late"], undone["source"]) == (False, "scan")
    only_undone = scan_log(api, organiser, result="undone")
    assert only_undone == [undone]


def test_a_desk_may_not_undo(api, desk_token, organiser, siti):
    assert checkin(api, desk_token, code=badge_code(siti)).status == 201
    assert_error(undo(api, desk_token, siti["attendee_id"], DAY1), 403, "forbidden")
    assert counts(api, organiser)["day1_checked_in"] == 1


# --- 8. the scan log ------------------------------------------------------------------


@pytest.fixture
def two_days_of_scans(api, desk_token, organiser, register, clock):
    """Scans on both days, accepted and rejected, a minute apart; the expected log."""
    siti = register()
    budi = register(name="Budi Santoso", email="budi@example.org", days=[DAY2])
    token_id = desk_token_id(api, organiser)
    forged = "A" * 40
    minute = timedelta(minutes=1)
    log = []

    def scan(scan_id, token, expected_status, scanned_at=None, **target):
        reply = checkin(api, token, scan_id=scan_id, scanned_at=scanned_at, **target)
        assert reply.status == expected_status, reply
        log.append((scan_id, clock.now(), reply))
        clock.set(clock.now() + minute)
        return reply

    scan("d1-siti-first", desk_token, 201, code=badge_code(siti), desk="Pintu 1")
    scan("d1-siti-again", desk_token, 200, code=badge_code(siti))
    scan("d1-forged-001", desk_token, 404, code=forged)
    scan("d1-budi-early", desk_token, 409, code=badge_code(budi))
    scan("d1-by-organiser", organiser, 200, attendee_id=siti["attendee_id"])
    replayed = checkin(api, desk_token, scan_id="d1-siti-first", code=badge_code(siti))
    assert replayed.status == 201  # a repeated scan_id: not a new entry
    clock.set(jakarta("2016-11-30T08:05"))
    scan("d2-budi-first", desk_token, 201, code=badge_code(budi))
    scan(
        "d2-siti-offline",
        desk_token,
        201,
        code=badge_code(siti),
        scanned_at="2016-11-30T08:01:00+07:00",
    )
    scan("d2-forged-002", desk_token, 404, code=forged)
    return {"siti": siti, "budi": budi, "token_id": token_id, "log": log}


def test_every_scan_attempt_is_logged_once(api, organiser, two_days_of_scans):
    siti = two_days_of_scans["siti"]["attendee_id"]
    budi = two_days_of_scans["budi"]["attendee_id"]
    token_id = two_days_of_scans["token_id"]
    entries = scan_log(api, organiser)
    assert [entry["scan_id"] for entry in entries] == [
        scan_id for scan_id, _, _ in two_days_of_scans["log"]
    ]
    by_id = {entry["scan_id"]: entry for entry in entries}
    assert by_id["d1-siti-first"] == {
        "scan_id": "d1-siti-first",
        "date": DAY1,
        "received_at": "2016-11-29T02:00:00Z",
        "scanned_at": "2016-11-29T02:00:00Z",
        "late": False,
        "source": "scan",
        "desk": "Pintu 1",
        "desk_token_id": token_id,
        "result": "checked_in",
        "error_code": None,
        "attendee_id": siti,
    }
    summary = {
        scan_id: (entry["result"], entry["error_code"], entry["attendee_id"], entry["desk"])
        for scan_id, entry in by_id.items()
    }
    assert summary == {
        "d1-siti-first": ("checked_in", None, siti, "Pintu 1"),
        "d1-siti-again": ("already_checked_in", None, siti, "Desk A"),
        "d1-forged-001": (None, "badge_not_found", None, "Desk A"),
        "d1-budi-early": (None, "not_registered_for_day", budi, "Desk A"),
        "d1-by-organiser": ("already_checked_in", None, siti, "Organiser"),
        "d2-budi-first": ("checked_in", None, budi, "Desk A"),
        "d2-siti-offline": ("checked_in", None, siti, "Desk A"),
        "d2-forged-002": (None, "badge_not_found", None, "Desk A"),
    }
    assert by_id["d1-by-organiser"]["desk_token_id"] is None
    offline = by_id["d2-siti-offline"]
    assert (offline["received_at"], offline["scanned_at"]) == (
        "2016-11-30T01:06:00Z",
        "2016-11-30T01:01:00Z",
    )
    # Received 5 minutes after it was scanned: late only beyond that.
    assert {entry["late"] for entry in entries} == {False}
    assert {entry["source"] for entry in entries} == {"scan"}
    for scan_id, received, _ in two_days_of_scans["log"]:
        assert by_id[scan_id]["received_at"] == utc(received), scan_id


def test_the_scan_log_filters_by_event_day(api, organiser, two_days_of_scans):
    day1 = [entry["scan_id"] for entry in scan_log(api, organiser, date=DAY1)]
    day2 = [entry["scan_id"] for entry in scan_log(api, organiser, date=DAY2)]
    assert day1 == [
        "d1-siti-first",
        "d1-siti-again",
        "d1-forged-001",
        "d1-budi-early",
        "d1-by-organiser",
    ]
    assert day2 == ["d2-budi-first", "d2-siti-offline", "d2-forged-002"]
    assert scan_log(api, organiser, date="2016-12-01") == []


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ("checked_in", ["d1-siti-first", "d2-budi-first", "d2-siti-offline"]),
        ("already_checked_in", ["d1-siti-again", "d1-by-organiser"]),
        ("badge_not_found", ["d1-forged-001", "d2-forged-002"]),
        ("not_registered_for_day", ["d1-budi-early"]),
        ("badge_revoked", []),
    ],
)
def test_the_scan_log_filters_by_result(api, organiser, two_days_of_scans, result, expected):
    assert [entry["scan_id"] for entry in scan_log(api, organiser, result=result)] == expected


def test_the_scan_log_filters_by_day_and_result(api, organiser, two_days_of_scans):
    entries = scan_log(api, organiser, date=DAY2, result="badge_not_found")
    assert [entry["scan_id"] for entry in entries] == ["d2-forged-002"]


@pytest.mark.parametrize("limit", [1, 2, 3, 8])
def test_the_scan_log_pages_every_entry_once_in_order(api, organiser, two_days_of_scans, limit):
    pages = every_page(api, organiser, f"{EVENT}/scans", "scans", limit=limit)
    assert all(0 < len(page) <= limit for page in pages)
    assert [entry["scan_id"] for page in pages for entry in page] == [
        scan_id for scan_id, _, _ in two_days_of_scans["log"]
    ]


def test_the_scan_log_pages_a_filtered_listing(api, organiser, two_days_of_scans):
    pages = every_page(api, organiser, f"{EVENT}/scans", "scans", limit=1, result="checked_in")
    assert [entry["scan_id"] for page in pages for entry in page] == [
        "d1-siti-first",
        "d2-budi-first",
        "d2-siti-offline",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"date": "yesterday"},
        {"date": "2016-11-31"},
        {"result": "Checked-In"},
        {"late": "maybe"},
        {"limit": "0"},
        {"limit": "201"},
        {"next": "not a cursor"},
        {"next": "eyJhIjoiYiJ9"},
        {"day": DAY1},
    ],
    ids=str,
)
def test_bad_scan_log_parameters_are_422(api, organiser, two_days_of_scans, params):
    reply = api.get(with_query(f"{EVENT}/scans", **params), token=organiser)
    assert_validation(reply, tuple(params))


def test_blank_scan_log_filters_mean_no_filter(api, organiser, two_days_of_scans):
    reply = api.get(f"{EVENT}/scans?date=&result=", token=organiser)
    assert reply.status == 200, reply
    assert len(reply.json["scans"]) == len(two_days_of_scans["log"])


def test_a_search_cursor_is_not_a_scan_log_cursor(api, organiser, register):
    register()
    register(name="Siti Sitompul", email="s2@example.org")
    cursor = first_cursor(api, organiser, q="siti")
    reply = api.get(with_query(f"{EVENT}/scans", next=cursor), token=organiser)
    assert_validation(reply, "next")


def test_a_desk_may_not_read_the_scan_log(api, desk_token, two_days_of_scans):
    assert_error(api.get(f"{EVENT}/scans", token=desk_token), 403, "forbidden")


def test_scan_log_of_an_unknown_event_is_404(api, organiser):
    assert_error(api.get("/events/no-such-event/scans", token=organiser), 404, "event_not_found")


def test_walk_in_check_ins_are_in_the_scan_log(api, desk_token, organiser):
    reply = walk_in(api, desk_token, check_in=True, scan_id="walk-in-log-01")
    assert reply.status == 201, reply
    (entry,) = scan_log(api, organiser)
    assert entry["scan_id"] == "walk-in-log-01"
    assert entry["result"] == "checked_in"
    assert entry["attendee_id"] == reply.json["attendee_id"]
    assert entry["desk_token_id"] == desk_token_id(api, organiser)
    # Entered by hand at the desk, as a person found by name is.
    assert (entry["source"], entry["late"]) == ("search", False)
    assert walk_in(api, desk_token, email="budi@example.org").status == 201  # no check-in
    assert len(scan_log(api, organiser)) == 1


def test_the_scan_log_filters_by_desk_token(api, organiser, desk_token, register):
    other = api.post(f"{EVENT}/desk-tokens", {"label": "Desk B"}, token=organiser).json
    first, second = register(), register(email="budi@example.org", name="Budi Santoso")
    assert checkin(api, desk_token, code=badge_code(first)).status == 201
    assert checkin(api, other["token"], code=badge_code(second)).status == 201
    entries = scan_log(api, organiser, desk_token_id=other["id"])
    assert [entry["attendee_id"] for entry in entries] == [second["attendee_id"]]
    assert (
        scan_log(api, organiser, desk_token_id=desk_token_id(api, organiser))[0]["attendee_id"]
        == first["attendee_id"]
    )
    assert_validation(
        api.get(f"{EVENT}/scans?desk_token_id=a%20b", token=organiser), "desk_token_id"
    )


# --- issue 20: a revoked badge's refusal names its holder to a desk -------------


def test_an_old_badge_names_its_holder_to_the_desk_and_a_replay_too(api, desk_token, siti, clock):
    old = badge_code(siti)
    assert reissue(api, desk_token, siti["attendee_id"]).status == 201
    clock.set(jakarta(f"{DAY1}T08:30"))
    body = {"scan_id": "old-badge-001", "code": old}
    first = api.post(f"{EVENT}/checkins", body, token=desk_token)
    again = api.post(f"{EVENT}/checkins", body, token=desk_token)
    for reply in (first, again):
        assert reply.status == 410, reply
        assert reply.json["error"]["code"] == "badge_revoked"
        assert reply.json["attendee"] == {"id": siti["attendee_id"], "name": SITI[0]}


def test_an_old_badge_names_nobody_at_a_kiosk(api, organiser, siti, desk_token, clock):
    kiosk = api.post(f"{EVENT}/desk-tokens", {"label": "Kiosk", "role": "kiosk"}, token=organiser)
    old = badge_code(siti)
    assert reissue(api, desk_token, siti["attendee_id"]).status == 201
    clock.set(jakarta(f"{DAY1}T08:30"))
    reply = checkin(api, kiosk.json["token"], code=old)
    assert set(reply.json) == {"error"}, reply
    assert_error(reply, 410, "badge_revoked", personal=SITI)


def test_a_cancelled_registrations_badge_names_nobody(api, organiser, desk_token, siti, clock):
    assert cancel(api, organiser, siti["attendee_id"]).status == 200
    clock.set(jakarta(f"{DAY1}T08:30"))
    reply = checkin(api, desk_token, code=badge_code(siti))
    assert set(reply.json) == {"error"}, reply
    assert_error(reply, 410, "badge_revoked", personal=SITI)


# --- issue 20: sorted by name; a one-letter name can be found --------------------


@pytest.mark.parametrize("q", ["s", "Đ", "  s  ", "r"])
def test_one_letter_alone_finds_only_that_one_letter_word(api, desk_token, siti, q):
    # "Siti Rahmawati": no word of one letter, and "s" or "r" never stands for a prefix.
    assert found(api, desk_token, q) == []


def test_a_one_letter_name_can_be_found(api, desk_token, register):
    register(name="I Made Suarta", email="made@example.org")
    register(name="Lee Y", email="lee@example.org", organisation="Yayasan Iklim")
    register(name="Indah Irawati", email="indah@example.org")
    register(name="Đ Văn", email="van@example.org")
    assert found(api, desk_token, "i") == ["I Made Suarta"]
    assert found(api, desk_token, " Y ") == ["Lee Y"]
    assert found(api, desk_token, "d") == ["Đ Văn"]
    assert found(api, desk_token, "i made") == ["I Made Suarta"]
    assert found(api, desk_token, "in") == ["Indah Irawati"]


def test_search_results_are_sorted_by_name(api, desk_token, register):
    names = ["Siti Zubaidah", "Agus Siregar", "Siti Aminah", "Ani Sitorus", "Siti", "Budi Sinaga"]
    for index, name in enumerate(names):
        register(name=name, email=f"s{index}@example.org")
    reply = search(api, desk_token, "si")
    assert reply.status == 200, reply
    assert [entry["name"] for entry in reply.json["attendees"]] == [
        "Agus Siregar",
        "Ani Sitorus",
        "Budi Sinaga",
        "Siti",
        "Siti Aminah",
        "Siti Zubaidah",
    ]
