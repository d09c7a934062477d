"""Configuration: rehearsal aids stay out of real stages, CORS origins are exact,
secrets are read once per cold start, and a misconfigured Lambda fails its init."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import boto3
import pytest
from chalice.test import Client

import app as app_module
from chalicelib.config import (
    REHEARSAL_AIDS,
    ConfigurationError,
    cors_origins,
    load_settings,
    parse_cors_origins,
)
from chalicelib.core.auth import hash_token
from chalicelib.seed import WORKSHOP_ID, seed_events
from chalicelib.store import Store, create_table
from tests.support.values import BADGE_SECRET, ORGANISER_TOKEN, WORKSHOP_MORNING

ROOT = Path(__file__).resolve().parents[2]
STAGES = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]
PROD = STAGES["prod"]["environment_variables"]

SECRET = "a-badge-secret-that-must-never-be-printed-0123"
ORGANISER_HASH = hash_token("an-organiser-token-that-must-stay-hidden")
# A value for each rehearsal aid, as `make run` and rehearsals set them.
AIDS = {
    "HADIR_CLOCK_START": "2016-11-29T09:00:00+07:00",
    "HADIR_CLOCK_ANCHOR": "2024-05-01T02:00:00+00:00",
    "HADIR_DYNAMODB_ENDPOINT": "http://127.0.0.1:8001",
    "HADIR_DYNAMODB_ENGINE": "dynamodb-local",
    "HADIR_BADGE_SECRET": SECRET,
    "HADIR_ORGANISER_TOKEN_SHA256": ORGANISER_HASH,
}
SECRETS_IN_SSM = {
    "HADIR_BADGE_SECRET_PARAM": "/hadir/test/badge-secret",
    "HADIR_ORGANISER_TOKEN_SHA256_PARAM": "/hadir/test/organiser-token-sha256",
}


def no_ssm():
    pytest.fail("SSM was asked for a secret")


# --- rehearsal aids -----------------------------------------------------------


def test_every_aid_has_a_value_here():
    assert set(AIDS) == set(REHEARSAL_AIDS)


@pytest.mark.parametrize("aid", sorted(AIDS))
def test_prod_refuses_each_rehearsal_aid(aid):
    env = {"HADIR_STAGE": "prod", **SECRETS_IN_SSM, aid: AIDS[aid]}

    with pytest.raises(ConfigurationError) as refused:
        load_settings(env, no_ssm)

    message = str(refused.value)
    assert aid in message and "'prod'" in message
    assert AIDS[aid] not in message


@pytest.mark.parametrize("aid", ["HADIR_BADGE_SECRET", "HADIR_ORGANISER_TOKEN_SHA256"])
def test_prod_says_where_secrets_come_from_instead(aid):
    env = {"HADIR_STAGE": "prod", **SECRETS_IN_SSM, aid: AIDS[aid]}

    with pytest.raises(ConfigurationError, match=f"{aid}_PARAM"):
        load_settings(env, no_ssm)


@pytest.mark.parametrize("stage", ["dev", "local", None])
def test_rehearsal_stages_accept_every_aid(stage):
    env = {**AIDS, **({"HADIR_STAGE": stage} if stage else {})}

    settings = load_settings(env, no_ssm)

    assert settings.stage == (stage or "local")
    assert settings.badge_secret == SECRET.encode()
    assert settings.organiser_token_hash == ORGANISER_HASH
    assert settings.dynamodb_endpoint == AIDS["HADIR_DYNAMODB_ENDPOINT"]
    assert settings.clock_start.isoformat() == AIDS["HADIR_CLOCK_START"]
    assert settings.clock_anchor.isoformat() == AIDS["HADIR_CLOCK_ANCHOR"]


class ParameterStore:
    """SSM's get_parameter over a dict: what load_settings asks of its `ssm()`."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def get_parameter(self, Name, WithDecryption):  # noqa: N803 (boto3's names)
        assert WithDecryption
        return {"Parameter": {"Value": self.values[Name]}}


def test_an_empty_aid_counts_as_unset():
    env = {
        "HADIR_STAGE": "prod",
        **SECRETS_IN_SSM,
        "HADIR_CLOCK_START": "",
        "HADIR_BADGE_SECRET": "",
    }
    ssm = ParameterStore(
        {
            SECRETS_IN_SSM["HADIR_BADGE_SECRET_PARAM"]: SECRET,
            SECRETS_IN_SSM["HADIR_ORGANISER_TOKEN_SHA256_PARAM"]: ORGANISER_HASH,
        }
    )

    settings = load_settings(env, lambda: ssm)

    assert settings.clock_start is None
    assert settings.badge_secret == SECRET.encode()


def test_make_run_configures_a_rehearsal_stage():
    from devtools import run_local

    assert run_local.STAGE in STAGES
    assert STAGES[run_local.STAGE]["environment_variables"]["HADIR_STAGE"] == run_local.STAGE


def test_the_prod_stage_sets_no_aid():
    assert PROD["HADIR_STAGE"] == "prod"
    assert not set(PROD) & set(REHEARSAL_AIDS)


# --- CORS origins -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "origins"),
    [
        ("", set()),
        (" , ", set()),
        ("https://hadir.example.org", {"https://hadir.example.org"}),
        (
            " http://localhost:8000 ,http://127.0.0.1:8000,",
            {"http://localhost:8000", "http://127.0.0.1:8000"},
        ),
        (
            "https://a.example.org,https://b.example.org:8443",
            {
                "https://a.example.org",
                "https://b.example.org:8443",
            },
        ),
    ],
)
def test_cors_origins_are_parsed(raw, origins):
    assert parse_cors_origins(raw) == origins


@pytest.mark.parametrize(
    "bad",
    [
        "*",
        "https://hadir.example.org/",
        "https://hadir.example.org/pages",
        "hadir.example.org",
        "ftp://hadir.example.org",
        "https://*.example.org",
        "HTTPS://Hadir.example.org",
        "https://hadir.example.org:443",
        "http://localhost:80",
        "https://user@hadir.example.org",
        "https://hadir.example.org?x=1",
    ],
)
def test_bad_cors_origins_are_refused(bad):
    with pytest.raises(ConfigurationError, match="HADIR_CORS_ORIGINS"):
        parse_cors_origins(f"http://localhost:8000,{bad}")


def test_cors_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HADIR_CORS_ORIGINS", "https://hadir.example.org")
    assert cors_origins() == {"https://hadir.example.org"}
    monkeypatch.delenv("HADIR_CORS_ORIGINS")
    assert cors_origins() == set()


def test_settings_refuse_bad_cors_origins():
    env = {**AIDS, "HADIR_CORS_ORIGINS": "*"}
    with pytest.raises(ConfigurationError, match="HADIR_CORS_ORIGINS"):
        load_settings(env, no_ssm)


def test_the_stages_configure_valid_origins():
    assert parse_cors_origins(STAGES["dev"]["environment_variables"]["HADIR_CORS_ORIGINS"]) == {
        "http://localhost:8000",
        "http://127.0.0.1:8000",
    }
    assert parse_cors_origins(PROD["HADIR_CORS_ORIGINS"]) == set()


# --- secrets from SSM, once ---------------------------------------------------


@pytest.fixture
def prod_in_aws(dynamodb, monkeypatch):
    """moto holding what the prod stage reads: its table and its two SSM parameters."""
    for aid in (*REHEARSAL_AIDS, "HADIR_CORS_ORIGINS"):
        monkeypatch.delenv(aid, raising=False)
    create_table(dynamodb, PROD["HADIR_TABLE_NAME"])
    store = Store(dynamodb, PROD["HADIR_TABLE_NAME"])
    for event in seed_events():
        store.events.put(event, WORKSHOP_MORNING)
    ssm = boto3.client("ssm")
    for name, value in (
        (PROD["HADIR_BADGE_SECRET_PARAM"], BADGE_SECRET.decode()),
        (PROD["HADIR_ORGANISER_TOKEN_SHA256_PARAM"], hash_token(ORGANISER_TOKEN)),
    ):
        ssm.put_parameter(Name=name, Value=value, Type="SecureString")
    app_module.use_hadir(None)
    yield
    app_module.use_hadir(None)


@pytest.fixture
def ssm_reads(monkeypatch):
    """The names of the SSM parameters read through boto3's default session."""
    reads = Counter()
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # restored afterwards
    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register(
        "before-parameter-build.ssm.GetParameter",
        lambda params, **_: reads.update([params["Name"]]),
    )
    return reads


def test_prod_reads_each_secret_from_ssm_once(prod_in_aws, ssm_reads):
    organiser = {"Authorization": f"Bearer {ORGANISER_TOKEN}"}
    with Client(app_module.app, stage_name="prod") as client:
        assert client.http.get("/health").status_code == 200
        assert not ssm_reads, "the health check needs no secret"

        assert client.http.get(f"/events/{WORKSHOP_ID}").status_code == 200
        for _ in range(3):
            reply = client.http.get(f"/events/{WORKSHOP_ID}/attendance", headers=organiser)
            assert reply.status_code == 200, reply.body
        wrong = {"Authorization": "Bearer not-the-organiser-token"}
        reply = client.http.get(f"/events/{WORKSHOP_ID}/attendance", headers=wrong)
        assert reply.status_code == 401, reply.body

    assert ssm_reads == {
        PROD["HADIR_BADGE_SECRET_PARAM"]: 1,
        PROD["HADIR_ORGANISER_TOKEN_SHA256_PARAM"]: 1,
    }


# --- start-up in Lambda -------------------------------------------------------


def import_app(**env: str) -> subprocess.CompletedProcess:
    """`import app` in a fresh interpreter, with only these Hadir and Lambda variables."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HADIR_", "AWS_LAMBDA_"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import app; print(app._hadir is not None)"],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


MISCONFIGURED_PROD = {**PROD, "HADIR_CLOCK_START": AIDS["HADIR_CLOCK_START"]}


def test_a_misconfigured_prod_lambda_fails_its_init():
    result = import_app(AWS_LAMBDA_FUNCTION_NAME="hadir-prod", **MISCONFIGURED_PROD)

    assert result.returncode != 0
    assert "ConfigurationError: HADIR_CLOCK_START is for rehearsals only" in result.stderr


def test_outside_lambda_the_import_builds_nothing():
    result = import_app(**MISCONFIGURED_PROD)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_lambda_builds_its_services_at_import():
    rehearsal = {"HADIR_STAGE": "dev", **{k: AIDS[k] for k in AIDS if "CLOCK" not in k}}

    result = import_app(AWS_LAMBDA_FUNCTION_NAME="hadir-dev", **rehearsal)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


# --- a Lambda names its stage (issue 17, finding 9) -----------------------------


@pytest.mark.parametrize("stage", [None, ""], ids=["unset", "empty"])
def test_a_lambda_without_a_stage_refuses_to_start(stage):
    env = {"AWS_LAMBDA_FUNCTION_NAME": "hadir-prod", **AIDS}
    if stage is not None:
        env["HADIR_STAGE"] = stage
    with pytest.raises(ConfigurationError, match="HADIR_STAGE is not set") as refused:
        load_settings(env, no_ssm)
    assert SECRET not in str(refused.value)


def test_a_lambda_without_a_stage_fails_its_init():
    rehearsal = {k: AIDS[k] for k in AIDS if "CLOCK" not in k}

    result = import_app(AWS_LAMBDA_FUNCTION_NAME="hadir-prod", **rehearsal)

    assert result.returncode != 0
    assert "ConfigurationError: HADIR_STAGE is not set" in result.stderr


def test_outside_lambda_no_stage_is_the_local_stage():
    assert load_settings(AIDS, no_ssm).stage == "local"
