"""The printed PDFs (API.md section 7), read back the way a printer would.

Each page is rasterised at 150 dpi with pypdfium2 and every QR code on it is
read by a real decoder (zxing-cpp); the text is extracted with pypdf. All
requests go through the Chalice test client; nothing of the app is mocked.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp

from chalicelib.documents import printing
from chalicelib.usecases import printing as printing_use_case
from tests.support.api import assert_error, assert_validation, checkin, put_event
from tests.support.direct import simulate_reissue
from tests.support.values import DAY1, DAY2, OTHER_ID, WORKSHOP_ID, jakarta

ROOT = Path(__file__).resolve().parents[2]
PDF = {"Accept": "application/pdf"}
DPI = 150
MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
A6_PT = (105 * PT_PER_MM, 148 * PT_PER_MM)  # 297.6 x 419.5
A4_PT = (210 * PT_PER_MM, 297 * PT_PER_MM)  # 595.3 x 841.9
QUIET_MODULES = 4

TITLE = "Civil Society's Social Media Capacity on Conservation Issues"
VENUE = "Hotel Grand Cemara"
DATES = "29-30 November 2016"
LONG_NAME = "Ni Luh Putu Ayu Sukmawati Dewi Kusumawardhani Pratiwi Sarini"

BADGES = f"/events/{WORKSHOP_ID}/badges.pdf"
SIGN_IN = f"/events/{WORKSHOP_ID}/sign-in-sheet.pdf"

# Nine people, and the order a badge sheet or sign-in list must give them:
# alphabetical regardless of accents, so "Đỗ" sorts with D (not after Z, as
# its code point would put it).
NINE = [
    "Zainal Abidin",
    "Đỗ Thị Hương",
    "Ahmad Fauzi",
    "Teuku Nyak Arif",
    "Budi Santoso",
    "Ni Luh Putu Ayu Sukmawati",
    "Eko Prasetyo",
    "Dewi Lestari",
    "Citra Kirana",
]
NINE_SORTED = [
    "Ahmad Fauzi",
    "Budi Santoso",
    "Citra Kirana",
    "Dewi Lestari",
    "Đỗ Thị Hương",
    "Eko Prasetyo",
    "Ni Luh Putu Ayu Sukmawati",
    "Teuku Nyak Arif",
    "Zainal Abidin",
]


# --- reading PDFs back ---------------------------------------------------------


def mm(pixels: float) -> float:
    return pixels * MM_PER_INCH / DPI


@dataclass(frozen=True)
class Qr:
    text: str
    left: float  # the symbol's extent in pixels, finder patterns' outer corners
    top: float
    right: float
    bottom: float
    version: int

    @property
    def modules(self) -> int:
        return 17 + 4 * self.version

    @property
    def module_px(self) -> float:
        return (self.right - self.left) / self.modules

    @property
    def width_with_quiet_zone_mm(self) -> float:
        return mm(self.module_px * (self.modules + 2 * QUIET_MODULES))

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Page:
    size: tuple[float, float]  # points
    image: object  # a greyscale PIL image at DPI
    text: str
    qrs: list[Qr]  # in reading order: by row, then left to right

    @property
    def words(self) -> str:
        """The text with line breaks as spaces: a name wrapped over lines is whole again."""
        return " ".join(self.text.split())


def decode(image) -> list[Qr]:
    """Every QR code a real decoder finds in a PIL image."""
    found = []
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = [
            barcode.position.top_left,
            barcode.position.top_right,
            barcode.position.bottom_right,
            barcode.position.bottom_left,
        ]
        xs, ys = [point.x for point in corners], [point.y for point in corners]
        found.append(
            Qr(
                text=barcode.text,
                left=min(xs),
                top=min(ys),
                right=max(xs),
                bottom=max(ys),
                version=int(barcode.extra["Version"]),
            )
        )
    return found


def read_pdf(pdf: bytes) -> list[Page]:
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    texts = [
        unicodedata.normalize("NFC", page.extract_text() or "")
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            size = page.get_size()
            image = page.render(scale=DPI / 72).to_pil().convert("L")
            qrs = decode(image)
            row_height = image.height / 8  # finer than any layout's rows
            qrs.sort(key=lambda qr: (round(qr.centre[1] / row_height), qr.centre[0]))
            pages.append(Page(size=size, image=image, text=texts[index], qrs=qrs))
    finally:
        document.close()
    assert len(pages) == len(texts)
    return pages


def pdf_pages(reply) -> list[Page]:
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"] == "application/pdf"
    assert reply.headers["Cache-Control"] == "no-store"
    return read_pdf(reply.raw)


def assert_size(page: Page, size_pt: tuple[float, float]) -> None:
    assert page.size == pytest.approx(size_pt, abs=1.0), page.size


def assert_quiet_zone_blank(page: Page, qr: Qr, box_px: tuple[float, float, float, float]):
    """Four modules of white around the symbol, all inside `box_px` (the badge's cut)."""
    margin = qr.module_px * QUIET_MODULES
    left, top = qr.left - margin, qr.top - margin
    right, bottom = qr.right + margin, qr.bottom + margin
    box_left, box_top, box_right, box_bottom = box_px
    assert box_left <= left and right <= box_right, (left, right, box_px)
    assert box_top <= top and bottom <= box_bottom, (top, bottom, box_px)
    # The ring between the symbol (2 px in, for its anti-aliased edge) and the
    # quiet zone's outer edge must carry no ink.
    inner = 2
    pixels = page.image.load()
    ink = [
        (x, y)
        for y in range(int(top) + 1, int(bottom))
        for x in range(int(left) + 1, int(right))
        if not (
            qr.left - inner <= x <= qr.right + inner and qr.top - inner <= y <= qr.bottom + inner
        )
        and pixels[x, y] < 160
    ]
    assert not ink, f"{len(ink)} inked pixels in the quiet zone, e.g. {ink[:5]}"


def in_order(text: str, names: list[str]) -> bool:
    positions = [text.find(name) for name in names]
    return -1 not in positions and positions == sorted(positions)


# --- making people ---------------------------------------------------------------


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.replace("Đ", "D")).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.decode().lower()).strip(".")


def enrol(register, names) -> dict[str, dict]:
    """Register each name, with an email and organisation of its own; by name."""
    return {
        name: register(
            name=name,
            email=f"{slug(name)}.{index}@example.org",
            organisation=f"Organisasi {slug(name)}",
        )
        for index, name in enumerate(names)
    }


def code_of(registration: dict) -> str:
    return registration["badge"]["code"]


def sheet(api, organiser, layout="a4-8", attendee_ids=(), headers=PDF, mark=True):
    """A badge sheet; printed for real (`mark_printed=true`) unless `mark` is False."""
    query = [f"layout={layout}"] if layout is not None else []
    query += ["mark_printed=true"] if mark else []
    query += [f"attendee_id={attendee_id}" for attendee_id in attendee_ids]
    path = BADGES + ("?" + "&".join(query) if query else "")
    return api.get(path, token=organiser, headers=headers)


def cancel(api, organiser, registration):
    reply = api.delete(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}", token=organiser
    )
    assert reply.status == 200, reply


def prints_of(api, organiser, registration) -> list[dict]:
    reply = api.get(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}", token=organiser
    )
    assert reply.status == 200, reply
    return reply.json["badge"]["prints"]


# --- 1. one badge, for its holder --------------------------------------------------


def test_a_badge_is_one_a6_page_with_its_code_and_the_holders_details(api, register):
    registration = register(name="Đỗ Thị Hương", organisation="Yayasan Keanekaragaman Hayati")
    code = code_of(registration)
    reply = api.get(f"/badges/{code}/badge.pdf", headers=PDF)
    [page] = pdf_pages(reply)
    assert reply.headers["Content-Disposition"] == 'inline; filename="badge.pdf"'

    assert_size(page, A6_PT)
    [qr] = page.qrs
    assert qr.text == code
    assert mm(qr.right - qr.left) >= 28  # finder corner to finder corner
    assert qr.width_with_quiet_zone_mm >= 35
    assert_quiet_zone_blank(page, qr, (0, 0, page.image.width, page.image.height))

    for shown in (
        "Đỗ Thị Hương",
        "Yayasan Keanekaragaman Hayati",
        TITLE,
        DATES,
        VENUE,
        "PESERTA / PARTICIPANT",
    ):
        assert shown in page.words, (shown, page.text)
    assert "Reprint" not in page.text


def test_accept_any_type_gets_the_pdf(api, register):
    code = code_of(register())
    reply = api.get(f"/badges/{code}/badge.pdf", headers={"Accept": "*/*"})
    [page] = pdf_pages(reply)
    assert [qr.text for qr in page.qrs] == [code]


@pytest.mark.parametrize(
    "name",
    [LONG_NAME, "Ni Luh Putu Ayu Sukmawati", "Teuku Nyak Arif", "Đỗ Thị Hương"],
    ids=["60-characters", "balinese", "acehnese", "vietnamese"],
)
def test_a_name_is_printed_whole(api, register, name):
    assert len(LONG_NAME) == 60
    code = code_of(register(name=name, email=f"{slug(name)}@example.org"))
    [page] = pdf_pages(api.get(f"/badges/{code}/badge.pdf", headers=PDF))
    assert name in page.words, page.text
    for word in name.split():
        assert word in page.text
    assert [qr.text for qr in page.qrs] == [code]


def text_sizes(raw: bytes) -> list[tuple[str, float]]:
    """Each piece of text on the first page with its font size (pt), in drawing order."""
    pieces: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            pieces.append((" ".join(text.split()), size * abs(tm[3])))

    pypdf.PdfReader(io.BytesIO(raw)).pages[0].extract_text(visitor_text=visit)
    return pieces


def size_of(pieces: list[tuple[str, float]], text: str) -> float:
    """The font size of the first piece that is `text` exactly."""
    return next(size for piece, size in pieces if piece == text)


def greeting_over_name(pieces: list[tuple[str, float]], greeting: str, name: str) -> bool:
    """Is `greeting` drawn, then `name` at once after it (over its lines) in a smaller size?"""
    index = next(i for i, (piece, _) in enumerate(pieces) if piece == greeting)
    big = pieces[index][1]
    lines, rest = [], pieces[index + 1 :]
    while rest and " ".join([*lines, rest[0][0]]) in name:
        if rest[0][1] >= big:
            return False
        lines.append(rest[0][0])
        rest = rest[1:]
    return " ".join(lines) == name


@pytest.mark.parametrize(
    ("name", "given", "greeting"),
    [
        ("Prof. Dr. Ir. H. Bambang Sutrisno, M.Sc.", None, "Bambang"),
        ("I Gusti Ayu Putu Mahendra", None, "Mahendra"),
        ("I Gusti Ayu Putu Mahendra", "Gek Mahe", "Gek Mahe"),
    ],
)
def test_the_badge_greets_by_the_display_name_above_the_full_name(
    api, register, name, given, greeting
):
    extra = {} if given is None else {"display_name": given}
    code = code_of(register(name=name, email=f"{slug(name)}@example.org", **extra))
    reply = api.get(f"/badges/{code}/badge.pdf", headers=PDF)
    [page] = pdf_pages(reply)
    # Both, the greeting first (above), then the whole name, every word of it.
    assert f"PESERTA / PARTICIPANT {greeting} {name}" in page.words, page.text
    pieces = text_sizes(reply.raw)
    assert greeting_over_name(pieces, greeting, name), pieces
    assert [qr.text for qr in page.qrs] == [code]


def test_a_single_name_is_printed_once_large(api, register):
    code = code_of(register(name="Sukarno", email="sukarno@example.org"))
    reply = api.get(f"/badges/{code}/badge.pdf", headers=PDF)
    [page] = pdf_pages(reply)
    assert page.words.count("Sukarno") == 1
    assert size_of(text_sizes(reply.raw), "Sukarno") >= 17


def test_greeting_and_long_name_are_whole_on_the_a4_sheet(api, register, organiser):
    greeting = "Sukmawati Kusumawardhani Pratiwi Sarini"  # 39 characters, near the limit
    people = {
        LONG_NAME: register(name=LONG_NAME, email="luh@example.org", display_name=greeting),
        "Ir. Sugeng Riyadi": register(name="Ir. Sugeng Riyadi", email="sugeng@example.org"),
    }
    [page] = pdf_pages(sheet(api, organiser, "a4-8"))
    badges = page.words.split("PESERTA / PARTICIPANT")[1:]
    assert len(badges) == 2
    assert badges[0].startswith(" Sugeng Ir. Sugeng Riyadi"), badges[0]
    assert badges[1].startswith(f" {greeting} {LONG_NAME}"), badges[1]
    assert [qr.text for qr in page.qrs] == [
        code_of(people["Ir. Sugeng Riyadi"]),
        code_of(people[LONG_NAME]),
    ]


def test_printing_ones_own_badge_is_not_recorded_as_a_print(api, register, organiser):
    registration = register()
    assert api.get(f"/badges/{code_of(registration)}/badge.pdf", headers=PDF).status == 200
    assert prints_of(api, organiser, registration) == []


def test_a_revoked_or_forged_badge_gets_no_pdf(api, register, organiser, desk_token):
    registration = register()
    code = code_of(registration)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert_error(api.get(f"/badges/{forged}/badge.pdf", headers=PDF), 404, "badge_not_found")

    reply = api.post(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}/badge",
        {"reason": "lost"},
        token=desk_token,
    )
    assert reply.status == 201, reply
    assert_error(api.get(f"/badges/{code}/badge.pdf", headers=PDF), 410, "badge_revoked")

    new_code = reply.json["badge"]["code"]
    [page] = pdf_pages(api.get(f"/badges/{new_code}/badge.pdf", headers=PDF))
    assert [qr.text for qr in page.qrs] == [new_code]

    cancel(api, organiser, registration)
    assert_error(api.get(f"/badges/{new_code}/badge.pdf", headers=PDF), 410, "badge_revoked")


@pytest.mark.parametrize(
    "code", ["A" * 40, "UNKNOWNCODE", "..%2F..%2Fetc%2Fpasswd", "Z" * 500, "%27%20OR%201%3D1"]
)
def test_garbage_codes_get_no_pdf(api, code):
    assert_error(api.get(f"/badges/{code}/badge.pdf", headers=PDF), 404, "badge_not_found")


def test_a_lower_case_code_prints_the_badge_as_issued(api, register):
    # Badge codes are read case-insensitively (API.md section 1).
    real = code_of(register())
    [page] = pdf_pages(api.get(f"/badges/{real.lower()}/badge.pdf", headers=PDF))
    assert [qr.text for qr in page.qrs] == [real]


@pytest.mark.parametrize("accept", [None, "application/json", "text/html"])
def test_a_pdf_needs_an_accept_header_that_names_it(api, register, organiser, accept):
    headers = {"Accept": accept} if accept else {}
    code = code_of(register())
    for reply in (
        api.get(f"/badges/{code}/badge.pdf", headers=headers),
        sheet(api, organiser, headers=headers),
    ):
        error = assert_error(reply, 400, "bad_request")
        assert "application/pdf" in error["message"]


# --- 2. badge sheets, for the organiser ----------------------------------------------


def test_an_a4_sheet_of_nine_is_two_pages_of_eight_and_one_in_name_order(api, register, organiser):
    people = enrol(register, NINE)
    reply = sheet(api, organiser, "a4-8")
    assert reply.headers["Content-Disposition"] == f'inline; filename="badges-{WORKSHOP_ID}.pdf"'
    pages = pdf_pages(reply)

    assert len(pages) == 2
    for page in pages:
        assert_size(page, A4_PT)
    assert [len(page.qrs) for page in pages] == [8, 1]
    # Read left to right, row by row, the codes are those of the names in order.
    decoded = [qr.text for page in pages for qr in page.qrs]
    assert decoded == [code_of(people[name]) for name in NINE_SORTED]

    assert in_order(pages[0].words, NINE_SORTED[:8]), pages[0].text
    assert NINE_SORTED[8] in pages[1].words
    assert NINE_SORTED[8] not in pages[0].words
    for page in pages:
        assert page.words.count("PESERTA / PARTICIPANT") == len(page.qrs)
        assert page.words.count(DATES) == len(page.qrs)

    # Each badge is a 105 x 74.25 mm cell; its QR and quiet zone stay inside it.
    cell_width, cell_height = pages[0].image.width / 2, pages[0].image.height / 4
    for page in pages:
        for index, qr in enumerate(page.qrs):
            column, row = index % 2, index // 2
            x, y = qr.centre
            assert (int(x // cell_width), int(y // cell_height)) == (column, row)
            assert qr.width_with_quiet_zone_mm >= 35
            cell = (
                column * cell_width,
                row * cell_height,
                (column + 1) * cell_width,
                (row + 1) * cell_height,
            )
            assert_quiet_zone_blank(page, qr, cell)


def test_an_a6_sheet_is_one_badge_a_page_in_name_order(api, register, organiser):
    names = ["Zainal Abidin", "Đỗ Thị Hương", "Ahmad Fauzi"]
    people = enrol(register, names)
    pages = pdf_pages(sheet(api, organiser, "a6"))
    expected = ["Ahmad Fauzi", "Đỗ Thị Hương", "Zainal Abidin"]
    assert len(pages) == 3
    for page, name in zip(pages, expected, strict=True):
        assert_size(page, A6_PT)
        assert [qr.text for qr in page.qrs] == [code_of(people[name])]
        assert name in page.words
        assert page.qrs[0].width_with_quiet_zone_mm >= 35


def test_the_default_layout_is_a4_eight(api, register, organiser):
    people = enrol(register, ["Budi Santoso"])
    [page] = pdf_pages(sheet(api, organiser, layout=None))
    assert_size(page, A4_PT)
    assert [qr.text for qr in page.qrs] == [code_of(people["Budi Santoso"])]


def test_a_60_character_name_is_whole_on_the_a4_sheet(api, register, organiser):
    people = enrol(register, [LONG_NAME, "Teuku Nyak Arif"])
    [page] = pdf_pages(sheet(api, organiser, "a4-8"))
    assert LONG_NAME in page.words, page.text
    assert "Teuku Nyak Arif" in page.words
    assert [qr.text for qr in page.qrs] == [
        code_of(people[LONG_NAME]),
        code_of(people["Teuku Nyak Arif"]),
    ]


def test_a_cancelled_attendee_is_left_off_the_full_sheet(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso", "Citra Kirana"])
    cancel(api, organiser, people["Budi Santoso"])
    [page] = pdf_pages(sheet(api, organiser))
    assert [qr.text for qr in page.qrs] == [
        code_of(people["Ahmad Fauzi"]),
        code_of(people["Citra Kirana"]),
    ]
    assert "Budi Santoso" not in page.words
    assert prints_of(api, organiser, people["Budi Santoso"]) == []


def test_named_attendees_only_and_in_name_order(api, register, organiser):
    people = enrol(register, ["Zainal Abidin", "Ahmad Fauzi", "Đỗ Thị Hương", "Eko Prasetyo"])
    chosen = [people["Zainal Abidin"], people["Đỗ Thị Hương"], people["Zainal Abidin"]]
    pages = pdf_pages(sheet(api, organiser, "a6", [p["attendee_id"] for p in chosen]))
    assert [qr.text for page in pages for qr in page.qrs] == [
        code_of(people["Đỗ Thị Hương"]),
        code_of(people["Zainal Abidin"]),
    ]
    assert prints_of(api, organiser, people["Ahmad Fauzi"]) == []
    assert len(prints_of(api, organiser, people["Zainal Abidin"])) == 1


def test_naming_an_unknown_or_foreign_attendee_is_404(api, register, organiser):
    known = register()["attendee_id"]
    put_event(api, organiser, OTHER_ID)
    foreign = register(event_id=OTHER_ID)["attendee_id"]
    for unknown in ("a" * 16, "not-an-id", foreign):
        reply = sheet(api, organiser, "a6", [known, unknown])
        assert_error(reply, 404, "attendee_not_found")
    assert prints_of(api, organiser, {"attendee_id": known}) == []


def test_naming_a_cancelled_attendee_is_409(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso"])
    cancel(api, organiser, people["Budi Santoso"])
    ids = [people[name]["attendee_id"] for name in ("Ahmad Fauzi", "Budi Santoso")]
    assert_error(sheet(api, organiser, "a6", ids), 409, "registration_cancelled")
    assert prints_of(api, organiser, people["Ahmad Fauzi"]) == []


def test_a_sheet_over_the_size_limit_is_413_and_records_no_print(
    api, register, organiser, monkeypatch
):
    # A real sheet over the limit (4.4 MB) takes about 2,600 badges: too slow to
    # print here, so the limit is lowered to just under a full sheet of nine.
    people = enrol(register, NINE)
    full = sheet(api, organiser, "a6")
    assert full.status == 200, full
    monkeypatch.setattr(printing_use_case, "MAX_PDF_BYTES", len(full.raw) - 1)

    # The same nine again, each now marked as a reprint: no smaller.
    assert_error(sheet(api, organiser, "a6"), 413, "sheet_too_large")
    for registration in people.values():
        assert len(prints_of(api, organiser, registration)) == 1
    # Printed in parts, as the message says, it goes through.
    part = [people[name]["attendee_id"] for name in NINE[:2]]
    assert sheet(api, organiser, "a6", part).status == 200
    assert len(prints_of(api, organiser, people[NINE[0]])) == 2


@pytest.mark.parametrize("layout", ["a5", "A4-8", "a4-16", "letter"])
def test_an_unknown_layout_is_422(api, organiser, layout):
    assert_validation(sheet(api, organiser, layout), "layout")


def test_an_unknown_query_parameter_is_422(api, organiser):
    reply = api.get(f"{BADGES}?layout=a6&colour=red", token=organiser, headers=PDF)
    assert_validation(reply, "colour")


def test_an_unknown_event_has_no_sheet(api, organiser):
    reply = api.get("/events/no-such-event/badges.pdf", token=organiser, headers=PDF)
    assert_error(reply, 404, "event_not_found")


def test_prints_are_recorded_and_a_second_print_says_reprint(api, register, organiser, clock):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso"])
    ahmad, budi = people["Ahmad Fauzi"], people["Budi Santoso"]

    clock.set(jakarta("2016-11-28T15:30"))
    [first] = pdf_pages(sheet(api, organiser, "a6", [ahmad["attendee_id"]]))
    assert "Reprint" not in first.text
    assert prints_of(api, organiser, ahmad) == [
        {"at": "2016-11-28T08:30:00Z", "at_local": "2016-11-28T15:30:00+07:00"}
    ]
    assert prints_of(api, organiser, budi) == []

    clock.set(jakarta("2016-11-29T07:45"))
    pages = pdf_pages(sheet(api, organiser, "a6", [budi["attendee_id"], ahmad["attendee_id"]]))
    by_code = {page.qrs[0].text: page for page in pages}
    assert set(by_code) == {code_of(ahmad), code_of(budi)}
    assert "Cetak ulang / Reprint 1" in by_code[code_of(ahmad)].words
    assert "Reprint" not in by_code[code_of(budi)].text
    assert [p["at_local"] for p in prints_of(api, organiser, ahmad)] == [
        "2016-11-28T15:30:00+07:00",
        "2016-11-29T07:45:00+07:00",
    ]
    assert len(prints_of(api, organiser, budi)) == 1


def test_a_reprint_on_the_a4_sheet_is_marked_on_its_own_badge(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso", "Citra Kirana"])
    pdf_pages(sheet(api, organiser, "a6", [people["Budi Santoso"]["attendee_id"]]))
    [page] = pdf_pages(sheet(api, organiser, "a4-8"))
    # Each badge's text runs from its "PESERTA / PARTICIPANT" to the next one.
    badges = page.words.split("PESERTA / PARTICIPANT")[1:]
    assert len(badges) == 3
    assert ["Reprint" in text for text in badges] == [False, True, False]
    assert "Budi Santoso" in badges[1]
    assert "Cetak ulang / Reprint 1" in badges[1]


def test_a_reprinted_a6_badge_keeps_its_quiet_zone_clear(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi"])
    ids = [people["Ahmad Fauzi"]["attendee_id"]]
    pdf_pages(sheet(api, organiser, "a6", ids))
    [page] = pdf_pages(sheet(api, organiser, "a6", ids))
    assert "Reprint 1" in page.text
    [qr] = page.qrs
    assert qr.text == code_of(people["Ahmad Fauzi"])
    box = (0, 0, page.image.width, page.image.height)
    assert_quiet_zone_blank(page, qr, box)


def test_a_reissued_badge_prints_the_new_code(api, register, organiser, desk_token):
    registration = register()
    reply = api.post(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}/badge",
        {"reason": "lost"},
        token=desk_token,
    )
    assert reply.status == 201, reply
    new_code = reply.json["badge"]["code"]
    assert new_code != code_of(registration)
    [page] = pdf_pages(sheet(api, organiser, "a6", [registration["attendee_id"]]))
    assert [qr.text for qr in page.qrs] == [new_code]
    [page] = pdf_pages(sheet(api, organiser, "a4-8"))
    assert [qr.text for qr in page.qrs] == [new_code]


def test_a_badge_that_can_no_longer_be_reissued_can_still_be_printed(
    api, register, organiser, dynamodb
):
    # The reissue limit stops new codes, not printing the current one.
    registration = register()
    simulate_reissue(dynamodb, registration["attendee_id"], badge_serial=0xFFFF)
    current = api.get(
        f"/events/{WORKSHOP_ID}/attendees/{registration['attendee_id']}", token=organiser
    ).json["badge"]["code"]
    [page] = pdf_pages(sheet(api, organiser))
    assert [qr.text for qr in page.qrs] == [current]
    [page] = pdf_pages(sheet(api, organiser, "a6", [registration["attendee_id"]]))
    assert [qr.text for qr in page.qrs] == [current]


def test_a_name_with_a_repeated_word_sorts_by_the_whole_name(api, register, organiser):
    # "... bin Abdul Aziz" < "... bin Abdullah": the space sorts before "l".
    names = ["Abdul Rahman bin Abdullah", "Abdul Rahman bin Abdul Aziz"]
    people = enrol(register, names)
    pages = pdf_pages(sheet(api, organiser, "a6"))
    assert [page.qrs[0].text for page in pages] == [
        code_of(people["Abdul Rahman bin Abdul Aziz"]),
        code_of(people["Abdul Rahman bin Abdullah"]),
    ]


# --- 3. the paper sign-in list, for the desk ------------------------------------------


def sign_in(api, token, day=DAY1, headers=PDF):
    query = f"?date={day}" if day is not None else ""
    return api.get(SIGN_IN + query, token=token, headers=headers)


def rows_of(page: Page, names: list[str]) -> list[str]:
    """The names of `names` in the order the page prints them."""
    found = [(page.words.find(name), name) for name in names if name in page.words]
    return [name for _, name in sorted(found)]


def test_the_sign_in_sheet_lists_that_days_people_alphabetically(
    api, register, desk_token, organiser
):
    people = enrol(register, NINE)
    day2_only = register(name="Fajar Nugroho", email="fajar@example.org", days=[DAY2])
    cancel(api, organiser, people["Citra Kirana"])
    assert checkin(api, desk_token, code=code_of(people["Eko Prasetyo"])).status == 201

    reply = sign_in(api, desk_token)
    assert reply.headers["Content-Disposition"] == f'inline; filename="daftar-hadir-{DAY1}.pdf"'
    [page] = pdf_pages(reply)
    assert_size(page, A4_PT)
    assert page.qrs == []
    for shown in (
        "Daftar Hadir / Attendance List",
        TITLE,
        "Hari 1 / Day 1",
        "29 November 2016",
        VENUE,
        "No.",
        "Nama / Name",
        "Organisasi / Organisation",
        "Tanda tangan / Signature",
        "1 / 1",
    ):
        assert shown in page.words, (shown, page.text)

    expected = [name for name in NINE_SORTED if name != "Citra Kirana"]
    assert rows_of(page, [*NINE, "Fajar Nugroho"]) == expected
    assert day2_only["name"] not in page.words
    for name in expected:
        assert f"Organisasi {slug(name)}" in page.words
    # Numbered 1..8 in order, each just before its name.
    for number, name in enumerate(expected, 1):
        assert f"{number} {name}" in page.words, (number, name, page.text)
    # Eko checked in at 09:00 local: marked; nobody else is.
    assert page.words.count("hadir") == 1  # "Daftar Hadir" has a capital H
    eko = page.words.index("Eko Prasetyo")
    mark = page.words.index("hadir 09:00")
    following = page.words.index(expected[expected.index("Eko Prasetyo") + 1])
    assert eko < mark < following


def test_the_second_days_sheet_has_its_own_people_and_check_ins(
    api, register, desk_token, organiser, clock
):
    both = register(name="Ahmad Fauzi", email="ahmad@example.org")
    register(name="Budi Santoso", email="budi@example.org", days=[DAY1])
    register(name="Citra Kirana", email="citra@example.org", days=[DAY2])
    clock.set(jakarta("2016-11-30T08:15"))
    assert checkin(api, desk_token, code=code_of(both)).status == 201

    [page] = pdf_pages(sign_in(api, desk_token, DAY2))
    assert "Hari 2 / Day 2" in page.words
    assert "30 November 2016" in page.words
    assert rows_of(page, ["Ahmad Fauzi", "Budi Santoso", "Citra Kirana"]) == [
        "Ahmad Fauzi",
        "Citra Kirana",
    ]
    assert "hadir 08:15" in page.words
    assert "09:00" not in page.words

    # Day 1's sheet shows nobody as present.
    [page] = pdf_pages(sign_in(api, organiser, DAY1))
    assert rows_of(page, ["Ahmad Fauzi", "Budi Santoso", "Citra Kirana"]) == [
        "Ahmad Fauzi",
        "Budi Santoso",
    ]
    assert "hadir 0" not in page.words


def test_a_long_list_runs_over_numbered_pages(api, register, desk_token):
    count = printing.ROWS_PER_PAGE + 1
    names = [f"Peserta {index:02d}" for index in range(count, 0, -1)]  # registered Z to A
    enrol(register, names)
    pages = pdf_pages(sign_in(api, desk_token))
    assert len(pages) == 2
    first = [f"Peserta {index:02d}" for index in range(1, printing.ROWS_PER_PAGE + 1)]
    assert rows_of(pages[0], names) == first
    assert rows_of(pages[1], names) == [f"Peserta {count:02d}"]
    assert f"{count} Peserta {count:02d}" in pages[1].words
    assert "1 / 2" in pages[0].words and "2 / 1" not in pages[0].words
    assert "2 / 2" in pages[1].words
    for page in pages:
        assert_size(page, A4_PT)
        assert "Tanda tangan / Signature" in page.words
        assert "Hari 1 / Day 1" in page.words


def test_an_empty_day_still_prints_a_sheet_to_write_on(api, desk_token):
    [page] = pdf_pages(sign_in(api, desk_token))
    assert "Nama / Name" in page.words
    assert "1 / 1" in page.words


@pytest.mark.parametrize("day", ["2016-12-01", "2016-11-28"])
def test_a_date_that_is_not_an_event_day_is_409(api, desk_token, day):
    assert_error(sign_in(api, desk_token, day), 409, "not_an_event_day")


@pytest.mark.parametrize("day", [None, "", "2016-13-01", "29-11-2016", "tomorrow"])
def test_a_missing_or_malformed_date_is_422(api, desk_token, day):
    assert_validation(sign_in(api, desk_token, day), "date")


def test_the_sign_in_sheet_of_another_event_is_403_for_this_desk(api, organiser):
    put_event(api, organiser, OTHER_ID)
    reply = api.post(f"/events/{OTHER_ID}/desk-tokens", {"label": "Other"}, token=organiser)
    assert reply.status == 201, reply
    assert_error(sign_in(api, reply.json["token"]), 403, "forbidden")
    [page] = pdf_pages(
        api.get(
            f"/events/{OTHER_ID}/sign-in-sheet.pdf?date={DAY1}",
            token=reply.json["token"],
            headers=PDF,
        )
    )
    assert f"Test event {OTHER_ID}" in page.words


def test_the_sign_in_sheet_needs_a_pdf_accept_header(api, desk_token):
    error = assert_error(sign_in(api, desk_token, headers={}), 400, "bad_request")
    assert "application/pdf" in error["message"]


# --- issue 16: only real prints are recorded; "print the new ones" --------------------


def test_a_preview_records_no_print(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso"])
    [page] = pdf_pages(sheet(api, organiser, mark=False))
    assert len(page.qrs) == 2
    for registration in people.values():
        assert prints_of(api, organiser, registration) == []
    # Printed for real afterwards, it is a first print, not a reprint.
    [page] = pdf_pages(sheet(api, organiser))
    assert "Reprint" not in page.text
    for registration in people.values():
        assert len(prints_of(api, organiser, registration)) == 1


def test_unprinted_selects_the_badges_never_printed(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso", "Citra Kirana"])
    assert sheet(api, organiser, "a6", [people["Budi Santoso"]["attendee_id"]]).status == 200
    new_ones = f"{BADGES}?layout=a6&unprinted=true&mark_printed=true"
    pages = pdf_pages(api.get(new_ones, token=organiser, headers=PDF))
    assert [qr.text for page in pages for qr in page.qrs] == [
        code_of(people["Ahmad Fauzi"]),
        code_of(people["Citra Kirana"]),
    ]
    assert len(prints_of(api, organiser, people["Budi Santoso"])) == 1
    assert len(prints_of(api, organiser, people["Ahmad Fauzi"])) == 1
    # Nothing new is left: an empty sheet, and nothing recorded.
    empty = api.get(new_ones, token=organiser, headers=PDF)
    assert empty.status == 200 and empty.raw.startswith(b"%PDF")
    assert len(prints_of(api, organiser, people["Ahmad Fauzi"])) == 1


def test_unprinted_among_those_named(api, register, organiser):
    people = enrol(register, ["Ahmad Fauzi", "Budi Santoso", "Citra Kirana"])
    assert sheet(api, organiser, "a6", [people["Budi Santoso"]["attendee_id"]]).status == 200
    named = [people[name]["attendee_id"] for name in ("Budi Santoso", "Citra Kirana")]
    query = "&".join(f"attendee_id={attendee_id}" for attendee_id in named)
    reply = api.get(f"{BADGES}?layout=a6&unprinted=true&{query}", token=organiser, headers=PDF)
    assert [qr.text for page in pdf_pages(reply) for qr in page.qrs] == [
        code_of(people["Citra Kirana"])
    ]
    assert prints_of(api, organiser, people["Citra Kirana"]) == []  # a preview


def test_a_corrected_name_is_on_the_next_print(api, register, organiser):
    registration = register(name="Siti Rahmwati")
    attendee_id = registration["attendee_id"]
    reply = api.call(
        "PATCH",
        f"/events/{WORKSHOP_ID}/attendees/{attendee_id}",
        body={"name": "Siti Rahmawati"},
        token=organiser,
    )
    assert reply.status == 200, reply
    [page] = pdf_pages(sheet(api, organiser, "a6", [attendee_id]))
    assert "Siti Rahmawati" in page.text and "Rahmwati" not in page.text
    assert [qr.text for qr in page.qrs] == [code_of(registration)]
