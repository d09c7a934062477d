"""Printable PDFs: badges, ready-to-cut badge sheets, the paper sign-in list.

Imported by the printing routes only: fpdf2 brings Pillow and fontTools,
which a check-in's cold start must not pay for. QR codes are drawn as vector
squares from the QR matrix, so they stay sharp at any size. Text is set in
DejaVu Sans, shipped in chalicelib/fonts (its licence allows that), which
covers every Latin script; fpdf2 embeds only the glyphs used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import qrcode
import qrcode.constants
from fpdf import FPDF

from chalicelib.core.presenters import date_range

FONTS = Path(__file__).parent.parent / "fonts"
FONT = "DejaVu"

A6 = (105.0, 148.0)
A4 = (210.0, 297.0)
# Eight badges on an A4 page: two columns of four, each 105 x 74.25 mm.
A4_COLUMNS, A4_ROWS = 2, 4
MIN_QR_MM = 35.0  # the QR with its quiet zone, as the brief for the door asks
CUT_MARK_MM = 4.0


@dataclass(frozen=True)
class BadgeCard:
    """What one badge shows."""

    name: str
    organisation: str
    code: str
    event_title: str
    dates: str
    venue: str
    reprint: int = 0  # how many times it was printed before; 0 for the first
    # What the holder is greeted by, printed large above the full name; none (or
    # the name itself, as for a single name) prints the name large as it is.
    display_name: str = ""


@dataclass(frozen=True)
class SignInRow:
    name: str
    organisation: str
    checked_in_at: str | None  # local "HH:MM", or None
    extras: tuple[str, ...] = ()  # the optional columns' values, in `SignInSheet.columns` order


@dataclass(frozen=True)
class SignInSheet:
    event_title: str
    day_number: int
    day: date
    venue: str
    rows: list[SignInRow]
    columns: tuple[str, ...] = ()  # optional: "gender", "job_title", "phone"
    stamp: str = ""  # the moment its registrations were read: the row numbers' key


def _document(orientation: str = "P", size: tuple[float, float] = A4) -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format=size)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("Hadir")
    return pdf


def _qr_matrix(text: str) -> list[list[bool]]:
    # A fixed mask skips qrcode's trial of all eight, a third of a sheet's
    # time; any mask decodes, the choice only evens out the pattern.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=0
    )
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()  # quiet zone included


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """The QR code of `text`, quiet zone included, as a `size` mm square."""
    matrix = _qr_matrix(text)
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        # One rectangle per run of dark modules: fewer operators, same image.
        start = None
        for column, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(
                    x + start * module,
                    y + row_index * module,
                    (column - start) * module,
                    module,
                    style="F",
                )
                start = None


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap at the current font; a word too long for a line is split."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while pdf.get_string_width(word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit_lines(pdf: FPDF, text: str, width: float, largest: float, smallest: float, lines: int):
    """The largest font size (pt) at which `text` wraps into `lines` lines, and the lines.

    Nothing is ever dropped: at the smallest size the text takes what lines it needs.
    """
    size = largest
    while True:
        pdf.set_font_size(size)
        wrapped = _wrap(pdf, text, width)
        if len(wrapped) <= lines or size <= smallest:
            return size, wrapped
        size -= 0.5


def _text_block(pdf: FPDF, x: float, y: float, width: float, lines: list[str], size: float):
    pdf.set_font_size(size)
    line_height = size * 0.42
    for index, line in enumerate(lines):
        pdf.set_xy(x, y + index * line_height)
        pdf.cell(width, line_height, line, align="C")
    return y + len(lines) * line_height


def draw_badge(pdf: FPDF, card: BadgeCard, x: float, y: float, width: float, height: float):
    """One badge in the box at (x, y). Portrait boxes put the QR under the name;
    landscape ones (eight to an A4 sheet) put it to the right."""
    margin = 6.0
    portrait = height > width
    qr_size = max(MIN_QR_MM, min(width - 2 * margin, height * 0.42) if portrait else height - 18)
    text_width = width - 2 * margin if portrait else width - qr_size - 2 * margin
    pdf.set_text_color(0, 0, 0)

    pdf.set_font(FONT, "", 7.5)
    size, title = _fit_lines(pdf, card.event_title, text_width, 7.5, 5, 2)
    top = _text_block(pdf, x + margin, y + margin, text_width, title, size)
    size, when_where = _fit_lines(pdf, f"{card.dates} · {card.venue}", text_width, 6.5, 5, 1)
    top = _text_block(pdf, x + margin, top + 0.5, text_width, when_where, size)

    pdf.set_draw_color(120, 120, 120)
    pdf.line(x + margin, top + 1.5, x + margin + text_width, top + 1.5)
    pdf.set_font(FONT, "B", 8)
    top = _text_block(pdf, x + margin, top + 3, text_width, ["PESERTA / PARTICIPANT"], 8)

    top = _names(pdf, card, x + margin, top + 3, text_width, portrait)
    pdf.set_font(FONT, "", 10)
    size, organisation = _fit_lines(pdf, card.organisation, text_width, 10, 6, 2)
    _text_block(pdf, x + margin, top + 1.5, text_width, organisation, size)

    if portrait:
        qr_x, qr_y = x + (width - qr_size) / 2, y + height - qr_size - margin
    else:
        qr_x, qr_y = x + width - qr_size - margin / 2, y + (height - qr_size) / 2
    draw_qr(pdf, card.code, qr_x, qr_y, qr_size)
    if card.reprint:
        # Above the QR on a portrait badge, beside it on a landscape one:
        # never in its quiet zone.
        pdf.set_font(FONT, "", 6)
        label = f"Cetak ulang / Reprint {card.reprint}"
        if portrait:
            pdf.set_xy(x + margin, qr_y - 4)
            pdf.cell(text_width, 3, label, align="C")
        else:
            pdf.set_xy(x + margin, y + height - margin - 3)
            pdf.cell(text_width, 3, label, align="L")


def _names(pdf: FPDF, card: BadgeCard, x: float, y: float, width: float, portrait: bool):
    """The greeting name large, the full name smaller under it; or, without a greeting
    name of its own, the full name as large as fits in two lines. Nothing is ever
    dropped: a long name shrinks, then takes the lines it needs. Returns the bottom."""
    greeting = card.display_name.strip()
    if not greeting or greeting.casefold() == " ".join(card.name.split()).casefold():
        pdf.set_font(FONT, "B", 22)
        size, name = _fit_lines(pdf, card.name, width, 22 if portrait else 17, 6, 2)
        return _text_block(pdf, x, y, width, name, size)
    pdf.set_font(FONT, "B", 26)
    size, big = _fit_lines(pdf, greeting, width, 26 if portrait else 20, 10, 1)
    bottom = _text_block(pdf, x, y, width, big, size)
    pdf.set_font(FONT, "B", 14)
    size, name = _fit_lines(pdf, card.name, width, 14 if portrait else 11, 6, 3)
    return _text_block(pdf, x, bottom + 1, width, name, size)


def badge_pdf(card: BadgeCard) -> bytes:
    pdf = _document(size=A6)
    pdf.add_page()
    draw_badge(pdf, card, 0, 0, *A6)
    return bytes(pdf.output())


def badge_sheet_pdf(cards: list[BadgeCard], layout: str) -> bytes:
    """Badges one to an A6 page (`a6`) or eight to an A4 page with cut marks (`a4-8`)."""
    if layout == "a6":
        pdf = _document(size=A6)
        for card in cards:
            pdf.add_page()
            draw_badge(pdf, card, 0, 0, *A6)
        return bytes(pdf.output())
    pdf = _document(size=A4)
    cell_width, cell_height = A4[0] / A4_COLUMNS, A4[1] / A4_ROWS
    per_page = A4_COLUMNS * A4_ROWS
    for start in range(0, len(cards), per_page):
        pdf.add_page()
        _cut_marks(pdf, cell_width, cell_height)
        for index, card in enumerate(cards[start : start + per_page]):
            column, row = index % A4_COLUMNS, index // A4_COLUMNS
            draw_badge(pdf, card, column * cell_width, row * cell_height, cell_width, cell_height)
    if not cards:
        pdf.add_page()
    return bytes(pdf.output())


def _cut_marks(pdf: FPDF, cell_width: float, cell_height: float) -> None:
    # Short ticks where the cuts meet the page edges and each other: they
    # guide the guillotine without printing lines across the badges.
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    half = CUT_MARK_MM / 2
    for column in range(A4_COLUMNS + 1):
        for row in range(A4_ROWS + 1):
            cx, cy = column * cell_width, row * cell_height
            pdf.line(cx - half, cy, cx + half, cy)
            pdf.line(cx, cy - half, cx, cy + half)


SIGN_IN_COLUMNS = (
    ("No.", 11.0),
    ("Nama / Name", 59.0),
    ("Organisasi / Organisation", 59.0),
    ("Tanda tangan / Signature", 52.0),
)
ROW_MM = 11.0
ROWS_PER_PAGE = 20
# The optional columns: heading and width (mm). The name and organisation give
# up what they take, shared evenly; the number and the signature keep theirs.
OPTIONAL_COLUMNS = {
    "gender": ("L/P", 10.0),
    "job_title": ("Jabatan / Job title", 30.0),
    "phone": ("Telepon / Phone", 26.0),
}


def sign_in_columns(extra: tuple[str, ...]) -> list[tuple[str, float]]:
    """The sheet's columns with `extra` ones after the organisation."""
    (number, name, organisation, signature) = SIGN_IN_COLUMNS
    taken = sum(OPTIONAL_COLUMNS[column][1] for column in extra)
    share = taken / 2
    return [
        number,
        (name[0], name[1] - share),
        (organisation[0], organisation[1] - share),
        *(OPTIONAL_COLUMNS[column] for column in extra),
        signature,
    ]


def sign_in_sheet_pdf(sheet: SignInSheet) -> bytes:
    """The daftar hadir: A4, alphabetical, numbered rows, a signature box a person."""
    pdf = _document(size=A4)
    columns = sign_in_columns(sheet.columns)
    pages = max(1, -(-len(sheet.rows) // ROWS_PER_PAGE))
    left = (A4[0] - sum(width for _, width in columns)) / 2
    for page in range(pages):
        pdf.add_page()
        pdf.set_xy(left, 12)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(A4[0] - 2 * left, 6, "Daftar Hadir / Attendance List", align="L")
        pdf.set_x(left)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(A4[0] - 2 * left, 5, sheet.event_title, align="L")
        pdf.set_x(left)
        pdf.multi_cell(
            A4[0] - 2 * left,
            5,
            f"Hari {sheet.day_number} / Day {sheet.day_number}: {date_range([sheet.day])}"
            f"  ·  {sheet.venue}",
            align="L",
        )
        y = pdf.get_y() + 4
        pdf.set_font(FONT, "B", 9)
        pdf.set_fill_color(230, 230, 230)
        x = left
        for heading, width in columns:
            pdf.set_xy(x, y)
            pdf.cell(width, 8, heading, border=1, fill=True)
            x += width
        y += 8
        pdf.set_font(FONT, "", 9)
        first = page * ROWS_PER_PAGE
        for number, row in enumerate(sheet.rows[first : first + ROWS_PER_PAGE], first + 1):
            cells = (str(number), row.name, row.organisation, *row.extras, "")
            x = left
            for (_, width), text in zip(columns, cells, strict=True):
                pdf.set_xy(x, y)
                pdf.cell(width, ROW_MM, "", border=1)
                _, lines = _fit_lines(pdf, text, width - 2, 9, 6, 2)
                pdf.set_xy(x + 1, y + (ROW_MM - len(lines) * 3.6) / 2)
                for line in lines:
                    pdf.set_x(x + 1)
                    pdf.cell(width - 2, 3.6, line, new_x="LMARGIN", new_y="NEXT")
                x += width
            if row.checked_in_at:
                pdf.set_font(FONT, "", 7)
                pdf.set_xy(x - columns[-1][1] + 1, y + ROW_MM - 4)
                pdf.cell(columns[-1][1] - 2, 3, f"✓ hadir {row.checked_in_at}")
                pdf.set_font(FONT, "", 9)
            y += ROW_MM
        pdf.set_font(FONT, "", 8)
        if sheet.stamp:
            # The rows' key: /sign-in-sheet/rows?as_of=<stamp> numbers them the same.
            pdf.set_xy(left, A4[1] - 17)
            pdf.cell(A4[0] - 2 * left, 4, f"Lembar / Sheet: {sheet.stamp}", align="L")
        pdf.set_xy(left, A4[1] - 12)
        pdf.cell(A4[0] - 2 * left, 5, f"{page + 1} / {pages}", align="C")
    return bytes(pdf.output())
