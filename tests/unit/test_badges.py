"""Badge codes: signing and verifying, pure and without moto."""

from __future__ import annotations

import base64

import pytest

from chalicelib.core.badges import (
    CODE_LENGTH,
    MAX_SERIAL,
    BadgeRef,
    is_attendee_id,
    issue_code,
    new_attendee_id,
    normalise_code,
    verify_code,
)

SECRET = b"a-secret-of-at-least-thirty-two-bytes!!"
ATTENDEE = "abcdefghijklmnop"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def test_a_code_names_its_attendee_and_serial():
    code = issue_code(SECRET, ATTENDEE, 7)
    assert len(code) == CODE_LENGTH
    assert verify_code(SECRET, code) == BadgeRef(ATTENDEE, 7)


def test_codes_use_only_qr_alphanumeric_characters():
    qr_alphanumeric = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    for serial in (0, 1, MAX_SERIAL):
        assert set(issue_code(SECRET, new_attendee_id(), serial)) <= qr_alphanumeric


def test_every_single_character_change_is_refused():
    code = issue_code(SECRET, ATTENDEE, 1)
    for position, original in enumerate(code):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            altered = code[:position] + replacement + code[position + 1 :]
            assert verify_code(SECRET, altered) is None, (position, replacement)


def test_a_code_signed_with_another_secret_is_refused():
    code = issue_code(b"another-secret-of-thirty-two-bytes-long", ATTENDEE, 0)
    assert verify_code(SECRET, code) is None


def test_a_forged_payload_without_the_secret_is_refused():
    # Same layout, attendee and serial changed, tag kept: the tag covers both.
    raw = bytearray(base64.b32decode(issue_code(SECRET, ATTENDEE, 0)))
    raw[12] ^= 1
    assert verify_code(SECRET, base64.b32encode(bytes(raw)).decode()) is None


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "A" * 39,
        "A" * 41,
        "a" * 40,  # not signed, in any case
        "1" * 40,  # not base32
        "../../etc/passwd",
        "€" * 40,
        "\x00" * 40,
        "A" * 100_000,
    ],
)
def test_garbage_is_not_a_code(garbage):
    assert verify_code(SECRET, garbage) is None


def test_a_code_is_read_case_insensitively():
    code = issue_code(SECRET, ATTENDEE, 3)
    assert code == code.upper()
    assert verify_code(SECRET, code.lower()) == BadgeRef(ATTENDEE, 3)
    assert verify_code(SECRET, f" {code[:7].lower()}{code[7:]}\t") == BadgeRef(ATTENDEE, 3)
    assert normalise_code(f" {code.lower()}\r\n") == code


def test_only_ascii_letters_are_folded():
    # "ß".upper() is "SS": a code with "SS" in it, spelt with "ß", is not that code.
    code = next(
        code for serial in range(1000) if "SS" in (code := issue_code(SECRET, ATTENDEE, serial))
    )
    assert verify_code(SECRET, code) is not None
    assert verify_code(SECRET, code.replace("SS", "ß", 1)) is None
    assert verify_code(SECRET, code.lower().replace("ss", "ß", 1)) is None
    assert normalise_code(" straße ") == "straße"


def test_surrounding_whitespace_from_a_scanner_is_ignored():
    code = issue_code(SECRET, ATTENDEE, 3)
    assert verify_code(SECRET, f"{code}\r\n") == BadgeRef(ATTENDEE, 3)


def test_attendee_ids_are_random_and_well_formed():
    ids = {new_attendee_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_attendee_id(value) for value in ids)
    assert not is_attendee_id("ABCDEFGHIJKLMNOP")
    assert not is_attendee_id("abc")


def test_serials_outside_two_bytes_are_refused():
    with pytest.raises(ValueError):
        issue_code(SECRET, ATTENDEE, MAX_SERIAL + 1)
    with pytest.raises(ValueError):
        issue_code(SECRET, "not-an-id", 0)
