"""The OpenAPI 3.1 document served at GET /openapi.json: a walk over the routes' specs.

As chalice's own swagger generator walks `app.routes`, this walks the specs that
`Routes.route` recorded (chalicelib/api/routes.py). Request bodies and query
parameters come from the pydantic models the routes parse with; response bodies
from the shapes their views return (chalicelib/core/shapes.py, through pydantic's
`TypeAdapter`); error responses from the codes each route declares, grouped by
status through the one table `chalicelib.api.errors.STATUS`. This module touches
no AWS client, and the document is built once per process.
"""

from __future__ import annotations

import functools
import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from chalicelib.api.errors import STATUS
from chalicelib.core.auth import DESK, DESK_TOKEN_ID_PATTERN, KIOSK, ORGANISER
from chalicelib.core.badges import ATTENDEE_ID_PATTERN
from chalicelib.core.certificates import NUMBER_PATTERN_ANY_CASE
from chalicelib.core.errors import Code
from chalicelib.core.models import EVENT_ID_PATTERN
from chalicelib.core.privacy import MANAGE_TOKEN
from chalicelib.core.shapes import Error

if TYPE_CHECKING:
    from chalicelib.api.routes import Reply, Routes, Spec

REF = "#/components/schemas/{model}"

ROLES = {
    ORGANISER: "Needs an organiser token.",
    DESK: "Needs a desk token for this event, or an organiser token.",
}
KIOSK_TOO = "Needs a desk or kiosk token for this event, or an organiser token."

PATH_PARAMETERS = {
    "event_id": "The event's id, e.g. `socmed-conservation-2016`.",
    "code": "A badge code: the exact text its QR code holds.",
    "token_id": "The desk token's `id` (never the token itself).",
    "attendee_id": "The registration's `attendee_id`.",
    "date": "An event day, `YYYY-MM-DD` (anything else is 422).",
    "name": "A page's script, style sheet or licence file, e.g. `common.js`.",
    "number": "A certificate number, e.g. `SOCMED16-0042-7KQ3MX` (read case-insensitively).",
    "manage_token": "The attendee's manage token, given once at registration (`manage.token`).",
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
    "number": {
        "type": "string",
        "pattern": NUMBER_PATTERN_ANY_CASE,
        "examples": ["SOCMED16-0001-ABCDEF"],
    },
    "manage_token": {"type": "string", "pattern": MANAGE_TOKEN.pattern},
}

# A query parameter's words, unless its route gives its own (`Spec.query_notes`).
QUERY_PARAMETERS = {
    "q": "Words that start words of the name or organisation, e.g. `do thi`.",
    "limit": "At most this many on the page.",
    "next": "The previous page's `next`, for the following page.",
    "date": "Only this event day's scans (`YYYY-MM-DD`).",
    "result": "Only scans with this `result` or `error_code`, e.g. `checked_in`, `badge_revoked`.",
    "layout": "`a4-8`: eight badges to an A4 sheet, to cut; `a6`: one badge to an A6 page.",
}

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

# What the codes a spec implies mean, unless the route says it in its own words.
NOTES = {
    Code.UNAUTHORIZED: "No `Authorization` header, a malformed or unknown token, or a revoked "
    "desk or kiosk token.",
    Code.FORBIDDEN: "The token lacks the role (a kiosk token may only check in by `code`), or "
    "is another event's.",
    Code.INVALID_JSON: "The body is missing or is not JSON.",
    Code.UNSUPPORTED_MEDIA_TYPE: "Send `Content-Type: application/json`.",
    Code.TEMPORARILY_UNAVAILABLE: "DynamoDB was too busy, or did not answer in time, for "
    "about 2 seconds. Nothing was half-written. Retry after `Retry-After` seconds: resending "
    "the same `scan_id` or `Idempotency-Key` is always safe.",
}
BODY_FIELDS = "`error.fields` says which fields and why."
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


# --- schemas ----------------------------------------------------------------


class Schemas:
    """Every schema the specs name: request bodies, reply shapes, and their components.

    Request models are read as pydantic validates them, responses as they are
    sent. pydantic suffixes a model whose input and output schemas differ with
    -Input and -Output: the output one keeps the model's name (Event), the input
    one is a request (EventRequest), as is any request model named like a shape
    (RegistrationRequest).
    """

    def __init__(self, specs: list[Spec]) -> None:
        bodies = list(dict.fromkeys(spec.body for spec in specs if spec.body is not None))
        shapes = list(
            dict.fromkeys(
                reply.shape
                for spec in specs
                for reply in spec.replies.values()
                if reply.shape is not None
            )
        )
        models = [shape for shape in shapes if _is_model(shape)]
        # Every error answer is an Error, whether or not a shape names it.
        typed = [shape for shape in [*shapes, Error] if not _is_model(shape)]
        typed = list(dict.fromkeys(typed))

        shape_refs, shape_top = TypeAdapter.json_schemas(
            [(shape, "serialization", TypeAdapter(shape)) for shape in typed], ref_template=REF
        )
        shape_defs = {name: _tidy(schema) for name, schema in shape_top.get("$defs", {}).items()}
        self._shape_names = set(shape_defs)
        model_refs, model_top = models_json_schema(
            [(model, "validation") for model in bodies]
            + [(model, "serialization") for model in models],
            ref_template=REF,
        )
        model_defs = {
            self._renamed(name): self._rewrite_refs(schema)
            for name, schema in model_top["$defs"].items()
        }
        clash = set(model_defs) & set(shape_defs)
        if clash:
            raise ValueError(f"a shape and a model share a name: {sorted(clash)}")
        self.components = dict(sorted({**model_defs, **shape_defs}.items()))
        self.bodies = {
            model: self._rewrite_refs(schema)
            for (model, mode), schema in model_refs.items()
            if mode == "validation"
        }
        self.replies: dict[Any, dict] = {
            model: self._rewrite_refs(schema)
            for (model, mode), schema in model_refs.items()
            if mode == "serialization"
        }
        self.replies.update({shape: _tidy(schema) for (shape, _), schema in shape_refs.items()})

    def _renamed(self, name: str) -> str:
        if name.endswith("-Output"):
            return name.removesuffix("-Output")
        name = name.removesuffix("-Input") + ("Request" if name.endswith("-Input") else "")
        return name + "Request" if name in self._shape_names else name

    def _rewrite_refs(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self._rewrite_refs(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            node = {**node, "$ref": ref(self._renamed(node["$ref"].rsplit("/", 1)[-1]))["$ref"]}
        return {key: self._rewrite_refs(value) for key, value in node.items()}


def _is_model(shape: Any) -> bool:
    return isinstance(shape, type) and issubclass(shape, BaseModel)


def _tidy(node: Any) -> Any:
    """A shape's schema as the document gives it: no titles, one-line descriptions,
    and a value that may be null as `type: [..., "null"]` rather than `anyOf`."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    tidy: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            tidy[key] = {name: _tidy(schema) for name, schema in value.items()}
        elif key == "description":
            tidy[key] = " ".join(value.split())
        elif key != "title":
            tidy[key] = _tidy(value)
    options = tidy.get("anyOf", [])
    if len(options) == 2 and {"type": "null"} in options:
        (other,) = [option for option in options if option != {"type": "null"}]
        if isinstance(other.get("type"), str):
            del tidy["anyOf"]
            tidy = {**other, **tidy, "type": [other["type"], "null"]}
            if "enum" in other:
                tidy["enum"] = [*other["enum"], None]
    return tidy


# --- operations -------------------------------------------------------------


def _operation(spec: Spec, schemas: Schemas) -> dict:
    operation: dict[str, Any] = {
        "operationId": spec.name,
        "summary": spec.summary,
        "tags": [spec.group],
    }
    kiosk_too = spec.kiosk is not None or spec.role == KIOSK
    role = KIOSK_TOO if kiosk_too else ROLES.get(spec.role or "")
    text = " ".join(part for part in (role, spec.description) if part)
    if text:
        operation["description"] = text
    parameters = _query_parameters(spec)
    if spec.idempotent:
        parameters.append(IDEMPOTENCY_KEY)
    if parameters:
        operation["parameters"] = parameters
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.bodies[spec.body]}},
        }
    if spec.uploads:
        operation["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": {"type": "string", "contentMediaType": media}}
                for media in spec.uploads
            },
        }
    if spec.role is not None:
        operation["security"] = [{"bearerAuth": []}]
    responses = {str(status): _reply(reply, schemas) for status, reply in spec.replies.items()}
    for status, response in _errors(spec).items():
        if status in responses:
            raise ValueError(f"{spec.name}: status {status} is described twice")
        responses[status] = response
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def _reply(reply: Reply, schemas: Schemas) -> dict:
    """A success: JSON of its shape, a file or page of its media types, or no body."""
    response: dict[str, Any] = {"description": reply.description}
    if reply.shape is not None:
        response["content"] = {"application/json": {"schema": schemas.replies[reply.shape]}}
    elif reply.media:
        response["content"] = {
            media: {"schema": {"type": "string", "contentMediaType": media}}
            for media in reply.media
        }
    return response


def _errors(spec: Spec) -> dict[str, dict]:
    """The route's error codes grouped by their status, each status one response."""
    by_status: dict[int, list[Code]] = {}
    for code in spec.codes():
        by_status.setdefault(STATUS[code], []).append(code)
    responses = {}
    for status, codes in sorted(by_status.items()):
        listed = ", ".join(f"`{code}`" for code in codes)
        notes = [note for code in codes if (note := _note(spec, code))]
        description = " ".join([f"{HTTPStatus(status).phrase}. `error.code`: {listed}.", *notes])
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": ref("Error")}},
        }
        if status == STATUS[Code.TEMPORARILY_UNAVAILABLE]:
            response["headers"] = RETRY_AFTER
        responses[str(status)] = response
    return responses


def _note(spec: Spec, code: Code) -> str:
    if code in spec.notes:
        return spec.notes[code]
    if code == Code.VALIDATION_ERROR and spec.body is not None:
        return BODY_FIELDS
    if code == Code.BAD_REQUEST:
        return (
            f"The `Accept` header does not name `{spec.binaries()[0]}` (nor `*/*`): the API "
            "gateway hands binary responses only to requests that accept them."
        )
    return NOTES.get(code, "")


def _query_parameters(spec: Spec) -> list[dict]:
    """The query parameters the route parses, by their aliases, then those that repeat."""
    parameters = []
    if spec.query is not None:
        schema = spec.query.model_json_schema(mode="validation")
        required = set(schema.get("required", []))
        parameters = [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": spec.query_notes.get(name) or QUERY_PARAMETERS[name],
                "schema": _query_schema(field),
            }
            for name, field in schema["properties"].items()
        ]
    parameters += [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}},
        }
        for name, description in spec.lists.items()
    ]
    return parameters


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


# --- the document -----------------------------------------------------------


@functools.cache
def openapi_document(routes: Routes) -> dict:
    """The document of every route `routes` declared, built once per process."""
    schemas = Schemas(routes.specs)
    paths: dict[str, dict] = {}
    for spec in routes.specs:
        item = paths.setdefault(spec.path, _path_parameters(spec.path))
        item[spec.method.lower()] = _operation(spec, schemas)
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
                "on every event, a desk token may do desk work on its own event, and a kiosk "
                "token may only check in by badge code on its own event. Every "
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
        "paths": paths,
        "components": {
            "schemas": schemas.components,
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
