"""`make bench`: speed and size figures, printed. Nothing here asserts a time.

- the Lambda bundle as `chalice package` builds it for python3.11: zipped and
  unzipped size, and the platform tags of its compiled wheels;
- cold start: importing app.py in a fresh interpreter, and whether the door
  path pulls in image code;
- check-in and attendance through the Chalice test client over moto (our code's
  own cost: moto stands in for DynamoDB, so network time is not included), with
  the DynamoDB requests each one makes;
- drawing a badge QR: time, PNG size, QR version.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 300


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {_ms(statistics.median(ordered))}, p95 {_ms(p95)}, n={len(ordered)}"


def bundle() -> None:
    from devtools.package import package

    with tempfile.TemporaryDirectory() as out:
        try:
            report = package("prod", Path(out))
        except SystemExit as failure:
            print(f"bundle: make package failed: {str(failure)[-300:]}")
            return
    print(
        f"bundle (make package, trimmed): {report.zipped_bytes / 1e6:.2f} MB zipped, "
        f"{report.unzipped_bytes / 1e6:.2f} MB unzipped, {report.files} files "
        "(Lambda's limits: 50 MB zipped, 250 MB unzipped)"
    )
    print(f"bundle: compiled wheels tagged {', '.join(report.compiled_tags) or 'none'}")


COLD = """
import sys, time
started = time.perf_counter()
import app
from chalicelib import services, store, models, domain, badges
elapsed = time.perf_counter() - started
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'qrcode', 'png', 'PIL', 'fpdf', 'moto'})
print(elapsed, len(sys.modules), ','.join(heavy))
"""


def cold_start() -> None:
    samples, modules, heavy = [], 0, ""
    for _ in range(7):
        out = subprocess.run(
            [sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        samples.append(float(out[0]))
        modules = int(out[1])
        heavy = out[2] if len(out) > 2 else ""
    print(
        f"cold start: import app + services {_ms(statistics.median(samples))} median of 7 "
        f"fresh interpreters, {modules} modules, image/test modules loaded: {heavy or 'none'}"
    )


def door() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="ap-southeast-3",
    )
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    import app
    from chalicelib.auth import hash_token
    from chalicelib.clock import FixedClock
    from chalicelib.qr import qr_png
    from chalicelib.seed import WORKSHOP_ID, seed_events
    from chalicelib.services import Hadir
    from chalicelib.store import Store, create_table
    from devtools.local_dynamodb import serialise_moto_dynamodb

    serialise_moto_dynamodb()
    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, "bench")
        requests: Counter = Counter()
        in_dynamodb = [0.0]  # seconds spent inside moto's DynamoDB, to set apart
        call_started: list[float] = []

        def before(model, **_):
            requests.update([model.name])
            call_started.append(time.perf_counter())

        def after(**_):
            in_dynamodb[0] += time.perf_counter() - call_started.pop()

        client.meta.events.register("before-call.dynamodb", before)
        client.meta.events.register("after-call.dynamodb", after)
        clock = FixedClock(datetime.fromisoformat("2016-11-29T09:00:00+07:00"))
        hadir = Hadir(Store(client, "bench"), clock, b"b" * 32, hash_token("organiser"))
        for event in seed_events():
            hadir.put_event(event)
        app.use_hadir(hadir)
        with Client(app.app) as test:

            def post(path, body, token=None):
                headers = {"Content-Type": "application/json"}
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                reply = test.http.post(path, headers=headers, body=json.dumps(body).encode())
                return reply.status_code, json.loads(reply.body)

            base = f"/events/{WORKSHOP_ID}"
            _, desk = post(f"{base}/desk-tokens", {"label": "Bench"}, "organiser")
            codes, registering = [], []
            for index in range(RUNS):
                started = time.perf_counter()
                _, registration = post(
                    f"{base}/registrations",
                    {
                        "name": f"Peserta Nama{index:04d}",
                        "email": f"p{index}@example.org",
                        "organisation": "Yayasan",
                        "consent": True,
                    },
                )
                registering.append(time.perf_counter() - started)
                codes.append(registration["badge"]["code"])

            requests.clear()
            in_dynamodb[0] = 0.0
            checking_in = []
            for index, code in enumerate(codes):
                started = time.perf_counter()
                status, _ = post(
                    f"{base}/checkins",
                    {"code": code, "scan_id": f"bench-{index:06d}"},
                    desk["token"],
                )
                checking_in.append(time.perf_counter() - started)
                assert status == 201
            checkin_requests = sum(requests.values()) / RUNS
            checkin_own = (sum(checking_in) - in_dynamodb[0]) / RUNS

            requests.clear()
            counting = []
            for _ in range(50):
                started = time.perf_counter()
                test.http.get(f"{base}/attendance", headers={"Authorization": "Bearer organiser"})
                counting.append(time.perf_counter() - started)
            attendance_requests = sum(requests.values()) / 50

            started = time.perf_counter()
            sheet = test.http.get(
                f"{base}/badges.pdf?layout=a4-8",
                headers={"Authorization": "Bearer organiser", "Accept": "application/pdf"},
            )
            sheet_seconds = time.perf_counter() - started
            assert sheet.status_code == 200

            searching = []
            for index in range(50):
                started = time.perf_counter()
                reply = test.http.get(
                    f"{base}/attendees?q=nama{index:04d}",
                    headers={"Authorization": f"Bearer {desk['token']}"},
                )
                searching.append(time.perf_counter() - started)
                assert reply.status_code == 200

        print(f"registration over the test client: {_percentiles(registering)}")
        print(
            f"check-in over the test client: {_percentiles(checking_in)}; "
            f"{checkin_requests:.1f} DynamoDB requests each (desk token lookup included)"
        )
        print(f"check-in, Hadir's own time without moto's: {_ms(checkin_own)} mean")
        print(
            f"attendance with {RUNS} registered: {_percentiles(counting)}; "
            f"{attendance_requests:.1f} DynamoDB requests each"
        )
        print(f"search finding one of {RUNS} by name: {_percentiles(searching)}")
        print(
            f"badge sheet of all {RUNS} (a4-8) over the test client: {_ms(sheet_seconds)}, "
            f"{len(sheet.body) / 1e6:.2f} MB (prints recorded)"
        )
        drawing = []
        for code in codes[:100]:
            started = time.perf_counter()
            png = qr_png(code)
            drawing.append(time.perf_counter() - started)
        from tests.test_qr import decode  # zxing-cpp, a dev dependency

        version = decode(png)[0].extra["Version"]
        print(f"badge QR: {_percentiles(drawing)}; {len(png)} bytes PNG; QR version {version}")


def printing() -> None:
    from chalicelib.badges import issue_code, new_attendee_id
    from chalicelib.printing import BadgeCard, badge_sheet_pdf

    cards = [
        BadgeCard(
            name=f"Peserta Nama Panjang {index:04d}",
            organisation="Wahana Lingkungan Hidup Indonesia",
            code=issue_code(b"b" * 32, new_attendee_id(), 0),
            event_title="Civil Society's Social Media Capacity on Conservation Issues",
            dates="29-30 November 2016",
            venue="Hotel Grand Cemara",
        )
        for index in range(1000)
    ]
    started = time.perf_counter()
    pdf = badge_sheet_pdf(cards, "a4-8")
    elapsed = time.perf_counter() - started
    base64_mb = len(pdf) * 4 / 3 / 1e6
    print(
        f"1,000 badges in a4-8: {elapsed:.2f} s, {len(pdf) / 1e6:.2f} MB PDF "
        f"({base64_mb:.2f} MB as base64; API Gateway and Lambda answer at most 6 MB)"
    )


def report_reads() -> None:
    """Items the report reads at 100 and at 5,000 attendees: the same."""
    import boto3
    from moto import mock_aws

    from chalicelib.auth import hash_token
    from chalicelib.clock import SystemClock
    from chalicelib.seed import WORKSHOP_ID, seed_events
    from chalicelib.services import Hadir
    from chalicelib.store import Store, create_table
    from tests.test_desk_races import seed_directly

    with mock_aws():
        client = boto3.client("dynamodb")
        create_table(client, "hadir-test")  # the table seed_directly writes to
        hadir = Hadir(Store(client, "hadir-test"), SystemClock(), b"b" * 32, hash_token("o"))
        for event in seed_events():
            hadir.put_event(event)
        read: Counter = Counter()

        def count(parsed, model, **_):
            if "ScannedCount" in parsed:  # Query, Scan
                read[model.name] += parsed["ScannedCount"]
            elif "Item" in parsed:  # GetItem
                read[model.name] += 1

        client.meta.events.register("after-call.dynamodb", count)
        figures = []
        for size, add in ((100, 100), (5000, 4900)):
            seed_directly(client, WORKSHOP_ID, add)
            read.clear()
            hadir.report(WORKSHOP_ID)
            figures.append(f"{sum(read.values())} at {size:,}")
        print(f"attendance report, items read: {', '.join(figures)} attendees")


def main() -> None:
    print(f"Hadir benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    bundle()
    cold_start()
    door()
    printing()
    report_reads()


if __name__ == "__main__":
    main()
