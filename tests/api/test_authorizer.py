"""The built-in authorizer as API Gateway sees it: policies, caching, context."""

from __future__ import annotations

import app as app_module
from chalicelib.core.auth import Staff

ARN = "arn:aws:execute-api:ap-southeast-3:123456789012:abcdef/api/{method}/{path}"


def authorize(token: str, method: str = "GET", path: str = "events/x/attendance") -> dict:
    event = {
        "type": "TOKEN",
        "authorizationToken": token,
        "methodArn": ARN.format(method=method, path=path),
    }
    return app_module.staff_token(event, None)


def allowed_resources(result: dict) -> list[str]:
    return [
        resource
        for statement in result["policyDocument"]["Statement"]
        if statement["Effect"] == "Allow"
        for resource in statement["Resource"]
    ]


def test_results_are_never_cached_so_revocation_is_immediate():
    assert app_module.staff_token.config.ttl_seconds == 0


def test_a_policy_made_for_one_route_allows_every_route(hadir, desk_token):
    app_module.use_hadir(hadir)
    try:
        # Were the policy cached after all, a desk token's policy minted on a
        # check-in must not be what refuses it on another route: the routes
        # themselves decide, with the contract's own errors.
        result = authorize(f"Bearer {desk_token}", "POST", "events/x/checkins")
    finally:
        app_module.use_hadir(None)
    assert allowed_resources(result) == [
        "arn:aws:execute-api:ap-southeast-3:123456789012:abcdef/api/*/*"
    ]
    staff = Staff.from_context(result["context"])
    assert staff.role == "desk"
    assert staff.label == "Desk A"


def test_the_context_says_who_holds_the_token(hadir, organiser):
    app_module.use_hadir(hadir)
    try:
        roles = [
            Staff.from_context(authorize(token)["context"]).role
            for token in (f"Bearer {organiser}", "Bearer nobody-knows-me", "Basic abc", "")
        ]
    finally:
        app_module.use_hadir(None)
    assert roles == ["organiser", "none", "none", "none"]
