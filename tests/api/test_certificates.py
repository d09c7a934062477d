"""Certificates over HTTP: the list, the bulk PDF, verification, the page; numbers
stable and unique under 20 parallel first requests."""

from __future__ import annotations

import base64
import io

from chalicelib.core.errors import Code, Refusal
from chalicelib.seed import WORKSHOP_ID
from tests.store.test_concurrency import person
from tests.support.api import assert_error, checkin, put_event
from tests.support.containers import all_at_once, container
from tests.support.values import DAY1, DAY2, jakarta
from tests.unit.test_printing import read_pdf

AFTER = jakarta("2016-11-30T17:00")
RULE = {"rule": "min_days", "min_days": 2, "signatories": [{"name": "Ibu Ketua", "title": "Ketua"}]}


def png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (200, 0, 0)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def attend(api, desk_token, clock, code, days):
    for day in days:
        clock.set(jakarta(f"{day}T09:30"))
        assert checkin(api, desk_token, code=code).status == 201


def setup(api, organiser, desk_token, clock, register):
    put_event(api, organiser, WORKSHOP_ID, certificate=RULE)
    both = register(name="Đỗ Thị Hương", email="huong@example.org")
    one = register(name="Budi Santoso", email="budi@example.org")
    attend(api, desk_token, clock, both["badge"]["code"], [DAY1, DAY2])
    attend(api, desk_token, clock, one["badge"]["code"], [DAY1])
    return both, one


def test_the_list_numbers_the_eligible_once_the_event_is_over(
    api, organiser, desk_token, clock, register
):
    both, one = setup(api, organiser, desk_token, clock, register)
    before = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser)
    assert before.status == 200 and before.json["available"] is False
    assert before.json["certificates"][0]["number"] is None
    assert_error(
        api.get(f"/events/{WORKSHOP_ID}/certificates.pdf", token=organiser),
        409,
        "not_yet_available",
    )
    clock.set(AFTER)
    listed = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json
    [cert] = listed["certificates"]
    assert cert["attendee_id"] == both["attendee_id"]
    assert cert["days_attended"] == [DAY1, DAY2]
    assert listed["not_eligible"] == 1
    [short] = listed["short"]
    assert short["attendee_id"] == one["attendee_id"] and short["missed"] == [DAY2]
    again = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json
    assert again["certificates"][0]["number"] == cert["number"]  # never changes

    verified = api.get(f"/certificates/{cert['number'].lower()}")
    assert verified.status == 200
    assert verified.json == {
        "number": cert["number"],
        "valid": True,
        "name": "Đỗ Thị Hương",
        "event": {
            "id": WORKSHOP_ID,
            "title": verified.json["event"]["title"],
            "dates": [DAY1, DAY2],
        },
        "days_attended": [DAY1, DAY2],
    }
    number = cert["number"]
    for index in range(len(number)):
        if number[index] != "-":
            changed = number[:index] + ("A" if number[index] != "A" else "B") + number[index + 1 :]
            assert_error(api.get(f"/certificates/{changed}"), 404, "certificate_not_found")
    assert_error(api.get("/certificates/nonsense"), 404, "certificate_not_found")

    pdf = api.get(
        f"/events/{WORKSHOP_ID}/certificates.pdf",
        token=organiser,
        headers={"Accept": "application/pdf"},
    )
    assert pdf.status == 200 and pdf.headers["X-Content-Type-Options"] == "nosniff"
    [read] = read_pdf(pdf.raw)
    assert "Đỗ Thị Hương" in read.words and number in read.words
    assert [qr.text for qr in read.qrs] == [f"http://localhost/c/{number}"]


def test_a_cancelled_registration_revokes_its_certificate(
    api, organiser, desk_token, clock, register, hadir
):
    both, _ = setup(api, organiser, desk_token, clock, register)
    clock.set(AFTER)
    number = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json["certificates"][
        0
    ]["number"]
    for day in (DAY1, DAY2):
        api.delete(f"/events/{WORKSHOP_ID}/checkins/{both['attendee_id']}/{day}", token=organiser)
    assert_error(api.get(f"/certificates/{number}"), 410, "certificate_revoked")
    assert (
        api.delete(f"/events/{WORKSHOP_ID}/attendees/{both['attendee_id']}", token=organiser).status
        == 200
    )
    assert_error(api.get(f"/certificates/{number}"), 410, "certificate_revoked")


def issued(api, organiser, desk_token, clock, register):
    both, _ = setup(api, organiser, desk_token, clock, register)
    clock.set(AFTER)
    listed = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json
    return both, listed["certificates"][0]["number"]


def attendee_item_key(attendee_id):
    return {"pk": {"S": f"ATTENDEE#{attendee_id}"}, "sk": {"S": "ATTENDEE"}}


def test_verification_outlives_the_retention_erasure(
    api, organiser, desk_token, clock, register, dynamodb
):
    """The number's item is the certificate's own record (API.md section 10: certificate
    verification stays): the registration's erasure or its TTL sweep leave it as issued."""
    both, number = issued(api, organiser, desk_token, clock, register)
    shown = api.get(f"/certificates/{number}").json
    key = attendee_item_key(both["attendee_id"])
    # Retention's erasure empties the personal fields (status and check-ins stay)...
    dynamodb.update_item(
        TableName="hadir-test",
        Key=key,
        UpdateExpression="SET #name = :empty, organisation = :empty, email = :empty",
        ExpressionAttributeNames={"#name": "name"},
        ExpressionAttributeValues={":empty": {"S": ""}},
    )
    assert api.get(f"/certificates/{number}").json == shown
    # ...and the TTL sweep removes the item.
    dynamodb.delete_item(TableName="hadir-test", Key=key)
    reply = api.get(f"/certificates/{number}")
    assert reply.status == 200 and reply.json == shown and shown["name"] == "Đỗ Thị Hương"


def test_a_withdrawal_by_the_person_revokes_its_certificate(
    api, organiser, desk_token, clock, register, dynamodb
):
    both, number = issued(api, organiser, desk_token, clock, register)
    # What DELETE /registrations/{token} leaves of a person who had checked in.
    dynamodb.update_item(
        TableName="hadir-test",
        Key=attendee_item_key(both["attendee_id"]),
        UpdateExpression="SET #status = :withdrawn, #name = :empty",
        ExpressionAttributeNames={"#status": "status", "#name": "name"},
        ExpressionAttributeValues={":withdrawn": {"S": "withdrawn"}, ":empty": {"S": ""}},
    )
    assert_error(api.get(f"/certificates/{number}"), 410, "certificate_revoked")


def test_unknown_and_altered_numbers_are_not_found(api, organiser, desk_token, clock, register):
    _, number = issued(api, organiser, desk_token, clock, register)
    altered = number[:-1] + ("A" if number[-1] != "A" else "B")
    for text in (altered, "SOCMED16-9999-ABCDEF", "nonsense"):
        assert_error(api.get(f"/certificates/{text}"), 404, "certificate_not_found")


def test_one_persons_pdf_refuses_until_over_and_when_short(
    api, organiser, desk_token, clock, register, hadir
):
    both, one = setup(api, organiser, desk_token, clock, register)
    for attendee_id, code in ((both["attendee_id"], "not_yet_available"),):
        try:
            hadir.certificate_pdf_for(WORKSHOP_ID, attendee_id, "https://hadir.example")
            raise AssertionError("refused")
        except Refusal as refusal:
            assert refusal.code.value == code
    clock.set(AFTER)
    try:
        hadir.certificate_pdf_for(WORKSHOP_ID, one["attendee_id"], "https://hadir.example")
        raise AssertionError("refused")
    except Refusal as refusal:
        assert refusal.code == Code.NOT_ELIGIBLE
        assert refusal.message == "Attended 1 day; the certificate needs 2."
    mail = hadir.certificate_mail(WORKSHOP_ID, both["attendee_id"], "https://hadir.example")
    [read] = read_pdf(mail.pdf)
    assert [qr.text for qr in read.qrs] == [f"https://hadir.example/c/{mail.number}"]
    assert hadir.certificate_recipients(WORKSHOP_ID) == [both["attendee_id"]]
    listed = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json
    assert listed["certificates"][0]["number"] == mail.number


def test_logos_are_kept_beside_the_event_and_checked(api, organiser, dynamodb):
    logos = [{"name": f"Logo {i}", "png_base64": png()} for i in range(4)]
    put_event(api, organiser, WORKSHOP_ID, logos=logos)
    assert api.get(f"/events/{WORKSHOP_ID}").json["logos"] == logos
    item = dynamodb.get_item(
        TableName="hadir-test", Key={"pk": {"S": f"EVENT#{WORKSHOP_ID}"}, "sk": {"S": "EVENT"}}
    )["Item"]
    assert "png_base64" not in str(item)  # the door's event read stays small
    body = api.get(f"/events/{WORKSHOP_ID}").json
    big = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 205_000).decode()
    for bad in (
        [{"name": "x", "png_base64": base64.b64encode(b"GIF89a....").decode()}],
        [{"name": "x", "png_base64": "not base64!"}],
        [{"name": "x", "png_base64": big}],
        logos + logos[:1],
    ):
        reply = api.put(f"/events/{WORKSHOP_ID}", {**body, "logos": bad}, token=organiser)
        assert_error(reply, 422, "validation_error")


def test_routes_refuse_without_the_organiser(api, desk_token):
    assert_error(api.get(f"/events/{WORKSHOP_ID}/certificates"), 401, "unauthorized")
    assert_error(
        api.get(f"/events/{WORKSHOP_ID}/certificates.pdf", token=desk_token), 403, "forbidden"
    )
    assert_error(
        api.get("/events/no-such-event/certificates", token="organiser-token-for-tests-only"),
        404,
        "event_not_found",
    )


def test_the_verification_page_is_served(api):
    reply = api.get("/c/SOCMED16-0001-ABCDEF")
    assert reply.status == 200 and b"certificate.js" in reply.raw
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_20_parallel_first_requests_give_one_number(hadir, clock, dynamodb):
    hadir.put_event(
        hadir.get_event(WORKSHOP_ID).model_copy(
            update={
                "certificate": __import__("chalicelib.core.models").core.models.CertificateRule(
                    rule="min_days", min_days=1
                )
            }
        )
    )
    registered = hadir.register(WORKSHOP_ID, person(1))
    from chalicelib.core.auth import DESK, Staff
    from chalicelib.core.models import CheckinRequest

    staff = Staff(role=DESK, event_id=WORKSHOP_ID, token_id="d", label="Desk A")
    hadir.check_in(
        WORKSHOP_ID, CheckinRequest(code=registered["badge"]["code"], scan_id="scan-0001"), staff
    )
    clock.set(AFTER)
    containers = [container(clock) for _ in range(20)]

    def first(index):
        return (
            containers[index]
            .certificate_mail(WORKSHOP_ID, registered["attendee_id"], "https://x")
            .number
        )

    numbers = all_at_once(20, first)
    assert len(set(numbers)) == 1
    items = dynamodb.scan(
        TableName="hadir-test",
        FilterExpression="sk = :c",
        ExpressionAttributeValues={":c": {"S": "CERT"}},
    )
    assert [i["number"]["S"] for i in items["Items"]] == [numbers[0]]


def test_the_attendee_downloads_their_own_certificate_through_the_manage_token(
    api, organiser, desk_token, clock, register
):
    both, one = setup(api, organiser, desk_token, clock, register)
    mine = f"/registrations/{both['manage']['token']}"
    pdf = {"Accept": "application/pdf"}
    assert_error(api.get(f"{mine}/certificate.pdf", headers=pdf), 409, "not_yet_available")
    assert api.get(mine).json["certificate"] is None
    clock.set(AFTER)
    reply = api.get(f"{mine}/certificate.pdf", headers=pdf)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/pdf"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    [read] = read_pdf(reply.raw)
    own = api.get(mine).json["certificate"]
    assert "Đỗ Thị Hương" in read.words and own["number"] in read.words
    assert [qr.text for qr in read.qrs] == [f"http://localhost/c/{own['number']}"]
    assert own["verify_url"] == f"/c/{own['number']}"
    # The same number as the organiser's list: given once.
    listed = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json
    assert listed["certificates"][0]["number"] == own["number"]
    short = api.get(f"/registrations/{one['manage']['token']}/certificate.pdf", headers=pdf)
    assert_error(short, 409, "not_eligible")
    assert "1" in short.json["error"]["message"] and "2" in short.json["error"]["message"]
    assert_error(
        api.get("/registrations/not-a-token/certificate.pdf", headers=pdf), 404, "not_found"
    )
    # Withdrawn: the link dies, and the certificate is revoked.
    assert api.delete(mine).status == 200
    assert_error(api.get(f"{mine}/certificate.pdf", headers=pdf), 404, "not_found")
    assert_error(api.get(f"/certificates/{own['number']}"), 410, "certificate_revoked")


def test_verification_shows_the_name_as_corrected_at_the_desk(
    api, organiser, desk_token, clock, register
):
    both, _ = setup(api, organiser, desk_token, clock, register)
    clock.set(AFTER)
    number = api.get(f"/events/{WORKSHOP_ID}/certificates", token=organiser).json["certificates"][
        0
    ]["number"]
    fixed = api.call(
        "PATCH",
        f"/events/{WORKSHOP_ID}/attendees/{both['attendee_id']}",
        {"name": "Đỗ Thị Hương Lan"},
        token=organiser,
    )
    assert fixed.status == 200, fixed.json
    assert api.get(f"/certificates/{number}").json["name"] == "Đỗ Thị Hương Lan"
