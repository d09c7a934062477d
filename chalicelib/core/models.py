"""Request bodies and the event document, as pydantic v2 models.

Every body a client sends is parsed by one of these through `parse_body`, which
turns pydantic's errors into the contract's 422 without ever echoing the input.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from chalicelib.core.errors import Code, Refusal, validation_error
from chalicelib.core.mail import EventEmail
from chalicelib.core.text import clean_email as _clean_email
from chalicelib.core.text import clean_text as _clean_text
from chalicelib.core.text import key_text, normalise_email

M = TypeVar("M", bound=BaseModel)

GENDERS = ("female", "male", "prefer_not_to_say")
ORGANISATION_TYPES = (
    "ngo",
    "community",
    "government",
    "academia",
    "media",
    "private_sector",
    "donor",
    "other",
)
# How a check-in was made: `scan` (a badge), `search` (found by name), `paper`
# (entered from the signed paper list).
CHECKIN_SOURCES = ("scan", "search", "paper")

_PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,32}$")
EVENT_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
SCAN_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


def is_event_id(value: str) -> bool:
    """Could this be an event's id? Others are never looked up (nor sent to DynamoDB,
    which refuses keys over 2 KB)."""
    return re.fullmatch(EVENT_ID_PATTERN, value) is not None


def _clean_phone(value: str) -> str:
    value = value.strip()
    if not _PHONE.match(value):
        raise ValueError("may hold only digits, spaces, +, -, ., / and brackets")
    return value


def _must_be_true(value: bool) -> bool:
    if value is not True:
        raise ValueError("must be true")
    return value


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


# Free text, trimmed and NFC-normalised, without control or invisible format
# characters (core/text.py), at most this many characters: names,
# organisations, titles, desk labels, reasons, the event's texts.
Text40 = Annotated[str, Field(max_length=40), AfterValidator(_clean_text)]
Text64 = Annotated[str, Field(max_length=64), AfterValidator(_clean_text)]
Text200 = Annotated[str, Field(max_length=200), AfterValidator(_clean_text)]
Text300 = Annotated[str, Field(max_length=300), AfterValidator(_clean_text)]
Text500 = Annotated[str, Field(max_length=500), AfterValidator(_clean_text)]
# Text that keys are made from (a name, an organisation): it must fit them once
# normalised, or it is a 422 rather than a store error.
KeyText200 = Annotated[Text200, AfterValidator(key_text)]


# A local wall-clock time of the event day, "HH:MM" in and out.
ClockTime = Annotated[
    time,
    PlainSerializer(_hhmm, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError("is not a known IANA time zone") from error
    return value


class Venue(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    name: Text200
    address: Text500 | None = None
    phone: Annotated[str, Field(max_length=32), AfterValidator(_clean_phone)] | None = None


class EventDay(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    number: int = Field(ge=1, le=366)
    date: date
    opens: ClockTime
    closes: ClockTime
    checkin_opens: ClockTime
    checkin_closes: ClockTime

    @model_validator(mode="after")
    def _windows_run_forward(self) -> EventDay:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        if self.checkin_opens >= self.checkin_closes:
            raise ValueError("checkin_opens must be before checkin_closes")
        return self


# --- certificates and logos (API.md section 11) ---------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 200 * 1024
MAX_LOGOS = 4
# base64 of MAX_LOGO_BYTES, so a longer text is refused before it is decoded.
_MAX_LOGO_BASE64 = 4 * ((MAX_LOGO_BYTES + 2) // 3)


class Signatory(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: Text200 = Field(min_length=1)
    title: Text200 = ""


class CertificateRule(BaseModel):
    """Who earns a certificate: everyone who attended every day, or at least `min_days`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    rule: Literal["all_days", "min_days"]
    min_days: int | None = Field(default=None, ge=1, le=366)
    signatories: list[Signatory] = Field(default_factory=list, max_length=3)

    @model_validator(mode="after")
    def _min_days_with_its_rule(self) -> CertificateRule:
        if (self.rule == "min_days") != (self.min_days is not None):
            raise ValueError("min_days is given with the rule min_days, and only with it")
        return self


def png_bytes(text: str) -> bytes:
    """The PNG a logo's base64 holds; ValueError if it is not base64 of a PNG."""
    import base64
    import binascii

    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64") from None
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("is not a PNG image")
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError("is larger than 200 KB")
    return data


def _check_png(text: str) -> str:
    png_bytes(text)
    return text


class Logo(BaseModel):
    """A logo printed on certificates (donor marking), in the event's order."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: Text200 = Field(min_length=1)
    png_base64: Annotated[str, Field(max_length=_MAX_LOGO_BASE64), AfterValidator(_check_png)]


LANGUAGES = ("id", "en")
CONSENT_VERSION_PATTERN = r"^[A-Za-z0-9._-]{1,40}$"


class EventConsent(BaseModel):
    """The consent text registrants agree to, per language, and its version."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    version: str = Field(pattern=CONSENT_VERSION_PATTERN)
    text: dict[Literal[LANGUAGES], Annotated[str, Field(min_length=1, max_length=4000)]] = Field(  # type: ignore[valid-type]
        description="The text by language (`id`, `en`)."
    )


# --- allowances (API.md section 12) ---------------------------------------------

ALLOWANCE_CODE_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,30}[a-z0-9])?$"
MAX_ALLOWANCES = 10


class Allowance(BaseModel):
    """Money paid per person per day attended (uang transport, per diem)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    code: str = Field(pattern=ALLOWANCE_CODE_PATTERN, description="A short slug: `transport`.")
    label: Text200
    amount: int = Field(ge=1, le=100_000_000, description="Whole Rupiah, per person per day.")
    currency: Literal["IDR"] = "IDR"


def _unique_allowance_codes(allowances: list[Allowance]) -> list[Allowance]:
    codes = [allowance.code for allowance in allowances]
    if len(set(codes)) != len(codes):
        raise ValueError("allowance codes must be unique")
    return allowances


Allowances = Annotated[
    list[Allowance], Field(max_length=MAX_ALLOWANCES), AfterValidator(_unique_allowance_codes)
]


class Event(BaseModel):
    """The event document: what GET returns and PUT takes."""

    # Clients PUT back what they GET; tolerating unknown keys keeps that working
    # when the document grows.
    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: str = Field(pattern=EVENT_ID_PATTERN)
    title: Text300
    organisers: list[Text200] = Field(default_factory=list, max_length=20)
    venue: Venue
    timezone: Annotated[str, AfterValidator(_check_timezone)]
    days: list[EventDay] = Field(min_length=1, max_length=60)
    registration_open: bool = True
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    # No certificate: no certificates. Logos live in their own items (store/logos.py).
    certificate: CertificateRule | None = None
    logos: list[Logo] = Field(default_factory=list, max_length=MAX_LOGOS)

    @model_validator(mode="after")
    def _min_days_within_the_event(self) -> Event:
        rule = self.certificate
        if rule is not None and rule.min_days is not None and rule.min_days > len(self.days):
            raise ValueError("certificate.min_days is more than the event's days")
        return self

    # Personal data (UU PDP 27/2022): the consent text people agree to, and how
    # long after the last day their data is kept.
    consent: EventConsent | None = None
    retention_days: int = Field(
        default=365,
        ge=0,
        le=3650,
        description="Days after the event's last day that attendees' personal data is kept.",
    )
    allowances: Allowances = Field(default_factory=list)
    # Email (API.md section 14): on_registration sends every new registration its badge.
    email: EventEmail = Field(default_factory=EventEmail)

    @field_validator("days")
    @classmethod
    def _days_in_order(cls, days: list[EventDay]) -> list[EventDay]:
        for index, day in enumerate(days):
            if day.number != index + 1:
                raise ValueError("days must be numbered 1, 2, 3... in order")
            if index and day.date <= days[index - 1].date:
                raise ValueError("day dates must be distinct and ascending")
        return days

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def day_on(self, on: date) -> EventDay | None:
        return next((day for day in self.days if day.date == on), None)

    @property
    def dates(self) -> list[date]:
        return [day.date for day in self.days]

    def allowance(self, code: str) -> Allowance | None:
        return next((a for a in self.allowances if a.code == code), None)


Email = Annotated[str, Field(max_length=254), AfterValidator(_clean_email)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(_clean_phone)]


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: KeyText200
    email: Email
    organisation: KeyText200
    phone: Annotated[str, Field(max_length=32), AfterValidator(_clean_phone)] | None = None
    job_title: Text200 | None = None
    gender: Literal[GENDERS] | None = None  # type: ignore[valid-type]
    organisation_type: Literal[ORGANISATION_TYPES] | None = None  # type: ignore[valid-type]
    days: list[date] | None = Field(default=None, max_length=60)
    display_name: Text40 | None = Field(
        default=None,
        description="What the kiosk and the badge greet them by. By default the first word "
        "of `name` that is not a title, honorific or initial.",
    )
    consent: Annotated[bool, AfterValidator(_must_be_true)] = Field(
        description="Must be true: the attendee agrees to the use of their personal data."
    )
    # The consent record (API.md section 1): which text, in which language.
    language: Literal[LANGUAGES] = "id"  # type: ignore[valid-type]
    consent_version: Annotated[str, Field(pattern=CONSENT_VERSION_PATTERN)] | None = Field(
        default=None,
        description="The version of the event's consent text agreed to; default its current one.",
    )

    @property
    def normalised_email(self) -> str | None:
        """None only at the desk, where the email may be left out."""
        return normalise_email(self.email) if self.email is not None else None


class CheckinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    code: Annotated[str, Field(min_length=1, max_length=512)] | None = None
    attendee_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    scan_id: str = Field(pattern=SCAN_ID_PATTERN)
    desk: Text64 | None = None
    scanned_at: AwareDatetime | None = None
    source: Literal[CHECKIN_SOURCES] = Field(  # type: ignore[valid-type]
        default="scan",
        description="How the attendee was found: `scan` (a badge scanned, the default), "
        "`search` (found by name) or `paper` (entered from the signed paper list, with the "
        "sheet's time as `scanned_at`).",
    )

    @model_validator(mode="after")
    def _one_way_to_name_the_attendee(self) -> CheckinRequest:
        if (self.code is None) == (self.attendee_id is None):
            raise ValueError("send exactly one of code or attendee_id")
        return self


class WalkIn(Registration):
    """A registration made at the desk, optionally checked in at the same instant."""

    # Optional at the desk: many village and community participants have no
    # address, or share an office's. Without one there is no duplicate check.
    email: Email | None = None  # type: ignore[assignment]
    check_in: bool = False
    scan_id: str | None = Field(default=None, pattern=SCAN_ID_PATTERN)
    desk: Text64 | None = None

    @model_validator(mode="after")
    def _check_in_needs_a_scan_id(self) -> WalkIn:
        if self.check_in and self.scan_id is None:
            raise ValueError("scan_id is required with check_in")
        return self


class AttendeeCorrection(BaseModel):
    """A desk's or organiser's correction of a registration: only the fields sent change.

    `name`, `organisation` and `days` may not be null; the others may be
    cleared with null (a cleared `display_name` greets by the name again).
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: KeyText200 | None = None
    display_name: Text40 | None = None
    organisation: KeyText200 | None = None
    job_title: Text200 | None = None
    email: Email | None = None
    phone: Phone | None = None
    gender: Literal[GENDERS] | None = None  # type: ignore[valid-type]
    organisation_type: Literal[ORGANISATION_TYPES] | None = None  # type: ignore[valid-type]
    days: list[date] | None = Field(default=None, max_length=60)

    @model_validator(mode="after")
    def _required_fields_stay(self) -> AttendeeCorrection:
        for name in ("name", "organisation", "days"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        if not self.model_fields_set:
            raise ValueError("send at least one field to correct")
        return self


class OwnCorrection(BaseModel):
    """What attendees may correct on their own registration (API.md section 10)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: KeyText200 | None = None
    display_name: Text40 | None = None
    organisation: KeyText200 | None = None
    job_title: Text200 | None = None
    phone: Annotated[str, Field(max_length=32), AfterValidator(_clean_phone)] | None = None
    language: Literal[LANGUAGES] | None = None  # type: ignore[valid-type]


class ReissueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    reason: Text200


class DeskTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    label: Text64
    role: Literal["desk", "kiosk"] = "desk"


# --- parsing ----------------------------------------------------------------

_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "string_too_long": "is too long",
    "string_too_short": "is too short",
    "too_long": "has too many items",
    "too_short": "has too few items",
    "string_pattern_mismatch": "has an invalid format",
    "literal_error": "is not one of the allowed values",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "datetime_parsing": "must be an ISO-8601 time with an offset",
    "datetime_type": "must be an ISO-8601 time with an offset",
    "datetime_from_date_parsing": "must be an ISO-8601 time with an offset",
    "timezone_aware": "must include a UTC offset",
    "time_parsing": "must be a time (HH:MM)",
    "time_type": "must be a time (HH:MM)",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
}


def _field_message(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        # Our own validators' messages: fixed text, never the input.
        return str(error["ctx"]["error"])
    return _FRIENDLY.get(error["type"], "is invalid")


def _field_name(loc: tuple) -> str:
    # Models' own validators report at the root (empty loc) or at "days" etc.
    parts = [str(part) for part in loc if not str(part).startswith("function-")]
    return ".".join(parts) or "body"


def validation_fields(error: ValidationError) -> list[dict[str, str]]:
    fields = []
    for item in error.errors(include_input=False, include_url=False):
        fields.append({"field": _field_name(item["loc"]), "message": _field_message(item)})
    return fields


IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def parse_idempotency_key(value: str | None) -> str | None:
    """An Idempotency-Key header: absent, or 8-64 of A-Za-z0-9_- (like a scan_id)."""
    if value is None:
        return None
    if not re.fullmatch(SCAN_ID_PATTERN, value):
        raise validation_error(
            [{"field": IDEMPOTENCY_KEY_HEADER, "message": "must be 8-64 of A-Za-z0-9_-"}]
        )
    return value


def parse_query(model: type[M], params: dict[str, str] | None) -> M:
    """Query parameters into `model`; numbers arrive as text, so not strict.

    A blank parameter (`?date=`, as a form sends "any") means no filter.
    """
    given = {name: value for name, value in (params or {}).items() if value and value.strip()}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        raise validation_error(validation_fields(error)) from None


def parse_body(model: type[M], raw: bytes | str | None) -> M:
    """Parse a JSON request body into `model`, strictly: JSON types as they are.

    Strict, because lax parsing would take `"consent": 1` for consent and a
    number in `days` for a date. pydantic's own JSON parser also bounds
    nesting depth, so a hostile document is a 400, never a crash.
    """
    if not raw:
        raise Refusal(Code.INVALID_JSON, "The request body must be a JSON document.")
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        problems = error.errors(include_input=False, include_url=False)
        if any(problem["type"] == "json_invalid" for problem in problems):
            raise Refusal(Code.INVALID_JSON, "The request body is not valid JSON.") from None
        if any(problem["type"] == "model_type" and not problem["loc"] for problem in problems):
            raise validation_error(
                [{"field": "body", "message": "must be a JSON object"}]
            ) from None
        raise validation_error(validation_fields(error)) from None


# --- bulk cancel (issue 17, finding 10) -------------------------------------------

MAX_BULK_CANCEL = 100
REGISTRATION_SOURCES = ("online", "walk_in", "import")


class BulkCancel(BaseModel):
    """Cancel many registrations: named by id, or all registered in the last N minutes."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    attendee_ids: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=64)]],
            Field(min_length=1, max_length=MAX_BULK_CANCEL),
        ]
        | None
    ) = Field(
        default=None,
        description=f"Up to {MAX_BULK_CANCEL} attendee ids; a repeated id is cancelled once.",
    )
    registered_within_minutes: int | None = Field(
        default=None,
        ge=1,
        le=7 * 24 * 60,
        description="Every active registration made in the last N minutes (at most a week), "
        f"{MAX_BULK_CANCEL} a call: send it again while the answer says `more`.",
    )
    source: Literal[REGISTRATION_SOURCES] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="With `registered_within_minutes`: only those registered this way "
        "(`online` is the public form); default `online`.",
    )

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> BulkCancel:
        if (self.attendee_ids is None) == (self.registered_within_minutes is None):
            raise ValueError("send exactly one of attendee_ids or registered_within_minutes")
        if self.source is not None and self.registered_within_minutes is None:
            raise ValueError("source goes with registered_within_minutes")
        return self
