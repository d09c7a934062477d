"""Configuration from the environment; secrets from the environment or SSM.

Secrets never live in code or git. Each secret is read from
`HADIR_<NAME>` if set (local runs, tests) or else from the SSM SecureString
parameter named by `HADIR_<NAME>_PARAM` (AWS, and the only way outside a
rehearsal stage).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Stages where rehearsal aids may be used.
REHEARSAL_STAGES = ("local", "dev")
# Rehearsal aids (a moved clock, another database, a secret in plain sight in the
# function's configuration), each with what a real stage does instead, if anything.
REHEARSAL_AIDS = {
    "HADIR_CLOCK_START": "",
    "HADIR_CLOCK_ANCHOR": "",
    "HADIR_DYNAMODB_ENDPOINT": "",
    "HADIR_DYNAMODB_ENGINE": "",
    "HADIR_BADGE_SECRET": " Name an SSM parameter in HADIR_BADGE_SECRET_PARAM instead.",
    "HADIR_ORGANISER_TOKEN_SHA256": (
        " Name an SSM parameter in HADIR_ORGANISER_TOKEN_SHA256_PARAM instead."
    ),
}

CORS_ORIGINS = "HADIR_CORS_ORIGINS"
# An origin as browsers send it: lower-case scheme and host, a port only if not the
# default. Anything looser (a path, a slash, `*`) could never match, or matches too much.
DEFAULT_PORTS = {"http": ":80", "https": ":443"}
_ORIGIN = re.compile(
    r"https?://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?"
)


class ConfigurationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    region: str
    dynamodb_endpoint: str | None
    badge_secret: bytes
    organiser_token_hash: str
    clock_start: datetime | None
    clock_anchor: datetime | None
    # Which engine answers at dynamodb_endpoint: "dynamodb-local" is settled after
    # each transaction (store/client.py); None is AWS's DynamoDB or moto.
    dynamodb_engine: str | None = None
    # Email (API.md section 14): in AWS the SQS queue and SES's verified sender;
    # locally the outbox directory (make run: <data dir>/outbox). None: no email.
    email_queue_url: str | None = None
    email_from: str | None = None
    email_configuration_set: str | None = None
    outbox_dir: str | None = None


def _secret(env: Mapping[str, str], name: str, ssm: Callable[[], Any]) -> str:
    value = env.get(f"HADIR_{name}")
    if value:
        return value
    parameter = env.get(f"HADIR_{name}_PARAM")
    if parameter:
        response = ssm().get_parameter(Name=parameter, WithDecryption=True)
        return response["Parameter"]["Value"]
    raise ConfigurationError(f"Set HADIR_{name} or HADIR_{name}_PARAM.")


def parse_instant(env: Mapping[str, str], name: str) -> datetime | None:
    if not env.get(name):
        return None
    try:
        instant = datetime.fromisoformat(env[name])
    except ValueError as error:
        raise ConfigurationError(f"{name} must be an ISO-8601 instant.") from error
    if instant.tzinfo is None:
        raise ConfigurationError(f"{name} needs a UTC offset.")
    return instant


@functools.lru_cache(maxsize=8)
def parse_cors_origins(raw: str) -> frozenset[str]:
    """The origins HADIR_CORS_ORIGINS lets in: comma-separated, exact; empty for none."""
    origins = [origin.strip() for origin in raw.split(",") if origin.strip()]
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ConfigurationError(
                f"{CORS_ORIGINS} must list exact origins like https://example.org or "
                f"http://localhost:8000 (lower case; no path, trailing slash or *), "
                f"not {origin!r}."
            )
        if origin.endswith(DEFAULT_PORTS[origin.split(":", 1)[0]]):
            raise ConfigurationError(
                f"{CORS_ORIGINS}: browsers send {origin!r} without its default port; "
                "leave the port out."
            )
    return frozenset(origins)


def cors_origins() -> frozenset[str]:
    """The allowed origins, from the environment alone: CORS needs no secret or client."""
    return parse_cors_origins(os.environ.get(CORS_ORIGINS, ""))


def load_settings(env: Mapping[str, str], ssm: Callable[[], Any]) -> Settings:
    stage = env.get("HADIR_STAGE", "")
    if not stage:
        if env.get("AWS_LAMBDA_FUNCTION_NAME"):
            # A deployed function that forgot its stage must not fall back to the
            # rehearsal stage, where rehearsal aids (a moved clock, plain secrets) pass.
            raise ConfigurationError(
                "HADIR_STAGE is not set: a Lambda must name its stage; it never runs as 'local'."
            )
        stage = "local"
    if stage not in REHEARSAL_STAGES:
        for name, instead in REHEARSAL_AIDS.items():
            if env.get(name):
                # Never the value: it may be a secret.
                raise ConfigurationError(
                    f"{name} is for rehearsals only; stage {stage!r} refuses it.{instead}"
                )
    # Checked here too, so that a bad list fails start-up rather than each request.
    parse_cors_origins(env.get(CORS_ORIGINS, ""))
    clock_start = parse_instant(env, "HADIR_CLOCK_START")
    organiser_hash = _secret(env, "ORGANISER_TOKEN_SHA256", ssm).strip().lower()
    if len(organiser_hash) != 64:
        raise ConfigurationError("The organiser token hash must be 64 hex characters (SHA-256).")
    badge_secret = _secret(env, "BADGE_SECRET", ssm).encode()
    if len(badge_secret) < 32:
        raise ConfigurationError("The badge secret must be at least 32 characters.")
    return Settings(
        stage=stage,
        table_name=env.get("HADIR_TABLE_NAME", "hadir"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-3",
        dynamodb_endpoint=env.get("HADIR_DYNAMODB_ENDPOINT") or None,
        badge_secret=badge_secret,
        organiser_token_hash=organiser_hash,
        clock_start=clock_start,
        # The real instant at which the rehearsal clock read HADIR_CLOCK_START.
        clock_anchor=parse_instant(env, "HADIR_CLOCK_ANCHOR"),
        dynamodb_engine=env.get("HADIR_DYNAMODB_ENGINE") or None,
        email_queue_url=env.get("HADIR_EMAIL_QUEUE_URL") or None,
        email_from=env.get("HADIR_EMAIL_FROM") or None,
        email_configuration_set=env.get("HADIR_EMAIL_CONFIGURATION_SET") or None,
        outbox_dir=env.get("HADIR_OUTBOX_DIR") or None,
    )


def settings_from_environment() -> Settings:
    def ssm() -> Any:
        import boto3

        return boto3.client("ssm")

    return load_settings(os.environ, ssm)
