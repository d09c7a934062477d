"""JSON over the Chalice test client, and the contract's checks of its answers."""

from __future__ import annotations

import json

import pytest

from tests.support.values import BASE32, WORKSHOP_ID, new_scan_id


class Api:
    """JSON over the Chalice test client, staff auth included (it runs in the app)."""

    def __init__(self, http):
        self.http = http

    def call(self, method, path, body=None, token=None, headers=None, raw=None):
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.http.request(method, path, headers=sent, body=data)
        return Reply(response)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.call("PUT", path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


class Reply:
    def __init__(self, response):
        self.status = response.status_code
        self.headers = response.headers
        self.raw = response.body
        try:
            self.json = json.loads(response.body) if response.body else None
        except (ValueError, UnicodeDecodeError):
            self.json = None

    @property
    def error_code(self):
        return (self.json or {}).get("error", {}).get("code")

    def __repr__(self):
        return f"<Reply {self.status} {self.raw[:300]!r}>"


def checkin(api, token, event_id=WORKSHOP_ID, **fields):
    body = {"scan_id": new_scan_id(), **fields}
    body = {key: value for key, value in body.items() if value is not None}
    return api.post(f"/events/{event_id}/checkins", body, token=token)


def event_doc(api, event_id=WORKSHOP_ID, **overrides):
    """The workshop's document under another id, with overrides: a template for PUT."""
    doc = api.get(f"/events/{WORKSHOP_ID}").json
    if event_id != WORKSHOP_ID:
        doc.update(id=event_id, title=f"Test event {event_id}")
    doc.update(overrides)
    return doc


def put_event(api, organiser, event_id, **overrides):
    reply = api.put(f"/events/{event_id}", event_doc(api, event_id, **overrides), token=organiser)
    assert reply.status in (200, 201), reply
    return reply


def text_of(reply) -> str:
    raw = reply.raw
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def assert_error(reply, status, code, *, personal=()):
    """The contract's error envelope, with no personal data and no stack trace."""
    assert reply.status == status, reply
    assert reply.json is not None, reply
    error = reply.json["error"]
    assert error["code"] == code, reply
    message = error["message"]
    assert isinstance(message, str) and message.strip(), reply
    assert message[0].isupper() or message[0].isdigit(), message
    assert message.rstrip().endswith("."), message
    assert "\n" not in message
    body = text_of(reply)
    assert "Traceback" not in body
    for value in personal:
        if len(value.strip()) >= 3:
            assert value not in body, f"{value!r} echoed in {body[:300]}"
            assert value.strip().lower() not in body.lower(), f"{value!r} echoed"
    return error


def assert_validation(reply, field, *, personal=()):
    error = assert_error(reply, 422, "validation_error", personal=personal)
    fields = error["fields"]
    assert isinstance(fields, list) and fields, reply
    for item in fields:
        assert set(item) == {"field", "message"}, item
        assert item["message"], item
    named = [item["field"] for item in fields]
    wanted = (field,) if isinstance(field, str) else field
    assert any(name == want or name.startswith(f"{want}.") for name in named for want in wanted), (
        named
    )
    return error


def personal_data(body: dict) -> tuple[str, ...]:
    return tuple(str(body[key]) for key in ("name", "email", "phone") if body.get(key))


def altered(code: str, position: int) -> str:
    """The code with one character replaced by another base32 character."""
    original = code[position]
    replacement = BASE32[(BASE32.index(original) + 1) % len(BASE32)]
    return code[:position] + replacement + code[position + 1 :]


def badge_code(registration) -> str:
    return registration["badge"]["code"]


def attendance(api, organiser):
    reply = api.get(f"/events/{WORKSHOP_ID}/attendance", token=organiser)
    assert reply.status == 200, reply
    return {key: value for key, value in reply.json.items() if key != "as_of"}


# The staff routes, with the body each needs and the role that may call it.
STAFF_ROUTES = [
    pytest.param("PUT", "/events/{event}", "event", "organiser", id="put-event"),
    pytest.param("POST", "/events/{event}/checkins", "checkin", "desk", id="checkin"),
    pytest.param("GET", "/events/{event}/attendance", None, "organiser", id="attendance"),
    pytest.param("POST", "/events/{event}/desk-tokens", "label", "organiser", id="create-token"),
    pytest.param("GET", "/events/{event}/desk-tokens", None, "organiser", id="list-tokens"),
    pytest.param(
        "DELETE", "/events/{event}/desk-tokens/0123456789abcdef", None, "organiser", id="revoke"
    ),
    pytest.param("GET", "/events/{event}/attendees?q=siti", None, "desk", id="search"),
    pytest.param("GET", "/events/{event}/attendees", None, "desk", id="list-attendees"),
    pytest.param("GET", "/events/{event}/attendees/" + "a" * 16, None, "desk", id="attendee"),
    pytest.param("POST", "/events/{event}/attendees", "walk_in", "desk", id="walk-in"),
    pytest.param(
        "POST", "/events/{event}/attendees/" + "a" * 16 + "/badge", "reason", "desk", id="reissue"
    ),
    pytest.param("DELETE", "/events/{event}/attendees/" + "a" * 16, None, "organiser", id="cancel"),
    pytest.param(
        "DELETE",
        "/events/{event}/checkins/" + "a" * 16 + "/2016-11-29",
        None,
        "organiser",
        id="undo",
    ),
    pytest.param("GET", "/events/{event}/scans", None, "organiser", id="scans"),
    pytest.param("POST", "/events/{event}/cancellations", None, "organiser", id="bulk-cancel"),
    # Issue 21: email.
    pytest.param("POST", "/events/{event}/emails", None, "organiser", id="emails"),
    pytest.param("GET", "/events/{event}/badges.pdf?layout=a6", None, "organiser", id="badges-pdf"),
    pytest.param(
        "GET", "/events/{event}/sign-in-sheet.pdf?date=2016-11-29", None, "desk", id="sign-in-pdf"
    ),
    pytest.param("GET", "/events/{event}/attendance/report", None, "organiser", id="report"),
    pytest.param("GET", "/events/{event}/attendance.csv", None, "organiser", id="attendance-csv"),
    pytest.param(
        "GET", "/events/{event}/arrivals.svg?date=2016-11-29", None, "organiser", id="arrivals-svg"
    ),
    # Issue 16: correcting a registration, the XLSX export.
    pytest.param(
        "PATCH", "/events/{event}/attendees/" + "a" * 16, "correction", "desk", id="correct"
    ),
    pytest.param("GET", "/events/{event}/attendance.xlsx", None, "organiser", id="attendance-xlsx"),
    pytest.param("GET", "/events/{event}/certificates", None, "organiser", id="certificates"),
    pytest.param(
        "GET", "/events/{event}/certificates.pdf", None, "organiser", id="certificates-pdf"
    ),
    # Section 12, money and paper ("transport" stands for an allowance's code).
    pytest.param(
        "POST", "/events/{event}/allowances/transport/payments", "payment", "desk", id="pay"
    ),
    pytest.param(
        "DELETE",
        "/events/{event}/allowances/transport/payments/" + "a" * 16 + "/2016-11-29",
        None,
        "organiser",
        id="undo-payment",
    ),
    pytest.param(
        "GET",
        "/events/{event}/allowance-sheet.pdf?allowance=transport&date=2016-11-29",
        None,
        "organiser",
        id="allowance-sheet",
    ),
    pytest.param(
        "GET", "/events/{event}/allowances.csv?allowance=transport", None, "organiser", id="money"
    ),
    pytest.param("POST", "/events/{event}/paper-signatures", "ticks", "desk", id="ticks"),
    pytest.param(
        "GET", "/events/{event}/reconciliation?date=2016-11-29", None, "organiser", id="reconcile"
    ),
    pytest.param(
        "GET", "/events/{event}/sign-in-sheet/rows?date=2016-11-29", None, "desk", id="sheet-rows"
    ),
    pytest.param(
        "GET",
        "/events/{event}/allowances/transport/unpaid?date=2016-11-29",
        None,
        "desk",
        id="unpaid",
    ),
    # Section 14: importing a participant list (a CSV body, not JSON).
    pytest.param("POST", "/events/{event}/imports?dry_run=true", "csv", "organiser", id="import"),
]
# What a download route answers only to a request whose Accept names it.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def accept_for(path: str) -> dict[str, str] | None:
    if ".pdf" in path:
        return {"Accept": "application/pdf"}
    if ".xlsx" in path:
        return {"Accept": XLSX}
    return None


# A file the import route takes (its body is a file, not JSON).
SAMPLE_CSV = b"Nama,Lembaga\nSiti,WALHI\n"


def staff_request(api, method, path, body_kind, token=None, headers=None):
    """A staff route of STAFF_ROUTES called with a body of its kind (the role matrices')."""
    from tests.support.values import registration_body

    bodies = {
        None: None,
        "event": lambda: event_doc(api),
        "checkin": lambda: {"attendee_id": "a" * 16, "scan_id": new_scan_id()},
        "checkin_code": lambda: {"code": "A" * 40, "scan_id": new_scan_id()},
        "label": lambda: {"label": "Desk Z"},
        "walk_in": lambda: registration_body(check_in=True, scan_id=new_scan_id()),
        "reason": lambda: {"reason": "lost"},
        "correction": lambda: {"name": "Siti"},
        "payment": lambda: {"attendee_id": "a" * 16, "date": "2016-11-29"},
        "ticks": lambda: {"date": "2016-11-29", "attendee_ids": ["a" * 16]},
    }
    target = path.format(event=WORKSHOP_ID)
    if body_kind == "csv":  # a file: the route takes no JSON
        sent = {"Content-Type": "text/csv", **(headers or {})}
        return api.call(method, target, raw=SAMPLE_CSV, token=token, headers=sent)
    make = bodies[body_kind]
    if accept_for(path):  # a PDF or XLSX is sent only to a request whose Accept names it
        headers = {**accept_for(path), **(headers or {})}
    return api.call(method, target, body=make() if make else None, token=token, headers=headers)
