"""`make package`: the CloudFormation template and the Lambda bundle, as AWS would get them.

Each stage is packaged once for this module with the same function
`make package` runs (chalice package, the merge template, the trimming and the
runtime check), then read back: the table against the one the tests create, the
IAM roles against what chalicelib/store/ really calls, cfn-lint over the template, and
the trimmed bundle run on its own.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from chalicelib.store import TABLE_SCHEMA
from devtools import package as packaging

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.package


@pytest.fixture(scope="module", params=packaging.STAGES)
def packaged(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"package-{request.param}")
    report = packaging.package(request.param, out)
    template = json.loads((out / "sam.json").read_text())
    return request.param, out, template, report


def resources_of_type(template: dict, kind: str) -> dict:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def statements(template: dict, role: str) -> list[dict]:
    (policy,) = template["Resources"][role]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


# --- the table ----------------------------------------------------------------


def test_the_template_table_is_the_one_tests_and_make_run_create(packaged, dynamodb):
    _, _, template, _ = packaged
    (table,) = resources_of_type(template, "AWS::DynamoDB::Table").values()
    declared = table["Properties"]
    for key, value in TABLE_SCHEMA.items():
        assert declared[key] == value, key

    # The tests' table (conftest) and make run's (devtools/run_local.py) are both
    # made by store.create_table; DynamoDB's own description must match too.
    described = dynamodb.describe_table(TableName="hadir-test")["Table"]
    assert sorted(described["AttributeDefinitions"], key=str) == sorted(
        declared["AttributeDefinitions"], key=str
    )
    assert described["KeySchema"] == declared["KeySchema"]
    assert [
        (index["IndexName"], index["KeySchema"], index["Projection"])
        for index in described["GlobalSecondaryIndexes"]
    ] == [
        (index["IndexName"], index["KeySchema"], index["Projection"])
        for index in declared["GlobalSecondaryIndexes"]
    ]
    assert described["BillingModeSummary"]["BillingMode"] == declared["BillingMode"]


def test_make_run_creates_the_same_table(packaged, dynamodb):
    from devtools.run_local import TABLE, _seed

    _, _, template, _ = packaged
    _seed(dynamodb, None)  # make run's own bootstrap, here against moto in-process
    described = dynamodb.describe_table(TableName=TABLE)["Table"]
    declared = template["Resources"]["HadirTable"]["Properties"]
    assert described["KeySchema"] == declared["KeySchema"]
    assert [index["KeySchema"] for index in described["GlobalSecondaryIndexes"]] == [
        index["KeySchema"] for index in declared["GlobalSecondaryIndexes"]
    ]


def test_the_table_survives_deletes_and_replacements(packaged):
    _, _, template, _ = packaged
    table = template["Resources"]["HadirTable"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["DeletionProtectionEnabled"] is True
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires_at"}


# --- the functions ------------------------------------------------------------


def test_the_api_and_email_worker_run_python_3_11_with_references_not_secrets(packaged):
    stage, _, template, _ = packaged
    functions = resources_of_type(template, "AWS::Serverless::Function")
    # The API, and the email worker on the mail queue (issue 21).
    assert set(functions) == {"APIHandler", "SendMail"}
    for function in functions.values():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.11"
        variables = properties["Environment"]["Variables"]
        assert variables["HADIR_STAGE"] == stage
        assert variables["HADIR_TABLE_NAME"] == {"Ref": "HadirTable"}
        assert variables["HADIR_BADGE_SECRET_PARAM"] == {"Ref": "BadgeSecretParameterName"}
        assert variables["HADIR_ORGANISER_TOKEN_SHA256_PARAM"] == {
            "Ref": "OrganiserTokenHashParameterName"
        }
        assert variables["HADIR_EMAIL_QUEUE_URL"] == {"Ref": "MailQueue"}
        assert variables["HADIR_EMAIL_FROM"] == {"Ref": "EmailFrom"}
        assert "HADIR_OUTBOX_DIR" not in variables
        # Inline secret values are for local runs only.
        assert "HADIR_BADGE_SECRET" not in variables
        assert "HADIR_ORGANISER_TOKEN_SHA256" not in variables
    parameters = template["Parameters"]
    assert parameters["BadgeSecretParameterName"]["Default"] == f"/hadir/{stage}/badge-secret"
    assert (
        parameters["OrganiserTokenHashParameterName"]["Default"]
        == f"/hadir/{stage}/organiser-token-sha256"
    )


def test_the_api_is_throttled_by_parameters(packaged):
    _, _, template, _ = packaged
    (setting,) = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert setting["ThrottlingRateLimit"] == {"Ref": "ThrottlingRateLimit"}
    assert setting["ThrottlingBurstLimit"] == {"Ref": "ThrottlingBurstLimit"}
    assert template["Parameters"]["ThrottlingRateLimit"]["Type"] == "Number"


def test_the_packaged_template_puts_a_waf_on_the_api_stage(packaged):
    """Issue 17: the web ACL survives `chalice package --merge-template` whole."""
    _, _, template, _ = packaged
    (acl,) = resources_of_type(template, "AWS::WAFv2::WebACL").values()
    (association,) = resources_of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    assert acl["Condition"] == association["Condition"] == "WafOn"
    assert template["Parameters"]["WafEnabled"]["Default"] == "true"
    assert "${RestAPI.Stage}" in association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert [rule["Name"] for rule in acl["Properties"]["Rules"]] == [
        "RegistrationsPerIp",
        "AWSManagedRulesCommonRuleSet",
    ]


# --- email (issue 21) -----------------------------------------------------------


def test_the_email_queue_is_encrypted_with_a_dead_letter_queue(packaged):
    _, _, template, _ = packaged
    queues = resources_of_type(template, "AWS::SQS::Queue")
    assert set(queues) == {"MailQueue", "MailDeadLetterQueue"}
    for queue in queues.values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
    mail = queues["MailQueue"]["Properties"]
    assert mail["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    # A message is hidden while the worker (timeout 30 s) handles it.
    assert (
        mail["VisibilityTimeout"] >= 6 * template["Resources"]["SendMail"]["Properties"]["Timeout"]
    )
    dead = queues["MailDeadLetterQueue"]["Properties"]
    assert dead["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_the_email_worker_takes_its_messages_off_this_templates_queue(packaged):
    _, _, template, _ = packaged
    worker = template["Resources"]["SendMail"]["Properties"]
    assert worker["Handler"] == "app.send_mail"
    (event,) = worker["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::Sub": "${MailQueue.Arn}"}
    assert event["Properties"]["BatchSize"] == 1


def test_email_iam_queue_for_the_api_sending_for_the_worker_from_the_sender_only(packaged):
    _, _, template, _ = packaged
    api = {s["Sid"]: s for s in statements(template, "ApiHandlerRole")}
    worker = {s["Sid"]: s for s in statements(template, "SendMailRole")}
    queue = {"Fn::GetAtt": ["MailQueue", "Arn"]}
    assert api["MailQueue"]["Action"] == ["sqs:SendMessage"]
    assert api["MailQueue"]["Resource"] == queue
    assert "SendEmail" not in api  # the API never sends
    assert set(worker["MailQueue"]["Action"]) == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
    }
    assert worker["MailQueue"]["Resource"] == queue
    assert set(worker["Table"]["Action"]) == set(packaging.TABLE_ACTIONS)
    ses = worker["SendEmail"]
    assert ses["Action"] == ["ses:SendEmail", "ses:SendRawEmail"]
    identity, configuration_set = ses["Resource"]
    assert identity["Fn::Sub"].endswith(":identity/${EmailIdentity}")
    assert configuration_set["Fn::If"][0] == "HasEmailConfigurationSet"
    parameters = template["Parameters"]
    assert parameters["EmailFrom"]["Default"] == "hadir@example.org"
    assert parameters["EmailIdentity"]["Default"] == "example.org"
    assert parameters["EmailConfigurationSet"]["Default"] == ""


# --- least privilege ----------------------------------------------------------

# boto3 client methods -> IAM actions; transaction items carry their own.
_CLIENT_CALLS = {
    "batch_get_item": "dynamodb:BatchGetItem",
    "delete_item": "dynamodb:DeleteItem",
    "get_item": "dynamodb:GetItem",
    "put_item": "dynamodb:PutItem",
    "query": "dynamodb:Query",
    "scan": "dynamodb:Scan",
    "update_item": "dynamodb:UpdateItem",
    "transact_get_items": "dynamodb:GetItem",
    "batch_write_item": "dynamodb:BatchWriteItem",
}
_TRANSACTION_ITEMS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


def actions_store_uses() -> set[str]:
    """Every DynamoDB action chalicelib/store/ can make at run time, read from its source."""
    used = set()
    functions = (
        node
        for module in sorted((ROOT / "chalicelib" / "store").glob("*.py"))
        for node in ast.walk(ast.parse(module.read_text()))
    )
    for function in functions:
        if not isinstance(function, ast.FunctionDef) or function.name == "create_table":
            continue  # create_table is for local runs and tests; the template makes the table
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "_client"
                and node.func.attr != "transact_write_items"
            ):
                used.add(_CLIENT_CALLS[node.func.attr])
            if isinstance(node, ast.Dict):
                for key in node.keys:
                    if isinstance(key, ast.Constant) and key.value in _TRANSACTION_ITEMS:
                        used.add(_TRANSACTION_ITEMS[key.value])
    return used


def test_the_api_role_allows_exactly_what_the_store_does(packaged):
    _, _, template, _ = packaged
    assert actions_store_uses() == set(packaging.TABLE_ACTIONS)
    by_sid = {statement["Sid"]: statement for statement in statements(template, "ApiHandlerRole")}
    assert set(by_sid) == {"OwnLogs", "Table", "Index", "Secrets", "MailQueue"}
    assert set(by_sid["Table"]["Action"]) == actions_store_uses()
    assert by_sid["Table"]["Resource"] == {"Fn::GetAtt": ["HadirTable", "Arn"]}
    # Only Query reads the index.
    assert by_sid["Index"]["Action"] == ["dynamodb:Query"]
    assert by_sid["Index"]["Resource"] == {"Fn::Sub": "${HadirTable.Arn}/index/*"}


def test_the_template_has_no_authorizer(packaged):
    # Staff authenticate in the app: one function, one role, and no API Gateway
    # authorizer in front of any method (a scan is one Lambda invocation).
    _, _, template, _ = packaged
    assert set(resources_of_type(template, "AWS::IAM::Role")) == {"ApiHandlerRole", "SendMailRole"}
    for permission in resources_of_type(template, "AWS::Lambda::Permission").values():
        assert "authorizers" not in json.dumps(permission)
    text = json.dumps(template)
    assert "StaffToken" not in text
    assert "staff-token" not in text
    assert "x-amazon-apigateway-authorizer" not in text
    assert "securityDefinitions" not in text
    assert '"security"' not in text
    assert "AWS::ApiGateway::Authorizer" not in text


def test_no_role_allows_everything(packaged):
    _, _, template, _ = packaged
    for role in resources_of_type(template, "AWS::IAM::Role"):
        for statement in statements(template, role):
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            assert all("*" not in action for action in actions), (role, actions)
            assert statement["Resource"] not in ("*", ["*"]), role
            assert statement["Effect"] == "Allow"


def test_the_secrets_are_read_from_their_named_parameters_only(packaged):
    _, _, template, _ = packaged
    for role in ("ApiHandlerRole", "SendMailRole"):
        (secrets,) = [s for s in statements(template, role) if s["Sid"] == "Secrets"]
        assert secrets["Action"] == "ssm:GetParameter"
        assert [resource["Fn::Sub"].rsplit(":", 1)[1] for resource in secrets["Resource"]] == [
            "parameter${BadgeSecretParameterName}",
            "parameter${OrganiserTokenHashParameterName}",
        ]


@pytest.mark.parametrize("stage", packaging.STAGES)
def test_chalice_deploy_policies_are_generated_from_the_same_lists(stage):
    # `chalice deploy` reads these files; they must say what the template says.
    path = ROOT / ".chalice" / f"policy-{stage}.json"
    assert json.loads(path.read_text()) == packaging.chalice_deploy_policy(stage), (
        f"{path.name} is out of date: python -m devtools.package --write-policies"
    )


def test_chalice_deploy_has_one_function_and_one_policy():
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in packaging.STAGES:
        settings = config["stages"][stage]
        assert settings["iam_policy_file"] == f"policy-{stage}.json"
        assert "lambda_functions" not in settings
    assert not list((ROOT / ".chalice").glob("policy-*-authorizer.json"))


# --- cfn-lint -----------------------------------------------------------------


@pytest.mark.parametrize("template", ["sam.json", "table.json"])
def test_cfn_lint_passes(packaged, template):
    _, out, _, _ = packaged
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(out / template)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_table_alone_is_the_same_table(packaged):
    # For a stage deployed with `chalice deploy`, which makes no table.
    _, out, template, _ = packaged
    alone = json.loads((out / "table.json").read_text())
    assert alone["Resources"] == {"HadirTable": template["Resources"]["HadirTable"]}
    assert alone["Parameters"]["TableName"] == {
        "Type": "String",
        "Default": template["Parameters"]["TableName"]["Default"],
    }


# --- the bundle ---------------------------------------------------------------


def test_the_bundle_is_what_lambda_accepts(packaged):
    _, out, _, report = packaged
    assert report.problems == []
    assert report.compiled_tags, "pydantic-core and Pillow are compiled"
    assert all("manylinux" in tag for tag in report.compiled_tags)
    with zipfile.ZipFile(out / "deployment.zip") as bundle:
        names = bundle.namelist()
    tops = {name.split("/")[0] for name in names}
    assert {"app.py", "chalicelib"} <= tops
    # Nothing of the developer's machine or of the tests travels to AWS.
    assert not tops & {"tests", "devtools", ".chalice", ".venv", "moto", "boto3", "pytest"}
    assert not [name for name in names if PRUNED_LEFT.match(name)]
    # Lambda cannot write .pyc files: the door's modules come compiled.
    for compiled in (
        "__pycache__/app.cpython-311.pyc",
        "chalicelib/__pycache__/services.cpython-311.pyc",
        "pydantic/__pycache__/main.cpython-311.pyc",
    ):
        assert compiled in names, compiled
    assert not [name for name in names if name.startswith("fontTools/") and ".pyc" in name]


def test_the_bundle_serves_the_pages_compressed(packaged):
    _, out, template, _ = packaged
    with zipfile.ZipFile(out / "deployment.zip") as bundle:
        names = set(bundle.namelist())
    from devtools.page_weight import page_files

    for page in ("register", "desk", "kiosk", "dashboard"):
        for path in page_files(page):
            assert str(path.relative_to(ROOT)) in names, path
    # API Gateway gzips what it sends over 1 KB: the pages' weight is their gzip size.
    body = template["Resources"]["RestAPI"]["Properties"]
    assert body["MinimumCompressionSize"] == 1024


PRUNED_LEFT = re.compile(r"^fontTools/.+\.so$|^PIL/_avif.*\.so$|^pillow\.libs/libavif")


def _bundle_so(out: Path) -> tuple[str, bytes]:
    with zipfile.ZipFile(out / "deployment.zip") as bundle:
        name = next(n for n in bundle.namelist() if n.startswith("pydantic_core/") and ".so" in n)
        return name, bundle.read(name)


def _rebundle(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(name, data)
    return path


def test_a_module_needing_a_newer_glibc_is_refused(packaged, tmp_path):
    _, out, _, _ = packaged
    name, data = _bundle_so(out)
    assert b"GLIBC_2.14\x00" in data
    # Same length, so the ELF stays valid: the module now asks for glibc 2.27.
    newer = _rebundle(tmp_path, name, data.replace(b"GLIBC_2.14\x00", b"GLIBC_2.27\x00"))
    assert packaging.check_bundle(newer).problems == [f"{name} needs GLIBC_2.27"]
    at_limit = _rebundle(tmp_path, name, data.replace(b"GLIBC_2.14\x00", b"GLIBC_2.26\x00"))
    assert packaging.check_bundle(at_limit).problems == []


@pytest.mark.parametrize(
    ("tag", "problem"),
    [
        ("cp311-cp311-manylinux2014_x86_64", None),
        ("cp311-cp311-manylinux_2_26_x86_64", None),
        ("cp311-cp311-manylinux_2_28_x86_64", "needs glibc 2.28"),
        ("cp311-cp311-linux_x86_64", "was built here"),
        ("cp312-cp312-manylinux2014_x86_64", "not for CPython 3.11"),
        ("cp311-cp311-manylinux2014_aarch64", "not for x86_64"),
        ("cp311-abi3-manylinux2014_x86_64", None),
    ],
)
def test_wheel_tags_the_runtime_would_refuse(tmp_path, tag, problem):
    wheel = f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}\n"
    path = _rebundle(tmp_path, "example-1.0.dist-info/WHEEL", wheel.encode())
    problems = packaging.check_bundle(path).problems
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems


RUN_FROM_BUNDLE = """
import json, os, sys
bundle, site = sys.argv[1], sys.argv[2]
sys.path[:0] = [bundle]
sys.path.append(site)  # only for what Lambda provides (boto3) and for moto
os.environ.update(
    AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="ap-southeast-3"
)
import boto3
from moto import mock_aws
import app
from chalicelib.core.auth import hash_token
from chalicelib.core.clock import SystemClock
from chalicelib.core.models import Registration
from chalicelib.documents.qr import qr_png
from chalicelib.seed import WORKSHOP_ID, seed_events
from chalicelib.services import Hadir
from chalicelib.store import Store, create_table

with mock_aws():
    client = boto3.client("dynamodb")
    create_table(client, "t")
    hadir = Hadir(Store(client, "t"), SystemClock(), b"s" * 32, hash_token("o"))
    for event in seed_events():
        hadir.put_event(event)
    registration = Registration.model_validate({
        "name": "Đỗ Thị Hương", "email": "huong@example.org",
        "organisation": "Yayasan Konservasi Alam Nusantara", "consent": True,
    })
    code = hadir.register(WORKSHOP_ID, registration)["badge"]["code"]
    pdf = hadir.badge_pdf(code)
    png = qr_png(code)
    xlsx = hadir.attendance_xlsx(WORKSHOP_ID)
import fontTools, PIL, fpdf, pydantic_core, openpyxl
print(json.dumps({
    "pdf": pdf[:5].decode(), "png": png[:4].hex(), "xlsx": xlsx[:2].decode(),
    "from_bundle": [
        m.__file__.startswith(bundle) for m in (fontTools, PIL, fpdf, pydantic_core, openpyxl)
    ],
    "native_fonttools": [
        name for name, module in sys.modules.items()
        if name.startswith("fontTools") and (getattr(module, "__file__", "") or "").endswith(".so")
    ],
}))
"""


def test_the_trimmed_bundle_prints_badges_on_its_own(packaged, tmp_path):
    _, out, _, _ = packaged
    with zipfile.ZipFile(out / "deployment.zip") as bundle:
        bundle.extractall(tmp_path)
    site = sysconfig.get_paths()["purelib"]
    # -S: no site-packages, so every import below comes from the bundle first.
    result = subprocess.run(
        [sys.executable, "-S", "-c", RUN_FROM_BUNDLE, str(tmp_path), site],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    ran = json.loads(result.stdout.strip().splitlines()[-1])
    assert ran["pdf"] == "%PDF-"
    assert ran["png"] == "89504e47"
    assert ran["xlsx"] == "PK"  # a workbook is a zip
    assert ran["from_bundle"] == [True, True, True, True, True]
    assert ran["native_fonttools"] == []


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://abc.execute-api.ap-southeast-3.amazonaws.com/api", "must be https"),
        ("ftp://example.org", "must be an http(s) URL"),
        ("example.org/api", "must be an http(s) URL"),
    ],
)
def test_seed_event_never_sends_the_token_in_clear(url, refusal, monkeypatch, capsys):
    from devtools import seed_event

    monkeypatch.setenv("HADIR_ORGANISER_TOKEN", "secret-organiser-token")
    with pytest.raises(SystemExit) as stopped:
        seed_event.main(["--url", url])
    assert stopped.value.code == 2
    assert refusal in capsys.readouterr().err
