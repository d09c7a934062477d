"""A participant list's rows as registrations: columns, values, days, duplicates. Pure.

API.md section 14. Columns are found by their header, in Bahasa Indonesia or
English: a header matches a name when it is that name or holds it as whole
words, and the longest name matched wins (`Nama Lengkap` is the name, `Nama
Lembaga` the organisation, `Nama Panggilan` the display name). A column no name
matches (a Google Forms `Timestamp`) is left out.

Each row is checked by the desk's registration model (`WalkIn`: the same text
rules, key sizes and lengths as any registration; the email may be left out),
after its values are read as people type them: gender `L`/`P`, organisation
types in Indonesian, days as "29 & 30 November", "-" for none. Rows are
numbered as the spreadsheet numbers them (the header is row 1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from typing_extensions import TypedDict

from chalicelib.core.models import Event, WalkIn
from chalicelib.core.search import normalise, sort_key

# Field -> the header names that mean it (already in `_header_words` form).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("nama", "name", "nama lengkap", "full name", "nama peserta"),
    "display_name": ("nama panggilan", "panggilan", "display name", "nickname", "display_name"),
    "email": ("email", "e mail", "surel", "alamat email", "email address"),
    "organisation": (
        "organisasi",
        "lembaga",
        "instansi",
        "organisation",
        "organization",
        "nama organisasi",
        "nama lembaga",
        "nama instansi",
        "asal lembaga",
        "asal instansi",
    ),
    "job_title": ("jabatan", "job title", "job_title", "posisi"),
    "phone": ("no hp", "hp", "telepon", "whatsapp", "phone", "no telepon", "nomor hp", "wa"),
    "gender": ("jenis kelamin", "gender"),
    "organisation_type": (
        "jenis organisasi",
        "organisation type",
        "organization type",
        "organisation_type",
        "jenis lembaga",
        "tipe organisasi",
    ),
    "days": ("hari", "days", "hari yang diikuti", "tanggal hadir"),
    "language": ("bahasa", "language"),
}

GENDER_VALUES = {
    "l": "male",
    "laki laki": "male",
    "lakilaki": "male",
    "laki": "male",
    "pria": "male",
    "lelaki": "male",
    "male": "male",
    "m": "male",
    "man": "male",
    "p": "female",
    "perempuan": "female",
    "wanita": "female",
    "female": "female",
    "f": "female",
    "w": "female",
    "woman": "female",
    "tidak ingin menyebutkan": "prefer_not_to_say",
    "prefer not to say": "prefer_not_to_say",
    "prefer_not_to_say": "prefer_not_to_say",
}

ORGANISATION_TYPE_VALUES = {
    "lsm": "ngo",
    "ngo": "ngo",
    "ornop": "ngo",
    "yayasan": "ngo",
    "organisasi masyarakat sipil": "ngo",
    "osm": "ngo",
    "komunitas": "community",
    "community": "community",
    "masyarakat": "community",
    "kelompok masyarakat": "community",
    "pemerintah": "government",
    "pemerintahan": "government",
    "instansi pemerintah": "government",
    "government": "government",
    "akademisi": "academia",
    "akademik": "academia",
    "universitas": "academia",
    "perguruan tinggi": "academia",
    "kampus": "academia",
    "academia": "academia",
    "academic": "academia",
    "media": "media",
    "pers": "media",
    "jurnalis": "media",
    "swasta": "private_sector",
    "perusahaan": "private_sector",
    "bisnis": "private_sector",
    "private": "private_sector",
    "private sector": "private_sector",
    "private_sector": "private_sector",
    "donor": "donor",
    "lembaga donor": "donor",
    "funder": "donor",
    "lainnya": "other",
    "lain lain": "other",
    "other": "other",
    "perorangan": "other",
    "individu": "other",
}

LANGUAGE_VALUES = {
    "id": "id",
    "indonesia": "id",
    "bahasa indonesia": "id",
    "indonesian": "id",
    "en": "en",
    "english": "en",
    "inggris": "en",
    "bahasa inggris": "en",
}

MONTHS = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "february", "feb", "pebruari"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "aug", "agt"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nov", "nop", "nopember"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
ALL_DAYS = ("semua", "semua hari", "all", "all days", "seluruh hari", "keduanya", "both")
# What people type for "none".
NONE_VALUES = frozenset(("-", "--", "n/a", "na", "tidak ada", "none", "."))

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DMY_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
_DAY_NUMBER = re.compile(r"\b(?:hari|day|hari ke)\s*(\d{1,3})\b")
_TOKEN = re.compile(r"\d+|[a-z]+")
_SPACES = re.compile(r" {2,}")


def _header_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", normalise(text)))


def _contains(header: str, name: str) -> bool:
    return header == name or f" {name} " in f" {header} "


def column_fields(header: list[str]) -> dict[str, int]:
    """Each field's column index: the column whose header matches it most specifically."""
    best: dict[str, tuple[int, int]] = {}  # field -> (score, -index)
    for index, cell in enumerate(header):
        words = _header_words(cell)
        if not words:
            continue
        matches = [
            (len(name), field)
            for field, names in COLUMNS.items()
            for name in names
            if _contains(words, _header_words(name))
        ]
        if not matches:
            continue
        score, field = max(matches, key=lambda match: match[0])
        if field not in best or score > best[field][0]:
            best[field] = (score, -index)
    return {field: -negative for field, (_, negative) in best.items()}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    message: str

    def json(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class ImportRow:
    """A row that reads as a registration."""

    row: int
    registration: WalkIn
    days: list[date]

    @property
    def normalised_email(self) -> str | None:
        return self.registration.normalised_email

    @property
    def identity(self) -> str:
        """Who the row is, for duplicates and its attendee id: the normalised
        email, or (without one) the name and organisation as they sort."""
        email = self.normalised_email
        if email is not None:
            return f"email\0{email}"
        reg = self.registration
        return f"person\0{sort_key(reg.name)}\0{sort_key(reg.organisation)}"


def _clean(value: str) -> str | None:
    value = _SPACES.sub(" ", unicodedata.normalize("NFC", value).strip())
    return None if not value or value.lower() in NONE_VALUES else value


def _lookup(table: dict[str, str], value: str) -> str | None:
    return table.get(" ".join(re.findall(r"[a-z0-9_]+", normalise(value))))


def parse_days(value: str, event: Event) -> list[date] | None:
    """The event days a cell names; None if it names none of them (an error)."""
    dates = event.dates
    text = normalise(value)
    if " ".join(re.findall(r"[a-z]+", text)) in ALL_DAYS:
        return list(dates)
    found: set[date] = set()
    for year, month, day in _ISO_DATE.findall(text):
        found.add(_date(int(year), int(month), int(day)) or date.min)
    text = _ISO_DATE.sub(" ", text)
    for day, month, year in _DMY_DATE.findall(text):
        full = int(year) + (2000 if len(year) == 2 else 0)
        found.add(_date(full, int(month), int(day)) or date.min)
    text = _DMY_DATE.sub(" ", text)
    for number in _DAY_NUMBER.findall(text):
        index = int(number) - 1
        found.add(event.days[index].date if 0 <= index < len(event.days) else date.min)
    text = _DAY_NUMBER.sub(" ", text)
    pending: list[int] = []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            if len(token) == 4 and not pending:
                continue  # a year after its month
            pending.append(int(token))
        elif token in MONTHS:
            for day in pending:
                found.add(_on(dates, day, MONTHS[token]))
            pending = []
    for day in pending:  # "29 & 30": days of the month of the event's days
        found.add(_on(dates, day, None))
    if not found or date.min in found:
        return None
    return sorted(found)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _on(dates: list[date], day: int, month: int | None) -> date:
    matching = [d for d in dates if d.day == day and (month is None or d.month == month)]
    return matching[0] if len(matching) == 1 else date.min


def read_row(
    number: int, cells: list[str], columns: dict[str, int], event: Event
) -> tuple[ImportRow | None, list[RowProblem]]:
    """A row as a registration, or its problems (field by field)."""
    given: dict[str, str] = {}
    for field, index in columns.items():
        value = _clean(cells[index]) if index < len(cells) else None
        if value is not None:
            given[field] = value
    problems: list[RowProblem] = []
    body: dict[str, Any] = {"consent": True}
    for field in ("name", "display_name", "email", "organisation", "job_title", "phone"):
        if field in given:
            body[field] = given[field]
    mapped = (
        ("gender", GENDER_VALUES, "must be L or P (male or female)"),
        ("organisation_type", ORGANISATION_TYPE_VALUES, "is not a known organisation type"),
        ("language", LANGUAGE_VALUES, "must be Indonesia or English"),
    )
    for field, table, message in mapped:
        if field in given:
            value = _lookup(table, given[field])
            if value is None:
                problems.append(RowProblem(number, field, message))
            else:
                body[field] = value
    days: list[date] = list(event.dates)
    if "days" in given:
        parsed = parse_days(given["days"], event)
        if parsed is None:
            problems.append(RowProblem(number, "days", "must name days of this event"))
        else:
            days = parsed
            body["days"] = parsed
    try:
        registration = WalkIn.model_validate(body)
    except ValidationError as error:
        for problem in error.errors(include_input=False, include_url=False):
            location = problem["loc"]
            field = str(location[0]) if location else "row"
            message = str(problem["msg"]).removeprefix("Value error, ")
            if problem["type"] == "missing":
                message = "is required"
            problems.append(RowProblem(number, field, message))
        return None, problems
    if problems:
        return None, problems
    return ImportRow(number, registration, days), []


@dataclass(frozen=True)
class Reading:
    """A list read: the rows that import, each problem, and duplicates within the file."""

    rows: int
    good: list[ImportRow]
    problems: list[RowProblem]
    duplicates: list[dict[str, Any]]


def read_rows(
    header: list[str], rows: list[tuple[int, list[str]]], event: Event
) -> tuple[dict[str, int], Reading]:
    columns = column_fields(header)
    good: list[ImportRow] = []
    problems: list[RowProblem] = []
    duplicates: list[dict[str, Any]] = []
    first: dict[str, int] = {}
    for number, cells in rows:
        row, found = read_row(number, cells, columns, event)
        problems += found
        if row is None:
            continue
        identity = row.identity
        if identity in first:
            duplicates.append({"row": number, "matches": f"row {first[identity]}"})
            continue
        first[identity] = number
        good.append(row)
    return columns, Reading(len(rows), good, problems, duplicates)


# --- the route's query and replies ---------------------------------------------


class ImportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    dry_run: bool = Field(
        default=False, description="true: check the file and report, write nothing."
    )


class RowError(TypedDict):
    row: int
    field: str
    message: str


class Duplicate(TypedDict):
    row: int
    matches: str  # "row 3", or "registered"


class ImportReport(TypedDict):
    rows: int
    valid: int
    errors: list[RowError]
    duplicates: list[Duplicate]


class ImportResult(TypedDict):
    imported: int
    skipped: int
    errors: list[RowError]
