"""Money and paper, pure: Rupiah, the order of a sheet's rows, reconciliation, the
receipt sheet read back (API.md section 12)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from chalicelib.core.domain import CANCELLED, Attendee, Checkin
from chalicelib.core.money import format_rupiah, reconcile, sign_in_rows
from chalicelib.documents.receipts import ROWS_PER_PAGE, ReceiptRow, ReceiptSheet, receipt_sheet_pdf

DAY = date(2016, 11, 29)
T0 = datetime(2016, 11, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    "amount, text",
    [
        (0, "Rp0"),
        (5, "Rp5"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (150000, "Rp150.000"),
        (1500000, "Rp1.500.000"),
        (100_000_000, "Rp100.000.000"),
        (-75000, "-Rp75.000"),
    ],
)
def test_rupiah_has_a_thousands_dot_and_no_decimals(amount, text):
    assert format_rupiah(amount) == text


def person(index: int, name: str, **overrides) -> Attendee:
    values = {
        "id": f"A{index:025d}",
        "event_id": "e",
        "name": name,
        "email": "",
        "organisation": "Org",
        "days": [DAY],
        "status": "active",
        "badge_serial": 0,
        "registered_at": T0,
    }
    values.update(overrides)
    return Attendee(**values)


def test_sheet_rows_are_by_name_and_namesakes_keep_their_order():
    people = [
        person(3, "budi"),
        person(2, "Ani"),
        person(1, "Budi"),
        person(4, "Ánі Zed"),
        person(5, "Off Day", days=[date(2016, 11, 30)]),
    ]
    order = [a.id for a in sign_in_rows(people, DAY, None)]
    assert order == [people[1].id, people[3].id, people[2].id, people[0].id]
    # The same whatever order the store hands them in.
    assert [a.id for a in sign_in_rows(list(reversed(people)), DAY, None)] == order


def test_sheet_rows_as_of_a_moment_ignore_later_changes():
    printed = T0 + timedelta(hours=1)
    later = person(1, "Aaron", registered_at=printed + timedelta(seconds=1))
    cancelled_after = person(2, "Budi", status=CANCELLED, cancelled_at=printed + timedelta(1))
    cancelled_before = person(3, "Citra", status=CANCELLED, cancelled_at=printed - timedelta(1))
    kept = person(4, "Dewi")
    people = [later, cancelled_after, cancelled_before, kept]
    assert [a.name for a in sign_in_rows(people, DAY, printed)] == ["Budi", "Dewi"]
    assert [a.name for a in sign_in_rows(people, DAY, None)] == ["Aaron", "Dewi"]


def test_reconcile_sets():
    checkin = Checkin(at=T0, desk=None, desk_token_id=None, scan_id=None)
    ani = person(1, "Ani", checkins={DAY: checkin})
    budi = person(2, "Budi")
    citra = person(3, "Citra", checkins={DAY: checkin})
    dewi = person(4, "Dewi", status=CANCELLED)
    result = reconcile([dewi, citra, budi, ani], {ani.id, budi.id, dewi.id}, DAY)
    assert result.signed_not_checked_in == [budi]
    assert result.checked_in_not_signed == [citra]
    assert result.both == 1


def test_a_300_person_receipt_sheet_reads_back_with_its_totals():
    rows = [
        ReceiptRow(f"Peserta {index:03d}", "Yayasan", "09:15" if index % 3 == 0 else None)
        for index in range(300)
    ]
    sheet = ReceiptSheet("Lokakarya", "Hotel", 1, DAY, "Uang transport", 150000, rows)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(receipt_sheet_pdf(sheet))).pages]
    count = -(-300 // ROWS_PER_PAGE)
    assert len(pages) == count > 3
    names = re.findall(r"Peserta \d{3}", "\n".join(pages))
    assert names == [f"Peserta {index:03d}" for index in range(300)]
    page_totals = []
    for number, text in enumerate(pages, 1):
        assert f"{number} / {count}" in text
        assert "Tanda Terima / Receipt List: Uang transport" in text
        (listed, total) = re.search(r"Page total \((\d+)\): (Rp[\d.]+)", text).groups()
        assert total == format_rupiah(150000 * int(listed))
        page_totals.append(int(listed))
    assert sum(page_totals) == 300
    assert "Grand total (300 orang / people): Rp45.000.000" in pages[-1]
    assert "Paid (100): Rp15.000.000" in pages[-1]
    assert all("Grand total" not in text for text in pages[:-1])
    # Each row's amount, and the heading's amount per person.
    assert pages[-1].count("Rp150.000") == 300 - ROWS_PER_PAGE * (count - 1) + 1
