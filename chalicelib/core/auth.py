"""Staff identity and the one place where roles are checked."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from chalicelib.core.errors import forbidden, temporarily_unavailable, unauthorized

ORGANISER = "organiser"
DESK = "desk"
# What the authorizer tells the app about a token it does not know. The
# authorizer lets such requests through so that the app can answer 401 in the
# contract's envelope; every staff route then refuses them here.
NOBODY = "none"
# The authorizer could not look the token up (DynamoDB busy): the route says 503.
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Staff:
    role: str
    event_id: str | None = None  # desk tokens belong to one event
    token_id: str | None = None
    label: str | None = None

    def context(self) -> dict[str, str]:
        """As an API Gateway authorizer context: flat strings only."""
        return {
            "role": self.role,
            "event_id": self.event_id or "",
            "token_id": self.token_id or "",
            "label": self.label or "",
        }

    @classmethod
    def from_context(cls, context: dict | None) -> Staff:
        context = context or {}
        return cls(
            role=context.get("role") or NOBODY,
            event_id=context.get("event_id") or None,
            token_id=context.get("token_id") or None,
            label=context.get("label") or None,
        )


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: there is nothing
    # to brute-force that a slow hash would protect.
    return hashlib.sha256(token.encode()).hexdigest()


# A desk token's public id (not the token): 16 hex digits.
DESK_TOKEN_ID_PATTERN = r"^[0-9a-f]{16}$"


def new_desk_token() -> str:
    return "desk_" + secrets.token_urlsafe(32)


def is_organiser_token(token: str, organiser_token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), organiser_token_hash)


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def require(staff: Staff, role: str, event_id: str | None = None) -> Staff:
    """Refuse unless `staff` may act as `role` (on `event_id`, for desk work).

    Organisers may do everything on every event; desk tokens may do desk work on
    their own event only.
    """
    if staff.role == UNAVAILABLE:
        raise temporarily_unavailable()
    if staff.role == NOBODY:
        raise unauthorized()
    if staff.role == ORGANISER:
        return staff
    if role == DESK and staff.role == DESK and staff.event_id == event_id:
        return staff
    raise forbidden()
