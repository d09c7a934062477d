"""make mutate: break the store's conditions one at a time and show a test catches each.

Each mutation below weakens one condition (or the replay of a stored answer)
in a copy of the tree, then runs the tests that guard it: a mutation that
every test survives is a hole in the suite. The tree itself is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RACES = "tests/store/test_interleavings.py"


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    original: str
    mutant: str
    tests: tuple[str, ...]


def _races(*names: str) -> tuple[str, ...]:
    return tuple(f"{RACES}::{name}" for name in names)


ATTENDEES = "chalicelib/store/attendees.py"
CONDITIONS = "chalicelib/store/conditions.py"
MUTATIONS = (
    Mutation(
        "check-in stops requiring the badge serial it read",
        ATTENDEES,
        "            condition &= badge_serial_is(presented_serial)",
        "            pass",
        _races("test_a_badge_reissued_between_read_and_write_is_refused"),
    ),
    Mutation(
        "check-in stops requiring the check-in count it read",
        ATTENDEES,
        "            & checkin_count_is(len(attendee.checkins))\n            & no_checkin_on(day)",
        "            & no_checkin_on(day)",
        _races(
            "test_a_queued_day_1_scan_racing_the_day_2_scan_counts_one_person_once",
            "test_an_undo_between_read_and_write_leaves_true_counts",
        ),
    ),
    Mutation(
        "check-in stops requiring an active registration",
        ATTENDEES,
        "            item_exists\n            & attendee_is_active\n",
        "            item_exists\n",
        _races("test_a_registration_cancelled_between_read_and_write_is_refused"),
    ),
    Mutation(
        "check-in stops requiring no check-in that day",
        CONDITIONS,
        'Condition("attribute_not_exists(checkins.#date)", {"#date": day.isoformat()})',
        'Condition("(attribute_not_exists(checkins.#date) OR attribute_exists(checkins.#date))",'
        ' {"#date": day.isoformat()})',
        _races("test_an_undo_and_a_new_checkin_between_read_and_write_make_one_checkin"),
    ),
    Mutation(
        "undo stops requiring the check-in count it read",
        ATTENDEES,
        "            checkin_on(day) & checkin_count_is(len(attendee.checkins)),",
        "            checkin_on(day),",
        _races("test_two_undos_of_one_person_at_once_never_go_below_zero"),
    ),
    Mutation(
        "undo stops requiring the day's check-in",
        CONDITIONS,
        'Condition("attribute_exists(checkins.#date)", {"#date": day.isoformat()})',
        'Condition("(attribute_exists(checkins.#date) OR attribute_not_exists(checkins.#date))",'
        ' {"#date": day.isoformat()})',
        _races("test_an_undo_racing_an_undo_and_a_new_checkin_leaves_the_new_one"),
    ),
    Mutation(
        "cancel stops requiring no check-in",
        ATTENDEES,
        "            attendee_is_active & checkin_count_is(0),",
        "            attendee_is_active,",
        _races("test_a_checkin_between_a_cancels_read_and_write_stops_the_cancel"),
    ),
    Mutation(
        "registration stops requiring a place left",
        ATTENDEES,
        "        condition = capacity_left if desk else capacity_left & registration_open",
        "        condition = None if desk else registration_open",
        _races("test_the_last_place_taken_between_read_and_write_makes_the_event_full"),
    ),
    Mutation(
        "registration stops taking the email's lock",
        ATTENDEES,
        "EMAIL, {**email_key(event_id, normalised_email), ",
        "EMAIL, {**email_key(event_id, normalised_email + attendee.id), ",
        _races("test_one_email_registered_between_read_and_write_is_registered_once"),
    ),
    Mutation(
        "counts stop requiring the event revision they were decided on",
        "chalicelib/store/transactions.py",
        "        revision = event_revision_is(record.revision)",
        '        revision = Condition("attribute_exists(revision)")',
        _races("test_days_changed_between_read_and_write_are_the_days_registered"),
    ),
    Mutation(
        "a scan_id recorded first is answered with a fresh answer, not the stored one",
        "chalicelib/usecases/checkin.py",
        "            return earlier\n        return Answer(entry.outcome, entry.body)",
        "            return Answer(entry.outcome, entry.body)\n"
        "        return Answer(entry.outcome, entry.body)",
        _races("test_a_scan_id_recorded_between_read_and_write_answers_the_stored_answer"),
    ),
)


# Weakenings no test can catch, because another condition of the same
# transaction refuses the same interleaving: listed, not run.
EQUIVALENT = (
    "cancel stops requiring an active registration: the email lock's delete requires"
    " the lock to be the attendee's, and a first cancel deleted it",
    "check-in stops requiring no check-in that day, when nothing was undone: the count"
    " it read has moved as well",
)


def _copy_tree(into: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _pytest(tree: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "--tb=line",
        "-p",
        "no:cacheprovider",
        *tests,
    ]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)


def _caught_by_an_assertion(run: subprocess.CompletedProcess) -> bool:
    """A test failed on what it asserts, not on a mutant that no longer runs at all.

    With --tb=line, pytest ends each failure with `path:line: ExceptionType...`.
    """
    raised = re.findall(r"^\S+:\d+: (\w+)", run.stdout, re.MULTILINE)
    return run.returncode == 1 and bool(raised) and set(raised) == {"AssertionError"}


def main() -> int:
    survivors = []
    with tempfile.TemporaryDirectory(prefix="hadir-mutate-") as scratch:
        tree = Path(scratch)
        _copy_tree(tree)
        every_test = tuple(dict.fromkeys(t for m in MUTATIONS for t in m.tests))
        if _pytest(tree, every_test).returncode != 0:
            print("the guarding tests fail on the unmutated tree; fix them first")
            return 2
        print(f"{'caught':8} {'seconds':>7}  mutation")
        for mutation in MUTATIONS:
            source = tree / mutation.path
            text = source.read_text()
            if text.count(mutation.original) != 1:
                print(f"{'STALE':8} {'':>7}  {mutation.name}: its text is not in {mutation.path}")
                survivors.append(mutation)
                continue
            source.write_text(text.replace(mutation.original, mutation.mutant))
            started = time.monotonic()
            caught = _caught_by_an_assertion(_pytest(tree, mutation.tests))
            source.write_text(text)
            mark = "yes" if caught else "SURVIVED"
            print(f"{mark:8} {time.monotonic() - started:7.1f}  {mutation.name}")
            if not caught:
                survivors.append(mutation)
    print(f"{len(MUTATIONS) - len(survivors)} of {len(MUTATIONS)} mutations caught")
    for reason in EQUIVALENT:
        print(f"equivalent, not run: {reason}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
