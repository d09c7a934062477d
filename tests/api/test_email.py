"""Email (API.md section 14): queued on SQS, sent by the worker through SES (moto)."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re

import boto3
import pytest
import zxingcpp
from chalice.test import Client
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from PIL import Image
from pypdf import PdfReader

import app as app_module
from chalicelib.core.auth import hash_token
from chalicelib.mail.transport import SesSender, SqsQueue
from chalicelib.seed import seed_events
from chalicelib.services import Hadir
from tests.support.api import Api, assert_error, put_event
from tests.support.values import (
    BADGE_SECRET,
    DAY1,
    DAY2,
    ORGANISER_TOKEN,
    WORKSHOP_ID,
    registration_body,
)

REGION = "us-east-1"
SENDER = "hadir@example.org"
EMAILS = f"/events/{WORKSHOP_ID}/emails"


@pytest.fixture
def aws(store):
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="hadir-mail")["QueueUrl"]
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    return sqs, url


@pytest.fixture
def mailing(store, clock, aws):
    sqs, url = aws
    services = Hadir(
        store=store,
        clock=clock,
        badge_secret=BADGE_SECRET,
        organiser_token_hash=hash_token(ORGANISER_TOKEN),
        mail_queue=SqsQueue(sqs, url),
        mail_sender=SesSender(boto3.client("sesv2", region_name=REGION), SENDER),
    )
    for event in seed_events():
        services.put_event(event)
    app_module.use_hadir(services)
    with Client(app_module.app) as client:
        yield Api(client.http), services
    app_module.use_hadir(None)


def drain(aws, services) -> list[str]:
    """The worker: every queued message delivered; their statuses."""
    sqs, url = aws
    statuses = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return statuses
        for message in got:
            statuses.append(services.deliver_mail(json.loads(message["Body"])))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def sent_messages():
    return ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages


def parsed(sent):
    raw = sent.raw_data
    raw = raw.encode() if isinstance(raw, str) else raw  # moto keeps it as text
    return email.message_from_bytes(raw, policy=email.policy.default)


def on_registration(api, on=True):
    event = api.get(f"/events/{WORKSHOP_ID}").json
    event["email"] = {"on_registration": on}
    assert api.put(f"/events/{WORKSHOP_ID}", event, token=ORGANISER_TOKEN).status == 200


def test_a_registration_is_sent_its_badge_qr_pdf_and_a_working_manage_link(mailing, aws):
    api, services = mailing
    on_registration(api)
    siti = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).json
    assert drain(aws, services) == ["sent"]
    [sent] = sent_messages()
    message = parsed(sent)
    assert message["To"] == "siti@example.org"
    assert message["From"] == SENDER
    assert "Badge Anda" in message["Subject"]
    [png] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert png["Content-ID"]
    image = Image.open(io.BytesIO(png.get_content()))
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [siti["badge"]["code"]]
    [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Siti" in text
    body = message.get_body(("plain",)).get_content()
    token = re.search(r"/me/([A-Za-z0-9_-]{43})", body).group(1)
    assert token == siti["manage"]["token"]
    assert api.get(f"/registrations/{token}").status == 200
    detail = api.get(
        f"/events/{WORKSHOP_ID}/attendees/{siti['attendee_id']}", token=ORGANISER_TOKEN
    )
    [record] = detail.json["emails"]
    assert record["kind"] == "badge" and record["status"] == "sent" and record["sent_at"]


def test_without_on_registration_nothing_is_queued(mailing, aws):
    api, services = mailing
    api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body())
    assert drain(aws, services) == []


def test_a_bulk_send_mints_a_new_manage_link_and_skips_those_sent(mailing, aws):
    api, services = mailing
    siti = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).json
    budi = api.post(
        f"/events/{WORKSHOP_ID}/registrations",
        registration_body(name="Budi Santoso", email="budi@example.org", language="en"),
    ).json
    reply = api.post(EMAILS, {"kind": "badge"}, token=ORGANISER_TOKEN)
    assert reply.status == 202 and reply.json == {"queued": 2, "skipped_no_email": 0, "failed": 0}
    assert drain(aws, services) == ["sent", "sent"]
    # The old links die; the emailed ones work.
    assert api.get(f"/registrations/{siti['manage']['token']}").status == 404
    by_to = {}
    for sent in sent_messages():
        message = parsed(sent)
        by_to[message["To"]] = message
    assert "Your badge" in by_to["budi@example.org"]["Subject"]
    body = by_to["siti@example.org"].get_body(("plain",)).get_content()
    token = re.search(r"/me/([A-Za-z0-9_-]{43})", body).group(1)
    assert api.get(f"/registrations/{token}").status == 200
    # Everyone has been sent one: nothing more to queue.
    again = api.post(EMAILS, {"kind": "badge"}, token=ORGANISER_TOKEN)
    assert again.json == {"queued": 0, "skipped_no_email": 0, "failed": 0}
    # Named, a person is sent another.
    named = api.post(
        EMAILS, {"kind": "badge", "attendee_ids": [budi["attendee_id"]]}, token=ORGANISER_TOKEN
    )
    assert named.json["queued"] == 1


def test_a_failed_send_is_recorded_and_retried_by_the_same_post(mailing, aws, monkeypatch):
    api, services = mailing
    siti = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body()).json
    api.post(EMAILS, {"kind": "badge"}, token=ORGANISER_TOKEN)

    def refuse(*args, **kwargs):
        raise RuntimeError("SES is down")

    monkeypatch.setattr(SesSender, "send", refuse)
    with pytest.raises(RuntimeError):
        drain(aws, services)
    detail = f"/events/{WORKSHOP_ID}/attendees/{siti['attendee_id']}"
    [record] = api.get(detail, token=ORGANISER_TOKEN).json["emails"]
    assert record["status"] == "failed" and record["reason"] == "RuntimeError"
    monkeypatch.undo()
    sqs, url = aws
    sqs.purge_queue(QueueUrl=url)
    # A failed send counts as not sent: everyone-not-yet-sent includes it.
    assert api.post(EMAILS, {"kind": "badge"}, token=ORGANISER_TOKEN).json["queued"] == 1
    assert drain(aws, services) == ["sent"]
    statuses = [r["status"] for r in api.get(detail, token=ORGANISER_TOKEN).json["emails"]]
    assert statuses == ["sent", "failed"]


def test_a_desk_walk_in_without_email_is_skipped_and_counted(mailing, aws):
    api, _ = mailing
    desk = api.post(
        f"/events/{WORKSHOP_ID}/desk-tokens", {"label": "Desk A"}, token=ORGANISER_TOKEN
    ).json["token"]
    walk_in = registration_body(name="Tanpa Surel", email=None)
    assert api.post(f"/events/{WORKSHOP_ID}/attendees", walk_in, token=desk).status == 201
    reply = api.post(EMAILS, {"kind": "badge"}, token=ORGANISER_TOKEN)
    assert reply.json == {"queued": 0, "skipped_no_email": 1, "failed": 0}


def test_certificates_are_sent_after_the_event_to_the_eligible_with_the_pdf(mailing, aws, clock):
    from tests.api.test_certificates import AFTER, RULE, attend

    api, services = mailing
    put_event(api, ORGANISER_TOKEN, WORKSHOP_ID, certificate=RULE)
    both = api.post(
        f"/events/{WORKSHOP_ID}/registrations",
        registration_body(name="Đỗ Thị Hương", email="huong@example.org"),
    ).json
    one = api.post(
        f"/events/{WORKSHOP_ID}/registrations",
        registration_body(name="Budi Santoso", email="budi@example.org", language="en"),
    ).json
    desk = api.post(
        f"/events/{WORKSHOP_ID}/desk-tokens", {"label": "Desk A"}, token=ORGANISER_TOKEN
    ).json["token"]
    attend(api, desk, clock, both["badge"]["code"], [DAY1, DAY2])
    attend(api, desk, clock, one["badge"]["code"], [DAY1])
    # Before the last day has closed: not yet, and nothing queued.
    assert_error(
        api.post(EMAILS, {"kind": "certificate"}, token=ORGANISER_TOKEN), 409, "not_yet_available"
    )
    assert drain(aws, services) == []

    clock.set(AFTER)
    reply = api.post(EMAILS, {"kind": "certificate"}, token=ORGANISER_TOKEN)
    # Only the person who met the rule (both days); Budi attended one.
    assert reply.status == 202 and reply.json == {"queued": 1, "skipped_no_email": 0, "failed": 0}
    assert drain(aws, services) == ["sent"]
    [sent] = sent_messages()
    message = parsed(sent)
    assert message["To"] == "huong@example.org"
    assert "Sertifikat" in message["Subject"]
    [number] = [
        c["number"]
        for c in api.get(f"/events/{WORKSHOP_ID}/certificates", token=ORGANISER_TOKEN).json[
            "certificates"
        ]
    ]
    [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"sertifikat-{number}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Hương" in text and number in text
    # A certificate carries no badge QR.
    assert not [p for p in message.walk() if p.get_content_type() == "image/png"]
    body = message.get_body(("plain",)).get_content()
    token = re.search(r"/me/([A-Za-z0-9_-]{43})", body).group(1)
    assert api.get(f"/registrations/{token}").json["attendee_id"] == both["attendee_id"]
    # Sent once: everyone-not-yet-sent is nobody now; Budi named is not eligible.
    assert api.post(EMAILS, {"kind": "certificate"}, token=ORGANISER_TOKEN).json["queued"] == 0
    named = {"kind": "certificate", "attendee_ids": [one["attendee_id"]]}
    assert api.post(EMAILS, named, token=ORGANISER_TOKEN).json["queued"] == 0


def test_a_registration_stands_when_queuing_fails(store, clock, api):
    on_registration(api)
    reply = api.post(f"/events/{WORKSHOP_ID}/registrations", registration_body())
    assert reply.status == 201
    detail = api.get(
        f"/events/{WORKSHOP_ID}/attendees/{reply.json['attendee_id']}", token=ORGANISER_TOKEN
    )
    [record] = detail.json["emails"]
    assert record["status"] == "failed"


def test_bad_kinds_are_422(mailing):
    api, _ = mailing
    assert api.post(EMAILS, {"kind": "spam"}, token=ORGANISER_TOKEN).status == 422
