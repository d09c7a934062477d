"""Issue 17, finding 10: the template puts an AWS WAF web ACL on the API stage,
as a parameter on by default. (tests/stack/test_package.py lints the packaged
template with cfn-lint; these read the merge template devtools/package.py lays.)"""

from __future__ import annotations

import json

import pytest

from devtools import package as packaging
from devtools import waf


@pytest.fixture(params=packaging.STAGES)
def template(request) -> dict:
    return packaging.merge_template(request.param)


def rule(template: dict, name: str) -> dict:
    (found,) = [
        rule
        for rule in template["Resources"]["ApiWebAcl"]["Properties"]["Rules"]
        if rule["Name"] == name
    ]
    return found


def test_the_waf_is_a_parameter_on_by_default(template):
    parameter = template["Parameters"]["WafEnabled"]
    assert parameter["Default"] == "true"
    assert parameter["AllowedValues"] == ["true", "false"]
    assert template["Conditions"]["WafOn"] == {"Fn::Equals": [{"Ref": "WafEnabled"}, "true"]}
    for name in ("ApiWebAcl", "ApiWebAclAssociation"):
        assert template["Resources"][name]["Condition"] == "WafOn"
    acl = template["Resources"]["ApiWebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}


def test_the_acl_is_on_the_api_stage(template):
    association = template["Resources"]["ApiWebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    arn = association["ResourceArn"]["Fn::Sub"]
    assert arn.endswith("::/restapis/${RestAPI}/stages/${RestAPI.Stage}")


def test_registrations_are_limited_per_address(template):
    limit = rule(template, "RegistrationsPerIp")
    statement = limit["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"  # never a header a client could forge
    assert statement["Limit"] == {"Ref": "RegistrationRateLimit"}
    assert statement["EvaluationWindowSec"] == {"Ref": "RegistrationRateWindowSeconds"}
    assert template["Parameters"]["RegistrationRateLimit"]["Default"] == 100
    assert template["Parameters"]["RegistrationRateWindowSeconds"]["Default"] == 300
    method, path = statement["ScopeDownStatement"]["AndStatement"]["Statements"]
    assert method["ByteMatchStatement"]["FieldToMatch"] == {"Method": {}}
    assert method["ByteMatchStatement"]["SearchString"] == "POST"
    assert path["ByteMatchStatement"]["FieldToMatch"] == {"UriPath": {}}
    assert path["ByteMatchStatement"]["PositionalConstraint"] == "ENDS_WITH"
    assert path["ByteMatchStatement"]["SearchString"] == "/registrations"
    block = limit["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 429


def test_a_blocked_registration_is_answered_in_the_error_envelope(template):
    bodies = template["Resources"]["ApiWebAcl"]["Properties"]["CustomResponseBodies"]
    body = bodies[
        rule(template, "RegistrationsPerIp")["Action"]["Block"]["CustomResponse"][
            "CustomResponseBodyKey"
        ]
    ]
    assert body["ContentType"] == "APPLICATION_JSON"
    error = json.loads(body["Content"])["error"]
    assert error["code"] == "too_many_requests" and error["message"].endswith(".")


def test_the_common_rule_set_counts_large_bodies_instead_of_blocking(template):
    common = rule(template, "AWSManagedRulesCommonRuleSet")
    group = common["Statement"]["ManagedRuleGroupStatement"]
    assert (group["VendorName"], group["Name"]) == ("AWS", "AWSManagedRulesCommonRuleSet")
    assert common["OverrideAction"] == {"None": {}}  # the group's own actions stand...
    assert group["RuleActionOverrides"] == [  # ...but an 8 KB staff body is not refused
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
    ]
    priorities = [r["Priority"] for r in template["Resources"]["ApiWebAcl"]["Properties"]["Rules"]]
    assert sorted(priorities) == [0, 1]
    assert waf.COUNTED_COMMON_RULES == ("SizeRestrictions_BODY",)
