"""Query strings of the staff routes, and the small bodies of the money and paper routes.

Parsed by `models.parse_query` / `models.parse_body` like every other input: a
value that does not fit is a 422 naming its field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from chalicelib.core.models import ALLOWANCE_CODE_PATTERN
from chalicelib.core.text import query_fits_key


class AttendeeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    q: Annotated[str, Field(max_length=200)] | None = None
    limit: int = Field(default=20, ge=1, le=100)
    next: Annotated[str, Field(max_length=2000)] | None = None

    @field_validator("q")
    @classmethod
    def _q_fits_the_index(cls, q: str | None) -> str | None:
        if q is not None and not query_fits_key(q):
            raise ValueError("is too long once normalised")
        return q


class ScanQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=False, defer_build=True)

    day: date | None = Field(default=None, alias="date")
    result: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")] | None = None
    late: bool | None = None
    desk_token_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    limit: int = Field(default=50, ge=1, le=200)
    next: Annotated[str, Field(max_length=2000)] | None = None


class BadgeSheetQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    layout: Literal["a6", "a4-8"] = "a4-8"
    # Issue 16: a preview records nothing; only a sheet sent to the printer is a print.
    mark_printed: bool = False
    unprinted: bool = False


class SignInSheetQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    day: date = Field(alias="date")


# --- money and paper (API.md section 12) -------------------------------------------

MAX_SIGNATURES = 1000
# The optional columns of the sign-in sheet, in the order they print.
SHEET_COLUMNS = ("gender", "job_title", "phone")


class PaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    attendee_id: Annotated[str, Field(min_length=1, max_length=64)]
    date: date


class PaperSignatures(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    date: date
    attendee_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=MAX_SIGNATURES
    )


class AllowanceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    allowance: str = Field(pattern=ALLOWANCE_CODE_PATTERN)


class AllowanceSheetQuery(AllowanceQuery):
    day: date = Field(alias="date")


class DayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    day: date = Field(alias="date")


class SheetRowsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    day: date = Field(alias="date")
    as_of: AwareDatetime | None = None


def _sheet_columns(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    wanted = [name.strip() for name in value.split(",") if name.strip()]
    if any(name not in SHEET_COLUMNS for name in wanted):
        raise ValueError("may name only gender, job_title and phone")
    # In the sheet's own order, each once.
    return tuple(name for name in SHEET_COLUMNS if name in wanted)


class SignInSheetColumnsQuery(BaseModel):
    """The sign-in sheet's query: its day, any optional columns and its moment."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    day: date = Field(alias="date")
    columns: Annotated[str, Field(max_length=100)] | None = None
    as_of: AwareDatetime | None = None

    @property
    def extra_columns(self) -> tuple[str, ...]:
        return _sheet_columns(self.columns)

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: str | None) -> str | None:
        _sheet_columns(value)
        return value


# --- the roster (API.md section 13) --------------------------------------------------

ROSTER_PAGE = 500


class RosterQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    since: AwareDatetime | None = None
    limit: int = Field(default=ROSTER_PAGE, ge=1, le=ROSTER_PAGE)
    next: Annotated[str, Field(max_length=2000)] | None = None
