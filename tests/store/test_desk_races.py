"""Desk work under races and at scale, at the service level over moto.

Each racing thread plays its own Lambda container (own client, own services).
"""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.api.errors import outcome_status
from chalicelib.core.auth import DESK, ORGANISER, Staff
from chalicelib.core.errors import Refusal
from chalicelib.core.models import (
    CheckinRequest,
    Registration,
)
from chalicelib.core.queries import (
    AttendeeQuery,
)
from chalicelib.seed import WORKSHOP_ID
from tests.support.containers import all_at_once, container
from tests.support.direct import seed_directly

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
