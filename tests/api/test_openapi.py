"""The OpenAPI document describes exactly the routes app.py declares, and holds together."""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import app as app_module
from chalicelib.api.errors import STATUS
from chalicelib.api.openapi import openapi_document
from chalicelib.core.errors import Code
from chalicelib.seed import WORKSHOP_ID
from tests.support.values import jakarta, registration_body

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
ROOT = Path(__file__).resolve().parents[2]

# The contract's page sizes: (least, most, default).
PAGE_SIZES = {"find_attendees": (1, 100, 20), "scans": (1, 200, 50)}

# From ../shared/API.md: the error codes the contract names for each route, by status.
CONTRACT_ERRORS = {
    ("GET", "/events/{event_id}"): {404: {"event_not_found"}},
    ("PUT", "/events/{event_id}"): {409: {"event_day_in_use"}, 422: {"validation_error"}},
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
    # Section 6, desk work.
    ("GET", "/events/{event_id}/attendees"): {
        404: {"event_not_found"},
        422: {"validation_error"},
    },
    ("POST", "/events/{event_id}/attendees"): {
        404: {"event_not_found"},
        409: {"already_registered", "event_full"},
        422: {"validation_error"},
        503: {"temporarily_unavailable"},
    },
    ("GET", "/events/{event_id}/attendees/{attendee_id}"): {
        404: {"attendee_not_found", "event_not_found"},
    },
    ("POST", "/events/{event_id}/attendees/{attendee_id}/badge"): {
        404: {"attendee_not_found"},
        409: {"registration_cancelled", "too_many_reissues"},
        422: {"validation_error"},
    },
    ("DELETE", "/events/{event_id}/attendees/{attendee_id}"): {
        404: {"attendee_not_found"},
        409: {"already_checked_in"},
    },
    ("DELETE", "/events/{event_id}/checkins/{attendee_id}/{date}"): {
        404: {"checkin_not_found", "attendee_not_found"},
        422: {"validation_error"},
    },
    ("GET", "/events/{event_id}/scans"): {
        404: {"event_not_found"},
        422: {"validation_error"},
    },
    # Section 7, printing; a binary reply needs an Accept header naming it.
    ("GET", "/badges/{code}/badge.pdf"): {
        400: {"bad_request"},
        404: {"badge_not_found"},
        410: {"badge_revoked"},
    },
    ("GET", "/events/{event_id}/badges.pdf"): {
        400: {"bad_request"},
        404: {"event_not_found", "attendee_not_found"},
        409: {"registration_cancelled"},
        413: {"sheet_too_large"},
        422: {"validation_error"},
    },
    ("GET", "/events/{event_id}/sign-in-sheet.pdf"): {
        400: {"bad_request"},
        404: {"event_not_found"},
        409: {"not_an_event_day"},
        422: {"validation_error"},
    },
    # Section 8, reports.
    ("GET", "/events/{event_id}/attendance/report"): {404: {"event_not_found"}},
    ("GET", "/events/{event_id}/attendance.csv"): {404: {"event_not_found"}},
    ("GET", "/events/{event_id}/arrivals.svg"): {
        404: {"event_not_found"},
        409: {"not_an_event_day"},
        422: {"validation_error"},
    },
    # Issue 16 (section 10): correcting records, days in use, the XLSX export.
    ("PATCH", "/events/{event_id}/attendees/{attendee_id}"): {
        404: {"attendee_not_found"},
        409: {"already_registered", "day_has_checkin"},
        422: {"validation_error"},
    },
    ("GET", "/events/{event_id}/attendance.xlsx"): {404: {"event_not_found"}},
    # Section 14: importing a participant list.
    ("POST", "/events/{event_id}/imports"): {
        413: {"file_too_large"},
        422: {"unreadable_file"},
    },
}

# The success statuses the contract names for each route.
# The pages and their files: static, they touch no table.
PAGE_PATHS = ("/register/", "/desk/", "/kiosk/", "/dashboard/", "/assets/", "/c/", "/me/")

CONTRACT_SUCCESSES = {
    ("GET", "/health"): {200},
    ("GET", "/openapi.json"): {200},
    ("GET", "/register/{event_id}"): {200, 304},
    ("GET", "/desk/{event_id}"): {200, 304},
    ("GET", "/kiosk/{event_id}"): {200, 304},
    ("GET", "/dashboard/{event_id}"): {200, 304},
    ("GET", "/assets/{name}"): {200, 304},
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
    ("GET", "/events/{event_id}/attendees"): {200},
    ("POST", "/events/{event_id}/attendees"): {201},
    ("GET", "/events/{event_id}/attendees/{attendee_id}"): {200},
    ("POST", "/events/{event_id}/attendees/{attendee_id}/badge"): {201},
    ("DELETE", "/events/{event_id}/attendees/{attendee_id}"): {200},
    ("DELETE", "/events/{event_id}/checkins/{attendee_id}/{date}"): {200},
    ("GET", "/events/{event_id}/scans"): {200},
    ("POST", "/events/{event_id}/cancellations"): {200},
    ("POST", "/events/{event_id}/emails"): {202},
    ("GET", "/badges/{code}/badge.pdf"): {200},
    ("GET", "/events/{event_id}/badges.pdf"): {200},
    ("GET", "/events/{event_id}/sign-in-sheet.pdf"): {200},
    ("GET", "/events/{event_id}/attendance/report"): {200},
    ("GET", "/events/{event_id}/attendance.csv"): {200},
    ("GET", "/events/{event_id}/arrivals.svg"): {200},
    # Certificates (API.md section 11)
    ("GET", "/events/{event_id}/certificates"): {200},
    ("GET", "/events/{event_id}/certificates.pdf"): {200},
    ("GET", "/certificates/{number}"): {200},
    ("GET", "/c/{number}"): {200, 304},
    # Issue 16: correcting records, the XLSX export.
    ("PATCH", "/events/{event_id}/attendees/{attendee_id}"): {200},
    ("GET", "/events/{event_id}/attendance.xlsx"): {200},
    ("GET", "/me/{manage_token}"): {200, 304},
    ("GET", "/registrations/{manage_token}"): {200},
    ("PATCH", "/registrations/{manage_token}"): {200},
    ("GET", "/registrations/{manage_token}/export"): {200},
    ("DELETE", "/registrations/{manage_token}"): {200},
    ("GET", "/registrations/{manage_token}/certificate.pdf"): {200},
    # Section 12, money and paper.
    ("POST", "/events/{event_id}/allowances/{code}/payments"): {201},
    ("DELETE", "/events/{event_id}/allowances/{code}/payments/{attendee_id}/{date}"): {200},
    ("GET", "/events/{event_id}/allowance-sheet.pdf"): {200},
    ("GET", "/events/{event_id}/allowances.csv"): {200},
    ("POST", "/events/{event_id}/paper-signatures"): {200},
    ("GET", "/events/{event_id}/reconciliation"): {200},
    ("GET", "/events/{event_id}/sign-in-sheet/rows"): {200},
    ("GET", "/events/{event_id}/allowances/{code}/unpaid"): {200},
    # Section 14: importing a participant list (200 the dry run, 201 the commit).
    ("POST", "/events/{event_id}/imports"): {200, 201},
    # Section 13, the desk without a network.
    ("GET", "/events/{event_id}/roster"): {200},
}
# Every path also answers a CORS preflight (app.py registers them in a loop).
CONTRACT_SUCCESSES.update({("OPTIONS", path): {204} for _, path in list(CONTRACT_SUCCESSES)})
# The staff routes only an organiser may use (API.md: "organiser" in the heading).
ORGANISER_ROUTES = {
    ("GET", "/events/{event_id}/attendance/report"),
    ("GET", "/events/{event_id}/attendance.csv"),
    ("GET", "/events/{event_id}/arrivals.svg"),
    ("GET", "/events/{event_id}/attendance.xlsx"),
    ("DELETE", "/events/{event_id}/allowances/{code}/payments/{attendee_id}/{date}"),
    ("GET", "/events/{event_id}/allowance-sheet.pdf"),
    ("GET", "/events/{event_id}/allowances.csv"),
    ("GET", "/events/{event_id}/reconciliation"),
    ("POST", "/events/{event_id}/imports"),
}


@pytest.fixture(scope="module")
def document():
    return openapi_document(app_module.routes)


def specs():
    """(METHOD, path) -> Spec for every route app.py declares."""
    return {(spec.method, spec.path): spec for spec in app_module.routes.specs}


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


def deref(document, schema):
    """The schema itself, or the one its $ref points to."""
    return resolve(document, schema["$ref"]) if "$ref" in schema else schema


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
    assert reply.json == openapi_document(app_module.routes)


def test_the_document_is_built_once():
    assert openapi_document(app_module.routes) is openapi_document(app_module.routes)


def test_building_the_document_touches_no_aws_client():
    script = (
        "import sys, app; from chalicelib.api.openapi import openapi_document; "
        "openapi_document(app.routes); "
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


def test_every_route_is_declared_once_with_its_spec():
    declared = [(spec.method, spec.path) for spec in app_module.routes.specs]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(app_routes())
    for key, spec in specs().items():
        assert app_routes()[key].view_name == spec.name, key


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
            assert parameter["schema"]["type"] == "string"


@pytest.mark.parametrize(
    ("name", "ours", "not_ours"),
    [
        ("event_id", "socmed-conservation-2016", "Socmed_2016"),
        ("attendee_id", "abcdefgh234567ab", "abcdefgh23456789"),
        ("token_id", "0123456789abcdef", "0123456789ABCDEF"),
    ],
)
def test_path_parameter_patterns_are_the_ones_the_app_checks(api, organiser, name, ours, not_ours):
    from chalicelib.api.openapi import PATH_SCHEMAS

    pattern = PATH_SCHEMAS[name]["pattern"]
    assert re.fullmatch(pattern, ours) and not re.fullmatch(pattern, not_ours)
    # What the pattern refuses, the app answers with a 404 without a lookup.
    paths = {
        "event_id": f"/events/{not_ours}/attendance",
        "attendee_id": f"/events/{WORKSHOP_ID}/attendees/{not_ours}",
        "token_id": f"/events/{WORKSHOP_ID}/desk-tokens/{not_ours}",
    }
    method = "DELETE" if name == "token_id" else "GET"
    reply = api.call(method, paths[name], token=organiser)
    assert reply.status == 404, reply


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


@pytest.mark.parametrize("key", sorted(CONTRACT_ERRORS), ids=" ".join)
def test_the_contract_errors_are_among_the_declared_codes(key):
    declared = specs()[key].codes()
    for status, codes in CONTRACT_ERRORS[key].items():
        for code in codes:
            assert Code(code) in declared, (key, code)
            assert STATUS[Code(code)] == status, (key, code)


def test_every_declared_code_is_in_the_catalogue_and_the_status_table(document):
    for key, spec in specs().items():
        for code in spec.codes():
            assert isinstance(code, Code) and code in STATUS, (key, code)
        documented = {
            code
            for status, response in operations(document)[key]["responses"].items()
            if int(status) >= 400
            for code in re.findall(r"`error.code`: ([^.]*)\.", response["description"])[0]
            .replace("`", "")
            .split(", ")
        }
        assert documented == {code.value for code in spec.codes()}, key


def test_error_responses_carry_the_error_envelope(document):
    for key, operation in operations(document).items():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (key, status)
                assert "`error.code`" in response["description"], (key, status)


def test_routes_with_a_json_body_document_bad_bodies(document):
    for key, operation in operations(document).items():
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            for status, code in (
                ("400", "invalid_json"),
                ("415", "unsupported_media_type"),
                ("422", "validation_error"),
            ):
                assert f"`{code}`" in operation["responses"][status]["description"], key


def test_routes_taking_a_file_document_its_types_and_refusals(document):
    operation = document["paths"]["/events/{event_id}/imports"]["post"]
    assert set(operation["requestBody"]["content"]) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    }
    assert "`unsupported_media_type`" in operation["responses"]["415"]["description"]
    assert "`file_too_large`" in operation["responses"]["413"]["description"]
    assert "`unreadable_file`" in operation["responses"]["422"]["description"]


IDEMPOTENT = {"register", "walk_in", "reissue_badge"}


def test_idempotency_keys_are_documented_where_the_app_reads_them(document):
    for operation in operations(document).values():
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        if operation["operationId"] in IDEMPOTENT:
            assert [p["name"] for p in headers] == ["Idempotency-Key"]
            assert "`idempotency_key_reused`" in operation["responses"]["422"]["description"]
        else:
            assert headers == [], operation["operationId"]


def test_every_route_that_touches_the_table_may_answer_503_with_retry_after(document):
    for key, operation in operations(document).items():
        stateless = (
            key[1] in ("/health", "/openapi.json")
            or key[1].startswith(PAGE_PATHS)
            or key[0] == "OPTIONS"
        )
        if stateless:
            assert "503" not in operation["responses"], key
        else:
            busy = operation["responses"]["503"]
            assert "`temporarily_unavailable`" in busy["description"], key
            assert "Retry-After" in busy["headers"], key


def test_query_parameters_are_the_query_models(document):
    for key, operation in operations(document).items():
        parameters = [p for p in operation.get("parameters", []) if p["in"] != "header"]
        model, lists = specs()[key].query, set(specs()[key].lists)
        if model is None:
            assert {p["name"] for p in parameters} == lists, key
            continue
        required = {
            field.alias or name: field.is_required() for name, field in model.model_fields.items()
        }
        assert {p["name"] for p in parameters} == set(required) | lists, key
        for parameter in parameters:
            assert parameter["in"] == "query"
            assert parameter["required"] is required.get(parameter["name"], False), parameter
            assert parameter["description"]
            assert "null" not in str(parameter["schema"]), parameter


def test_badge_sheets_take_a_layout_and_repeated_attendee_ids(document):
    operation = operations(document)["GET", "/events/{event_id}/badges.pdf"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["layout"]["schema"]["enum"] == ["a6", "a4-8"]
    assert parameters["layout"]["schema"]["default"] == "a4-8"
    attendee_ids = parameters["attendee_id"]
    assert (attendee_ids["style"], attendee_ids["explode"]) == ("form", True)
    assert attendee_ids["schema"] == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize("path", ["sign-in-sheet.pdf", "arrivals.svg"])
def test_the_sign_in_sheet_and_arrivals_chart_need_a_date(document, path):
    operation = operations(document)["GET", f"/events/{{event_id}}/{path}"]
    (parameter, *others) = operation["parameters"]
    assert (parameter["name"], parameter["required"]) == ("date", True)
    assert parameter["schema"] == {"type": "string", "format": "date"}
    # The sign-in sheet's optional columns and moment (API.md section 12).
    assert all(not other["required"] for other in others)


@pytest.mark.parametrize("operation_id", sorted(PAGE_SIZES))
def test_paged_lists_document_their_page_size(document, operation_id):
    (operation,) = [o for o in operations(document).values() if o["operationId"] == operation_id]
    (limit,) = [p["schema"] for p in operation["parameters"] if p["name"] == "limit"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == PAGE_SIZES[operation_id]
    schema = resolve(
        document, operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert schema["properties"]["next"]["type"] == ["string", "null"]


def test_the_qr_code_is_a_png(document):
    response = operations(document)["GET", "/badges/{code}/qr.png"]["responses"]["200"]
    assert response["content"] == {
        "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}
    }


@pytest.mark.parametrize(
    "path",
    [
        "/badges/{code}/badge.pdf",
        "/events/{event_id}/badges.pdf",
        "/events/{event_id}/sign-in-sheet.pdf",
    ],
)
def test_printouts_are_pdfs(document, path):
    operation = operations(document)["GET", path]
    assert operation["responses"]["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}
    }
    assert "`Accept: application/pdf`" in operation["description"]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("attendance.csv", "text/csv"), ("arrivals.svg?date=2016-11-29", "image/svg+xml")],
)
def test_reports_are_files_of_their_media_type(api, document, organiser, path, media_type):
    operation = operations(document)["GET", f"/events/{{event_id}}/{path.split('?')[0]}"]
    assert operation["responses"]["200"]["content"] == {
        media_type: {"schema": {"type": "string", "contentMediaType": media_type}}
    }
    reply = api.get(f"/events/{WORKSHOP_ID}/{path}", token=organiser)
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"].split(";")[0] == media_type


def test_the_csv_columns_are_described(api, document, organiser):
    operation = operations(document)["GET", "/events/{event_id}/attendance.csv"]
    reply = api.get(f"/events/{WORKSHOP_ID}/attendance.csv", token=organiser)
    assert reply.status == 200, reply
    header = reply.raw.decode("utf-8-sig").splitlines()[0].split(",")
    for column in header:
        described = column.replace("2016-11-29", "<date>").replace("2016-11-30", "<date>")
        assert f"`{described}`" in operation["description"], column
    assert "attachment" in operation["responses"]["200"]["description"]


def test_binary_replies_need_an_accept_header_naming_them(api, document, register):
    code = register()["badge"]["code"]
    for path, media_type in (("qr.png", "image/png"), ("badge.pdf", "application/pdf")):
        refused = api.get(f"/badges/{code}/{path}")
        assert (refused.status, refused.json["error"]["code"]) == (400, "bad_request"), path
        assert "400" in operations(document)["GET", f"/badges/{{code}}/{path}"]["responses"]
        reply = api.get(f"/badges/{code}/{path}", headers={"Accept": media_type})
        assert reply.status == 200, path
        assert reply.headers["Content-Type"] == media_type


def test_revoking_a_desk_token_answers_204_without_a_body(document):
    response = operations(document)["DELETE", "/events/{event_id}/desk-tokens/{token_id}"]
    assert "content" not in response["responses"]["204"]


def test_check_in_results_give_the_local_time(document):
    schemas = document["components"]["schemas"]
    assert "checked_in_at_local" in schemas["CheckinResult"]["required"]
    # The public badge view shows what the badge shows: never when they came.
    holder = schemas["BadgeHolder"]
    assert set(holder["properties"]) == {"name", "display_name", "organisation", "status", "event"}


# --- staff ------------------------------------------------------------------


def test_staff_routes_need_a_bearer_token_and_public_ones_do_not(document):
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "security" not in document
    documented = operations(document)
    roles = {(spec.method, spec.path): spec.role for spec in app_module.routes.specs}
    for key in app_routes():
        operation = documented[key]
        if roles[key] is not None:
            assert operation["security"] == [{"bearerAuth": []}], key
            assert {"401", "403"} <= set(operation["responses"]), key
            assert "token" in operation["description"], key
            organiser_only = operation["description"].startswith("Needs an organiser token.")
            assert organiser_only == (operation["tags"] == ["organiser"]), key
        else:
            assert "security" not in operation, key
            assert "401" not in operation["responses"], key


def test_reports_are_for_organisers_only(document):
    for key in ORGANISER_ROUTES:
        operation = operations(document)[key]
        assert operation["tags"] == ["organiser"], key
        assert operation["description"].startswith("Needs an organiser token."), key


# --- schemas ----------------------------------------------------------------


def test_every_ref_resolves(document):
    refs = set(refs_in(document))
    assert refs
    for ref in refs:
        resolve(document, ref)


def test_request_bodies_are_the_pydantic_models(document):
    for key, operation in operations(document).items():
        model, uploads = specs()[key].body, specs()[key].uploads
        assert ("requestBody" in operation) == (model is not None or bool(uploads)), key
        if model is not None:
            check_required_fields(document, body_schema(document, operation), model)


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


# --- responses --------------------------------------------------------------


def closed(node):
    """A copy of a schema in which no object may carry a property it does not name."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: closed(value) for key, value in node.items()}
    if "properties" in node:
        node.setdefault("additionalProperties", False)
    return node


def check_reply(document, method: str, path: str, reply, status: int) -> None:
    """The reply has the status and exactly the body shape documented for it."""
    from jsonschema import Draft202012Validator

    assert reply.status == status, reply
    response = operations(document)[method, path]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": closed(document["components"])})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(reply.json)]
    assert not errors, (method, path, errors)


def test_desk_work_replies_have_the_documented_shapes(api, document, organiser, desk_token):
    events = "/events/{event_id}"
    attendee = f"{events}/attendees/{{attendee_id}}"
    at = f"/events/{WORKSHOP_ID}"

    walk_in = {**registration_body(), "check_in": True, "scan_id": "walk-in-0001", "desk": "A"}
    reply = api.post(f"{at}/attendees", walk_in, token=desk_token)
    check_reply(document, "POST", f"{events}/attendees", reply, 201)
    assert reply.json["checkin"]["result"] == "checked_in"
    attendee_id = reply.json["attendee_id"]
    late = registration_body(email="late@example.org", job_title="Staf", phone="0812 345")
    reply = api.post(f"{at}/attendees", {**late, "check_in": False}, token=desk_token)
    check_reply(document, "POST", f"{events}/attendees", reply, 201)
    assert reply.json["checkin"] is None
    late_id = reply.json["attendee_id"]

    reply = api.get(f"{at}/attendees?q=sit&limit=1", token=desk_token)
    check_reply(document, "GET", f"{events}/attendees", reply, 200)
    assert reply.json["attendees"] and reply.json["next"]
    reply = api.get(f"{at}/attendees", token=organiser)
    check_reply(document, "GET", f"{events}/attendees", reply, 200)

    reply = api.post(f"{at}/attendees/{late_id}/badge", {"reason": "lost"}, token=desk_token)
    check_reply(document, "POST", f"{attendee}/badge", reply, 201)
    pdf = {"Accept": "application/pdf"}
    printed = api.get(
        f"{at}/badges.pdf?attendee_id={late_id}&mark_printed=true", token=organiser, headers=pdf
    )
    assert printed.status == 200, printed
    reply = api.get(f"{at}/attendees/{late_id}", token=desk_token)
    check_reply(document, "GET", attendee, reply, 200)
    assert reply.json["badge"]["reissues"] and reply.json["badge"]["prints"]
    reply = api.delete(f"{at}/attendees/{late_id}", token=organiser)
    check_reply(document, "DELETE", attendee, reply, 200)
    reply = api.get(f"{at}/attendees/{late_id}", token=desk_token)
    check_reply(document, "GET", attendee, reply, 200)
    assert reply.json["badge"]["code"] is None

    reply = api.delete(f"{at}/checkins/{attendee_id}/2016-11-29", token=organiser)
    check_reply(document, "DELETE", f"{events}/checkins/{{attendee_id}}/{{date}}", reply, 200)
    api.post(f"{at}/checkins", {"code": "forged", "scan_id": "forged-0001"}, token=desk_token)
    reply = api.get(f"{at}/scans?date=2016-11-29", token=organiser)
    check_reply(document, "GET", f"{events}/scans", reply, 200)
    results = {(scan["result"], scan["error_code"]) for scan in reply.json["scans"]}
    assert results == {("checked_in", None), ("undone", None), (None, "badge_not_found")}


def test_the_report_reply_has_the_documented_shape(api, document, desk_token, organiser):
    at = f"/events/{WORKSHOP_ID}"
    walk_in = {**registration_body(), "check_in": True, "scan_id": "walk-in-0001", "desk": "A"}
    reply = api.post(f"{at}/attendees", walk_in, token=desk_token)
    assert reply.json["checkin"]["result"] == "checked_in", reply
    unanswered = registration_body(email="anon@example.org", gender=None, organisation_type=None)
    reply = api.post(
        f"{at}/attendees",
        {**unanswered, "check_in": True, "scan_id": "walk-in-0002"},
        token=organiser,
    )
    assert reply.json["checkin"]["result"] == "checked_in", reply

    reply = api.get(f"{at}/attendance/report", token=organiser)
    check_reply(document, "GET", "/events/{event_id}/attendance/report", reply, 200)
    (day,) = [day for day in reply.json["days"] if day["checked_in"]]
    assert day["by_gender"]["not_given"] == day["by_organisation_type"]["not_given"] == 1
    assert day["by_desk"] == {"A": 1, "Organiser": 1}
    assert day["walk_ins"] == 2 and day["arrivals"]


def json_replies():
    """(METHOD, path, status) of every JSON answer a route declares, errors aside."""
    return {
        (spec.method, spec.path, status)
        for spec in app_module.routes.specs
        for status, reply in spec.replies.items()
        if reply.shape is not None
    }


def test_every_json_reply_validates_against_its_declared_schema(
    api, document, organiser, desk_token, clock
):
    """A realistic request for each JSON answer of each route, checked against the document."""
    checked = set()

    def check(method, path, reply, status):
        check_reply(document, method, path, reply, status)
        checked.add((method, path, status))

    events, at = "/events/{event_id}", f"/events/{WORKSHOP_ID}"
    attendee = f"{events}/attendees/{{attendee_id}}"

    check("GET", "/health", api.get("/health"), 200)
    check("GET", "/openapi.json", api.get("/openapi.json"), 200)
    reply = api.get(at)
    check("GET", events, reply, 200)
    check("PUT", events, api.put(at, reply.json, token=organiser), 200)
    created = {**reply.json, "id": "new-event-2016"}
    check("PUT", events, api.put("/events/new-event-2016", created, token=organiser), 201)

    reply = api.post(
        f"{at}/registrations", registration_body(), headers={"Idempotency-Key": "k" * 16}
    )
    check("POST", f"{events}/registrations", reply, 201)
    code, attendee_id = reply.json["badge"]["code"], reply.json["attendee_id"]
    check("GET", "/badges/{code}", api.get(f"/badges/{code}"), 200)
    scan = {"code": code, "scan_id": "scan-0001"}
    check("POST", f"{events}/checkins", api.post(f"{at}/checkins", scan, token=desk_token), 201)
    again = {**scan, "scan_id": "scan-0002"}
    check("POST", f"{events}/checkins", api.post(f"{at}/checkins", again, token=desk_token), 200)
    reply = api.get(f"{at}/attendees?q=sit", token=desk_token)
    check("GET", f"{events}/attendees", reply, 200)
    check("GET", attendee, api.get(f"{at}/attendees/{attendee_id}", token=desk_token), 200)
    reply = api.call("PATCH", f"{at}/attendees/{attendee_id}", {"phone": "0812"}, desk_token)
    check("PATCH", attendee, reply, 200)

    walk_in = registration_body(email="walk@example.org")
    reply = api.post(f"{at}/attendees", {**walk_in, "check_in": False}, token=desk_token)
    check("POST", f"{events}/attendees", reply, 201)
    walk_in_id = reply.json["attendee_id"]
    reply = api.post(f"{at}/attendees/{walk_in_id}/badge", {"reason": "lost"}, token=desk_token)
    check("POST", f"{attendee}/badge", reply, 201)
    check("DELETE", attendee, api.delete(f"{at}/attendees/{walk_in_id}", token=organiser), 200)

    reply = api.delete(f"{at}/checkins/{attendee_id}/2016-11-29", token=organiser)
    check("DELETE", f"{events}/checkins/{{attendee_id}}/{{date}}", reply, 200)
    check("GET", f"{events}/scans", api.get(f"{at}/scans", token=organiser), 200)
    extra = api.post(f"{at}/registrations", registration_body(email="bulk@example.org")).json
    bulk = {"attendee_ids": [extra["attendee_id"], walk_in_id, "a" * 16]}
    reply = api.post(f"{at}/cancellations", bulk, token=organiser)
    check("POST", f"{events}/cancellations", reply, 200)
    reply = api.post(f"{at}/emails", {"kind": "badge"}, token=organiser)
    check("POST", f"{events}/emails", reply, 202)
    check("GET", f"{events}/attendance", api.get(f"{at}/attendance", token=organiser), 200)
    reply = api.get(f"{at}/attendance/report", token=organiser)
    check("GET", f"{events}/attendance/report", reply, 200)
    reply = api.post(f"{at}/desk-tokens", {"label": "Desk B"}, token=organiser)
    check("POST", f"{events}/desk-tokens", reply, 201)
    check("GET", f"{events}/desk-tokens", api.get(f"{at}/desk-tokens", token=organiser), 200)

    own = "/registrations/{manage_token}"
    reply = api.post(f"{at}/registrations", registration_body(email="own@example.org"))
    mine = f"/registrations/{reply.json['manage']['token']}"
    check("GET", own, api.get(mine), 200)
    check("PATCH", own, api.call("PATCH", mine, {"job_title": "Campaigner"}), 200)
    check("GET", f"{own}/export", api.get(f"{mine}/export"), 200)
    check("DELETE", own, api.delete(mine), 200)
    # Section 12, money and paper.
    allowance = {"code": "transport", "label": "Uang transport", "amount": 150000}
    doc = {**api.get(at).json, "allowances": [allowance]}
    assert api.put(at, doc, token=organiser).status == 200
    scan = {"attendee_id": attendee_id, "scan_id": "scan-0003", "source": "paper"}
    assert api.post(f"{at}/checkins", scan, token=desk_token).status == 201
    paid = {"attendee_id": attendee_id, "date": "2016-11-29"}
    payments = f"{events}/allowances/{{code}}/payments"
    reply = api.post(f"{at}/allowances/transport/payments", paid, token=desk_token)
    check("POST", payments, reply, 201)
    check("GET", attendee, api.get(f"{at}/attendees/{attendee_id}", token=desk_token), 200)
    reply = api.delete(
        f"{at}/allowances/transport/payments/{attendee_id}/2016-11-29", token=organiser
    )
    check("DELETE", f"{payments}/{{attendee_id}}/{{date}}", reply, 200)
    ticks = {"date": "2016-11-29", "attendee_ids": [attendee_id, walk_in_id]}
    reply = api.post(f"{at}/paper-signatures", ticks, token=desk_token)
    check("POST", f"{events}/paper-signatures", reply, 200)
    reply = api.get(f"{at}/reconciliation?date=2016-11-29", token=organiser)
    check("GET", f"{events}/reconciliation", reply, 200)
    reply = api.get(f"{at}/sign-in-sheet/rows?date=2016-11-29", token=desk_token)
    check("GET", f"{events}/sign-in-sheet/rows", reply, 200)
    reply = api.get(f"{at}/allowances/transport/unpaid?date=2016-11-29", token=desk_token)
    check("GET", f"{events}/allowances/{{code}}/unpaid", reply, 200)
    # Section 14: a participant list, a dry run then the commit.
    listing = "Nama,Lembaga,Email\nSri Wahyuni,WALHI,sri@example.org\nTanpa Lembaga,,x@\n"
    sent = {"Content-Type": "text/csv"}
    reply = api.call(
        "POST", f"{at}/imports?dry_run=true", raw=listing.encode(), token=organiser, headers=sent
    )
    check("POST", f"{events}/imports", reply, 200)
    reply = api.call("POST", f"{at}/imports", raw=listing.encode(), token=organiser, headers=sent)
    check("POST", f"{events}/imports", reply, 201)
    check("GET", f"{events}/roster", api.get(f"{at}/roster", token=desk_token), 200)
    # Certificates: one person short of the rule, one eligible, once the event is over.
    event = api.get(at).json
    rule = {"rule": "min_days", "min_days": 1, "signatories": [{"name": "Ibu", "title": "Ketua"}]}
    assert api.put(at, {**event, "certificate": rule}, token=organiser).status == 200
    assert api.delete(f"{at}/checkins/{attendee_id}/2016-11-29", token=organiser).status == 200
    check("GET", f"{events}/certificates", api.get(f"{at}/certificates", token=organiser), 200)
    scan = {"code": code, "scan_id": "scan-0004"}
    assert api.post(f"{at}/checkins", scan, token=desk_token).status == 201
    clock.set(jakarta("2016-11-30T18:00"))
    listed = api.get(f"{at}/certificates", token=organiser)
    check("GET", f"{events}/certificates", listed, 200)
    number = listed.json["certificates"][0]["number"]
    check("GET", "/certificates/{number}", api.get(f"/certificates/{number}"), 200)

    assert checked == json_replies(), "drive the answers not checked here"


# An unknown token, not a missing one: without an Authorization header the
# gateway refuses the request itself, with its own body (as documented).
@pytest.mark.parametrize(
    ("method", "path", "status", "address", "body", "token"),
    [
        ("GET", "/events/{event_id}", 404, "/events/no-such-event", None, None),
        (
            "POST",
            "/events/{event_id}/registrations",
            422,
            f"/events/{WORKSHOP_ID}/registrations",
            {},
            None,
        ),
        (
            "GET",
            "/events/{event_id}/attendance",
            401,
            f"/events/{WORKSHOP_ID}/attendance",
            None,
            "nope",
        ),
    ],
)
def test_error_replies_validate_against_the_error_schema(
    api, document, method, path, status, address, body, token
):
    reply = api.call(method, address, body=body, token=token)
    check_reply(document, method, path, reply, status)
