"""The OpenAPI 3.1 document served at GET /openapi.json.

Request bodies come from the pydantic models (JSON Schema 2020-12, which OpenAPI 3.1
accepts as is); response bodies are small hand-written schemas matching presenters.py
and services.py. Every route of app.py is described here, and tests/test_openapi.py
checks that the two agree. This module touches no AWS client: it is imported lazily
by the /openapi.json route, and the document is built once per process.
"""

from __future__ import annotations

import functools
import re
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.core.auth import DESK_TOKEN_ID_PATTERN
from chalicelib.core.badges import ATTENDEE_ID_PATTERN
from chalicelib.core.domain import NOT_GIVEN
from chalicelib.core.models import (
    EVENT_ID_PATTERN,
    GENDERS,
    ORGANISATION_TYPES,
    AttendeeQuery,
    BadgeSheetQuery,
    CheckinRequest,
    DeskTokenRequest,
    Event,
    Registration,
    ReissueRequest,
    ScanQuery,
    SignInSheetQuery,
    WalkIn,
)

REF = "#/components/schemas/{model}"

ORGANISER_ONLY = "Needs an organiser token."
DESK_OR_ORGANISER = "Needs a desk token for this event, or an organiser token."

PATH_PARAMETERS = {
    "event_id": "The event's id, e.g. `socmed-conservation-2016`.",
    "code": "A badge code: the exact text its QR code holds.",
    "token_id": "The desk token's `id` (never the token itself).",
    "attendee_id": "The registration's `attendee_id`.",
    "date": "An event day, `YYYY-MM-DD` (anything else is 422).",
    "name": "A page's script, style sheet or licence file, e.g. `common.js`.",
}

# What the app accepts in each path parameter; anything else is a 404 (or 422
# for a date) without a lookup. Examples point generated requests at real data.
PATH_SCHEMAS = {
    "event_id": {
        "type": "string",
        "pattern": EVENT_ID_PATTERN,
        "examples": ["socmed-conservation-2016"],
    },
    "attendee_id": {"type": "string", "pattern": ATTENDEE_ID_PATTERN},
    "token_id": {"type": "string", "pattern": DESK_TOKEN_ID_PATTERN},
    "date": {"type": "string", "format": "date", "examples": ["2016-11-29"]},
    "name": {"type": "string", "examples": ["common.js", "hadir.css", "jsQR-1.4.0.js"]},
}

# The browser pages (API.md §9): who uses each and what it offers.
PAGES = {
    "register": ("Registration page", "Public: the registration form, then the badge."),
    "desk": (
        "Desk page",
        "For desk staff: camera scanning, search, walk-ins, reissue and an offline queue. "
        "The desk token is given in the fragment (`#token=...`), which is never sent.",
    ),
    "kiosk": (
        "Kiosk page",
        "Self-service scanning at the door for attendees, with a desk token (`#token=...`).",
    ),
    "dashboard": (
        "Dashboard page",
        "For organisers: counts, chart, CSV, badge printing and desk tokens, with the "
        "organiser token (`#token=...`).",
    ),
}

QUERY_PARAMETERS = {
    "q": "Words that start words of the name or organisation, e.g. `do thi`.",
    "limit": "At most this many on the page.",
    "next": "The previous page's `next`, for the following page.",
    "date": "Only this event day's scans (`YYYY-MM-DD`).",
    "result": "Only scans with this `result` or `error_code`, e.g. `checked_in`, `badge_revoked`.",
    "layout": "`a4-8`: eight badges to an A4 sheet, to cut; `a6`: one badge to an A6 page.",
}


def ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


def _obj(properties: dict, description: str | None = None) -> dict:
    """An object schema whose properties are all always present."""
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
INSTANT = {"type": "string", "format": "date-time", "description": "UTC, e.g. `...Z`."}
LOCAL_TIME = {
    "type": "string",
    "format": "date-time",
    "description": "The same instant in the event's time zone, e.g. `...+07:00`.",
}
COUNT = {"type": "integer", "minimum": 0}
PNG = "image/png"
PDF = "application/pdf"
CSV = "text/csv"
SVG = "image/svg+xml"


STATUS = {"enum": ["active", "cancelled"]}
CHECKIN_TIMES = {"checked_in_at": INSTANT, "checked_in_at_local": LOCAL_TIME}


def nullable(schema: dict) -> dict:
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def _page(key: str, item: dict, description: str) -> dict:
    """One page of a list that pages: the items and the cursor to the next page."""
    cursor = {
        **nullable(STRING),
        "description": "Null on the last page; else send it back as `next=` for the next.",
    }
    return _obj({key: {"type": "array", "items": item}, "next": cursor}, description)


REQUEST_MODELS: dict[str, type[BaseModel]] = {
    "put_event": Event,
    "register": Registration,
    "check_in": CheckinRequest,
    "create_desk_token": DeskTokenRequest,
    "walk_in": WalkIn,
    "reissue_badge": ReissueRequest,
}


# --- schemas ----------------------------------------------------------------

BADGE = _obj(
    {
        "code": {**STRING, "description": "What the QR code holds."},
        "qr_png_url": STRING,
        "url": STRING,
    }
)
REGISTRATION = _obj(
    {
        "attendee_id": STRING,
        "event_id": STRING,
        "name": STRING,
        "organisation": STRING,
        "days": {"type": "array", "items": DATE},
        "badge": ref("Badge"),
    }
)
CHECKIN_RESULT = _obj(
    {
        "result": {"enum": ["checked_in", "already_checked_in"]},
        "attendee": _obj({"id": STRING, "name": STRING, "organisation": STRING}),
        "day": _obj({"number": {"type": "integer", "minimum": 1}, "date": DATE}),
        **CHECKIN_TIMES,
        "desk": nullable(STRING),
    },
    "For `already_checked_in`, the time and desk are the first check-in's.",
)


def _buckets(known: tuple[str, ...], what: str) -> dict:
    """A report's counts by answer: every known answer, then `not_given` if used."""
    return {
        "type": "object",
        "description": f"The day's check-ins by {what}: every answer, zeros included, "
        f"then `{NOT_GIVEN}` when someone checked in left it unanswered.",
        "required": list(known),
        "properties": {name: COUNT for name in (*known, NOT_GIVEN)},
    }


REPORT_DAY = _obj(
    {
        "number": {"type": "integer", "minimum": 1},
        "date": DATE,
        "registered": {**COUNT, "description": "Active registrations for the day."},
        "checked_in": COUNT,
        "walk_ins": {**COUNT, "description": "Of `checked_in`, those registered at the desk."},
        "by_gender": _buckets(GENDERS, "gender"),
        "by_organisation_type": _buckets(ORGANISATION_TYPES, "organisation type"),
        "by_desk": {
            "type": "object",
            "description": "The day's check-ins by desk: the `desk` the check-in named, else "
            "the desk token's label, or `Organiser` (e.g. `Desk A`). Only desks that "
            f"checked someone in; `{NOT_GIVEN}` for any check-in recorded without one.",
            "additionalProperties": COUNT,
        },
        "arrivals": {
            "type": "array",
            "description": "The day's check-ins per 15-minute slot, by time: one item for "
            "every slot of the day's check-in window, zeros included (and any other slot "
            "that holds check-ins from before the window was changed).",
            "items": _obj(
                {
                    "start": {
                        **STRING,
                        "pattern": "^[0-2][0-9]:[0-5][0-9]$",
                        "description": "The slot's start, local `HH:MM`.",
                    },
                    "count": COUNT,
                }
            ),
        },
    }
)

# The days a person registered for, each with its check-in time if any.
REGISTERED_DAYS = {
    "type": "array",
    "description": "The days registered for; the check-in times are null "
    "until the holder is checked in on that day.",
    "items": _obj(
        {"date": DATE, **{name: nullable(schema) for name, schema in CHECKIN_TIMES.items()}}
    ),
}

RESPONSE_SCHEMAS: dict[str, dict] = {
    "Health": _obj(
        {
            "status": {"const": "ok"},
            "time": {
                "type": "string",
                "format": "date-time",
                "description": "The server's time (UTC): a desk dates the scans it queues "
                "offline by it rather than by its own clock.",
            },
        }
    ),
    "Error": _obj(
        {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": {"type": "string", "description": "One clear sentence."},
                    "fields": {
                        "type": "array",
                        "description": "Only on 422: what is wrong with which field.",
                        "items": _obj({"field": STRING, "message": STRING}),
                    },
                },
            }
        },
        "Every error. Messages never echo submitted personal data.",
    ),
    "Badge": BADGE,
    "Registration": REGISTRATION,
    "BadgeHolder": _obj(
        {
            "attendee_id": STRING,
            "name": STRING,
            "organisation": STRING,
            "job_title": nullable(STRING),
            "email": STRING,
            "status": STATUS,
            "event": _obj(
                {
                    "id": STRING,
                    "title": STRING,
                    "organisers": {"type": "array", "items": STRING},
                    "venue": ref("Venue"),
                    "timezone": STRING,
                }
            ),
            "days": REGISTERED_DAYS,
            "badge": ref("Badge"),
        },
        "What the badge holder sees: their details, the event and their days.",
    ),
    "CheckinResult": CHECKIN_RESULT,
    "Attendance": _obj(
        {
            "event_id": STRING,
            "as_of": INSTANT,
            "registered": {**COUNT, "description": "Active registrations."},
            "days": {
                "type": "array",
                "items": _obj(
                    {
                        "number": {"type": "integer", "minimum": 1},
                        "date": DATE,
                        "registered": COUNT,
                        "checked_in": COUNT,
                        "no_shows": {**COUNT, "description": "registered - checked_in"},
                    }
                ),
            },
            "attended_any": {**COUNT, "description": "Checked in on at least one day."},
            "attended_all_days": {**COUNT, "description": "Checked in on every day."},
        }
    ),
    "AttendanceReport": _obj(
        {
            "event_id": STRING,
            "as_of": INSTANT,
            "days": {"type": "array", "items": REPORT_DAY},
        },
        "Per event day: the counts, who checked in by gender, organisation type and desk, "
        "and when they arrived.",
    ),
    "DeskToken": _obj(
        {"id": STRING, "label": STRING, "created_at": INSTANT, "revoked_at": nullable(INSTANT)}
    ),
    "DeskTokenCreated": _obj(
        {
            "id": STRING,
            "label": STRING,
            "token": {**STRING, "description": "The bearer token: shown here only, once."},
            "created_at": INSTANT,
        }
    ),
    "DeskTokenList": _obj(
        {"desk_tokens": {"type": "array", "items": ref("DeskToken")}},
        "Never includes the tokens themselves.",
    ),
    # desk work
    "AttendeeSummary": _obj(
        {
            "id": STRING,
            "name": STRING,
            "organisation": STRING,
            "status": STATUS,
            "days": REGISTERED_DAYS,
        },
        "A search result: enough for the desk to see at once whether someone is in.",
    ),
    "AttendeeList": _page(
        "attendees",
        ref("AttendeeSummary"),
        "Each person once; everyone, by name, when an organiser sends no `q`.",
    ),
    "Attendee": _obj(
        {
            "attendee_id": STRING,
            "event_id": STRING,
            "name": STRING,
            "email": STRING,
            "phone": nullable(STRING),
            "organisation": STRING,
            "organisation_type": nullable({"enum": list(ORGANISATION_TYPES)}),
            "job_title": nullable(STRING),
            "gender": nullable({"enum": list(GENDERS)}),
            "days": {"type": "array", "items": DATE},
            "status": STATUS,
            "source": {"enum": ["online", "walk_in"]},
            "registered_at": INSTANT,
            "cancelled_at": nullable(INSTANT),
            "badge": _obj(
                {
                    **{name: nullable(schema) for name, schema in BADGE["properties"].items()},
                    "status": {"enum": ["active", "revoked"]},
                    "reissues": {
                        "type": "array",
                        "items": _obj(
                            {
                                "at": INSTANT,
                                "at_local": LOCAL_TIME,
                                "by": {
                                    **nullable(STRING),
                                    "description": "The desk token's id, or `organiser`.",
                                },
                                "reason": STRING,
                            }
                        ),
                    },
                    "prints": {
                        "type": "array",
                        "description": "Each time the badge was printed on an organiser's "
                        "sheet (`badges.pdf`), oldest first.",
                        "items": _obj({"at": INSTANT, "at_local": LOCAL_TIME}),
                    },
                },
                "The current badge (its code and links are null once cancelled), "
                "every reissue and every print, oldest first.",
            ),
            "checkins": {
                "type": "array",
                "description": "One per day checked in, by date.",
                "items": _obj(
                    {
                        "date": DATE,
                        **CHECKIN_TIMES,
                        "desk": nullable(STRING),
                        "desk_token_id": nullable(STRING),
                    }
                ),
            },
        },
        "The desk's full view of one registration: details, badge, check-ins.",
    ),
    "WalkInResult": _obj(
        {
            **REGISTRATION["properties"],
            "checkin": {
                "description": "Null unless `check_in` was sent. Otherwise the check-in's "
                "answer, or the error saying why not (the person is registered all the same).",
                "oneOf": [ref("CheckinResult"), ref("Error"), {"type": "null"}],
            },
        },
        "The registration, and the check-in made with it.",
    ),
    "BadgeReissued": _obj(
        {"badge": ref("Badge")},
        "The new badge; the old code answers 410 `badge_revoked` from now on.",
    ),
    "Cancelled": _obj({"status": {"const": "cancelled"}}),
    "CheckinUndone": _obj(
        {**CHECKIN_RESULT["properties"], "result": {"const": "undone"}, "undone_at": INSTANT},
        "The check-in that was undone (its time and desk), and when it was undone.",
    ),
    "Scan": _obj(
        {
            "scan_id": {**STRING, "description": "The client's `scan_id`; `undo-...` for an undo."},
            "date": {**DATE, "description": "The event-local date of `scanned_at`."},
            "received_at": INSTANT,
            "scanned_at": INSTANT,
            "desk": nullable(STRING),
            "desk_token_id": {**nullable(STRING), "description": "Null for an organiser."},
            "result": {
                **nullable({"enum": ["checked_in", "already_checked_in", "undone"]}),
                "description": "Null when the scan was refused.",
            },
            "error_code": {
                **nullable(STRING),
                "description": "Why the scan was refused (an `error.code`); else null.",
            },
            "attendee_id": {
                **nullable(STRING),
                "description": "Null when the code was not one Hadir issued.",
            },
        },
        "One check-in attempt, accepted or refused, or one undone check-in.",
    ),
    "ScanList": _page("scans", ref("Scan"), "The scan log, by day, then as received."),
}


def _renamed(name: str) -> str:
    """Component names for pydantic's schemas that leave the response names free.

    pydantic suffixes a model whose input and output schemas differ with -Input and
    -Output; the output one is what responses carry (Event), the input one is a
    request (EventRequest), as is any request model named like a response.
    """
    if name.endswith("-Output"):
        return name.removesuffix("-Output")
    name = name.removesuffix("-Input") + ("Request" if name.endswith("-Input") else "")
    return name + "Request" if name in RESPONSE_SCHEMAS else name


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        node = {**node, "$ref": ref(_renamed(node["$ref"].rsplit("/", 1)[-1]))["$ref"]}
    return {key: _rewrite_refs(value) for key, value in node.items()}


def _model_schemas() -> tuple[dict[type[BaseModel], dict], dict[str, dict]]:
    """Each request model's $ref, and every schema they (and the Event response) need."""
    refs, top = models_json_schema(
        [(model, "validation") for model in REQUEST_MODELS.values()] + [(Event, "serialization")],
        ref_template=REF,
    )
    schemas = {_renamed(name): _rewrite_refs(schema) for name, schema in top["$defs"].items()}
    bodies = {
        model: _rewrite_refs(refs[model, mode]) for model, mode in refs if mode == "validation"
    }
    return bodies, schemas


# --- responses --------------------------------------------------------------


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _binary(description: str, media_type: str) -> dict:
    """A response whose body is a file of `media_type` (PNG, PDF, CSV, SVG), not JSON."""
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "contentMediaType": media_type}}},
    }


def _page_response(description: str) -> dict:
    return {
        "description": f"{description} Sent with a strict `Content-Security-Policy`.",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }


def _error(status: int, *codes: str, note: str = "") -> tuple[str, dict]:
    listed = ", ".join(f"`{code}`" for code in codes)
    description = f"{HTTPStatus(status).phrase}. `error.code`: {listed}."
    return str(status), _json(f"{description} {note}".strip(), "Error")


def _staff_errors() -> list[tuple[str, dict]]:
    return [
        _error(
            401,
            "unauthorized",
            note="No token, an unknown token or a revoked desk token. With no "
            "`Authorization` header at all the API gateway may refuse the request "
            "itself, with its own body.",
        ),
        _error(403, "forbidden", note="The token lacks the role, or is another event's."),
    ]


def _json_body_errors(idempotent: bool = False) -> list[tuple[str, dict]]:
    codes = ("validation_error", "idempotency_key_reused") if idempotent else ("validation_error",)
    return [
        _error(400, "invalid_json", note="The body is missing or is not JSON."),
        _error(415, "unsupported_media_type", note="Send `Content-Type: application/json`."),
        _error(422, *codes, note="`error.fields` says which fields and why."),
    ]


def _busy() -> tuple[str, dict]:
    status, response = _error(
        503,
        "temporarily_unavailable",
        note="DynamoDB was too busy, or did not answer in time, for about 2 seconds. "
        "Nothing was half-written. Retry after `Retry-After` seconds: resending the "
        "same `scan_id` or `Idempotency-Key` is always safe.",
    )
    response["headers"] = {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
    return status, response


BUSY = _busy()
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Made by the client, once per registration (or reissue) it means to "
    "make: a request resent with the same key gets the first answer back instead of "
    "`already_registered` (or a second reissue). The same key with another email is "
    "422 `idempotency_key_reused`.",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
}


def _not_accepted(media_type: str) -> tuple[str, dict]:
    """The 400 of a binary response to a request whose Accept header does not name it."""
    return _error(
        400,
        "bad_request",
        note=f"The `Accept` header does not name `{media_type}` (nor `*/*`): the API "
        "gateway hands binary responses only to requests that accept them.",
    )


# --- operations -------------------------------------------------------------


def _operation(
    operation_id: str,
    summary: str,
    responses: list[tuple[str, dict]],
    *,
    tag: str,
    role: str | None = None,
    description: str = "",
    body: dict | None = None,
    query: type[BaseModel] | None = None,
    query_descriptions: dict[str, str] | None = None,
    parameters: list[dict] | None = None,
    idempotent: bool = False,
    stored: bool = True,
) -> dict:
    """One operation; `role` (a sentence) marks a staff route, `query` parses its query.

    `query_descriptions` replaces QUERY_PARAMETERS' words for this operation;
    `parameters` are query parameters the route reads beside its query model.
    `idempotent` takes an Idempotency-Key header. Every operation that reads or
    writes the table (`stored`) may answer 503 with Retry-After.
    """
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
    }
    text = " ".join(part for part in (role, description) if part)
    if text:
        operation["description"] = text
    declared = _query_parameters(query, query_descriptions or {}) if query is not None else []
    declared += parameters or []
    if idempotent:
        declared.append(IDEMPOTENCY_KEY)
    if declared:
        operation["parameters"] = declared
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
        responses = responses + _json_body_errors(idempotent)
    if role is not None:
        operation["security"] = [{"bearerAuth": []}]
        responses = responses + _staff_errors()
    if stored and BUSY not in responses:
        responses = [*responses, BUSY]
    statuses = [status for status, _ in responses]
    if len(set(statuses)) != len(statuses):
        raise ValueError(f"{operation_id}: a status is described twice")
    operation["responses"] = dict(sorted(responses, key=lambda item: item[0]))
    return operation


def _query_parameters(model: type[BaseModel], descriptions: dict[str, str]) -> list[dict]:
    """The query parameters a model parses (app.py's `parse_query`), by their aliases."""
    schema = model.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "description": descriptions.get(name) or QUERY_PARAMETERS[name],
            "schema": _query_schema(field),
        }
        for name, field in schema["properties"].items()
    ]


def _query_schema(field: dict) -> dict:
    """A field's schema as a parameter's: one that is not sent is absent, never null."""
    (schema,) = [option for option in field.get("anyOf", [field]) if option != {"type": "null"}]
    merged = {**field, **schema}
    return {
        key: value
        for key, value in merged.items()
        if key not in ("anyOf", "title") and value is not None
    }


def _path_parameters(path: str) -> dict:
    """The path's parameters, shared by its operations: all strings, all required."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return {}
    return {
        "parameters": [
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": PATH_PARAMETERS[name],
                "schema": PATH_SCHEMAS.get(name, {"type": "string"}),
            }
            for name in names
        ]
    }


def _paths(bodies: dict[type[BaseModel], dict]) -> dict:
    events = "/events/{event_id}"
    no_event = _error(404, "event_not_found")
    no_badge = _error(404, "badge_not_found", note="Not a code Hadir issued (forged, altered).")
    revoked = _error(410, "badge_revoked", note="Reissued, or the registration was cancelled.")
    attendee = f"{events}/attendees/{{attendee_id}}"
    no_attendee = _error(404, "attendee_not_found", "event_not_found")
    bad_page = "a `limit` out of range, an unknown parameter, or a `next` not from this listing"
    return {
        "/health": {
            "get": _operation(
                "health",
                "Liveness check",
                [("200", _json("The service is up.", "Health"))],
                tag="public",
                stored=False,
            )
        },
        **{
            f"/{page}/{{event_id}}": {
                "get": _operation(
                    f"{page}_page",
                    summary,
                    [
                        ("200", _page_response("The page: HTML that loads its script.")),
                        ("304", {"description": "Not modified (`If-None-Match`)."}),
                        _error(404, "event_not_found", note="Not an event id's shape."),
                    ],
                    tag="pages",
                    description=description,
                    stored=False,
                )
            }
            for page, (summary, description) in PAGES.items()
        },
        "/assets/{name}": {
            "get": _operation(
                "page_asset",
                "A page's static file",
                [
                    (
                        "200",
                        {
                            "description": "JavaScript, CSS or a licence text, with an `ETag`.",
                            "content": {
                                media: {"schema": {"type": "string"}}
                                for media in ("text/javascript", "text/css", "text/plain")
                            },
                        },
                    ),
                    ("304", {"description": "Not modified (`If-None-Match`)."}),
                    _error(404, "not_found"),
                ],
                tag="pages",
                stored=False,
            )
        },
        "/openapi.json": {
            "get": _operation(
                "openapi",
                "This OpenAPI document",
                [
                    (
                        "200",
                        {
                            "description": "An OpenAPI 3.1 document of every route.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    )
                ],
                tag="public",
                stored=False,
            )
        },
        events: {
            "get": _operation(
                "get_event",
                "Get an event",
                [("200", _json("The event.", "Event")), no_event],
                tag="public",
            ),
            "put": _operation(
                "put_event",
                "Create or replace an event",
                [
                    ("200", _json("Replaced; the event as stored.", "Event")),
                    ("201", _json("Created; the event as stored.", "Event")),
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="The body's `id` must match the path (else 422).",
                body=bodies[Event],
            ),
        },
        f"{events}/registrations": {
            "post": _operation(
                "register",
                "Register for an event",
                [
                    ("201", _json("Registered; the badge code is in `badge`.", "Registration")),
                    no_event,
                    _error(409, "already_registered", "event_full", "registration_closed"),
                    BUSY,
                ],
                tag="public",
                description="Emails are unique per event (trimmed, case-insensitive). "
                "`days` defaults to every day of the event; `consent` must be true.",
                body=bodies[Registration],
                idempotent=True,
            )
        },
        "/badges/{code}": {
            "get": _operation(
                "badge",
                "The badge holder's view",
                [
                    ("200", _json("The holder, the event and their days.", "BadgeHolder")),
                    no_badge,
                    revoked,
                ],
                tag="public",
                description="Public: the code is the secret. Not cached.",
            )
        },
        "/badges/{code}/qr.png": {
            "get": _operation(
                "badge_qr",
                "The badge's QR code",
                [
                    ("200", _binary("A PNG of a QR code holding exactly the code.", PNG)),
                    _not_accepted(PNG),
                    no_badge,
                    revoked,
                ],
                tag="public",
                description="Send `Accept: image/png` (browsers send `image/*` or `*/*`).",
            )
        },
        "/badges/{code}/badge.pdf": {
            "get": _operation(
                "badge_pdf",
                "The badge, to print",
                [
                    ("200", _binary("One badge on an A6 page, with its QR code.", PDF)),
                    _not_accepted(PDF),
                    no_badge,
                    revoked,
                ],
                tag="public",
                description="For the holder to print at home: not recorded as a print. Send "
                "`Accept: application/pdf` (or `*/*`). Not cached.",
            )
        },
        f"{events}/checkins": {
            "post": _operation(
                "check_in",
                "Check an attendee in",
                [
                    (
                        "200",
                        _json("Already checked in that day; nothing changed.", "CheckinResult"),
                    ),
                    ("201", _json("Checked in.", "CheckinResult")),
                    _error(
                        404,
                        "badge_not_found",
                        "event_not_found",
                        note="`badge_not_found`: a forged, altered or unknown code or attendee.",
                    ),
                    _error(
                        409,
                        "wrong_event",
                        "not_registered_for_day",
                        "not_an_event_day",
                        "outside_checkin_hours",
                        note="`outside_checkin_hours`: the message gives the window.",
                    ),
                    revoked,
                    BUSY,
                ],
                tag="desk",
                role=DESK_OR_ORGANISER,
                description="Send exactly one of `code` (the scanned QR text) or "
                "`attendee_id`. The day is the event-local date of `scanned_at` (default: "
                "now; more than 2 minutes ahead is 422). One check-in per attendee per day; "
                "repeating a `scan_id` returns the first answer and changes nothing.",
                body=bodies[CheckinRequest],
            )
        },
        f"{events}/attendees": {
            "get": _operation(
                "find_attendees",
                "Find attendees by name",
                [
                    ("200", _json("One page of the people found.", "AttendeeList")),
                    no_event,
                    _error(
                        422,
                        "validation_error",
                        note="No `q` from a desk token, a `q` without a word of 2 or more "
                        f"letters, {bad_page}.",
                    ),
                ],
                tag="desk",
                role=DESK_OR_ORGANISER,
                description="`q` is matched case- and accent-insensitively against the starts "
                "of the words of the name and organisation, and every word of it must match: "
                "`sit` finds Siti, `do thi` finds Đỗ Thị Hương. An organiser may leave `q` "
                "out to page through everyone, by name.",
                query=AttendeeQuery,
            ),
            "post": _operation(
                "walk_in",
                "Register a walk-in",
                [
                    (
                        "201",
                        _json("Registered; `checkin` says whether checked in too.", "WalkInResult"),
                    ),
                    no_event,
                    _error(409, "already_registered", "event_full"),
                    BUSY,
                ],
                tag="desk",
                role=DESK_OR_ORGANISER,
                description="The registration body, plus `check_in: true` and a `scan_id` to "
                "check the person in at once, on today's event day. The desk may register "
                "after public registration has closed; capacity and one registration per "
                "email hold as online. Repeating a `scan_id` returns the first answer and "
                "changes nothing.",
                body=bodies[WalkIn],
                idempotent=True,
            ),
        },
        attendee: {
            "get": _operation(
                "attendee",
                "An attendee's registration",
                [
                    ("200", _json("The registration, its badge and its check-ins.", "Attendee")),
                    no_attendee,
                ],
                tag="desk",
                role=DESK_OR_ORGANISER,
                description="Not cached.",
            ),
            "delete": _operation(
                "cancel_registration",
                "Cancel a registration",
                [
                    ("200", _json("Cancelled, or it already was.", "Cancelled")),
                    no_attendee,
                    _error(
                        409,
                        "already_checked_in",
                        note="Checked in on some day: undo those check-ins first.",
                    ),
                    BUSY,
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="The badge answers 410 `badge_revoked` from then on, and the "
                "counts drop the registration.",
            ),
        },
        f"{attendee}/badge": {
            "post": _operation(
                "reissue_badge",
                "Reissue a badge",
                [
                    ("201", _json("The new badge.", "BadgeReissued")),
                    no_attendee,
                    _error(409, "registration_cancelled", "too_many_reissues"),
                    BUSY,
                ],
                tag="desk",
                role=DESK_OR_ORGANISER,
                description="For a lost badge: a new code, and the old one answers 410 "
                "`badge_revoked` from then on. The reason is kept in the attendee's history.",
                body=bodies[ReissueRequest],
                idempotent=True,
            )
        },
        f"{events}/sign-in-sheet.pdf": {
            "get": _operation(
                "sign_in_sheet",
                "The paper sign-in sheet of a day",
                [
                    (
                        "200",
                        _binary(
                            "The daftar hadir: everyone registered for that day, by name, "
                            "with organisation, check-in time if any and a signature box.",
                            PDF,
                        ),
                    ),
                    _not_accepted(PDF),
                    no_event,
                    _error(409, "not_an_event_day", note="`date` is not a day of this event."),
                    _error(
                        422,
                        "validation_error",
                        note="`date` missing or not a date, or an unknown parameter.",
                    ),
                ],
                tag="desk",
                role=DESK_OR_ORGANISER,
                description="The fallback when the network or power fails. Send "
                "`Accept: application/pdf` (or `*/*`). Not cached.",
                query=SignInSheetQuery,
                query_descriptions={"date": "The event day of the sheet, `YYYY-MM-DD`."},
            )
        },
        f"{events}/badges.pdf": {
            "get": _operation(
                "badge_sheet",
                "Print badges",
                [
                    ("200", _binary("The badges, by name, ready to cut.", PDF)),
                    _not_accepted(PDF),
                    _error(
                        404,
                        "event_not_found",
                        "attendee_not_found",
                        note="`attendee_not_found`: an `attendee_id` not of this event.",
                    ),
                    _error(
                        409,
                        "registration_cancelled",
                        note="A named attendee is cancelled, so has no badge.",
                    ),
                    _error(
                        413,
                        "sheet_too_large",
                        note="Too many badges for one response: print them in parts, "
                        "naming them with `attendee_id`.",
                    ),
                    _error(422, "validation_error", note="A `layout` that is not listed."),
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="The badges of every active attendee, or of those named by "
                "`attendee_id`, sorted by name. Each badge printed is added to its "
                "attendee's `badge.prints`; one printed before is marked as a reprint. Send "
                "`Accept: application/pdf` (or `*/*`). Not cached.",
                query=BadgeSheetQuery,
                parameters=[
                    {
                        "name": "attendee_id",
                        "in": "query",
                        "required": False,
                        "description": "Only these attendees; repeat it for each one, e.g. "
                        "`?attendee_id=a&attendee_id=b`. Leave it out for every active "
                        "attendee.",
                        "style": "form",
                        "explode": True,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    }
                ],
            )
        },
        f"{events}/checkins/{{attendee_id}}/{{date}}": {
            "delete": _operation(
                "undo_checkin",
                "Undo a day's check-in",
                [
                    ("200", _json("Undone; the check-in as it was.", "CheckinUndone")),
                    _error(
                        404,
                        "checkin_not_found",
                        "attendee_not_found",
                        "event_not_found",
                        note="`checkin_not_found`: not checked in on that date.",
                    ),
                    _error(422, "validation_error", note="`date` is not a date."),
                    BUSY,
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="The counts follow, and the scan log gains an entry with "
                "`result: undone`.",
            )
        },
        f"{events}/scans": {
            "get": _operation(
                "scans",
                "The scan log",
                [
                    ("200", _json("One page of the scan log.", "ScanList")),
                    no_event,
                    _error(
                        422, "validation_error", note=f"A `date` that is not a date, {bad_page}."
                    ),
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="Every check-in attempt, accepted or refused, and every undone "
                "check-in.",
                query=ScanQuery,
            )
        },
        f"{events}/attendance": {
            "get": _operation(
                "attendance",
                "Attendance counts",
                [("200", _json("Counts per event and per day.", "Attendance")), no_event],
                tag="organiser",
                role=ORGANISER_ONLY,
            )
        },
        f"{events}/attendance/report": {
            "get": _operation(
                "attendance_report",
                "The attendance report",
                [
                    ("200", _json("The breakdowns of every event day.", "AttendanceReport")),
                    no_event,
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="Arrival slots are in the event's time zone. Not cached.",
            )
        },
        f"{events}/attendance.csv": {
            "get": _operation(
                "attendance_csv",
                "The attendance list, as CSV",
                [
                    (
                        "200",
                        _binary(
                            "A CSV file (UTF-8 with a byte-order mark, so Excel and Google "
                            "Sheets read the names right), sent as an attachment "
                            "(`Content-Disposition: attachment`).",
                            CSV,
                        ),
                    ),
                    no_event,
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="One row per registration, cancelled ones included, by name, "
                "under a header row of `name`, `organisation`, `organisation_type`, `gender`, "
                "`email`, `phone`, `status` (`active` or `cancelled`), `days` (the dates "
                "registered for, space-separated), then for each event day "
                "`<date>_checked_in_at` (local time, `YYYY-MM-DD HH:MM:SS`) and `<date>_desk`. "
                "A value left out, or a day not checked in, is an empty cell; a value a "
                "spreadsheet would run as a formula (one starting `=`, `+`, `-`, `@`, a tab "
                "or a carriage return) starts with `'`. Not cached.",
            )
        },
        f"{events}/arrivals.svg": {
            "get": _operation(
                "arrivals_svg",
                "The arrivals chart of a day",
                [
                    (
                        "200",
                        _binary(
                            "An SVG bar chart of the day's check-ins per 15-minute slot "
                            "(local time), one bar per item of the report's `arrivals`.",
                            SVG,
                        ),
                    ),
                    no_event,
                    _error(409, "not_an_event_day", note="`date` is not a day of this event."),
                    _error(
                        422,
                        "validation_error",
                        note="`date` missing or not a date, or an unknown parameter.",
                    ),
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                description="Not cached.",
                query=SignInSheetQuery,
                query_descriptions={"date": "The event day of the chart, `YYYY-MM-DD`."},
            )
        },
        f"{events}/desk-tokens": {
            "post": _operation(
                "create_desk_token",
                "Create a desk token",
                [
                    ("201", _json("The new token, shown this once.", "DeskTokenCreated")),
                    no_event,
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
                body=bodies[DeskTokenRequest],
            ),
            "get": _operation(
                "list_desk_tokens",
                "List desk tokens",
                [
                    (
                        "200",
                        _json("The event's desk tokens, revoked ones included.", "DeskTokenList"),
                    ),
                    no_event,
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
            ),
        },
        f"{events}/desk-tokens/{{token_id}}": {
            "delete": _operation(
                "revoke_desk_token",
                "Revoke a desk token",
                [
                    ("204", {"description": "Revoked (or already was); refused from now on."}),
                    _error(404, "desk_token_not_found"),
                ],
                tag="organiser",
                role=ORGANISER_ONLY,
            )
        },
    }


def _preflight(path: str) -> dict:
    """The OPTIONS operation app.py registers on every path (its view name is the id)."""
    return _operation(
        "preflight_" + re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_"),
        "CORS preflight",
        [
            (
                "204",
                {
                    "description": "No body. When `Origin` is one of the configured origins: "
                    "`Access-Control-Allow-Origin` (that origin), `-Allow-Methods` (this "
                    "path's), `-Allow-Headers` (`Authorization, Content-Type`) and "
                    "`-Max-Age` (600); otherwise none of them. Always `Vary: Origin`."
                },
            )
        ],
        tag="cors",
        description="Browsers send it before a cross-origin request; no token needed.",
        stored=False,
    )


@functools.cache
def openapi_document() -> dict:
    bodies, model_schemas = _model_schemas()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hadir",
            "version": "1.0.0",
            "description": (
                "Hadir registers attendees for events, issues each one a badge with an "
                "unforgeable QR code, and checks them in at the door, once per event day, "
                "from any number of desks. Public routes need no token; staff send "
                "`Authorization: Bearer <token>`, where an organiser token may do everything "
                "on every event and a desk token may do desk work on its own event. Every "
                'error is `{"error": {"code", "message"}}`, and a 422 adds `fields`.'
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "public", "description": "No token needed."},
            {"name": "desk", "description": "A desk token for the event, or an organiser."},
            {"name": "organiser", "description": "An organiser token."},
            {"name": "pages", "description": "The browser pages and their static files."},
            {
                "name": "cors",
                "description": "Preflights: cross-origin access for the configured origins "
                "only (none by default). Every response to such an origin carries "
                "`Access-Control-Allow-Origin`.",
            },
        ],
        "paths": {
            path: {**_path_parameters(path), **operations, "options": _preflight(path)}
            for path, operations in _paths(bodies).items()
        },
        "components": {
            "schemas": dict(sorted({**model_schemas, **RESPONSE_SCHEMAS}.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An organiser token (from configuration) or a desk token "
                    "(from POST /events/{event_id}/desk-tokens).",
                }
            },
        },
    }
