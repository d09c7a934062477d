"""Seeded events: data files beside this module, not code."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.core.models import Event

SEED_DIR = Path(__file__).parent
WORKSHOP_ID = "socmed-conservation-2016"


def seed_events() -> list[Event]:
    return [
        Event.model_validate(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(SEED_DIR.glob("*.json"))
    ]
