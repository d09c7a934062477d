"""`make package STAGE=prod`: a CloudFormation (SAM) template and the Lambda bundle, in one folder.

Runs `chalice package` with a merge template built here, so that the template
carries everything Hadir needs beside the functions:

- the DynamoDB table, from `chalicelib.store.TABLE_SCHEMA` (the same definition
  the tests and `make run` create), on-demand, with point-in-time recovery,
  deletion protection, encryption, and Retain on delete and on replacement;
- IAM roles that allow only what the code does, on this table only;
- the SSM SecureString parameters' *names* as template parameters: values
  never appear in the template, in git or in the bundle;
- API Gateway throttling, a rate and a burst, as template parameters;
- email (issue 21): an encrypted SQS queue with a dead-letter queue, the worker
  function's event source on it, and SES allowed from the verified sender only.

Then it trims optional native code Hadir never runs from the bundle and checks
that the Lambda python3.11 runtime (Amazon Linux 2, glibc 2.26) can load every
compiled module in it. A bundle that fails the check fails the command.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalicelib.store import TABLE_SCHEMA  # noqa: E402
from chalicelib.store.keys import TTL_SPECIFICATION  # noqa: E402
from devtools.waf import waf_conditions, waf_parameters, waf_resources  # noqa: E402

STAGES = ("dev", "prod")
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"

# The python3.11 Lambda runtime runs on Amazon Linux 2: glibc 2.26, and the
# libstdc++ of GCC 7 (GLIBCXX_3.4.24, CXXABI_1.3.11).
RUNTIME_SYMBOL_VERSIONS = {"GLIBC": (2, 26), "GLIBCXX": (3, 4, 24), "CXXABI": (1, 3, 11)}

# What chalicelib/store/ asks of DynamoDB, as IAM actions. Transactions need
# the action of each item they hold (Put, Update, Delete, ConditionCheck); there is no
# TransactWriteItems action. tests/stack/test_package.py derives the same set from
# chalicelib/store/'s own calls, so the two cannot drift apart.
TABLE_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)
INDEX_ACTIONS = ("dynamodb:Query",)

# Native code in the wheels that Hadir never runs, left out of the bundle
# (about 7 MB zipped). fontTools' Cython modules each sit beside the pure-Python
# module it falls back to, and fpdf2's font subsetter uses none of them;
# Pillow's AVIF codec reads and writes a format Hadir never touches, and
# Pillow treats a missing `_avif` as "AVIF not supported".
PRUNED = re.compile(
    r"^fontTools/.+\.(?:cpython-[^/]+\.so|c)$"
    r"|^PIL/_avif\.cpython-[^/]+\.so$"
    r"|^pillow\.libs/libavif-[^/]+$"
)


# Printing's libraries (4 MB of .pyc) are left to compile when a PDF is asked
# for, and the XLSX export's when a workbook is: the door never imports them,
# and the bundle stays under 15 MB.
NOT_PRECOMPILED = ("fontTools/", "fpdf/", "PIL/", "defusedxml/", "openpyxl/", "et_xmlfile/")


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads(CHALICE_CONFIG.read_text())
    return config["stages"][stage]["environment_variables"]


def table_resource(table_name: Any) -> dict:
    """The table as CloudFormation declares it: TABLE_SCHEMA plus the safety settings."""
    return {
        "Type": "AWS::DynamoDB::Table",
        # Deleting the stack, or a change that would replace the table, keeps
        # the attendance list: the table stays behind, detached from the stack.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": table_name,
            **TABLE_SCHEMA,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "SSESpecification": {"SSEEnabled": True},
            # Personal data ends with the event's retention (UU PDP): items past
            # their `expires_at` are deleted by DynamoDB.
            "TimeToLiveSpecification": TTL_SPECIFICATION,
            "Tags": [{"Key": "app", "Value": "hadir"}],
        },
    }


def _sub(text: str) -> dict:
    return {"Fn::Sub": text}


def _role_policy(name: str, function_name: str, dynamodb: list[dict]) -> dict:
    secret_names = ("BadgeSecretParameterName", "OrganiserTokenHashParameterName")
    return {
        "PolicyName": name,
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": _sub(
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                        f":log-group:/aws/lambda/{function_name}:*"
                    ),
                },
                *dynamodb,
                {
                    # SecureStrings under the default aws/ssm key need no KMS
                    # grant; docs/deploy.md says what to add for your own key.
                    "Sid": "Secrets",
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": [
                        _sub(
                            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}"
                            f":parameter${{{parameter}}}"
                        )
                        for parameter in secret_names
                    ],
                },
            ],
        },
    }


# Email (issue 21). The worker function (app.py's `send_mail`) takes each
# message off the queue; a message tried this many times without being sent is
# kept in the dead-letter queue for 14 days.
MAIL_MAX_RECEIVES = 5
MAIL_DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
# The queue hides a message being handled for six times the function's timeout
# (AWS's advice for a Lambda event source), so a slow send is not handed twice.
MAIL_VISIBILITY_TIMEOUT_SECONDS = 180
QUEUE_SEND_ACTIONS = ("sqs:SendMessage",)
QUEUE_WORKER_ACTIONS = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)
SES_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail")


def mail_resources() -> dict:
    """The queue, its dead-letter queue, both encrypted with SQS's own keys."""
    return {
        "MailDeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "SqsManagedSseEnabled": True,
                "MessageRetentionPeriod": MAIL_DEAD_LETTER_RETENTION_SECONDS,
                "Tags": [{"Key": "app", "Value": "hadir"}],
            },
        },
        "MailQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "SqsManagedSseEnabled": True,
                "VisibilityTimeout": MAIL_VISIBILITY_TIMEOUT_SECONDS,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]},
                    "maxReceiveCount": MAIL_MAX_RECEIVES,
                },
                "Tags": [{"Key": "app", "Value": "hadir"}],
            },
        },
    }


def _ses_statement() -> dict:
    """SES for the verified sender identity only (and its configuration set, if named)."""
    prefix = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}"
    return {
        "Sid": "SendEmail",
        "Effect": "Allow",
        "Action": list(SES_ACTIONS),
        "Resource": [
            _sub(f"{prefix}:identity/${{EmailIdentity}}"),
            {
                "Fn::If": [
                    "HasEmailConfigurationSet",
                    _sub(f"{prefix}:configuration-set/${{EmailConfigurationSet}}"),
                    {"Ref": "AWS::NoValue"},
                ]
            },
        ],
    }


def merge_template(stage: str) -> dict:
    """What `chalice package --merge-template` lays over Chalice's own template."""
    environment = stage_environment(stage)
    # Chalice's logical ids: function -> (its role, the suffix of its name). One
    # function: staff authenticate in the app, so there is no authorizer.
    # The second, `send_mail`, is the email worker on the mail queue (issue 21).
    functions = {
        "APIHandler": ("ApiHandlerRole", "api"),
        "SendMail": ("SendMailRole", "send_mail"),
    }
    table_arn = {"Fn::GetAtt": ["HadirTable", "Arn"]}
    table = [
        {
            "Sid": "Table",
            "Effect": "Allow",
            "Action": list(TABLE_ACTIONS),
            "Resource": table_arn,
        },
        {
            "Sid": "Index",
            "Effect": "Allow",
            "Action": list(INDEX_ACTIONS),
            "Resource": _sub("${HadirTable.Arn}/index/*"),
        },
    ]
    queue_arn = {"Fn::GetAtt": ["MailQueue", "Arn"]}
    table_statements = {
        # The API queues each message; the worker takes them off and sends them.
        "APIHandler": [
            *table,
            {
                "Sid": "MailQueue",
                "Effect": "Allow",
                "Action": list(QUEUE_SEND_ACTIONS),
                "Resource": queue_arn,
            },
        ],
        "SendMail": [
            *table,
            {
                "Sid": "MailQueue",
                "Effect": "Allow",
                "Action": list(QUEUE_WORKER_ACTIONS),
                "Resource": queue_arn,
            },
            _ses_statement(),
        ],
    }
    resources: dict[str, Any] = {"HadirTable": table_resource({"Ref": "TableName"})}
    resources.update(mail_resources())
    for function, (role, suffix) in functions.items():
        name = f"hadir-{stage}-{suffix}"
        resources[function] = {
            "Properties": {
                "FunctionName": name,
                "Environment": {
                    "Variables": {
                        "HADIR_TABLE_NAME": {"Ref": "HadirTable"},
                        "HADIR_BADGE_SECRET_PARAM": {"Ref": "BadgeSecretParameterName"},
                        "HADIR_ORGANISER_TOKEN_SHA256_PARAM": {
                            "Ref": "OrganiserTokenHashParameterName"
                        },
                        "HADIR_CORS_ORIGINS": {"Ref": "CorsOrigins"},
                        "HADIR_EMAIL_QUEUE_URL": {"Ref": "MailQueue"},
                        "HADIR_EMAIL_FROM": {"Ref": "EmailFrom"},
                        "HADIR_EMAIL_CONFIGURATION_SET": {"Ref": "EmailConfigurationSet"},
                    }
                },
            }
        }
        # Named up front so the role can be limited to this log group, and so
        # that its retention is set here rather than "never expire".
        resources[f"{function}LogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": f"/aws/lambda/{name}",
                "RetentionInDays": {"Ref": "LogRetentionDays"},
            },
        }
        resources[role] = {
            "Properties": {
                "Policies": [_role_policy(f"{function}Policy", name, table_statements[function])]
            }
        }
        resources[function]["DependsOn"] = [f"{function}LogGroup"]
    # Chalice points the worker's SQS event at a queue by name; the deep merge
    # replaces that Fn::Sub's text, so it is this template's queue instead.
    resources["SendMail"]["Properties"]["Events"] = {
        "SendMailSqsEventSource": {"Properties": {"Queue": _sub("${MailQueue.Arn}")}}
    }
    resources["RestAPI"] = {
        "Properties": {
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": {"Ref": "ThrottlingRateLimit"},
                    "ThrottlingBurstLimit": {"Ref": "ThrottlingBurstLimit"},
                }
            ]
        }
    }
    resources.update(waf_resources(stage))
    ssm_name = {"Type": "String", "AllowedPattern": "^/[A-Za-z0-9_.\\-/]+$"}
    email = {"Type": "String", "MinLength": 3, "MaxLength": 320}
    return {
        "Conditions": {
            **waf_conditions(),
            "HasEmailConfigurationSet": {
                "Fn::Not": [{"Fn::Equals": [{"Ref": "EmailConfigurationSet"}, ""]}]
            },
        },
        "Parameters": {
            **waf_parameters(),
            "TableName": {
                "Type": "String",
                "Default": environment["HADIR_TABLE_NAME"],
                "Description": "The DynamoDB table that holds every event of this stage.",
            },
            "BadgeSecretParameterName": {
                **ssm_name,
                "Default": environment["HADIR_BADGE_SECRET_PARAM"],
                "Description": "SSM SecureString: the key badge codes are signed with.",
            },
            "OrganiserTokenHashParameterName": {
                **ssm_name,
                "Default": environment["HADIR_ORGANISER_TOKEN_SHA256_PARAM"],
                "Description": "SSM SecureString: the SHA-256 (hex) of the organiser token.",
            },
            "CorsOrigins": {
                "Type": "String",
                "Default": environment.get("HADIR_CORS_ORIGINS", ""),
                "Description": "Origins allowed to call the API from a browser, comma-separated.",
            },
            "ThrottlingRateLimit": {
                "Type": "Number",
                "Default": 100,
                "MinValue": 1,
                "Description": "Requests per second the API accepts, steady.",
            },
            "ThrottlingBurstLimit": {
                "Type": "Number",
                "Default": 200,
                "MinValue": 1,
                "Description": "Requests the API accepts at once, above the rate.",
            },
            "EmailFrom": {
                **email,
                "Default": environment["HADIR_EMAIL_FROM"],
                "Description": "The From address of every email: verified in SES (docs/deploy.md).",
            },
            "EmailIdentity": {
                **email,
                "Default": environment["HADIR_EMAIL_FROM"].rpartition("@")[2].strip("> "),
                "AllowedPattern": "^[^\\s/*]+$",
                "Description": "The verified SES identity EmailFrom sends as: its domain "
                "or the address itself. IAM allows sending from it only.",
            },
            "EmailConfigurationSet": {
                "Type": "String",
                "Default": "",
                "Description": "An SES configuration set (bounces and complaints to SNS, "
                "docs/deploy.md); empty for none.",
            },
            "LogRetentionDays": {
                "Type": "Number",
                "Default": 90,
                "AllowedValues": [30, 60, 90, 120, 150, 180, 365],
                "Description": "How long the functions' logs are kept.",
            },
        },
        "Resources": resources,
        "Outputs": {
            "TableName": {"Value": {"Ref": "HadirTable"}},
            "MailQueueUrl": {"Value": {"Ref": "MailQueue"}},
            "MailDeadLetterQueueUrl": {"Value": {"Ref": "MailDeadLetterQueue"}},
        },
    }


def table_template(stage: str) -> dict:
    """The table on its own, for stages deployed with `chalice deploy` (which makes no table)."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Hadir {stage}: the DynamoDB table, for chalice deploy",
        "Parameters": {
            "TableName": {"Type": "String", "Default": stage_environment(stage)["HADIR_TABLE_NAME"]}
        },
        "Resources": {"HadirTable": table_resource({"Ref": "TableName"})},
        "Outputs": {"TableName": {"Value": {"Ref": "HadirTable"}}},
    }


def chalice_deploy_policy(stage: str) -> dict:
    """The IAM policy for `chalice deploy` (.chalice/policy-<stage>.json).

    `chalice deploy` does not create the table, so it is named, not referenced.
    """
    environment = stage_environment(stage)
    table = f"arn:aws:dynamodb:*:*:table/{environment['HADIR_TABLE_NAME']}"
    dynamodb = [
        {"Sid": "Table", "Effect": "Allow", "Action": list(TABLE_ACTIONS), "Resource": table},
        {
            "Sid": "Index",
            "Effect": "Allow",
            "Action": list(INDEX_ACTIONS),
            "Resource": f"{table}/index/*",
        },
    ]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:*:*:log-group:/aws/lambda/hadir-{stage}*",
            },
            *dynamodb,
            {
                "Sid": "Secrets",
                "Effect": "Allow",
                "Action": "ssm:GetParameter",
                "Resource": [
                    f"arn:aws:ssm:*:*:parameter{environment[name]}"
                    for name in ("HADIR_BADGE_SECRET_PARAM", "HADIR_ORGANISER_TOKEN_SHA256_PARAM")
                ],
            },
        ],
    }


# --- the bundle -------------------------------------------------------------


def prune_bundle(bundle: Path) -> int:
    """Rewrites the zip without PRUNED members; returns the bytes saved."""
    before = bundle.stat().st_size
    kept = io.BytesIO()
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(kept, "w") as target:
        for info in source.infolist():
            if not PRUNED.match(info.filename):
                target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    bundle.write_bytes(kept.getvalue())
    return before - bundle.stat().st_size


def precompile_bundle(bundle: Path) -> int:
    """Adds a .pyc beside every module the door can import; returns how many.

    Lambda's /var/task is read-only, so Python cannot cache what it compiles:
    without .pyc files in the bundle, every cold start compiles every module it
    imports, Hadir's and pydantic's included, before the first scan is answered.
    Unchecked-hash .pycs are used as they are, whatever the files' timestamps.
    """
    if sys.version_info[:2] != (3, 11):
        raise SystemExit("make package needs Python 3.11, the Lambda runtime's version.")
    import py_compile

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        with zipfile.ZipFile(bundle) as archive:
            sources = [
                name
                for name in archive.namelist()
                if name.endswith(".py") and not name.startswith(NOT_PRECOMPILED)
            ]
            archive.extractall(root, members=sources)
        compiled = 0
        with zipfile.ZipFile(bundle, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sources:
                source = Path(name)
                target = source.parent / "__pycache__" / f"{source.stem}.cpython-311.pyc"
                try:
                    py_compile.compile(
                        str(root / source),
                        cfile=str(root / target),
                        dfile=name,
                        doraise=True,
                        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                    )
                except py_compile.PyCompileError:
                    continue  # a file Python itself would refuse (templates, py2 leftovers)
                archive.write(root / target, target.as_posix())
                compiled += 1
    return compiled


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def needed_symbol_versions(elf_bytes: bytes) -> set[str]:
    """The versioned symbols (GLIBC_2.17, GLIBCXX_3.4.21, ...) a shared object needs."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection

    needed: set[str] = set()
    for section in ELFFile(io.BytesIO(elf_bytes)).iter_sections():
        if isinstance(section, GNUVerNeedSection):
            for _, auxiliaries in section.iter_versions():
                needed.update(auxiliary.name for auxiliary in auxiliaries)
    return needed


def too_new(versions: set[str]) -> list[str]:
    """Which of `versions` the Lambda runtime's libraries do not provide."""
    refused = []
    for version in sorted(versions):
        library, _, number = version.partition("_")
        limit = RUNTIME_SYMBOL_VERSIONS.get(library)
        if limit and re.fullmatch(r"\d+(\.\d+)*", number) and _version(number) > limit:
            refused.append(version)
    return refused


def _manylinux_glibc(tag: str) -> tuple[int, int] | None:
    legacy = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
    platform = tag.split("-")[-1]
    for name, glibc in legacy.items():
        if platform.startswith(f"{name}_"):
            return glibc
    match = re.match(r"manylinux_(\d+)_(\d+)_", platform)
    return (int(match[1]), int(match[2])) if match else None


@dataclass
class BundleReport:
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    compiled_tags: list[str]
    problems: list[str]


def check_bundle(bundle: Path) -> BundleReport:
    """What the Lambda python3.11 runtime would refuse in this bundle."""
    problems, tags = [], set()
    with zipfile.ZipFile(bundle) as archive:
        infos = archive.infolist()
        for info in infos:
            name = info.filename
            if name.endswith(".dist-info/WHEEL"):
                wheel = archive.read(name).decode()
                for line in wheel.splitlines():
                    if not line.startswith("Tag:") or line.endswith("-none-any"):
                        continue
                    tag = line.split(":", 1)[1].strip()
                    tags.add(tag)
                    glibc = _manylinux_glibc(tag)
                    if "cp311" not in tag and "abi3" not in tag:
                        problems.append(f"{name}: {tag} is not for CPython 3.11")
                    if not tag.endswith("x86_64"):
                        problems.append(f"{name}: {tag} is not for x86_64")
                    if glibc is None:
                        # linux_x86_64 and the like: built on this machine from an sdist.
                        problems.append(f"{name}: {tag} was built here, not a manylinux wheel")
                    elif glibc > RUNTIME_SYMBOL_VERSIONS["GLIBC"]:
                        problems.append(f"{name}: {tag} needs glibc {glibc[0]}.{glibc[1]}")
            elif re.search(r"\.so(\.\d+)*$", name):
                refused = too_new(needed_symbol_versions(archive.read(name)))
                if refused:
                    problems.append(f"{name} needs {', '.join(refused)}")
        return BundleReport(
            zipped_bytes=bundle.stat().st_size,
            unzipped_bytes=sum(info.file_size for info in infos),
            files=len(infos),
            compiled_tags=sorted(tags),
            problems=problems,
        )


# --- the command ------------------------------------------------------------


def package(stage: str, out: Path) -> BundleReport:
    """Writes sam.json and deployment.zip into `out`; raises SystemExit on a bad bundle."""
    if stage not in STAGES:
        raise SystemExit(f"STAGE must be one of {', '.join(STAGES)}, not {stage!r}.")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        merge = Path(scratch) / "merge.json"
        merge.write_text(json.dumps(merge_template(stage), indent=2))
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "chalice"),
                "package",
                "--stage",
                stage,
                "--merge-template",
                str(merge),
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3"),
            },
        )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SystemExit(f"chalice package failed:\n{output}")
    # Chalice leaves out, with only a warning, what it cannot get as a wheel
    # for Lambda; a bundle missing a dependency fails at the door, not here.
    if "Could not install dependencies" in output or "build these yourself" in output:
        raise SystemExit(f"chalice could not get every dependency as a wheel:\n{output}")
    (out / "table.json").write_text(json.dumps(table_template(stage), indent=2) + "\n")
    prune_bundle(out / "deployment.zip")
    precompile_bundle(out / "deployment.zip")
    report = check_bundle(out / "deployment.zip")
    if report.problems:
        raise SystemExit(
            "The Lambda runtime would refuse this bundle:\n  " + "\n  ".join(report.problems)
        )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="prod", choices=STAGES)
    parser.add_argument("--out", type=Path, help="default: build/package-<stage>")
    parser.add_argument(
        "--write-policies",
        action="store_true",
        help="rewrite .chalice/policy-*.json (chalice deploy's IAM policies) and stop",
    )
    args = parser.parse_args()
    if args.write_policies:
        for stage in STAGES:
            path = CHALICE_CONFIG.parent / f"policy-{stage}.json"
            path.write_text(json.dumps(chalice_deploy_policy(stage), indent=2) + "\n")
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    out = (args.out or ROOT / "build" / f"package-{args.stage}").resolve()
    report = package(args.stage, out)
    print(
        f"Bundle: {report.zipped_bytes / 1e6:.2f} MB zipped, "
        f"{report.unzipped_bytes / 1e6:.2f} MB unzipped, {report.files} files; "
        f"compiled wheels: {', '.join(report.compiled_tags)}"
    )
    print(f"Packaged stage {args.stage} into {out}")
    print(f"  {out / 'sam.json'}  (CloudFormation/SAM template)")
    print(f"  {out / 'deployment.zip'}  (the Lambda bundle)")
    print(f"  {out / 'table.json'}  (the table alone, for a stage run by chalice deploy)")
    print("Deploy it as docs/deploy.md describes.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
