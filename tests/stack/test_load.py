"""A busy workshop over `make run`'s stack: 2,000 attendees, 8 desks, two days.

Everything goes through HTTP, as desks and the dashboard send it: 2,000
registrations (8 at a time), then 8 desk threads, each with its own desk token
("Desk 1".."Desk 8"), scanning from one shared queue: every badge on day 1, and
a quarter of them again on day 2, each 1 to 3 times that day with a fresh scan_id
each time. The scans of one badge are queued next to each other, so they are
taken by different desks at nearly the same moment. Some scans are sent again
with the same scan_id (a retried request): right after the answer, or while the
first is still in flight. Then the counts, the report and the CSV must agree
exactly with what the desks were told, and no request may have got a 5xx.

Which day is "now": the rehearsal clock runs on from HADIR_CLOCK_START in real
time and cannot jump. Services.check_in takes the day from `scanned_at` (the
event-local date of when the device saw the badge) and refuses, through
domain.check_scan_time, only a `scanned_at` more than 2 minutes *ahead* of the
server; one in the past is accepted as a queued offline scan, as long as it falls
in that day's check-in hours. With the clock on day 1, day 2 would be in the
future and could not be scanned at all. So the clock starts on day 2 at 08:00
(check-in open): day-2 scans are live (no `scanned_at`), and day-1 scans are
offline-queued ones whose `scanned_at` is on the morning of day 1.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import queue
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.core.models import GENDERS as MODEL_GENDERS
from chalicelib.core.models import ORGANISATION_TYPES as MODEL_ORGANISATION_TYPES
from tests.support.localstack import WORKSHOP, Connection, start_stack

pytestmark = [pytest.mark.stack, pytest.mark.load]

TOKEN = "load-test-organiser-token"
# 2,000 by default (CI); HADIR_LOAD_ATTENDEES runs the same checks at another scale.
ATTENDEES = int(os.environ.get("HADIR_LOAD_ATTENDEES", "2000"))
DESKS = 8
REGISTER_THREADS = 8
SEED = 20161129
DAY1, DAY2 = "2016-11-29", "2016-11-30"
CLOCK_START = "2016-11-30T08:00:00+07:00"  # day 2, check-in open: see the docstring
DAY1_OPENS = datetime.fromisoformat("2016-11-29T08:00:00+07:00")
DAY2_SHARE = 0.25  # of those checked in on day 1, who come back on day 2
RETRY_AFTER = 0.05  # a scan sent again once its answer came (the answer was lost)
RETRY_DURING = 0.03  # a scan sent again while the first is still in flight
# A bound, so that a stack that swells fails this test instead of the machine:
# the stack's memory (run_local, which holds moto's DynamoDB, plus chalice
# local). No bound on time: the tests never assert one.
MAX_STACK_MB = 4096

# None: the field left out, as many registrants do.
GENDERS = (*MODEL_GENDERS, None)
ORGANISATION_TYPES = (*MODEL_ORGANISATION_TYPES, None)
NAMES = ("Siti", "Budi", "Đỗ Thị Hương", "Agus", "Dewi", "Nguyễn Văn An", "Rahmat", "Putri")
ORGANISATIONS = ("WALHI", "AJI", "Change.org Indonesia", "USAID BIJAK", "Yayasan Kehati")


@pytest.fixture(scope="module")
def stack():
    with start_stack(clock_start=CLOCK_START, token=TOKEN) as running:
        yield running


class Statuses:
    """Every status every request got, by what it was."""

    def __init__(self):
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.lock = threading.Lock()

    def add(self, what: str, status: int) -> None:
        with self.lock:
            self.counts[what][status] += 1

    def server_errors(self) -> dict[str, int]:
        return {
            f"{what} {status}": n
            for what, counter in self.counts.items()
            for status, n in counter.items()
            if status >= 500
        }


class Guard:
    """Stops a phase at its time budget, or when the stack's memory passes the cap."""

    def __init__(self, stack):
        self.pid = stack.process.pid
        self.stop = threading.Event()
        self.reason = ""
        self.peak_mb = 0

    def stack_mb(self) -> int:
        pids = [self.pid]
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            pids += [int(child) for child in children]
        except OSError:
            pass
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) // 1024
            except OSError:
                continue
        self.peak_mb = max(self.peak_mb, total)
        return total

    @contextlib.contextmanager
    def phase(self, name: str):
        self.stop.clear()
        done = threading.Event()

        def watch():
            while not done.wait(0.5):
                if self.stack_mb() > MAX_STACK_MB:
                    self.reason = f"{name}: the stack passed {MAX_STACK_MB} MB of memory"
                    self.stop.set()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            yield self.stop
        finally:
            done.set()
            watcher.join()


@dataclass
class Scan:
    attendee: int
    day: str
    scan_id: str
    scanned_at: str | None
    retry_after: bool = False
    # Set by the desk that takes it: the device a concurrent retry must come from.
    desk: int | None = None
    taken: threading.Event = field(default_factory=threading.Event)


@dataclass
class Retry:
    """The same request again, from the same device, while the first is in flight."""

    original: Scan


@dataclass
class Answer:
    scan: Scan
    kind: str  # "scan", "retry_after" or "retry_during"
    desk: int
    status: int
    body: dict


def registration_body(index: int, rng: random.Random) -> dict:
    body = {
        "name": f"{rng.choice(NAMES)} {index:04d}",
        "email": f"load{index:04d}@example.org",
        "organisation": rng.choice(ORGANISATIONS),
        "consent": True,
    }
    gender, organisation_type = rng.choice(GENDERS), rng.choice(ORGANISATION_TYPES)
    if gender:
        body["gender"] = gender
    if organisation_type:
        body["organisation_type"] = organisation_type
    return body


def plan_scans(rng: random.Random) -> tuple[list[Scan | Retry], dict[str, set[int]]]:
    """The queue the desks take from, and who is expected in on each day."""
    expected = {DAY1: set(range(ATTENDEES)), DAY2: set()}
    groups = []
    for attendee in range(ATTENDEES):
        days = [DAY1] + ([DAY2] if rng.random() < DAY2_SHARE else [])
        # Day 1 arrivals spread over the first four hours of the window.
        seen = DAY1_OPENS + timedelta(seconds=rng.randrange(4 * 3600 - 60))
        for day in days:
            expected[day].add(attendee)
            group: list[Scan | Retry] = []
            for number in range(rng.randint(1, 3)):
                scan = Scan(
                    attendee=attendee,
                    day=day,
                    scan_id=f"load-{day}-{attendee:04d}-{number}-{rng.getrandbits(32):08x}",
                    # Day 1: queued offline on day 1, a few seconds apart per scan.
                    scanned_at=(seen + timedelta(seconds=7 * number)).isoformat()
                    if day == DAY1
                    else None,
                    retry_after=rng.random() < RETRY_AFTER,
                )
                group.append(scan)
                if rng.random() < RETRY_DURING:
                    group.append(Retry(scan))
            groups.append(group)
    rng.shuffle(groups)
    return [task for group in groups for task in group], expected


def _spread(seconds: list[float]) -> str:
    if not seconds:
        return "-"
    ordered = sorted(seconds)
    return f"median {ordered[len(ordered) // 2]:.2f}s, max {ordered[-1]:.2f}s"


def arrival_slot(local_iso: str) -> str:
    moment = datetime.fromisoformat(local_iso)
    minute = moment.hour * 60 + moment.minute
    minute -= minute % 15
    return f"{minute // 60:02d}:{minute % 60:02d}"


def test_two_thousand_attendees_eight_desks_two_days(stack, record_property):
    rng = random.Random(SEED)
    statuses = Statuses()
    checkins = f"/events/{WORKSHOP}/checkins"

    # --- 2,000 registrations through the public route ------------------------
    bodies = [registration_body(index, rng) for index in range(ATTENDEES)]

    registrations: list[tuple[int, dict] | None] = [None] * ATTENDEES
    next_index = iter(range(ATTENDEES))
    next_lock = threading.Lock()
    guard = Guard(stack)
    latencies: list[float] = []

    def register_loop(stop: threading.Event) -> None:
        http = Connection(stack)
        while not stop.is_set():
            with next_lock:
                index = next(next_index, None)
            if index is None:
                return
            sent = time.monotonic()
            try:
                status, reply = http.json(
                    "POST", f"/events/{WORKSHOP}/registrations", bodies[index]
                )
            except OSError as error:  # a timeout: the stack is too slow to answer
                status, reply = 0, {"error": f"{type(error).__name__}: {error}"}
            latencies.append(time.monotonic() - sent)
            statuses.add("POST registrations", status)
            registrations[index] = (status, reply)

    started = time.monotonic()
    with guard.phase("registration") as stop:
        threads = [
            threading.Thread(target=register_loop, args=(stop,)) for _ in range(REGISTER_THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    registering = time.monotonic() - started
    done = [answer for answer in registrations if answer is not None]
    record_property("registrations_per_second", round(len(done) / registering, 1))
    print(
        f"\nload: {len(done)} registrations in {registering:.1f}s "
        f"({len(done) / registering:.1f}/s, last 50 took {_spread(latencies[-50:])}); "
        f"stack memory {guard.stack_mb()} MB"
    )
    if guard.stop.is_set():
        pytest.fail(
            f"{guard.reason}: {len(done)} of {ATTENDEES} registered in {registering:.0f}s "
            f"({len(done) / registering:.1f}/s; the first 50 took {_spread(latencies[:50])}, "
            f"the last 50 {_spread(latencies[-50:])}); the stack's memory peaked at "
            f"{guard.peak_mb} MB. Statuses: {dict(statuses.counts['POST registrations'])}",
            pytrace=False,
        )
    refused = [answer for answer in done if answer[0] != 201]
    assert not refused, f"{len(refused)} registrations refused, e.g. {refused[:3]}"
    registrations = done
    codes = [reply["badge"]["code"] for _, reply in registrations]
    ids = [reply["attendee_id"] for _, reply in registrations]

    # --- 8 desks --------------------------------------------------------------
    desks = []
    for number in range(1, DESKS + 1):
        status, desk = stack.json(
            "POST", f"/events/{WORKSHOP}/desk-tokens", {"label": f"Desk {number}"}, TOKEN
        )
        statuses.add("POST desk-tokens", status)
        assert status == 201, desk
        desks.append(desk)

    # --- the door -------------------------------------------------------------
    tasks, expected = plan_scans(rng)
    planned = len(tasks) + sum(1 for t in tasks if isinstance(t, Scan) and t.retry_after)
    work: queue.Queue = queue.Queue()
    for task in tasks:
        work.put(task)
    answers: list[Answer] = []
    answers_lock = threading.Lock()
    failures: list[str] = []

    local = threading.local()

    def send(scan: Scan, desk: int) -> tuple[int, dict]:
        body = {"code": codes[scan.attendee], "scan_id": scan.scan_id, "desk": f"Desk {desk + 1}"}
        if scan.scanned_at:
            body["scanned_at"] = scan.scanned_at
        if not hasattr(local, "http"):
            local.http = Connection(stack)
        status, _, raw = local.http.call("POST", checkins, body, desks[desk]["token"])
        statuses.add("POST checkins", status)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, {"raw": raw[:200].decode("utf-8", "replace")}

    def desk_loop(desk: int, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                task = work.get_nowait()
            except queue.Empty:
                return
            try:
                if isinstance(task, Retry):
                    # The same device's request again, whichever desk thread sends it.
                    while not task.original.taken.wait(0.2):
                        if stop.is_set():
                            return
                    status, body = send(task.original, task.original.desk)
                    found = [
                        Answer(task.original, "retry_during", task.original.desk, status, body)
                    ]
                else:
                    task.desk = desk
                    task.taken.set()
                    status, body = send(task, desk)
                    found = [Answer(task, "scan", desk, status, body)]
                    if task.retry_after:
                        status, body = send(task, desk)
                        found.append(Answer(task, "retry_after", desk, status, body))
            except Exception as error:  # reported below, with the rest
                if isinstance(task, Scan):
                    task.taken.set()  # whoever waits for it: give up waiting
                with answers_lock:
                    failures.append(f"{type(error).__name__}: {error}")
                continue
            with answers_lock:
                answers.extend(found)

    started = time.monotonic()
    with guard.phase("scanning") as stop:
        threads = [threading.Thread(target=desk_loop, args=(desk, stop)) for desk in range(DESKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    scanning = time.monotonic() - started
    throughput = len(answers) / scanning
    print(
        f"load: {len(answers)} scans by {DESKS} desks in {scanning:.1f}s: "
        f"{throughput:.1f} scans/second; stack memory {guard.stack_mb()} MB"
    )
    record_property("scans_per_second", round(throughput, 1))
    record_property("scans", len(answers))
    if guard.stop.is_set():
        pytest.fail(
            f"{guard.reason}: {len(answers)} of {planned} scan requests answered in "
            f"{scanning:.0f}s "
            f"({throughput:.1f}/s); the stack's memory peaked at {guard.peak_mb} MB. "
            f"Statuses: {dict(statuses.counts['POST checkins'])}",
            pytrace=False,
        )
    assert not failures, f"{len(failures)} scans failed to send: {failures[:5]}"

    # --- what the desks were told -------------------------------------------
    by_pair: dict[tuple[int, str], list[Answer]] = defaultdict(list)
    first: dict[str, Answer] = {}
    for answer in answers:
        by_pair[answer.scan.attendee, answer.scan.day].append(answer)
        if answer.kind == "scan":
            first[answer.scan.scan_id] = answer
    problems = []
    unexpected = Counter(a.status for a in answers if a.status not in (200, 201))
    if unexpected:
        problems.append(f"scan statuses other than 200/201: {dict(unexpected)}")
    winners: dict[tuple[int, str], Answer] = {}
    for pair, told in by_pair.items():
        checked_in = [a for a in told if a.kind == "scan" and a.status == 201]
        if len(checked_in) != 1:
            problems.append(f"{pair}: {len(checked_in)} fresh scans got 201 (one should)")
            continue
        winner = winners[pair] = checked_in[0]
        for answer in told:
            if answer.status in (200, 201) and (
                answer.body.get("checked_in_at"),
                answer.body.get("desk"),
            ) != (winner.body["checked_in_at"], winner.body["desk"]):
                problems.append(f"{pair}: {answer.kind} told another first check-in")
            if answer.status == 200 and answer.body.get("result") != "already_checked_in":
                problems.append(f"{pair}: a 200 that is not already_checked_in")
    for answer in answers:
        if answer.kind != "scan":
            original = first[answer.scan.scan_id]
            if (answer.status, answer.body) != (original.status, original.body):
                problems.append(
                    f"{answer.kind} of {answer.scan.scan_id}: {answer.status} "
                    f"{answer.body} vs the first {original.status} {original.body}"
                )
    missing = {(a, day) for day, who in expected.items() for a in who} - set(winners)
    if missing:
        problems.append(f"{len(missing)} (attendee, day) pairs with no check-in")

    # --- counts, report, CSV ---------------------------------------------------
    status, attendance = stack.json("GET", f"/events/{WORKSHOP}/attendance", token=TOKEN)
    statuses.add("GET attendance", status)
    status, report = stack.json("GET", f"/events/{WORKSHOP}/attendance/report", token=TOKEN)
    statuses.add("GET attendance/report", status)
    status, headers, raw = stack.call(
        "GET", f"/events/{WORKSHOP}/attendance.csv", token=TOKEN, accept="text/csv"
    )
    statuses.add("GET attendance.csv", status)
    print(f"load: statuses { {what: dict(n) for what, n in statuses.counts.items()} }")

    def check(condition: bool, problem: str) -> None:
        if not condition:
            problems.append(problem)

    days = [
        (d["date"], d["registered"], d["checked_in"], d["no_shows"]) for d in attendance["days"]
    ]
    check(attendance["registered"] == ATTENDEES, f"attendance: registered {attendance}")
    check(
        days
        == [
            (day, ATTENDEES, len(expected[day]), ATTENDEES - len(expected[day]))
            for day in (DAY1, DAY2)
        ],
        f"attendance: days {days}, expected checked_in {[len(expected[d]) for d in expected]}",
    )
    check(
        attendance["attended_any"] == len(expected[DAY1] | expected[DAY2]),
        f"attendance: attended_any {attendance['attended_any']}",
    )
    check(
        attendance["attended_all_days"] == len(expected[DAY1] & expected[DAY2]),
        f"attendance: attended_all_days {attendance['attended_all_days']}, "
        f"expected {len(expected[DAY1] & expected[DAY2])}",
    )

    for day, counted in zip((DAY1, DAY2), report["days"], strict=True):
        won = [winners[a, day] for a in sorted(expected[day]) if (a, day) in winners]
        want = len(expected[day])
        told = f"report {day}"
        check(
            (counted["date"], counted["registered"], counted["checked_in"])
            == (day, ATTENDEES, want),
            f"{told}: {counted['date']} registered {counted['registered']}, "
            f"checked_in {counted['checked_in']}, expected {want}",
        )
        check(counted["walk_ins"] == 0, f"{told}: walk_ins {counted['walk_ins']}")
        check(sum(counted["by_desk"].values()) == want, f"{told}: by_desk {counted['by_desk']}")
        desks_told = dict(Counter(w.body["desk"] for w in won))
        check(
            counted["by_desk"] == desks_told,
            f"{told}: by_desk {counted['by_desk']}, the desks were told {desks_told}",
        )
        for bucket, key in (("by_gender", "gender"), ("by_organisation_type", "organisation_type")):
            given = Counter(bodies[a].get(key, "not_given") for a in expected[day])
            check(sum(counted[bucket].values()) == want, f"{told}: {bucket} {counted[bucket]}")
            check(
                {k: v for k, v in counted[bucket].items() if v} == dict(given),
                f"{told}: {bucket} {counted[bucket]}, expected {dict(given)}",
            )
        check(
            sum(s["count"] for s in counted["arrivals"]) == want,
            f"{told}: arrivals add up to {sum(s['count'] for s in counted['arrivals'])}",
        )
        arrivals = dict(Counter(arrival_slot(w.body["checked_in_at_local"]) for w in won))
        got = {s["start"]: s["count"] for s in counted["arrivals"] if s["count"]}
        check(got == arrivals, f"{told}: arrivals {got}, expected {arrivals}")

    check(status == 200, f"attendance.csv: {status}")
    check(headers["Content-Type"].startswith("text/csv"), f"CSV type {headers['Content-Type']}")
    text = raw.decode("utf-8")
    check(text.startswith("\ufeff"), "the CSV has no byte-order mark")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    by_email = {row["email"]: row for row in rows}
    check(len(rows) == len(by_email) == ATTENDEES, f"CSV: {len(rows)} rows")
    wrong_cells = []
    for index, body in enumerate(bodies):
        row = by_email.get(body["email"], {})
        for day in (DAY1, DAY2):
            winner = winners.get((index, day))
            want = ("", "")
            if winner:
                local = datetime.fromisoformat(winner.body["checked_in_at_local"])
                want = (local.strftime("%Y-%m-%d %H:%M:%S"), winner.body["desk"])
            cells = (row.get(f"{day}_checked_in_at"), row.get(f"{day}_desk"))
            if cells != want:
                wrong_cells.append((ids[index], day, cells, want))
    check(not wrong_cells, f"{len(wrong_cells)} wrong CSV cells, e.g. {wrong_cells[:5]}")
    for day in (DAY1, DAY2):
        filled = sum(1 for row in rows if row[f"{day}_checked_in_at"])
        check(filled == len(expected[day]), f"CSV: {filled} checked in on {day}")

    check(not statuses.server_errors(), f"5xx answers: {statuses.server_errors()}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])
