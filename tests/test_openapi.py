"""The OpenAPI document describes exactly the routes app.py declares, and holds together."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import app as app_module
from chalicelib.models import CheckinRequest, DeskTokenRequest, Event, Registration
from chalicelib.openapi import openapi_document

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ROOT = Path(__file__).resolve().parent.parent

# What each route parses its JSON body with (app.py's `body(...)` calls).
REQUEST_MODELS = {
    "put_event": Event,
    "register": Registration,
    "check_in": CheckinRequest,
    "create_desk_token": DeskTokenRequest,
}

# From ../shared/API.md: the error codes the contract names for each route, by status.
CONTRACT_ERRORS = {
    ("GET", "/events/{event_id}"): {404: {"event_not_found"}},
    ("PUT", "/events/{event_id}"): {422: {"validation_error"}},
    ("POST", "/events/{event_id}/registrations"): {
        404: {"event_not_found"},
        409: {"already_registered", "event_full", "registration_closed"},
        422: {"validation_error"},
    },
    ("GET", "/badges/{code}"): {404: {"badge_not_found"}, 410: {"badge_revoked"}},
    ("GET", "/badges/{code}/qr.png"): {404: {"badge_not_found"}, 410: {"badge_revoked"}},
    ("POST", "/events/{event_id}/checkins"): {
        404: {"badge_not_found", "event_not_found"},
        409: {"wrong_event", "not_registered_for_day", "not_an_event_day", "outside_checkin_hours"},
        410: {"badge_revoked"},
        422: {"validation_error"},
    },
}

# The success statuses the contract names for each route.
CONTRACT_SUCCESSES = {
    ("GET", "/health"): {200},
    ("GET", "/openapi.json"): {200},
    ("GET", "/events/{event_id}"): {200},
    ("PUT", "/events/{event_id}"): {200, 201},
    ("POST", "/events/{event_id}/registrations"): {201},
    ("GET", "/badges/{code}"): {200},
    ("GET", "/badges/{code}/qr.png"): {200},
    ("POST", "/events/{event_id}/checkins"): {200, 201},
    ("GET", "/events/{event_id}/attendance"): {200},
    ("POST", "/events/{event_id}/desk-tokens"): {201},
    ("GET", "/events/{event_id}/desk-tokens"): {200},
    ("DELETE", "/events/{event_id}/desk-tokens/{token_id}"): {204},
}


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def app_routes():
    """(METHOD, path) -> RouteEntry for every route app.py declares."""
    return {
        (method, path): entry
        for path, methods in app_module.app.routes.items()
        for method, entry in methods.items()
    }


def operations(document):
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def resolve(document, pointer: str):
    assert pointer.startswith("#/"), pointer
    node = document
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs_in(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def body_schema(document, operation):
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return resolve(document, schema["$ref"]) if "$ref" in schema else schema


# --- served -----------------------------------------------------------------


def test_the_document_is_served(api):
    reply = api.get("/openapi.json")

    assert reply.status == 200, reply
    assert reply.json["openapi"] == "3.1.0"
    assert reply.json == openapi_document()


def test_the_document_is_built_once():
    assert openapi_document() is openapi_document()


def test_building_the_document_touches_no_aws_client():
    script = (
        "import sys; from chalicelib.openapi import openapi_document; openapi_document(); "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')); "
        "assert not loaded, loaded"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_document_is_valid_openapi(document):
    from openapi_spec_validator import validate

    validate(document)


def test_the_document_has_its_header(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Hadir"
    assert document["info"]["version"] == "1.0.0"
    assert document["info"]["description"]
    assert document["servers"] == [{"url": "/"}]


# --- routes -----------------------------------------------------------------


def test_every_route_of_the_app_is_documented_and_no_other(document):
    assert set(operations(document)) == set(app_routes())


def test_operation_ids_are_the_view_names(document):
    documented = operations(document)
    for key, entry in app_routes().items():
        assert documented[key]["operationId"] == entry.view_name, key


def test_path_parameters_are_declared_as_strings(document):
    for path, item in document["paths"].items():
        declared = {p["name"]: p for p in item.get("parameters", [])}
        names = set(path.replace("}", "{").split("{")[1::2])
        assert set(declared) == names, path
        for parameter in declared.values():
            assert parameter["in"] == "path" and parameter["required"] is True
            assert parameter["schema"] == {"type": "string"}


def test_every_operation_names_its_contract_success_statuses(document):
    assert set(CONTRACT_SUCCESSES) == set(app_routes()), "update CONTRACT_SUCCESSES"
    for key, operation in operations(document).items():
        successes = {int(status) for status in operation["responses"] if status < "400"}
        assert successes == CONTRACT_SUCCESSES[key], key


@pytest.mark.parametrize("key", sorted(CONTRACT_ERRORS), ids=" ".join)
def test_every_contract_error_is_documented(document, key):
    responses = operations(document)[key]["responses"]
    for status, codes in CONTRACT_ERRORS[key].items():
        assert str(status) in responses, (key, status)
        description = responses[str(status)]["description"]
        for code in codes:
            assert f"`{code}`" in description, (key, status, code)


def test_error_responses_carry_the_error_envelope(document):
    for key, operation in operations(document).items():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (key, status)
                assert "`error.code`" in response["description"], (key, status)


def test_routes_with_a_json_body_document_bad_bodies(document):
    for key, operation in operations(document).items():
        if "requestBody" in operation:
            for status, code in (
                ("400", "invalid_json"),
                ("415", "unsupported_media_type"),
                ("422", "validation_error"),
            ):
                assert f"`{code}`" in operation["responses"][status]["description"], key


def test_the_qr_code_is_a_png(document):
    response = operations(document)["GET", "/badges/{code}/qr.png"]["responses"]["200"]
    assert response["content"] == {
        "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}
    }


def test_revoking_a_desk_token_answers_204_without_a_body(document):
    response = operations(document)["DELETE", "/events/{event_id}/desk-tokens/{token_id}"]
    assert "content" not in response["responses"]["204"]


def test_check_in_results_give_the_local_time(document):
    schemas = document["components"]["schemas"]
    assert "checked_in_at_local" in schemas["CheckinResult"]["required"]
    holder_day = schemas["BadgeHolder"]["properties"]["days"]["items"]
    assert {"date", "checked_in_at", "checked_in_at_local"} <= set(holder_day["required"])


# --- staff ------------------------------------------------------------------


def test_staff_routes_need_a_bearer_token_and_public_ones_do_not(document):
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "security" not in document
    documented = operations(document)
    for key, entry in app_routes().items():
        operation = documented[key]
        if entry.authorizer is not None:
            assert operation["security"] == [{"bearerAuth": []}], key
            assert {"401", "403"} <= set(operation["responses"]), key
            assert "token" in operation["description"], key
        else:
            assert "security" not in operation, key
            assert "401" not in operation["responses"], key


# --- schemas ----------------------------------------------------------------


def test_every_ref_resolves(document):
    refs = set(refs_in(document))
    assert refs
    for ref in refs:
        resolve(document, ref)


def test_request_bodies_are_the_pydantic_models(document):
    documented = {
        operation["operationId"]: operation
        for operation in operations(document).values()
        if "requestBody" in operation
    }
    assert set(documented) == set(REQUEST_MODELS)
    for operation_id, model in REQUEST_MODELS.items():
        check_required_fields(document, body_schema(document, documented[operation_id]), model)


def check_required_fields(document, schema: dict, model: type[BaseModel]) -> None:
    """The schema requires what the model requires, and so do its nested models."""
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert set(schema.get("required", [])) == required, model.__name__
    assert set(schema["properties"]) == set(model.model_fields), model.__name__
    for name, field in model.model_fields.items():
        nested, prop = field.annotation, schema["properties"][name]
        if typing.get_origin(nested) is list:
            nested, prop = typing.get_args(nested)[0], prop["items"]
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            check_required_fields(document, resolve(document, prop["$ref"]), nested)


def test_registration_requires_what_the_contract_requires(document):
    operation = operations(document)["POST", "/events/{event_id}/registrations"]
    schema = body_schema(document, operation)
    assert set(schema["required"]) == {"name", "email", "organisation", "consent"}
