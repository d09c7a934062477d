"""Certificates of attendance: A4 landscape, bilingual, one a page (API.md section 11).

Imported by the certificate calls only (fpdf2 brings Pillow and fontTools). Set
in DejaVu Sans like the badges, so any Latin name prints as typed ("Đỗ Thị
Hương"); a long name is set smaller until it fits its two lines, and no word
is ever dropped. The QR holds the verification URL, drawn as vector squares.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from fpdf import FPDF

from chalicelib.core.models import Logo, png_bytes
from chalicelib.documents.printing import FONT, _document, _fit_lines, _text_block, draw_qr

A4_LANDSCAPE = (297.0, 210.0)
MARGIN = 18.0
QR_MM = 34.0
LOGO_HEIGHT = 16.0
LOGO_MAX_WIDTH = 48.0


@dataclass(frozen=True)
class Signature:
    name: str
    title: str


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate shows."""

    name: str
    organisation: str
    event_title: str
    dates: str  # "29-30 November 2016"
    venue: str
    days_attended: list[str]  # each day as read, "29 November 2016"
    days_total: int
    hours: float
    number: str
    url: str  # what the QR holds: <origin>/c/<number>
    signatories: list[Signature] = field(default_factory=list)


def _hours(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _logos(pdf: FPDF, logos: list[tuple[str, io.BytesIO]]) -> None:
    """The logos in a row at the top, in the event's order (donor marking)."""
    if not logos:
        return
    gap = 8.0
    width = A4_LANDSCAPE[0] - 2 * MARGIN
    slot = min(LOGO_MAX_WIDTH, (width - gap * (len(logos) - 1)) / len(logos))
    total = slot * len(logos) + gap * (len(logos) - 1)
    x = (A4_LANDSCAPE[0] - total) / 2
    for name, image in logos:
        # Kept within its slot, its proportions as drawn; fpdf2 embeds each image once.
        pdf.image(image, x=x, y=MARGIN - 6, w=0, h=LOGO_HEIGHT, keep_aspect_ratio=True, title=name)
        x += slot + gap


def _page(pdf: FPDF, page: CertificatePage, logos: list[tuple[str, io.BytesIO]]) -> None:
    pdf.add_page()
    width, height = A4_LANDSCAPE
    inner = width - 2 * MARGIN
    pdf.set_draw_color(40, 70, 110)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, width - 16, height - 16)
    pdf.set_line_width(0.3)
    pdf.rect(10.5, 10.5, width - 21, height - 21)
    _logos(pdf, logos)

    pdf.set_text_color(40, 70, 110)
    pdf.set_font(FONT, "B", 30)
    y = _text_block(pdf, MARGIN, 32, inner, ["SERTIFIKAT"], 30)
    pdf.set_font(FONT, "", 13)
    y = _text_block(pdf, MARGIN, y + 1, inner, ["Certificate of Attendance"], 13)

    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 11)
    y = _text_block(pdf, MARGIN, y + 6, inner, ["Diberikan kepada / Awarded to"], 11)
    pdf.set_font(FONT, "B")
    size, lines = _fit_lines(pdf, page.name, inner - 20, 26, 9, 2)
    y = _text_block(pdf, MARGIN + 10, y + 3, inner - 20, lines, size)
    pdf.set_font(FONT, "")
    size, lines = _fit_lines(pdf, page.organisation, inner - 40, 13, 7, 2)
    y = _text_block(pdf, MARGIN + 20, y + 1, inner - 40, lines, size)

    pdf.set_font(FONT, "", 11)
    y = _text_block(pdf, MARGIN, y + 5, inner, ["atas kehadirannya pada / for attending"], 11)
    pdf.set_font(FONT, "B")
    size, lines = _fit_lines(pdf, page.event_title, inner - 30, 16, 8, 2)
    y = _text_block(pdf, MARGIN + 15, y + 2, inner - 30, lines, size)
    pdf.set_font(FONT, "")
    size, lines = _fit_lines(pdf, f"{page.dates} · {page.venue}", inner - 30, 11, 7, 2)
    y = _text_block(pdf, MARGIN + 15, y + 1, inner - 30, lines, size)

    attended = len(page.days_attended)
    summary = (
        f"Hadir {attended} dari {page.days_total} hari ({_hours(page.hours)} jam) / "
        f"Attended {attended} of {page.days_total} days ({_hours(page.hours)} hours)"
    )
    size, lines = _fit_lines(pdf, summary, inner - 30, 10, 7, 2)
    y = _text_block(pdf, MARGIN + 15, y + 3, inner - 30, lines, size)
    size, lines = _fit_lines(pdf, ", ".join(page.days_attended), inner - 30, 9, 6, 2)
    _text_block(pdf, MARGIN + 15, y + 0.5, inner - 30, lines, size)

    _signatures(pdf, page.signatories, width - 2 * MARGIN - QR_MM - 10)
    draw_qr(pdf, page.url, width - MARGIN - QR_MM, height - MARGIN - QR_MM - 4, QR_MM)
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(width - MARGIN - QR_MM - 20, height - MARGIN - 4)
    pdf.cell(QR_MM + 20, 4, f"No. {page.number}", align="C")
    pdf.set_xy(MARGIN, height - MARGIN - 4)
    pdf.set_font(FONT, "", 7)
    pdf.cell(inner - QR_MM - 20, 4, f"Periksa / Verify: {page.url}")


def _signatures(pdf: FPDF, signatories: list[Signature], room: float) -> None:
    if not signatories:
        return
    _width, height = A4_LANDSCAPE
    slot = room / len(signatories)
    line_y = height - MARGIN - 18
    for index, signatory in enumerate(signatories):
        x = MARGIN + index * slot + 6
        line = slot - 12
        pdf.set_line_width(0.3)
        pdf.set_draw_color(0, 0, 0)
        pdf.line(x, line_y, x + line, line_y)
        pdf.set_font(FONT, "B")
        size, lines = _fit_lines(pdf, signatory.name, line, 10, 6, 1)
        after = _text_block(pdf, x, line_y + 1.5, line, lines[:2], size)
        pdf.set_font(FONT, "")
        size, lines = _fit_lines(pdf, signatory.title, line, 8, 6, 2)
        _text_block(pdf, x, after, line, lines[:2], size)


def certificates_pdf(pages: list[CertificatePage], logos: list[Logo]) -> bytes:
    """The certificates, one a page, in the order given."""
    pdf = _document("L", (A4_LANDSCAPE[1], A4_LANDSCAPE[0]))  # fpdf2 turns it
    pdf.set_title("Sertifikat / Certificate of Attendance")
    images = [(logo.name, io.BytesIO(png_bytes(logo.png_base64))) for logo in logos]
    for page in pages:
        _page(pdf, page, images)
    return bytes(pdf.output())
