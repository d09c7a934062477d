"""The event's logos on badges (API.md section 11: "printed on certificates and badges in
that order"): small, across the top, in order; the badge stays readable."""

from __future__ import annotations

import base64
import io

from chalicelib.seed import WORKSHOP_ID
from tests.support.api import put_event
from tests.unit.test_printing import DPI, PDF, code_of, pdf_pages, sheet

SHADES = (20, 110, 190)  # three logos told apart in the greyscale rendering


def logo(shade: int) -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (shade, shade, shade)).save(buffer, "PNG")
    return {"name": f"Logo {shade}", "png_base64": base64.b64encode(buffer.getvalue()).decode()}


def px(millimetres: float) -> int:
    return round(millimetres / 25.4 * DPI)


def test_a_badge_prints_the_logos_in_order_at_the_top(api, register, organiser):
    put_event(api, organiser, WORKSHOP_ID, logos=[logo(shade) for shade in SHADES])
    name = "Prof. Dr. Ir. Hj. Siti Nurhaliza Binti Tarudin Wahyuningsih Kusumawardhani"
    code = code_of(register(name=name, organisation="Yayasan Keanekaragaman Hayati"))
    [page] = pdf_pages(api.get(f"/badges/{code}/badge.pdf", headers=PDF))
    assert [qr.text for qr in page.qrs] == [code]
    assert name in page.words and "Yayasan Keanekaragaman Hayati" in page.words
    # A6: 6 mm margins, three slots of 29 mm with 3 mm between, the logos 4-11 mm down.
    centres = [6 + 14.5 + index * 32 for index in range(3)]
    shades = [page.image.getpixel((px(x), px(7.5))) for x in centres]
    assert all(abs(got - want) <= 12 for got, want in zip(shades, SHADES, strict=True)), shades
    assert page.image.getpixel((px(52), px(2))) > 240  # nothing above them


def test_a_sheet_embeds_each_logo_once_and_keeps_every_badge_readable(api, register, organiser):
    put_event(api, organiser, WORKSHOP_ID, logos=[logo(shade) for shade in (*SHADES, 60)])
    names = [f"Peserta Nomor {i} Dengan Nama Yang Cukup Panjang" for i in range(8)]
    codes = [code_of(register(name=n, email=f"p{i}@example.org")) for i, n in enumerate(names)]
    reply = sheet(api, organiser)
    assert reply.raw.count(b"/Subtype /Image") == 4
    [page] = pdf_pages(reply)
    assert sorted(qr.text for qr in page.qrs) == sorted(codes)
    for name in names:
        assert name in page.words
