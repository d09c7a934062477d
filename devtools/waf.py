"""The AWS WAF web ACL in front of the API stage (issue 17, finding 10).

Laid into the merge template by devtools/package.py, behind the `WafEnabled`
parameter (on by default). Two rules:

- `RegistrationsPerIp`: a rate-based rule that blocks one client address making
  more than `RegistrationRateLimit` POSTs to `/events/{event_id}/registrations` in
  `RegistrationRateWindowSeconds` (100 in 5 minutes by default), answered 429 in the
  contract's error envelope. It counts per client address (`IP`): on an
  edge-optimized API, API Gateway shows WAF the viewer's address, not CloudFront's,
  so no header a client could forge (X-Forwarded-For) is trusted.
- `AWSManagedRulesCommonRuleSet`, AWS's baseline rules, with `SizeRestrictions_BODY`
  set to count instead of block: it blocks any body over 8 KB, and legitimate staff
  bodies are larger (an event document with its days and windows, the organiser's
  imports of people and bulk cancellations). Those routes need a token, the app
  bounds every field, and API Gateway bounds a body at 10 MB; the rule still counts,
  so a flood of large public bodies shows in the metrics.
"""

from __future__ import annotations

from typing import Any

WAF_CONDITION = "WafOn"
COUNTED_COMMON_RULES = ("SizeRestrictions_BODY",)
TOO_MANY = (
    '{"error": {"code": "too_many_requests", "message": '
    '"Too many registrations from this address; try again in a few minutes."}}'
)


def _visibility(metric: str) -> dict[str, Any]:
    return {
        "SampledRequestsEnabled": True,
        "CloudWatchMetricsEnabled": True,
        "MetricName": metric,
    }


def waf_parameters() -> dict[str, Any]:
    return {
        "WafEnabled": {
            "Type": "String",
            "Default": "true",
            "AllowedValues": ["true", "false"],
            "Description": (
                "Put an AWS WAF web ACL (a per-address limit on registrations and AWS's "
                "common rule set) in front of the API stage. About 7 USD a month and "
                "0.60 USD a million requests: docs/deploy.md."
            ),
        },
        "RegistrationRateLimit": {
            "Type": "Number",
            "Default": 100,
            "MinValue": 10,
            "Description": "Registrations (POST) one client address may make in the window.",
        },
        "RegistrationRateWindowSeconds": {
            "Type": "Number",
            "Default": 300,
            "AllowedValues": [60, 120, 300, 600],
            "Description": "The window the registration limit counts over, in seconds.",
        },
    }


def waf_conditions() -> dict[str, Any]:
    return {WAF_CONDITION: {"Fn::Equals": [{"Ref": "WafEnabled"}, "true"]}}


def _registrations_per_ip() -> dict[str, Any]:
    is_post = {
        "ByteMatchStatement": {
            "FieldToMatch": {"Method": {}},
            "PositionalConstraint": "EXACTLY",
            "SearchString": "POST",
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }
    # `/events/{event_id}/registrations`, with or without the stage's or a custom
    # domain's prefix in front.
    to_registrations = {
        "ByteMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": "ENDS_WITH",
            "SearchString": "/registrations",
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
        }
    }
    return {
        "Name": "RegistrationsPerIp",
        "Priority": 0,
        "Action": {
            "Block": {
                "CustomResponse": {
                    "ResponseCode": 429,
                    "CustomResponseBodyKey": "too_many_requests",
                    "ResponseHeaders": [{"Name": "Retry-After", "Value": "300"}],
                }
            }
        },
        "Statement": {
            "RateBasedStatement": {
                "Limit": {"Ref": "RegistrationRateLimit"},
                "EvaluationWindowSec": {"Ref": "RegistrationRateWindowSeconds"},
                "AggregateKeyType": "IP",
                "ScopeDownStatement": {"AndStatement": {"Statements": [is_post, to_registrations]}},
            }
        },
        "VisibilityConfig": _visibility("hadir-registrations-per-ip"),
    }


def _common_rule_set() -> dict[str, Any]:
    return {
        "Name": "AWSManagedRulesCommonRuleSet",
        "Priority": 1,
        "OverrideAction": {"None": {}},
        "Statement": {
            "ManagedRuleGroupStatement": {
                "VendorName": "AWS",
                "Name": "AWSManagedRulesCommonRuleSet",
                "RuleActionOverrides": [
                    {"Name": name, "ActionToUse": {"Count": {}}} for name in COUNTED_COMMON_RULES
                ],
            }
        },
        "VisibilityConfig": _visibility("hadir-common-rule-set"),
    }


def waf_resources(stage: str) -> dict[str, Any]:
    return {
        "ApiWebAcl": {
            "Type": "AWS::WAFv2::WebACL",
            "Condition": WAF_CONDITION,
            "Properties": {
                "Name": f"hadir-{stage}-api",
                "Description": "Hadir API - registrations per address, AWS common rules.",
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "CustomResponseBodies": {
                    "too_many_requests": {"ContentType": "APPLICATION_JSON", "Content": TOO_MANY}
                },
                "Rules": [_registrations_per_ip(), _common_rule_set()],
                "VisibilityConfig": _visibility(f"hadir-{stage}-api"),
            },
        },
        "ApiWebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Condition": WAF_CONDITION,
            "Properties": {
                # SAM resolves `RestAPI.Stage` to the stage it makes, and so makes the
                # association wait for it.
                "ResourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/"
                    "${RestAPI}/stages/${RestAPI.Stage}"
                },
                "WebACLArn": {"Fn::GetAtt": ["ApiWebAcl", "Arn"]},
            },
        },
    }
