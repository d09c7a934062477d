"""`make bench`: the figures that keep Hadir honest, printed and written to docs/benchmarks.md.

A script, not a test: nothing here fails on a time. Times are medians over
repeated runs on this machine, in-process over moto, so they measure Hadir's
own work and moto's, never a network. Each figure that has a target says so.

- DynamoDB requests per operation, counted with a botocore hook;
- items read by the counts, the report and a search at 100 and at 5,000 attendees;
- a check-in through the app against a minimal hand-written handler making the same
  two requests, warm and cold (devtools/bench_door.py);
- cold start: `import app` against `import boto3, pydantic, chalice`;
- the Lambda bundle, a 1,000-row receipt sheet, 1,000 badges as one PDF and 1,000
  sign-in rows, the last two also with 200-character unbroken names (issue 17: no
  slower than twice the normal names);
- a certificate's time and size, and 1,000 certificates as one PDF;
- a 2,000-row participant list imported, dry run and commit, on moto in process and on
  DynamoDB Local (devtools/bench_import.py);
- `make run` (devtools/run_local.py, on DynamoDB Local): seconds from its start to
  its first answer on /health, on a new data directory and on an existing one
  (the engine already fetched: a warm machine).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUTPUT = ROOT / "docs" / "benchmarks.md"
COLD_RUNS = 9  # fresh interpreters per import measured
RUN_STARTS = 3  # make run's starts measured on an existing data directory
HEALTH_TARGET = 15.0  # seconds, on a warm machine (issue 15)


@dataclass
class Row:
    section: str
    figure: str
    value: str
    target: str = ""


ROWS: list[Row] = []


def row(section: str, figure: str, value: str, target: str = "") -> None:
    ROWS.append(Row(section, figure, value, target))
    print(f"{section} | {figure}: {value}" + (f"  (target {target})" if target else ""))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


# --- in-process over moto -----------------------------------------------------


class Moto:
    """A moto-backed Hadir behind the Chalice test client, with DynamoDB calls counted."""

    def __enter__(self):
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="ap-southeast-3",
        )
        import boto3
        from chalice.test import Client
        from moto import mock_aws

        import app
        from chalicelib.core.auth import hash_token
        from chalicelib.core.clock import FixedClock
        from chalicelib.seed import WORKSHOP_ID, seed_events
        from chalicelib.services import Hadir
        from chalicelib.store import Store, create_table
        from devtools.local_dynamodb import serialise_moto_dynamodb

        serialise_moto_dynamodb()
        self._mock = mock_aws()
        self._mock.start()
        self.client = boto3.client("dynamodb")
        create_table(self.client, "hadir-test")  # seed_directly (tests/support/direct.py) seeds it
        self.requests: Counter = Counter()
        self.items_read = 0
        self.client.meta.events.register("before-call.dynamodb", self._count_request)
        self.client.meta.events.register("after-call.dynamodb", self._count_items)
        clock = FixedClock(datetime.fromisoformat("2016-11-29T09:00:00+07:00"))
        self.hadir = Hadir(Store(self.client, "hadir-test"), clock, b"b" * 32, hash_token("org"))
        for event in seed_events():
            self.hadir.put_event(event)
        app.use_hadir(self.hadir)
        self._test = Client(app.app)
        self.http = self._test.http
        self.base = f"/events/{WORKSHOP_ID}"
        self.event_id = WORKSHOP_ID
        return self

    def __exit__(self, *exc):
        import app

        app.use_hadir(None)
        self._mock.stop()

    def _count_request(self, model, **_):
        self.requests.update([model.name])

    def _count_items(self, parsed, model, **_):
        if "ScannedCount" in parsed:  # Query
            self.items_read += parsed["ScannedCount"]
        elif "Item" in parsed:  # GetItem
            self.items_read += 1
        elif "Responses" in parsed:  # BatchGetItem
            self.items_read += sum(len(items) for items in parsed["Responses"].values())

    def reset(self):
        self.requests.clear()
        self.items_read = 0

    def call(self, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else b""
        reply = self.http.request(method, path, headers=headers, body=data)
        return reply.status_code, json.loads(reply.body) if reply.body else None

    def register(self, index: int) -> dict:
        status, body = self.call(
            "POST",
            f"{self.base}/registrations",
            {
                "name": f"Peserta Nama{index:05d}",
                "email": f"p{index}@example.org",
                "organisation": "Yayasan Hutan Lestari",
                "gender": "female",
                "organisation_type": "ngo",
                "consent": True,
            },
        )
        assert status == 201, body
        return body


def requests_per_operation() -> None:
    with Moto() as moto:
        _, desk = moto.call("POST", f"{moto.base}/desk-tokens", {"label": "Bench"}, "org")
        desk = desk["token"]

        def measure(name, action, target=""):
            moto.reset()
            action()
            count = sum(moto.requests.values())
            detail = ", ".join(f"{n} {op}" for op, n in sorted(moto.requests.items()))
            row("DynamoDB requests", name, f"{count} ({detail})", target)

        codes = [moto.register(i)["badge"]["code"] for i in range(20)]
        measure("register", lambda: moto.register(999))

        def scan(code, scan_id):
            return moto.call(
                "POST", f"{moto.base}/checkins", {"code": code, "scan_id": scan_id}, desk
            )

        measure("check-in, new", lambda: scan(codes[0], "bench-0001"), "≤ 2")
        measure("check-in, repeat (new scan_id)", lambda: scan(codes[0], "bench-0002"))
        measure("check-in, replayed scan_id", lambda: scan(codes[0], "bench-0001"))
        measure(
            "search by name (20 a page)",
            lambda: moto.call("GET", f"{moto.base}/attendees?q=peserta", None, desk),
        )
        measure("attendance", lambda: moto.call("GET", f"{moto.base}/attendance", None, "org"), "1")
        measure(
            "attendance report",
            lambda: moto.call("GET", f"{moto.base}/attendance/report", None, "org"),
            "1",
        )


def scaling() -> None:
    from tests.support.direct import seed_directly

    with Moto() as moto:
        for size, add in ((100, 100), (5000, 4900)):
            seed_directly(moto.client, moto.event_id, add)
            for name, path, target in (
                ("attendance", f"{moto.base}/attendance", "flat"),
                ("attendance report", f"{moto.base}/attendance/report", "flat"),
                # seed_directly names people "<first> <last> <index>": this finds one.
                ("search finding one", f"{moto.base}/attendees?q=0042", ""),
            ):
                moto.reset()
                status, body = moto.call("GET", path, None, "org")
                assert status == 200, body
                row("Items read", f"{name}, {size:,} attendees", str(moto.items_read), target)


ROSTER_PEOPLE = 5000
ROSTER_TARGET = 1024 * 1024  # the first load, gzipped (issue 20)


def _roster_people(client, event_id: str, count: int) -> None:
    """`count` registrations with varied names and organisations (random syllables, so
    that gzip gets no help from repeats), half of them checked in on day 1."""
    import random
    from datetime import date

    from boto3.dynamodb.types import TypeSerializer

    from chalicelib.core.badges import new_attendee_id
    from chalicelib.core.domain import ACTIVE, Attendee, Checkin
    from chalicelib.store.codec import attendee_item

    rng = random.Random(20)
    syllables = [a + b for a in "bdghjklmnprstwy" for b in "aiueo"]

    def word(parts: int) -> str:
        return "".join(rng.choice(syllables) for _ in range(parts)).capitalize()

    dump = TypeSerializer().serialize
    items = []
    for index in range(count):
        days = [date(2016, 11, 29), date(2016, 11, 30)]
        at = datetime(2016, 11, 29, 1, rng.randrange(60), rng.randrange(60), tzinfo=UTC)
        attendee = Attendee(
            id=new_attendee_id(),
            event_id=event_id,
            name=f"{word(3)} {word(2)} {word(3)}",
            email=f"r{index}@example.org",
            organisation=f"Yayasan {word(3)} {word(2)}",
            days=days,
            status=ACTIVE,
            badge_serial=rng.choice([0, 0, 0, 0, 1]),
            registered_at=datetime(2016, 11, 1, tzinfo=UTC),
            checkins={days[0]: Checkin(at, "Meja A", None, f"s{index}")} if index % 2 else {},
        )
        items.append(attendee_item(attendee))
    for start in range(0, len(items), 25):
        batch = [
            {"PutRequest": {"Item": {k: dump(v) for k, v in item.items() if v is not None}}}
            for item in items[start : start + 25]
        ]
        client.batch_write_item(RequestItems={"hadir-test": batch})


def roster() -> None:
    """The desk's roster (API.md section 13): the first load of 5,000 people, gzipped,
    and a refresh after one check-in."""
    import gzip

    section = "The roster (desk without a network)"
    with Moto() as moto:
        _roster_people(moto.client, moto.event_id, ROSTER_PEOPLE)
        _, desk = moto.call("POST", f"{moto.base}/desk-tokens", {"label": "Bench"}, "org")
        desk = desk["token"]
        moto.reset()
        started = time.perf_counter()
        raw = wire = pages = people = 0
        path: str | None = f"{moto.base}/roster"
        since = None
        while path:
            reply = moto.http.request(
                "GET", path, headers={"Authorization": f"Bearer {desk}"}, body=b""
            )
            assert reply.status_code == 200, reply.body
            body = json.loads(reply.body)
            since = since or body["since"]
            raw += len(reply.body)
            wire += len(gzip.compress(reply.body, 6))
            pages += 1
            people += len(body["attendees"])
            path = f"{moto.base}/roster?next={body['next']}" if body["next"] else None
        elapsed = time.perf_counter() - started
        assert people == ROSTER_PEOPLE, people
        row(
            section,
            f"first load, {ROSTER_PEOPLE:,} people (desk)",
            f"{wire / 1024:.0f} KB gzip ({raw / 1024:.0f} KB raw), {pages} pages, "
            f"{sum(moto.requests.values())} requests, {elapsed:.1f} s in process",
            f"< {ROSTER_TARGET // 1024} KB",
        )
        assert wire < ROSTER_TARGET, wire
        moto.hadir.clock.set(moto.hadir.clock.now() + timedelta(minutes=1))
        moto.reset()
        status, body = moto.call("GET", f"{moto.base}/roster?since={since}", None, desk)
        assert status == 200, body
        detail = ", ".join(f"{n} {op}" for op, n in sorted(moto.requests.items()))
        row(
            section,
            f"refresh with since, nothing changed, {ROSTER_PEOPLE:,} people",
            f"{len(body['attendees'])} people; {detail}; {moto.items_read} items read",
            "no Scan",
        )


def door() -> None:
    from devtools.bench_door import measure

    measure(row)


COLD_APP = """
import sys, time
started = time.perf_counter()
import app
elapsed = time.perf_counter() - started
loaded = set(sys.modules)
heavy = sorted(
    m for m in loaded
    if m.split('.')[0] in {'qrcode', 'png', 'PIL', 'fpdf', 'fontTools', 'moto'}
    or m.startswith('chalicelib.documents.')
)
print(elapsed, len(loaded), ','.join(heavy) or '-')
"""
COLD_BASE = """
import sys, time
started = time.perf_counter()
import boto3, pydantic, chalice
elapsed = time.perf_counter() - started
print(elapsed, len(sys.modules), '-')
"""


# `import pydantic` is lazy: it loads none of BaseModel's machinery, which any
# pydantic model needs. This shows how much of the gap is that.
COLD_BASE_WITH_MODELS = COLD_BASE.replace(
    "import boto3, pydantic, chalice",
    "import boto3, chalice; from pydantic import BaseModel, Field",
)


def _cold(script: str) -> tuple[float, int, str]:
    samples = []
    for _ in range(COLD_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        samples.append(float(out[0]))
    return statistics.median(samples), int(out[1]), out[2]


def cold_start() -> None:
    # Alternate, so that a busy moment on the machine does not favour one side.
    app_time, modules, heavy = _cold(COLD_APP)
    base_time, base_modules, _ = _cold(COLD_BASE)
    row(
        "Cold start",
        "`import app` (fresh interpreter)",
        f"median {_ms(app_time)}, {modules} modules",
    )
    row(
        "Cold start",
        "`import boto3, pydantic, chalice`",
        f"median {_ms(base_time)}, {base_modules} modules",
    )
    row("Cold start", "ratio", f"{app_time / base_time:.2f}", "< 1.3")
    models_time, _, _ = _cold(COLD_BASE_WITH_MODELS)
    row(
        "Cold start",
        "`import boto3, chalice` + `from pydantic import BaseModel, Field`",
        f"median {_ms(models_time)}; `import app` is {app_time / models_time:.2f} of it",
    )
    row("Cold start", "image, PDF, SVG or test modules loaded by `import app`", heavy, "none")


COLD_BUNDLE = """
import sys, time
bundle, site = sys.argv[1], sys.argv[2]
sys.path[:0] = [bundle]
sys.path.append(site)  # boto3, which the Lambda runtime provides
started = time.perf_counter()
import app
print(time.perf_counter() - started)
"""


def _cold_from(bundle: Path) -> float:
    import sysconfig

    samples = []
    for _ in range(COLD_RUNS):
        out = subprocess.run(
            [
                sys.executable,
                "-S",
                "-c",
                COLD_BUNDLE,
                str(bundle),
                sysconfig.get_paths()["purelib"],
            ],
            cwd=bundle,
            capture_output=True,
            text=True,
            check=True,
            # As on Lambda, where /var/task is read-only: nothing compiled is kept.
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        ).stdout
        samples.append(float(out.split()[-1]))
    return statistics.median(samples)


def bundle_cold_start(zip_path: Path) -> None:
    import shutil
    import zipfile

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(root)
        with_pyc = _cold_from(root)
        for cache in root.rglob("__pycache__"):
            shutil.rmtree(cache)
        without_pyc = _cold_from(root)
    row(
        "Cold start",
        "`import app` from the bundle, nothing cached (as on Lambda)",
        f"median {_ms(with_pyc)} with the bundle's .pyc files, {_ms(without_pyc)} without",
    )


def bundle() -> None:
    from devtools.package import package

    with tempfile.TemporaryDirectory() as out:
        try:
            report = package("prod", Path(out))
        except SystemExit as failure:
            row("Bundle", "make package", f"failed: {str(failure)[-200:]}")
            return
        bundle_cold_start(Path(out) / "deployment.zip")
    row(
        "Bundle",
        "Lambda bundle (make package, trimmed)",
        f"{report.zipped_bytes / 1e6:.2f} MB zipped, {report.unzipped_bytes / 1e6:.1f} MB unzipped",
        "< 15 MB zipped",
    )
    row("Bundle", "compiled wheels", ", ".join(report.compiled_tags), "glibc ≤ 2.26")


def _median(make, runs: int = 3) -> tuple[float, int]:
    timings, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(make())
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), size


def printing() -> None:
    from datetime import date

    from chalicelib.core.badges import issue_code, new_attendee_id
    from chalicelib.documents.printing import (
        BadgeCard,
        SignInRow,
        SignInSheet,
        badge_sheet_pdf,
        sign_in_sheet_pdf,
    )

    def cards(name, organisation):
        return [
            BadgeCard(
                name=name(index),
                organisation=organisation,
                code=issue_code(b"b" * 32, new_attendee_id(), 0),
                event_title="Civil Society's Social Media Capacity on Conservation Issues",
                dates="29-30 November 2016",
                venue="Hotel Grand Cemara",
            )
            for index in range(1000)
        ]

    def sheet(name, organisation):
        rows = [SignInRow(name(index), organisation, "08:15") for index in range(1000)]
        return SignInSheet("Lokakarya", 1, date(2016, 11, 29), "Hotel Grand Cemara", rows)

    def normal(index: int) -> str:
        return f"Peserta Nama Panjang {index:04d}"

    def hostile(index: int) -> str:  # issue 17: 200 characters, no break anywhere
        return "W" * 196 + f"{index:04d}"

    org = "Wahana Lingkungan Hidup Indonesia"
    base, size = _median(lambda: badge_sheet_pdf(cards(normal, org), "a4-8"))
    row(
        "Printing",
        "1,000 badges, a4-8, one PDF",
        f"median {base:.2f} s of 3, {size / 1e6:.2f} MB",
        "< 29 s, < 4.4 MB (6 MB as base64)",
    )
    worst, size = _median(lambda: badge_sheet_pdf(cards(hostile, "W" * 200), "a4-8"))
    row(
        "Printing",
        "1,000 badges of 200-character unbroken names and organisations, a4-8",
        f"median {worst:.2f} s of 3 ({worst / base:.2f}x the normal names), {size / 1e6:.2f} MB",
        "≤ 2x the normal names",
    )
    base, _ = _median(lambda: sign_in_sheet_pdf(sheet(normal, org)))
    row("Printing", "1,000 sign-in rows (50 pages)", f"median {base:.2f} s of 3")
    worst, _ = _median(lambda: sign_in_sheet_pdf(sheet(hostile, "W" * 200)))
    row(
        "Printing",
        "1,000 sign-in rows of 200-character unbroken names and organisations",
        f"median {worst:.2f} s of 3 ({worst / base:.2f}x the normal names)",
        "≤ 2x the normal names",
    )


def _bench_logo(seed: int) -> str:
    """A donor logo as organisers upload them: 600 x 200, a few colours, tens of KB."""
    import base64
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (600, 200), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(600), rng.randrange(200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + rng.randrange(10, 80), y + rng.randrange(10, 80)), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def certificates() -> None:
    from chalicelib.core.certificates import certificate_number
    from chalicelib.core.models import Logo
    from chalicelib.documents.certificates import CertificatePage, Signature, certificates_pdf

    logos = [Logo(name=f"Logo {index}", png_base64=_bench_logo(index)) for index in range(2)]

    def page(index: int) -> CertificatePage:
        number = certificate_number(b"b" * 32, "socmed-conservation-2016", index + 1)
        return CertificatePage(
            name=f"Peserta Nama Panjang {index:04d}",
            organisation="Wahana Lingkungan Hidup Indonesia",
            event_title="Civil Society's Social Media Capacity on Conservation Issues",
            dates="29-30 November 2016",
            venue="Hotel Grand Cemara",
            days_attended=["29 November 2016", "30 November 2016"],
            days_total=2,
            hours=16,
            number=number,
            url=f"https://hadir.example/c/{number}",
            signatories=[Signature("Dr. Ir. Bambang Sutrisno", "Chief of Party, USAID BIJAK")],
        )

    timings, size = [], 0
    for _ in range(15):
        started = time.perf_counter()
        size = len(certificates_pdf([page(0)], logos))
        timings.append(time.perf_counter() - started)
    row(
        "Certificates",
        "one certificate, A4 landscape, 2 logos",
        f"median {_ms(statistics.median(timings))} of 15, {size / 1024:.0f} KB",
    )
    pages_ = [page(index) for index in range(1000)]
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        size = len(certificates_pdf(pages_, logos))
        timings.append(time.perf_counter() - started)
    row(
        "Certificates",
        "1,000 certificates, one PDF (the bulk download), 2 logos",
        f"median {statistics.median(timings):.2f} s of 3, {size / 1e6:.2f} MB",
        "< 29 s, < 4.4 MB (6 MB as base64)",
    )


def receipt_sheet() -> None:
    from datetime import date

    from chalicelib.documents.receipts import ReceiptRow, ReceiptSheet, receipt_sheet_pdf

    sheet = ReceiptSheet(
        event_title="Civil Society's Social Media Capacity on Conservation Issues",
        venue="Hotel Grand Cemara",
        day_number=1,
        day=date(2016, 11, 29),
        allowance_label="Uang transport",
        amount=150000,
        rows=[
            ReceiptRow(
                name=f"Peserta Nama Panjang {index:04d}",
                organisation="Wahana Lingkungan Hidup Indonesia",
                paid_at="09:15" if index % 2 else None,
            )
            for index in range(1000)
        ],
    )
    timings, size = [], 0
    for _ in range(3):
        started = time.perf_counter()
        pdf = receipt_sheet_pdf(sheet)
        timings.append(time.perf_counter() - started)
        size = len(pdf)
    row(
        "Printing",
        "1,000-row receipt sheet (tanda terima), one PDF",
        f"median {statistics.median(timings):.2f} s of 3, {size / 1e6:.2f} MB",
        "< 4.4 MB (6 MB as base64)",
    )


def pages() -> None:
    from devtools.page_weight import page_files, weight

    for page in ("register", "desk", "kiosk", "dashboard"):
        raw, wire = weight(page)
        row(
            "Pages",
            f"/{page}/{{event_id}}: {len(page_files(page))} files",
            f"{wire / 1024:.1f} KB gzip ({raw / 1024:.1f} KB raw)",
            "< 300 KB over the wire",
        )


def _seconds_to_health(data_dir: Path) -> float:
    """Seconds from starting `make run`'s entry point to its first 200 on /health."""
    import signal
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "HADIR_DATA_DIR": str(data_dir)}
    for name in ("HADIR_ENGINE", "HADIR_HOST", "HADIR_TLS"):
        env.pop(name, None)  # make run's defaults: DynamoDB Local, loopback HTTP
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.run_local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while time.monotonic() - started < 120:
            if process.poll() is not None:
                said = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"make run exited: {said.strip()[-300:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                    if reply.status == 200:
                        return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("no answer on /health within 120 s")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def import_list() -> None:
    from devtools.bench_import import measure

    measure(row)


def make_run() -> None:
    from devtools import dynamodb_local

    section = "make run"
    try:
        dynamodb_local.java()
        dynamodb_local.fetch()
    except dynamodb_local.EngineMissing as error:
        row(section, "seconds to /health", f"not measured: {error}")
        return
    with tempfile.TemporaryDirectory(prefix="hadir-bench-run-") as scratch:
        data_dir = Path(scratch)
        try:
            new = _seconds_to_health(data_dir)
            again = [_seconds_to_health(data_dir) for _ in range(RUN_STARTS)]
        except RuntimeError as error:
            row(section, "seconds to /health", f"failed: {error}")
            return
    row(
        section,
        "start to /health, new data directory (table and seeded events made)",
        f"{new:.1f} s",
        f"≤ {HEALTH_TARGET:.0f} s",
    )
    row(
        section,
        "start to /health, existing data directory",
        f"median {statistics.median(again):.1f} s of {RUN_STARTS}",
        f"≤ {HEALTH_TARGET:.0f} s",
    )


def write_markdown() -> None:
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine}.",
        "",
        "- Times are medians over repeated runs, in-process over moto, except the door's, which",
        "  run against `make run`'s engine, DynamoDB Local on this machine (loopback HTTP), as",
        "  well, and `make run`'s own start.",
        "- Request and item counts are exact, taken from botocore's events.",
        "- The tests assert the counts that matter. They never assert a time.",
        "",
    ]
    section = None
    for entry in ROWS:
        if entry.section != section:
            section = entry.section
            lines += ["", f"## {section}", "", "| figure | value | target |", "|---|---|---|"]
        lines.append(f"| {entry.figure} | {entry.value} | {entry.target} |")
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {OUTPUT.relative_to(ROOT)}")


def main() -> None:
    print(f"Hadir benchmark, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    requests_per_operation()
    scaling()
    roster()
    door()
    import_list()
    make_run()
    cold_start()
    bundle()
    printing()
    certificates()
    receipt_sheet()
    pages()
    write_markdown()


if __name__ == "__main__":
    main()
