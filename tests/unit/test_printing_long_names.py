"""Issue 17, finding 1: long unbroken names (`"W" * 200`) print whole, inside
their box, and cost a pass over the text, not a measurement per character.

The PDFs are made directly by chalicelib.documents.printing and read back with
pypdf: each piece of text with its size and position.
"""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
from fpdf import FPDF

from chalicelib.documents import printing
from chalicelib.documents.printing import (
    A4,
    A6,
    BadgeCard,
    SignInRow,
    SignInSheet,
    badge_pdf,
    badge_sheet_pdf,
    sign_in_sheet_pdf,
)

PT_PER_MM = 72 / 25.4
WIDE = "W" * 200  # the widest letter, no break anywhere
HOSTILE = [
    (WIDE, "W"),
    (WIDE, WIDE),
    ("W" * 120 + " " + "M" * 79, "Ш" * 200),
    ("Ni Luh Putu Ayu Sukmawati Dewi Kusumawardhani Pratiwi Sarini", WIDE),
]


def card(name: str, organisation: str, reprint: int = 0, display_name: str = "") -> BadgeCard:
    return BadgeCard(
        name=name,
        organisation=organisation,
        code="HDR-ABCD-EFGH",
        event_title="Civil Society's Social Media Capacity on Conservation Issues",
        dates="29-30 November 2016",
        venue="Hotel Grand Cemara",
        reprint=reprint,
        display_name=display_name,
    )


def pieces(raw: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """Each piece of text on a page: (text, size pt, x mm, y mm from the top), its
    width measured in its own face (the size of a bold piece counts negative)."""
    reader = pypdf.PdfReader(io.BytesIO(raw))
    height = float(reader.pages[page].mediabox.height)
    found: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            bold = "Bold" in str(font.get("/BaseFont", ""))
            scaled = size * abs(tm[3]) * (-1 if bold else 1)
            found.append((text.strip(), scaled, x / PT_PER_MM, (height - y) / PT_PER_MM))

    reader.pages[page].extract_text(visitor_text=visit)
    return found


_MEASURE = FPDF(unit="mm")
_MEASURE.add_font("DejaVu", "", str(printing.FONTS / "DejaVuSans.ttf"))
_MEASURE.add_font("DejaVu", "B", str(printing.FONTS / "DejaVuSans-Bold.ttf"))


def width_mm(text: str, size: float) -> float:
    """The piece's width in its face (a negative size is bold)."""
    _MEASURE.set_font("DejaVu", "B" if size < 0 else "", abs(size))
    return _MEASURE.get_string_width(text)


def joined(found, start_after: str, stop_at: str | None = None) -> str:
    texts = [text for text, *_ in found]
    rest = texts[texts.index(start_after) + 1 :]
    if stop_at is not None and stop_at in rest:
        rest = rest[: rest.index(stop_at)]
    return "".join(rest)


@pytest.mark.parametrize(("name", "organisation"), HOSTILE)
@pytest.mark.parametrize("reprint", [0, 2])
def test_a6_badge_prints_every_character_inside_the_badge_above_the_qr(name, organisation, reprint):
    raw = badge_pdf(card(name, organisation, reprint))
    found = pieces(raw)
    label = f"Cetak ulang / Reprint {reprint}"
    # Every character, in order: the name's lines then the organisation's.
    assert joined(found, "PESERTA / PARTICIPANT", label).replace(" ", "") == (
        name + organisation
    ).replace(" ", "")
    margin = 6.0
    qr_size = min(A6[0] - 2 * margin, A6[1] * 0.42)
    qr_top = A6[1] - qr_size - margin
    for text, size, x, y in found:
        assert y <= qr_top, (text, y)  # the baseline is above the QR (and its label)
        assert x >= margin - 0.5 and x + width_mm(text, size) <= A6[0] - margin + 0.5, text
        assert abs(size) >= printing.MIN_PT - 0.01


@pytest.mark.parametrize(("name", "organisation"), HOSTILE)
def test_a4_sheet_badges_keep_every_character_inside_their_cell(name, organisation):
    cards = [card(name, organisation, reprint=1)] * 8
    found = pieces(badge_sheet_pdf(cards, "a4-8"))
    cell_width, cell_height = A4[0] / 2, A4[1] / 4
    qr_size = cell_height - 18
    qr_left = cell_width - qr_size - 3  # the QR, its quiet zone included
    assert sum(text == "PESERTA / PARTICIPANT" for text, *_ in found) == 8
    for text, size, x, y in found:
        column, row = int(x // cell_width), int(y // cell_height)
        left, top = x - column * cell_width, y - row * cell_height
        assert 0 < top <= cell_height - 6 + 0.01, (text, top)
        assert left >= 4 and left + width_mm(text, size) <= qr_left, (text, left)
    # The first badge's text, whole.
    first = [text for text, _, x, y in found if x < cell_width and y < cell_height]
    after = first[first.index("PESERTA / PARTICIPANT") + 1 : -1]  # the reprint label last
    assert "".join(after).replace(" ", "") == (name + organisation).replace(" ", "")


def test_a_long_greeting_and_name_fit_together():
    raw = badge_pdf(card(WIDE, WIDE, display_name="M" * 120))
    found = pieces(raw)
    assert joined(found, "PESERTA / PARTICIPANT") == "M" * 120 + WIDE + WIDE
    qr_top = A6[1] - min(A6[0] - 12, A6[1] * 0.42) - 6
    assert all(y <= qr_top for *_, y in found)


@pytest.mark.parametrize(("name", "organisation"), HOSTILE)
def test_sign_in_rows_keep_every_character_inside_their_cells(name, organisation):
    rows = [SignInRow(name, organisation, "08:15")] * 3
    sheet = SignInSheet("Lokakarya", 1, date(2016, 11, 29), "Jakarta", rows)
    found = pieces(sign_in_sheet_pdf(sheet))
    texts = [text for text, *_ in found]
    start = texts.index("Tanda tangan / Signature") + 1
    body = found[start:]
    widths = [width for _, width in printing.SIGN_IN_COLUMNS]
    left = (A4[0] - sum(widths)) / 2
    name_left, org_left = left + widths[0], left + widths[0] + widths[1]
    for number in range(3):
        top = texts.index(str(number + 1), start)
        row = [p for p in body if abs(p[3] - found[top][3]) < printing.ROW_MM / 2]
        in_name = [p for p in row if name_left <= p[2] < org_left]
        in_org = [p for p in row if org_left <= p[2] < org_left + widths[2]]
        assert "".join(t for t, *_ in in_name).replace(" ", "") == name.replace(" ", "")
        assert "".join(t for t, *_ in in_org).replace(" ", "") == organisation.replace(" ", "")
        for text, size, x, _ in in_name + in_org:
            right = org_left if x < org_left else org_left + widths[2]
            assert x + width_mm(text, size) <= right + 0.01, text
        ys = [y for *_, y in in_name + in_org]
        assert max(ys) - min(ys) < printing.ROW_MM - 1, ys  # every line within the row


def test_fitting_measures_each_character_once_not_each_trial(monkeypatch):
    """The cause of the stall: a wrap that measured prefix after prefix. Widths now
    come from one measurement a character (and font), whatever the text's length."""
    calls = []
    real = FPDF.get_string_width

    def counted(self, text, *args, **kwargs):
        calls.append(text)
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(printing, "_WIDTHS", {})
    monkeypatch.setattr(FPDF, "get_string_width", counted)
    badge_sheet_pdf([card(WIDE, WIDE)] * 8, "a4-8")
    sheet = SignInSheet("E", 1, date(2016, 11, 29), "V", [SignInRow(WIDE, WIDE, None)] * 20)
    sign_in_sheet_pdf(sheet)
    # Fewer than the distinct characters of every text times two faces, and two
    # hundred times fewer than a character-by-character wrap asked.
    assert len(calls) < 150, len(calls)
    assert all(len(text) <= 1 for text in calls if text.startswith("W")), calls[:5]


def test_wrapping_breaks_long_words_by_width_and_keeps_every_character():
    pdf = printing._document()
    pdf.set_font(printing.FONT, "B", 12)
    text = "a " + "W" * 200 + " iii " + "i" * 300
    lines = printing._wrap(pdf, text, 40)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(pdf.get_string_width(line) <= 40 + 1e-6 for line in lines)
    # A long word is broken by width: every piece but its last is full.
    pieces_of_w = [line for line in lines if set(line) == {"W"}]
    assert "".join(pieces_of_w) == "W" * 200
    assert all(pdf.get_string_width(piece + "W") > 40 for piece in pieces_of_w[:-1])
