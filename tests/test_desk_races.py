"""Desk work under races and at scale, at the service level over moto.

Each racing thread plays its own Lambda container (own client, own services).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from boto3.dynamodb.types import TypeSerializer

from chalicelib.api.errors import outcome_status
from chalicelib.core.auth import DESK, ORGANISER, Staff
from chalicelib.core.badges import new_attendee_id
from chalicelib.core.domain import ACTIVE, Attendee
from chalicelib.core.errors import Refusal
from chalicelib.core.models import AttendeeQuery, CheckinRequest, Registration
from chalicelib.core.search import search_terms
from chalicelib.seed import WORKSHOP_ID
from chalicelib.store.codec import attendee_item, word_item
from chalicelib.store.keys import email_key
from tests.conftest import TABLE
from tests.test_concurrency import all_at_once, container

DESK_A = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="desk-a", label="Desk A")
ORGANISER_STAFF = Staff(role=ORGANISER, label="Organiser")


def person(index: int, name: str | None = None) -> Registration:
    return Registration(
        name=name or f"Peserta {index}",
        email=f"p{index}@example.org",
        organisation="Yayasan",
        consent=True,
    )


def outcome(result) -> str:
    if isinstance(result, Refusal):
        return result.code
    if isinstance(result, dict):
        return result.get("status", "ok")
    return str(outcome_status(result.outcome))


@pytest.mark.parametrize("round_", range(20))
def test_cancel_and_scan_racing_end_with_exactly_one_winner(hadir, clock, dynamodb, round_):
    registration = hadir.register(WORKSHOP_ID, person(round_))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    desk, office = container(clock), container(clock)

    def race(index):
        if index == 0:
            return desk.check_in(
                WORKSHOP_ID, CheckinRequest(code=code, scan_id=f"race-{round_:04d}"), DESK_A
            )
        return office.cancel(WORKSHOP_ID, attendee_id)

    scan, cancel = all_at_once(2, race)

    attendance = hadir.attendance(WORKSHOP_ID)
    if outcome_status(scan.outcome) == 201:
        # The scan won: the cancel must have been refused, and nothing dropped.
        assert outcome(cancel) == "already_checked_in"
        assert attendance["registered"] == 1
        assert attendance["days"][0]["checked_in"] == 1
    else:
        # The cancel won: the scan was refused and nobody is counted.
        assert (outcome_status(scan.outcome), scan.body["error"]["code"]) == (410, "badge_revoked")
        assert outcome(cancel) == "cancelled"
        assert attendance["registered"] == 0
        assert attendance["days"][0]["checked_in"] == 0
        assert attendance["attended_any"] == 0


@pytest.mark.parametrize("round_", range(20))
def test_a_reissue_racing_a_scan_of_the_old_code(hadir, clock, dynamodb, round_):
    registration = hadir.register(WORKSHOP_ID, person(round_))
    old_code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    desk, other_desk = container(clock), container(clock)

    def race(index):
        if index == 0:
            return desk.check_in(
                WORKSHOP_ID, CheckinRequest(code=old_code, scan_id=f"old-{round_:04d}"), DESK_A
            )
        return other_desk.reissue_badge(WORKSHOP_ID, attendee_id, "lost", DESK_A)

    scan, reissue = all_at_once(2, race)

    assert "badge" in reissue
    checked_in = hadir.attendance(WORKSHOP_ID)["days"][0]["checked_in"]
    if outcome_status(scan.outcome) == 201:
        assert checked_in == 1  # the scan landed before the old code died
    else:
        assert (outcome_status(scan.outcome), scan.body["error"]["code"]) == (410, "badge_revoked")
        assert checked_in == 0
    # Either way the old code is dead now and the new one works.
    again = hadir.check_in(
        WORKSHOP_ID, CheckinRequest(code=old_code, scan_id=f"again-{round_:04d}"), DESK_A
    )
    assert outcome_status(again.outcome) == 410
    new = hadir.check_in(
        WORKSHOP_ID,
        CheckinRequest(code=reissue["badge"]["code"], scan_id=f"new-{round_:04d}"),
        DESK_A,
    )
    assert outcome_status(new.outcome) == (200 if outcome_status(scan.outcome) == 201 else 201)


def test_undo_and_scan_racing_keep_counts_exact(hadir, clock, dynamodb):
    registration = hadir.register(WORKSHOP_ID, person(0))
    code, attendee_id = registration["badge"]["code"], registration["attendee_id"]
    hadir.check_in(WORKSHOP_ID, CheckinRequest(code=code, scan_id="first-scan"), DESK_A)
    office, desks = container(clock), [container(clock) for _ in range(5)]

    def race(index):
        if index == 0:
            return office.undo_checkin(WORKSHOP_ID, attendee_id, "2016-11-29", ORGANISER_STAFF)
        request = CheckinRequest(code=code, scan_id=f"after-undo-{index:03d}")
        return desks[index - 1].check_in(WORKSHOP_ID, request, DESK_A)

    results = all_at_once(6, race)

    assert results[0]["result"] == "undone"
    statuses = Counter(outcome_status(result.outcome) for result in results[1:])
    # At most one scan checks the person in again after the undo.
    assert statuses[201] <= 1
    assert statuses[201] + statuses[200] == 5
    detail = hadir.attendee(WORKSHOP_ID, attendee_id)
    attendance = hadir.attendance(WORKSHOP_ID)
    assert attendance["days"][0]["checked_in"] == len(detail["checkins"]) == statuses[201]
    assert attendance["attended_any"] == statuses[201]


# --- 5,000 attendees ---------------------------------------------------------

FIRST = ["Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko"]
LAST = ["Santoso", "Wijaya", "Kurniawan", "Lestari", "Pratama", "Saputra", "Hidayat", "Nugroho"]
ORGANISATIONS = ["Yayasan Alam", "Forum Hutan", "Jaringan Pesisir", "Kelompok Tani", "Media Hijau"]


def seed_directly(dynamodb, event_id: str, count: int) -> None:
    """Write registrations as the store lays them out, without a transaction each.

    moto copies the whole table for every transaction, so 5,000 registrations
    one by one would take many minutes; the layout is the store's own.
    """
    writes = []
    for index in range(count):
        name = f"{FIRST[index % 10]} {LAST[index // 10 % 8]} {index:04d}"
        organisation = ORGANISATIONS[index % 5]
        attendee = Attendee(
            id=new_attendee_id(),
            event_id=event_id,
            name=name,
            email=f"seed{index}@example.org",
            organisation=organisation,
            days=[datetime(2016, 11, 29).date(), datetime(2016, 11, 30).date()],
            status=ACTIVE,
            badge_serial=0,
            registered_at=datetime(2016, 11, 1, tzinfo=UTC),
        )
        terms = search_terms(name, organisation)
        writes.append(attendee_item(attendee))
        writes.append({**email_key(event_id, attendee.email), "attendee_id": attendee.id})
        writes.extend(word_item(event_id, word, attendee.id, terms.words) for word in terms.indexed)
    dump = TypeSerializer().serialize
    for start in range(0, len(writes), 25):
        batch = [
            {"PutRequest": {"Item": {k: dump(v) for k, v in item.items() if v is not None}}}
            for item in writes[start : start + 25]
        ]
        dynamodb.batch_write_item(RequestItems={TABLE: batch})


@pytest.fixture
def items_read(dynamodb):
    """Items DynamoDB read for us, by operation, from the responses themselves."""
    counts: Counter = Counter()

    def count(http_response, parsed, model, **_):
        if model.name == "Query":
            counts["Query"] += parsed.get("ScannedCount", 0)
        elif model.name == "BatchGetItem":
            counts["BatchGetItem"] += sum(len(v) for v in parsed.get("Responses", {}).values())
        elif model.name == "GetItem":
            counts["GetItem"] += 1 if parsed.get("Item") else 0
        elif model.name == "Scan":
            counts["Scan"] += parsed.get("ScannedCount", 0)

    dynamodb.meta.events.register("after-call.dynamodb", count)
    yield counts
    dynamodb.meta.events.unregister("after-call.dynamodb", count)


def test_a_search_in_5000_attendees_reads_what_it_finds(hadir, dynamodb, items_read):
    # Registered first: moto copies its whole table for every transaction.
    siti = hadir.register(WORKSHOP_ID, person(9001, "Siti Rahmawati"))
    hadir.register(WORKSHOP_ID, person(9002, "Sitompul Hasibuan"))
    seed_directly(dynamodb, WORKSHOP_ID, 5000)

    items_read.clear()
    found = hadir.find_attendees(WORKSHOP_ID, AttendeeQuery(q="siti"), DESK_A)
    assert [a["id"] for a in found["attendees"]] == [siti["attendee_id"]]
    # The event, one index entry, one attendee: nothing else of the 5,000.
    assert sum(items_read.values()) == 3
    assert items_read["Scan"] == 0

    # A common word matches hundreds of people; a page reads a page's worth.
    items_read.clear()
    page = hadir.find_attendees(WORKSHOP_ID, AttendeeQuery(q="budi", limit=20), DESK_A)
    assert len(page["attendees"]) == 20 and page["next"] is not None
    assert sum(items_read.values()) <= 1 + 40 + 20

    # Two words: the longer (here the later) one is looked up, the other filters.
    items_read.clear()
    both = hadir.find_attendees(WORKSHOP_ID, AttendeeQuery(q="budi 0001"), DESK_A)
    assert [a["name"] for a in both["attendees"]] == ["Budi Santoso 0001"]
    assert sum(items_read.values()) <= 3
