"""Printable PDFs: badges, ready-to-cut badge sheets, the paper sign-in list.

Imported by the printing routes only: fpdf2 brings Pillow and fontTools,
which a check-in's cold start must not pay for. QR codes are drawn as vector
squares from the QR matrix, so they stay sharp at any size. Text is set in
DejaVu Sans, shipped in chalicelib/fonts (its licence allows that), which
covers every Latin script; fpdf2 embeds only the glyphs used.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
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
MIN_PT = 3.0  # below the smallest size a box asks for, text shrinks no further than this


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
    # The event's logos (name, PNG bytes), in order, small across the top (donor
    # marking); fpdf2 embeds each image once however many badges show it.
    logos: tuple[tuple[str, bytes], ...] = ()


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


# Character widths at 1 pt, per font and style, measured once per character:
# a line's width is then a sum, and every font size a multiplication, so wrapping
# and fitting cost a pass over the text, never a measurement per trial.
_WIDTHS: dict[tuple[str, str], dict[str, float]] = {}


def _widths(pdf: FPDF, text: str) -> list[float]:
    """The width (mm at 1 pt) of each character of `text` at the current font."""
    known = _WIDTHS.setdefault((pdf.font_family, pdf.font_style), {})
    for char in set(text).difference(known):
        known[char] = pdf.get_string_width(char) / pdf.font_size_pt
    return [known[char] for char in text]


@dataclass(frozen=True)
class _Words:
    """A text's words with the prefix widths of their characters (at 1 pt)."""

    words: list[str]
    prefixes: list[list[float]]  # prefixes[i][k]: width of words[i][:k]
    space: float

    @classmethod
    def of(cls, pdf: FPDF, text: str) -> _Words:
        words = text.split()
        prefixes = []
        for word in words:
            prefixes.append(list(accumulate(_widths(pdf, word), initial=0.0)))
        return cls(words, prefixes, _widths(pdf, " ")[0])

    def wrap(self, limit: float) -> list[str]:
        """Greedy word wrap into lines of at most `limit` (mm at 1 pt); a word too
        long for a line is broken by width, at least one character a line."""
        lines: list[str] = []
        line, used = "", 0.0
        for word, prefix in zip(self.words, self.prefixes, strict=True):
            width = prefix[-1]
            if line and used + self.space + width <= limit:
                line, used = f"{line} {word}", used + self.space + width
                continue
            if line:
                lines.append(line)
            start = 0
            while prefix[-1] - prefix[start] > limit and len(word) - start > 1:
                # The longest piece from `start` that fits, found by bisection.
                cut = bisect_right(prefix, prefix[start] + limit, start + 2) - 1
                cut = max(cut, start + 1)
                lines.append(word[start:cut])
                start = cut
            line, used = word[start:], prefix[-1] - prefix[start]
        if line:
            lines.append(line)
        return lines


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap at the current font; a word too long for a line is split."""
    return _Words.of(pdf, text).wrap(width / pdf.font_size_pt)


def _fit_lines(
    pdf: FPDF,
    text: str,
    width: float,
    largest: float,
    smallest: float,
    lines: int,
    height: float | None = None,
    leading: float = 0.42,
) -> tuple[float, list[str]]:
    """The largest font size (pt) at which `text` wraps into `lines` lines, and the lines.

    Nothing is ever dropped: at the smallest size the text takes what lines it
    needs, and if a `height` (mm) is given, shrinks on below the smallest size until
    those lines (`leading` mm a point each) fit in it. The font size is left set.
    """
    words = _Words.of(pdf, text)
    # The sizes tried: from the largest down in half points, then the smallest.
    # Fewer lines never need a larger size, so bisect them for the first that fits.
    steps = max(0, int((largest - smallest) / 0.5))
    sizes = [largest - 0.5 * step for step in range(steps + 1)]
    if sizes[-1] > smallest:
        sizes.append(smallest)
    size, wrapped = sizes[0], words.wrap(width / sizes[0])
    if len(wrapped) > lines:
        low, high = 0, len(sizes) - 1  # sizes[low] is too large
        size, wrapped = sizes[high], words.wrap(width / sizes[high])
        if len(wrapped) <= lines:
            while high - low > 1:
                middle = (low + high) // 2
                attempt = words.wrap(width / sizes[middle])
                if len(attempt) <= lines:
                    high, size, wrapped = middle, sizes[middle], attempt
                else:
                    low = middle
    while height is not None and size > MIN_PT and len(wrapped) * size * leading > height:
        # The lines needed shrink with the size squared (shorter and narrower):
        # jump near the answer, then step down from there.
        guess = size * (height / (len(wrapped) * size * leading)) ** 0.5
        size = max(MIN_PT, min(size * 0.97, guess))
        wrapped = words.wrap(width / size)
    pdf.set_font_size(size)
    return size, wrapped


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

    top = _badge_logos(pdf, card.logos, x + margin, y + margin - 2, text_width, portrait)
    pdf.set_font(FONT, "", 7.5)
    size, title = _fit_lines(pdf, card.event_title, text_width, 7.5, 5, 2)
    top = _text_block(pdf, x + margin, top, text_width, title, size)
    size, when_where = _fit_lines(pdf, f"{card.dates} · {card.venue}", text_width, 6.5, 5, 1)
    top = _text_block(pdf, x + margin, top + 0.5, text_width, when_where, size)

    pdf.set_draw_color(120, 120, 120)
    pdf.line(x + margin, top + 1.5, x + margin + text_width, top + 1.5)
    pdf.set_font(FONT, "B", 8)
    top = _text_block(pdf, x + margin, top + 3, text_width, ["PESERTA / PARTICIPANT"], 8)

    if portrait:
        qr_x, qr_y = x + (width - qr_size) / 2, y + height - qr_size - margin
        bottom = qr_y - (4.5 if card.reprint else 1)
    else:
        qr_x, qr_y = x + width - qr_size - margin / 2, y + (height - qr_size) / 2
        bottom = y + height - margin - (3.5 if card.reprint else 0)
    top += 3
    blocks = _fit_blocks(pdf, _person_blocks(card, portrait), text_width, bottom - top)
    for block in blocks:
        pdf.set_font(FONT, block.style, block.size)
        top = _text_block(pdf, x + margin, top + block.gap, text_width, block.lines, block.size)

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


def _badge_logos(
    pdf: FPDF, logos: tuple[tuple[str, bytes], ...], x: float, y: float, width: float, tall: bool
) -> float:
    """The logos in a row at the top of a badge, each in an equal slot, small enough
    to leave the names their room: 7 mm high on a portrait badge, 5 mm on a
    landscape one. Returns where the header's text starts."""
    if not logos:
        return y + 2
    height, gap = (7.0, 3.0) if tall else (5.0, 2.0)
    slot = (width - gap * (len(logos) - 1)) / len(logos)
    for index, (name, png) in enumerate(logos):
        left = x + index * (slot + gap)
        pdf.image(png, x=left, y=y, w=slot, h=height, keep_aspect_ratio=True, title=name)
    return y + height + 1.5


@dataclass(frozen=True)
class _Block:
    """A run of centred lines: its style, its size range (pt), its line cap."""

    text: str
    style: str
    largest: float
    smallest: float
    lines: int
    gap: float  # mm above it


@dataclass(frozen=True)
class _Fitted:
    style: str
    size: float
    lines: list[str]
    gap: float

    @property
    def height(self) -> float:
        return self.gap + len(self.lines) * self.size * 0.42


def _person_blocks(card: BadgeCard, portrait: bool) -> list[_Block]:
    """The greeting name large, the full name smaller under it; or, without a greeting
    name of its own, the full name as large as fits in two lines; the organisation."""
    greeting = card.display_name.strip()
    organisation = _Block(card.organisation, "", 10, 6, 2, 1.5)
    if not greeting or greeting.casefold() == " ".join(card.name.split()).casefold():
        return [_Block(card.name, "B", 22 if portrait else 17, 6, 2, 0), organisation]
    return [
        _Block(greeting, "B", 26 if portrait else 20, 10, 1, 0),
        _Block(card.name, "B", 14 if portrait else 11, 6, 3, 1),
        organisation,
    ]


def _fit_blocks(pdf: FPDF, blocks: list[_Block], width: float, room: float) -> list[_Fitted]:
    """Each block at the largest size that keeps it to its lines; if together they
    outgrow `room` (mm), all shrink by the same factor until they fit. Nothing is
    ever dropped: a long name shrinks, then takes the lines it needs."""
    scale = 1.0
    while True:
        fitted = []
        for block in blocks:
            pdf.set_font(FONT, block.style)
            floor = max(MIN_PT, block.smallest * scale)
            size, lines = _fit_lines(
                pdf, block.text, width, max(floor, block.largest * scale), floor, block.lines
            )
            fitted.append(_Fitted(block.style, size, lines, block.gap * scale))
        needed = sum(f.height for f in fitted)
        if needed <= room or all(f.size <= MIN_PT for f in fitted):
            return fitted
        # Height goes with the size squared (smaller, and more to a line):
        # jump near the answer, then step down from there.
        scale *= min(0.95, max(0.5, (room / needed) ** 0.5))


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
                # Within its box whatever its length: a long name shrinks to fit.
                size, lines = _fit_lines(
                    pdf, text, width - 2, 9, 6, 2, height=ROW_MM - 1, leading=0.4
                )
                # Each line placed as cell() would place it, without its cost a
                # line: a long name takes many (no text shaping here to lose).
                line_height = size * 0.4
                top = y + (ROW_MM - len(lines) * line_height) / 2
                for index, line in enumerate(lines):
                    baseline = top + (index + 0.5) * line_height + 0.3 * pdf.font_size
                    pdf.text(x + 1 + pdf.c_margin, baseline, line)
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
