"""Badge codes: what the QR holds. Pure functions over bytes and strings.

A code is base32 of 25 bytes, 40 characters:

    version (1) | attendee id (10) | badge serial (2) | HMAC-SHA256 tag (12)

Upper-case base32 fits QR's alphanumeric mode, so the QR stays at version 3
at error-correction level M. The tag makes codes unforgeable: any changed
character fails verification. The serial is what makes an old code useless:
reissuing a badge bumps the attendee's serial, and a code whose serial is not
the current one is revoked. Twenty-five bytes are exactly forty base32
characters, so there are no padding bits that could be altered unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

CODE_LENGTH = 40
_VERSION = 1
_TAG_BYTES = 12
_ATTENDEE_ID_BYTES = 10
_CODE_SHAPE = re.compile(r"^[A-Z2-7]{40}$")
ATTENDEE_ID_PATTERN = r"^[a-z2-7]{16}$"
_ATTENDEE_ID_SHAPE = re.compile(ATTENDEE_ID_PATTERN)
MAX_SERIAL = 0xFFFF


@dataclass(frozen=True)
class BadgeRef:
    attendee_id: str
    serial: int


def new_attendee_id() -> str:
    """80 random bits as 16 lower-case base32 characters."""
    return base64.b32encode(secrets.token_bytes(_ATTENDEE_ID_BYTES)).decode().lower()


def attendee_id_for_key(secret: bytes, event_id: str, idempotency_key: str) -> str:
    """The attendee id a registration sent with this Idempotency-Key gets, every time.

    Keyed with the badge secret, so the id reveals nothing of the key and
    nobody can aim a key at somebody else's id.
    """
    message = f"attendee\0{event_id}\0{idempotency_key}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:_ATTENDEE_ID_BYTES]
    return base64.b32encode(digest).decode().lower()


def is_attendee_id(value: str) -> bool:
    return bool(_ATTENDEE_ID_SHAPE.match(value))


def _tag(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"hadir-badge|" + payload, hashlib.sha256).digest()[:_TAG_BYTES]


def issue_code(secret: bytes, attendee_id: str, serial: int) -> str:
    if not is_attendee_id(attendee_id):
        raise ValueError("not an attendee id")
    if not 0 <= serial <= MAX_SERIAL:
        raise ValueError("serial out of range")
    payload = bytes([_VERSION]) + base64.b32decode(attendee_id.upper()) + serial.to_bytes(2, "big")
    return base64.b32encode(payload + _tag(secret, payload)).decode()


def normalise_code(code: str) -> str:
    """A code as issued: typed codes are read case-insensitively, spaces around ignored.

    Only ASCII letters are folded: no other character's upper case ("ß" is "SS")
    makes a second spelling of a code.
    """
    code = code.strip()
    return code.upper() if code.isascii() else code


def verify_code(secret: bytes, code: str) -> BadgeRef | None:
    """The attendee and serial a code names, or None if Hadir did not sign it.

    Read case-insensitively: a code typed in lower case names the same badge.
    """
    code = normalise_code(code)
    if not _CODE_SHAPE.match(code):
        return None
    try:
        raw = base64.b32decode(code)
    except binascii.Error:
        return None
    payload, tag = raw[:-_TAG_BYTES], raw[-_TAG_BYTES:]
    if payload[0] != _VERSION or not hmac.compare_digest(tag, _tag(secret, payload)):
        return None
    attendee_id = base64.b32encode(payload[1 : 1 + _ATTENDEE_ID_BYTES]).decode().lower()
    serial = int.from_bytes(payload[1 + _ATTENDEE_ID_BYTES :], "big")
    return BadgeRef(attendee_id=attendee_id, serial=serial)
