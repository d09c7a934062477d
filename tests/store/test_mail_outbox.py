"""Email in the local run (API.md section 14): a thread takes each queued message and
writes it to the outbox directory as one `.eml` file, readable only by its owner."""

from __future__ import annotations

import email
import email.policy
import io
import re
import stat

import pytest
from pypdf import PdfReader

from chalicelib.config import Settings
from chalicelib.core.auth import hash_token
from chalicelib.core.mail import EmailRequest
from chalicelib.core.models import Registration
from chalicelib.mail.transport import OutboxSender, ThreadQueue
from chalicelib.runtime import mail_transport
from chalicelib.seed import seed_events
from chalicelib.services import Hadir
from tests.support.values import BADGE_SECRET, ORGANISER_TOKEN, WORKSHOP_ID, registration_body

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def local(store, clock, tmp_path):
    """Hadir wired as make run wires it: a thread queue and the outbox."""
    queue, sender = mail_transport(local_settings(tmp_path / "outbox"))
    services = Hadir(
        store=store,
        clock=clock,
        badge_secret=BADGE_SECRET,
        organiser_token_hash=hash_token(ORGANISER_TOKEN),
        mail_queue=queue,
        mail_sender=sender,
    )
    queue.serve(services.deliver_mail)
    for event in seed_events():
        services.put_event(event)
    return services, queue, tmp_path / "outbox"


def local_settings(outbox) -> Settings:
    return Settings(
        stage="local",
        table_name="hadir-test",
        region="us-east-1",
        dynamodb_endpoint=None,
        badge_secret=BADGE_SECRET,
        organiser_token_hash=hash_token(ORGANISER_TOKEN),
        clock_start=None,
        clock_anchor=None,
        outbox_dir=str(outbox),
    )


def test_the_local_run_chooses_the_thread_and_the_outbox(tmp_path):
    queue, sender = mail_transport(local_settings(tmp_path))
    assert isinstance(queue, ThreadQueue) and isinstance(sender, OutboxSender)


def test_each_message_is_one_private_eml_in_the_outbox(local):
    services, queue, outbox = local
    people = {
        "siti@example.org": registration_body(),
        "budi@example.org": registration_body(
            name="Budi Santoso", email="budi@example.org", language="en"
        ),
    }
    ids = {}
    for address, body in people.items():
        ids[address] = services.register(WORKSHOP_ID, Registration(**body))["attendee_id"]
    answer = services.send_emails(WORKSHOP_ID, EmailRequest(kind="badge"), ORIGIN)
    assert answer == {"queued": 2, "skipped_no_email": 0, "failed": 0}
    queue.join()

    files = sorted(outbox.iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]  # no .part left behind
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    by_to = {}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        by_to[message["To"]] = message
    assert set(by_to) == set(people)
    assert "Badge Anda" in by_to["siti@example.org"]["Subject"]
    assert "Your badge" in by_to["budi@example.org"]["Subject"]
    for address, message in by_to.items():
        assert message["From"] == "hadir@localhost"
        body = message.get_body(("plain",)).get_content()
        token = re.search(rf"{re.escape(ORIGIN)}/me/([A-Za-z0-9_-]{{43}})", body).group(1)
        assert services.own_registration(token)["attendee_id"] == ids[address]
        [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
        assert PdfReader(io.BytesIO(pdf.get_content())).pages
        [png] = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert png.get_content().startswith(b"\x89PNG")
        [record] = services.attendee(WORKSHOP_ID, ids[address])["emails"]
        assert record["status"] == "sent" and record["sent_at"]


def test_a_message_that_cannot_be_written_is_failed_and_the_thread_goes_on(local, tmp_path):
    services, queue, outbox = local
    outbox.parent.mkdir(exist_ok=True)
    outbox.write_text("not a directory")  # the outbox cannot be made
    siti = services.register(WORKSHOP_ID, Registration(**registration_body()))
    services.send_emails(WORKSHOP_ID, EmailRequest(kind="badge"), ORIGIN)
    queue.join()
    [record] = services.attendee(WORKSHOP_ID, siti["attendee_id"])["emails"]
    assert record["status"] == "failed"
    # The thread is still there: once the outbox can be written, the same POST sends it.
    outbox.unlink()
    assert services.send_emails(WORKSHOP_ID, EmailRequest(kind="badge"), ORIGIN)["queued"] == 1
    queue.join()
    assert len(list(outbox.glob("*.eml"))) == 1
