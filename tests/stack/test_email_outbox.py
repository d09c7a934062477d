"""`make run` sends no email: each message is an `.eml` file in `<data dir>/outbox/`
(API.md section 14)."""

from __future__ import annotations

import email
import email.policy
import re
import time

import pytest

from tests.support.localstack import WORKSHOP, start_stack

pytestmark = pytest.mark.stack

TOKEN = "stack-email-organiser-token"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    data = tmp_path_factory.mktemp("hadir-email")
    with start_stack(token=TOKEN, extra_env={"HADIR_DATA_DIR": str(data)}) as running:
        yield running, data


def wait_for_files(directory, count: int, seconds: float = 30) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(directory.glob("*.eml")) if directory.is_dir() else []
        if len(found) >= count:
            return found
        time.sleep(0.2)
    pytest.fail(f"no {count} .eml in {directory} after {seconds} s")


def test_a_registration_on_an_emailing_event_lands_in_the_outbox(stack):
    running, data = stack
    status, event = running.json("GET", f"/events/{WORKSHOP}")
    assert status == 200
    event["email"] = {"on_registration": True}
    status, saved = running.json("PUT", f"/events/{WORKSHOP}", event, TOKEN)
    assert status == 200 and saved["email"] == {"on_registration": True}

    status, registration = running.json(
        "POST",
        f"/events/{WORKSHOP}/registrations",
        {"name": "Dewi", "email": "dewi@example.org", "organisation": "AJI", "consent": True},
    )
    assert status == 201, registration

    [path] = wait_for_files(data / "outbox", 1)
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "dewi@example.org"
    assert "Badge Anda" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    manage = re.search(r"(https?://\S+)/me/([A-Za-z0-9_-]{43})", body)
    assert manage and manage.group(1) == running.base
    assert manage.group(2) == registration["manage"]["token"]
    # The link works.
    status, own = running.json("GET", f"/registrations/{manage.group(2)}")
    assert status == 200 and own["attendee_id"] == registration["attendee_id"]
    # The attendee's detail says it was sent.
    status, detail = running.json(
        "GET", f"/events/{WORKSHOP}/attendees/{registration['attendee_id']}", token=TOKEN
    )
    assert status == 200
    [record] = detail["emails"]
    assert record["kind"] == "badge" and record["status"] == "sent"
