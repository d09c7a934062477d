"""QR PNGs, read back by a real decoder (zxing-cpp); and what the door path imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import png
import pytest
import zxingcpp

from chalicelib.documents.qr import qr_png
from tests.support.values import WORKSHOP_ID

ROOT = Path(__file__).resolve().parents[2]
PNG = {"Accept": "image/png"}


def decode(png_bytes: bytes) -> list:
    width, height, rows, info = png.Reader(bytes=png_bytes).asDirect()
    assert info["planes"] == 1, "badge QR codes are drawn in greyscale"
    top = (1 << info["bitdepth"]) - 1
    pixels = bytes(value * 255 // top for row in rows for value in row)
    image = memoryview(pixels).cast("B", (height, width))
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_the_badge_qr_holds_exactly_the_code_in_a_small_symbol(api, register):
    code = register()["badge"]["code"]
    reply = api.get(f"/badges/{code}/qr.png", headers=PNG)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "image/png"
    [barcode] = decode(reply.raw)
    assert barcode.text == code
    assert int(barcode.extra["Version"]) <= 5
    assert barcode.ec_level in ("M", "Q", "H")


def test_the_url_in_the_registration_is_the_qr(api, register):
    badge = register(email="url@example.org")["badge"]
    reply = api.get(badge["qr_png_url"], headers=PNG)
    assert [barcode.text for barcode in decode(reply.raw)] == [badge["code"]]


@pytest.mark.parametrize("text", ["A" * 40, "Z7" * 20, "HADIR"])
def test_drawn_codes_decode_to_their_text(text):
    [barcode] = decode(qr_png(text))
    assert barcode.text == text


def test_unknown_codes_get_no_qr(api, register):
    code = register(email="qr-forged@example.org")["badge"]["code"]
    forged = ("B" if code[5] != "B" else "C").join([code[:5], code[6:]])
    reply = api.get(f"/badges/{forged}/qr.png", headers=PNG)
    assert reply.status == 404
    assert reply.error_code == "badge_not_found"


PROBE = textwrap.dedent(
    """
    import json, os, sys
    os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
                      AWS_DEFAULT_REGION="ap-southeast-3")
    import boto3
    from moto import mock_aws
    from chalice.test import Client
    import app
    from chalicelib.core.auth import hash_token
    from chalicelib.core.clock import FixedClock
    from chalicelib.seed import seed_events
    from chalicelib.services import Hadir
    from chalicelib.store import Store, create_table
    from datetime import datetime

    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, "t")
        hadir = Hadir(Store(client, "t"),
                      FixedClock(datetime.fromisoformat("2016-11-29T09:00:00+07:00")),
                      b"s" * 32, hash_token("org"))
        for event in seed_events():
            hadir.put_event(event)
        app.use_hadir(hadir)
        json_headers = {"Content-Type": "application/json"}
        with Client(app.app) as test:
            def post(path, body, token=None):
                headers = dict(json_headers)
                if token:
                    headers["Authorization"] = "Bearer " + token
                reply = test.http.post(path, headers=headers, body=json.dumps(body).encode())
                return reply.status_code, json.loads(reply.body)
            _, desk = post("/events/EVENT/desk-tokens", {"label": "Door"}, "org")
            _, registration = post("/events/EVENT/registrations", {
                "name": "A", "email": "a@example.org", "organisation": "B", "consent": True})
            before = set(sys.modules)
            status, _ = post("/events/EVENT/checkins", {
                "code": registration["badge"]["code"], "scan_id": "probe-scan-1"}, desk["token"])
            after_checkin = set(sys.modules)
            test.http.get("/badges/" + registration["badge"]["code"] + "/qr.png",
                          headers={"Accept": "image/png"})
            after_qr = set(sys.modules)
    print(json.dumps({
        "status": status,
        "checkin_imported": sorted(after_checkin - before),
        "all_after_checkin": sorted(after_checkin),
        "all_after_qr": sorted(after_qr),
    }))
    """
).replace("EVENT", WORKSHOP_ID)


def test_checking_in_never_loads_image_or_pdf_code():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 201
    heavy = ("qrcode", "png", "PIL", "fpdf", "fontTools", "openpyxl")
    loaded_by_checkin = {name.split(".")[0] for name in report["all_after_checkin"]}
    assert not loaded_by_checkin & set(heavy), report["checkin_imported"]
    for module in (
        "chalicelib.documents.printing",
        "chalicelib.documents.charts",
        "chalicelib.documents.qr",
    ):
        assert module not in report["all_after_checkin"], module
    # The probe did draw afterwards. (qrcode itself imports Pillow whenever it
    # is installed, as it is for the PDFs; the PNG is still written by PyPNG.)
    assert "qrcode" in {name.split(".")[0] for name in report["all_after_qr"]}
