"""The receipt list (tanda terima) of an allowance for one day: A4 portrait.

Numbered rows of the people checked in that day, alphabetically, with the
amount in Rupiah, a paid mark and a signature box; a total on each page and
the grand total on the last. Imported by the printing routes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from chalicelib.core.money import format_rupiah
from chalicelib.core.presenters import date_range

FONTS = Path(__file__).parent.parent / "fonts"
FONT = "DejaVu"
A4 = (210.0, 297.0)

COLUMNS = (
    ("No.", 11.0),
    ("Nama / Name", 52.0),
    ("Organisasi / Organisation", 44.0),
    ("Jumlah / Amount", 25.0),
    ("Dibayar / Paid", 17.0),
    ("Tanda tangan / Signature", 37.0),
)
LEFT = (A4[0] - sum(width for _, width in COLUMNS)) / 2
ROW_MM = 10.0
ROWS_PER_PAGE = 22
LINE_MM = 3.6


@dataclass(frozen=True)
class ReceiptRow:
    name: str
    organisation: str
    paid_at: str | None  # local "HH:MM" of the payment, or None if not yet paid


@dataclass(frozen=True)
class ReceiptSheet:
    event_title: str
    venue: str
    day_number: int
    day: date
    allowance_label: str
    amount: int  # whole Rupiah, per person
    rows: list[ReceiptRow]


def pages_of(rows: int) -> int:
    return max(1, -(-rows // ROWS_PER_PAGE))


def _lines(pdf: FPDF, text: str, width: float) -> tuple[float, list[str]]:
    """The largest size (9 to 6 pt) at which `text` fits two lines of `width`; nothing dropped."""
    size = 9.0
    while True:
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= width:
            return size, [text]
        lines: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if not line or pdf.get_string_width(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
        fits = all(pdf.get_string_width(part) <= width for part in lines)
        if (len(lines) <= 2 and fits) or size <= 6:
            return size, lines
        size -= 0.5


def _cell(pdf: FPDF, x: float, y: float, width: float, text: str, align: str = "L") -> None:
    pdf.set_xy(x, y)
    pdf.cell(width, ROW_MM, "", border=1)
    if not text:
        return
    _, lines = _lines(pdf, text, width - 2)
    top = y + (ROW_MM - len(lines) * LINE_MM) / 2
    for index, line in enumerate(lines):
        pdf.set_xy(x + 1, top + index * LINE_MM)
        pdf.cell(width - 2, LINE_MM, line, align=align)
    pdf.set_font_size(9)


def receipt_sheet_pdf(sheet: ReceiptSheet) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format=A4)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("Hadir")
    width = A4[0] - 2 * LEFT
    pages = pages_of(len(sheet.rows))
    amount = format_rupiah(sheet.amount)
    for page in range(pages):
        pdf.add_page()
        pdf.set_xy(LEFT, 12)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(width, 6, f"Tanda Terima / Receipt List: {sheet.allowance_label}")
        pdf.set_font(FONT, "", 10)
        pdf.set_x(LEFT)
        pdf.multi_cell(width, 5, sheet.event_title)
        pdf.set_x(LEFT)
        pdf.multi_cell(
            width,
            5,
            f"Hari {sheet.day_number} / Day {sheet.day_number}: {date_range([sheet.day])}"
            f"  ·  {sheet.venue}",
        )
        pdf.set_x(LEFT)
        pdf.multi_cell(width, 5, f"Per orang per hari / Per person per day: {amount}")
        y = pdf.get_y() + 3
        pdf.set_font(FONT, "B", 8)
        pdf.set_fill_color(230, 230, 230)
        x = LEFT
        for heading, column in COLUMNS:
            pdf.set_xy(x, y)
            pdf.cell(column, 8, heading, border=1, fill=True)
            x += column
        y += 8
        pdf.set_font(FONT, "", 9)
        first = page * ROWS_PER_PAGE
        rows = sheet.rows[first : first + ROWS_PER_PAGE]
        for number, row in enumerate(rows, first + 1):
            paid = f"✓ {row.paid_at}" if row.paid_at else ""
            cells = (str(number), row.name, row.organisation, amount, paid, "")
            x = LEFT
            for (_, column), text in zip(COLUMNS, cells, strict=True):
                _cell(pdf, x, y, column, text, "R" if text == amount else "L")
                x += column
            y += ROW_MM
        pdf.set_font(FONT, "B", 9)
        pdf.set_xy(LEFT, y + 2)
        page_total = format_rupiah(sheet.amount * len(rows))
        pdf.cell(width, 5, f"Jumlah halaman ini / Page total ({len(rows)}): {page_total}")
        if page == pages - 1:
            grand = format_rupiah(sheet.amount * len(sheet.rows))
            paid_count = sum(1 for row in sheet.rows if row.paid_at)
            pdf.set_xy(LEFT, y + 8)
            pdf.cell(
                width,
                5,
                f"Jumlah keseluruhan / Grand total ({len(sheet.rows)} orang / people): {grand}",
            )
            pdf.set_font(FONT, "", 9)
            pdf.set_xy(LEFT, y + 14)
            pdf.cell(
                width,
                5,
                f"Sudah dibayar / Paid ({paid_count}): {format_rupiah(sheet.amount * paid_count)}",
            )
        pdf.set_font(FONT, "", 8)
        pdf.set_xy(LEFT, A4[1] - 12)
        pdf.cell(width, 5, f"{page + 1} / {pages}", align="C")
    return bytes(pdf.output())
