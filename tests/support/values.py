"""Fixed values the tests share: tokens, the table, the workshop's days, a registration."""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib.seed import WORKSHOP_ID

__all__ = [
    "BADGE_SECRET",
    "BASE32",
    "DAY1",
    "DAY2",
    "ORGANISER_TOKEN",
    "OTHER_ID",
    "TABLE",
    "WORKSHOP_ID",
    "WORKSHOP_MORNING",
    "jakarta",
    "new_scan_id",
    "registration_body",
]

ORGANISER_TOKEN = "organiser-token-for-tests-only"
BADGE_SECRET = b"badge-secret-for-tests-only-0123456789"
TABLE = "hadir-test"
# The first morning of the workshop, 09:00 in Jakarta.
WORKSHOP_MORNING = datetime.fromisoformat("2016-11-29T09:00:00+07:00")

OTHER_ID = "other-event-2016"
DAY1 = "2016-11-29"
DAY2 = "2016-11-30"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def jakarta(local: str) -> datetime:
    """A wall-clock time in Jakarta, e.g. jakarta("2016-11-29T08:00")."""
    return datetime.fromisoformat(f"{local}+07:00")


def new_scan_id() -> str:
    return "scan-" + uuid.uuid4().hex[:16]


def registration_body(**overrides):
    body = {
        "name": "Siti Rahmawati",
        "email": "siti@example.org",
        "organisation": "Wahana Lingkungan Hidup",
        "gender": "female",
        "organisation_type": "ngo",
        "consent": True,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}
