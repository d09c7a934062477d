"""Free text and email addresses as Hadir accepts them: one place for every rule. Pure.

Every text field of every body goes through `clean_text` (the shared text types
of core/models.py), every email through `clean_email` and `normalise_email`.

- Control characters (category Cc, and the line and paragraph separators) and
  invisible format characters (category Cf: zero-width spaces, direction marks,
  U+2060, U+FEFF) are refused: a name holding one cannot be found by searching
  what the screen shows, and some break CSV exports and PDF rendering. The
  zero-width non-joiner and joiner (U+200C, U+200D) are allowed: Persian, the
  Indic scripts and emoji sequences need them.
- A value that goes into a key is measured after the normalisation the key is
  made with: "\\u3300" is one character but five once decomposed, and DynamoDB
  refuses a sort key over 1,024 bytes.
- Emails are unique per event after `normalise_email` (API.md section 1).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

import idna

from chalicelib.core.search import normalise, sort_key, words

# The two format characters some scripts need (ZWNJ, ZWJ).
_JOINERS = frozenset("\u200c\u200d")
# Line and paragraph separators are not Cc, but break a line all the same.
_SEPARATORS = frozenset("\u2028\u2029")

# DynamoDB's limit on a sort key is 1,024 bytes; a key made from text also
# carries a separator and an attendee id (at most 64 characters).
MAX_KEY_TEXT_BYTES = 900

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def refused_character(value: str) -> str | None:
    """Why `value` holds a character no text field takes, or None."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" or char in _SEPARATORS:
            return "must not contain control characters"
        if category == "Cf" and char not in _JOINERS:
            return "must not contain invisible format characters"
    return None


def clean_text(value: str) -> str:
    """Trimmed and NFC-normalised; no control or invisible characters; not blank."""
    value = unicodedata.normalize("NFC", value).strip()
    problem = refused_character(value)
    if problem:
        raise ValueError(problem)
    if not value:
        raise ValueError("must not be blank")
    return value


def fits_key(value: str) -> bool:
    """Does every key made from `value` fit DynamoDB, once normalised?

    A name is the sort key of the attendee list (`search.sort_key`); each word
    of a name or organisation is the sort key of a search-index entry.
    """
    limit = MAX_KEY_TEXT_BYTES
    return len(sort_key(value).encode()) <= limit and all(
        len(word.encode()) <= limit for word in words(value)
    )


def key_text(value: str) -> str:
    """`clean_text`, and it must fit the keys made from it."""
    if not fits_key(value):
        raise ValueError("is too long once normalised")
    return value


def query_fits_key(value: str) -> bool:
    """A search query: each of its words is looked up as a key prefix."""
    return all(len(word.encode()) <= MAX_KEY_TEXT_BYTES for word in normalise(value).split())


# --- email ----------------------------------------------------------------------


def clean_email(value: str) -> str:
    """An email as given, trimmed and NFC-normalised, if it is one Hadir takes."""
    value = unicodedata.normalize("NFC", value).strip()
    # Control and invisible format characters (NUL, zero-width joiners, bidi
    # overrides) would let one person register twice under one visible address.
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise ValueError("must not contain control or invisible characters")
    if not _EMAIL.match(value):
        raise ValueError("is not a valid email address")
    local, _, domain = value.rpartition("@")
    if '"' in local or "\\" in local:
        # A quoted local part ("a.b"@x, a\.b@x) spells one mailbox many ways.
        raise ValueError("must not have a quoted local part")
    try:
        ascii_domain(domain)
    except idna.IDNAError:
        raise ValueError("is not a valid email address") from None
    return value


def ascii_domain(domain: str) -> str:
    """A domain in its IDNA ASCII form (`xn--...`), lower-case.

    IDNA 2008 with the UTS 46 mapping (the `idna` package), as browsers and
    mail software resolve names today; Python's built-in "idna" codec is IDNA
    2003, which maps "ß" to "ss" and so names another domain than the one the
    person typed.
    """
    return idna.encode(domain, uts46=True, transitional=False).decode("ascii").lower()


def normalise_email(email: str) -> str:
    """What makes two emails one: trim, NFC, lower-case, the domain in IDNA ASCII.

    Emails stored before this normalisation may not be valid today (a domain
    IDNA refuses); those keep the plain lower-case form of their domain.
    """
    value = unicodedata.normalize("NFC", email.strip()).lower()
    local, _, domain = value.rpartition("@")
    with contextlib.suppress(idna.IDNAError, UnicodeError):
        domain = ascii_domain(domain)
    return f"{local}@{domain}"


def old_normalise_email(email: str) -> str:
    """The normalisation email locks were made with before: trim and lower-case.

    Kept for `devtools/migrate_email_locks.py`, which rewrites those locks.
    """
    return email.strip().lower()
