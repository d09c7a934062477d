"""Configuration from the environment; secrets from the environment or SSM.

Secrets never live in code or git. Each secret is read from
`HADIR_<NAME>` if set (local runs, tests) or else from the SSM SecureString
parameter named by `HADIR_<NAME>_PARAM` (AWS).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Stages where the clock may be moved for rehearsals.
REHEARSAL_STAGES = ("local", "dev")


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


def load_settings(env: Mapping[str, str], ssm: Callable[[], Any]) -> Settings:
    stage = env.get("HADIR_STAGE", "local")
    clock_start = parse_instant(env, "HADIR_CLOCK_START")
    if clock_start is not None and stage not in REHEARSAL_STAGES:
        raise ConfigurationError(
            f"HADIR_CLOCK_START is for rehearsals only; stage {stage!r} refuses it."
        )
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
    )


def settings_from_environment() -> Settings:
    def ssm() -> Any:
        import boto3

        return boto3.client("ssm")

    return load_settings(os.environ, ssm)
