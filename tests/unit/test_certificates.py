"""Certificates: the eligibility rule over every rule and day combination, numbers,
and the PDF read back (text with pypdf, the QR with zxing-cpp at 150 dpi)."""

from __future__ import annotations

import base64
import io
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from chalicelib.core.certificates import (
    available_from,
    certificate_number,
    eligibility,
    event_tag,
    hours,
    is_available,
    is_number_of,
    normalise_number,
)
from chalicelib.core.domain import Attendee, Checkin
from chalicelib.core.models import Event
from chalicelib.documents.certificates import CertificatePage, Signature, certificates_pdf
from chalicelib.seed import seed_events
from tests.support.values import BADGE_SECRET
from tests.unit.test_printing import read_pdf

DAYS = [date(2016, 11, 29), date(2016, 11, 30), date(2016, 12, 1)]


def three_day_event(certificate) -> Event:
    doc = seed_events()[0].model_dump(mode="json")
    doc["days"] = [
        {**doc["days"][0], "number": index + 1, "date": day.isoformat()}
        for index, day in enumerate(DAYS)
    ]
    doc["certificate"] = certificate
    return Event.model_validate(doc)


def person(attended, status="active") -> Attendee:
    at = datetime(2016, 11, 29, 2, tzinfo=UTC)
    return Attendee(
        id="aaaaaaaaaaaaaaaa",
        event_id="socmed-conservation-2016",
        name="Đỗ Thị Hương",
        email="huong@example.org",
        organisation="Yayasan",
        days=list(DAYS),
        status=status,
        badge_serial=1,
        registered_at=at,
        checkins={
            day: Checkin(at=at, desk="A", desk_token_id=None, scan_id=None) for day in attended
        },
    )


RULES = [
    ({"rule": "all_days"}, 3),
    ({"rule": "min_days", "min_days": 1}, 1),
    ({"rule": "min_days", "min_days": 2}, 2),
    ({"rule": "min_days", "min_days": 3}, 3),
]
SUBSETS = [list(s) for n in range(4) for s in itertools.combinations(DAYS, n)]


@pytest.mark.parametrize("rule,needed", RULES)
@pytest.mark.parametrize(
    "attended", SUBSETS, ids=lambda s: "+".join(d.isoformat() for d in s) or "none"
)
@pytest.mark.parametrize("status", ["active", "cancelled", "withdrawn", "erased"])
def test_eligibility_over_every_rule_day_and_status(rule, needed, attended, status):
    event = three_day_event(rule)
    standing = eligibility(event, person(attended, status))
    assert standing.eligible == (status == "active" and len(attended) >= needed)
    assert standing.attended == attended
    assert standing.missed == [day for day in DAYS if day not in attended]
    assert standing.needed == needed


def test_an_undone_checkin_is_gone_from_the_record_so_it_does_not_count():
    # Undoing removes the day from `checkins` (store/attendees.py); what is left counts.
    event = three_day_event({"rule": "all_days"})
    assert not eligibility(event, person(DAYS[:2])).eligible
    # A check-in on a date that is not (or no longer) an event day never counts.
    stray = person([*DAYS[:2], date(2016, 12, 2)])
    assert eligibility(event, stray).attended == DAYS[:2]


def test_no_rule_no_certificate():
    assert not eligibility(three_day_event(None), person(DAYS)).eligible


def test_available_once_the_last_day_closes_in_event_time():
    event = three_day_event({"rule": "all_days"})
    closes = datetime.fromisoformat("2016-12-01T17:00:00+07:00")
    assert available_from(event) == closes
    assert not is_available(event, closes - timedelta(seconds=1))
    assert is_available(event, closes)
    assert not is_available(three_day_event(None), closes + timedelta(days=9))


def test_rule_shapes_are_checked():
    with pytest.raises(ValidationError):
        three_day_event({"rule": "min_days"})
    with pytest.raises(ValidationError):
        three_day_event({"rule": "all_days", "min_days": 2})
    with pytest.raises(ValidationError):
        three_day_event({"rule": "min_days", "min_days": 4})
    with pytest.raises(ValidationError):
        three_day_event({"rule": "all_days", "signatories": [{"name": "A"}] * 4})


def test_hours_come_from_each_days_opening_hours():
    assert hours(three_day_event({"rule": "all_days"}), DAYS[:2]) == 16


def test_numbers_are_short_readable_and_any_changed_character_fails():
    number = certificate_number(BADGE_SECRET, "socmed-conservation-2016", 42)
    assert number.startswith("SOCMED16-0042-") and len(number) == 20
    assert normalise_number(f"  {number.lower()} ") == number
    assert is_number_of(BADGE_SECRET, "socmed-conservation-2016", number)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for index, char in enumerate(number):
        if char == "-":
            continue
        for other in alphabet[:6]:
            if other != char:
                changed = number[:index] + other + number[index + 1 :]
                assert not is_number_of(BADGE_SECRET, "socmed-conservation-2016", changed)
    assert event_tag("bijak") == "BIJAK"
    assert certificate_number(BADGE_SECRET, "e", 12345).split("-")[1] == "12345"


def page(name="Đỗ Thị Hương", signatories=2) -> CertificatePage:
    return CertificatePage(
        name=name,
        organisation="Yayasan Konservasi Alam Nusantara",
        event_title="Civil Society's Social Media Capacity on Conservation Issues",
        dates="29-30 November 2016",
        venue="Hotel Grand Cemara",
        days_attended=["29 November 2016", "30 November 2016"],
        days_total=2,
        hours=16,
        number="SOCMED16-0042-7KQ3MX",
        url="http://127.0.0.1:8000/c/SOCMED16-0042-7KQ3MX",
        signatories=[
            Signature(f"Penanda Tangan {i}", "Direktur / Director") for i in range(signatories)
        ],
    )


def a_png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (30, 120, 60)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_the_pdf_reads_back_with_its_text_and_a_qr_of_the_verification_url():
    from chalicelib.core.models import Logo

    logos = [Logo(name="Mitra", png_base64=a_png()), Logo(name="Hadir", png_base64=a_png())]
    [read] = read_pdf(certificates_pdf([page()], logos))
    width, height = read.size
    assert width > height  # landscape
    assert abs(width - 841.89) < 1 and abs(height - 595.28) < 1  # A4
    words = read.words
    for text in (
        "SERTIFIKAT",
        "Certificate of Attendance",
        "Đỗ Thị Hương",
        "Yayasan Konservasi Alam Nusantara",
        "Civil Society's Social Media Capacity on Conservation Issues",
        "29-30 November 2016",
        "Hotel Grand Cemara",
        "Hadir 2 dari 2 hari (16 jam)",
        "Attended 2 of 2 days (16 hours)",
        "Penanda Tangan 0",
        "Penanda Tangan 1",
        "SOCMED16-0042-7KQ3MX",
    ):
        assert text in words, text
    assert [qr.text for qr in read.qrs] == ["http://127.0.0.1:8000/c/SOCMED16-0042-7KQ3MX"]


def test_a_long_name_shrinks_to_fit_and_keeps_every_word():
    name = " ".join(
        ["Prof. Dr. Ir. Raden Mas Haji"] + ["Bambang Sutrisno Wicaksono Adiningrat"] * 3
    )[:200]
    [read] = read_pdf(certificates_pdf([page(name=name, signatories=3)], []))
    assert " ".join(name.split()) in read.words
    assert len(read.qrs) == 1
