"""Staff identity and the one place where roles are checked.

A staff request's bearer token is one of: the organiser token (compared in
constant time with its configured hash, no lookup), a desk or kiosk token
(looked up by its hash in the same DynamoDB request as the route's own first
read), or nothing we know. A `Gate` carries what the request presented and what
its route needs until that lookup is done; `Gate.admit` then says who is asking,
through `require`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from chalicelib.core.errors import forbidden, unauthorized
from chalicelib.core.records import StaffToken

ORGANISER = "organiser"
DESK = "desk"
# An unattended door device: check-in by badge code on one event, nothing else.
KIOSK = "kiosk"
# The roles a token minted for an event may have.
TOKEN_ROLES = (DESK, KIOSK)
# Nobody we know: no token, a malformed one, or one we do not hold (revoked).
NOBODY = "none"

# What each role may stand in for: an organiser for anyone, a desk for a kiosk.
_RANK = {KIOSK: 1, DESK: 2, ORGANISER: 3}


@dataclass(frozen=True)
class Staff:
    role: str
    event_id: str | None = None  # desk and kiosk tokens belong to one event
    token_id: str | None = None
    label: str | None = None


ORGANISER_STAFF = Staff(role=ORGANISER, label="Organiser")


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: there is nothing
    # to brute-force that a slow hash would protect.
    return hashlib.sha256(token.encode()).hexdigest()


# A desk token's public id (not the token): 16 hex digits.
DESK_TOKEN_ID_PATTERN = r"^[0-9a-f]{16}$"


def new_desk_token(role: str = DESK) -> str:
    """A new event token; its prefix names its role, for the people handling it."""
    return f"{role}_" + secrets.token_urlsafe(32)


def is_organiser_token(token: str, organiser_token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), organiser_token_hash)


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def staff_of_token(found: StaffToken | None) -> Staff:
    """Who holds an event token, as looked up by its hash; nobody if not found."""
    if found is None:
        return Staff(role=NOBODY)
    return Staff(
        role=found.role, event_id=found.event_id, token_id=found.token_id, label=found.label
    )


@dataclass(frozen=True)
class Gate:
    """A staff request's check, kept open until its token has been read.

    `role` is what the route needs (None: already checked, e.g. a caller in
    process); `known` is who is asking when that needs no lookup (the
    organiser, or nobody); otherwise `token_hash` is the event token to look
    up, with the route's own first read.
    """

    role: str | None
    event_id: str | None = None
    known: Staff | None = None
    token_hash: str | None = None

    @classmethod
    def of(
        cls, header: str | None, organiser_token_hash: str, role: str, event_id: str | None
    ) -> Gate:
        """The gate for a request's Authorization header, decided without the store if it can be."""
        token = bearer_token(header)
        if token is None:
            return cls(role, event_id, known=Staff(role=NOBODY))
        if is_organiser_token(token, organiser_token_hash):
            return cls(role, event_id, known=ORGANISER_STAFF)
        return cls(role, event_id, token_hash=hash_token(token))

    @classmethod
    def passed(cls, staff: Staff) -> Gate:
        """A gate already passed: `staff` was checked before (in-process callers)."""
        return cls(None, known=staff)

    def needing(self, role: str) -> Gate:
        """The same request checked for another role."""
        return Gate(role, self.event_id, self.known, self.token_hash)

    def admit(self, found: StaffToken | None = None) -> Staff:
        """Who is asking, given the token's item as read (None: none was found or needed).

        Raises 401 or 403 unless they may act as the route's role on its event.
        """
        staff = self.known if self.known is not None else staff_of_token(found)
        if self.role is None:
            return staff
        return require(staff, self.role, self.event_id)


def require(staff: Staff, role: str, event_id: str | None = None) -> Staff:
    """Refuse unless `staff` may act as `role` (on `event_id`, for desk and kiosk work).

    Organisers may do everything on every event. A desk token may do desk and
    kiosk work on its own event, a kiosk token kiosk work (check-in by badge
    code) on its own event. Nobody we know: 401; anyone else: 403.
    """
    if staff.role == NOBODY or staff.role not in _RANK:
        raise unauthorized()
    if staff.role == ORGANISER:
        return staff
    if role != ORGANISER and staff.event_id == event_id and _RANK[staff.role] >= _RANK[role]:
        return staff
    raise forbidden()
