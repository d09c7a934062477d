"""A participant list as uploaded (CSV or XLSX) read into rows of text, within bounds.

Nothing here trusts the file: a CSV must be UTF-8 (a BOM is allowed), its
delimiter (comma, semicolon or tab) is sniffed from the header line; an XLSX
is a zip whose members' declared sizes are added up before openpyxl opens it
(a zip bomb is refused unread; zipfile never inflates a member past the size it
declares), its XML read through defusedxml (openpyxl uses it when installed),
and a formula cell gives its cached value, as the spreadsheet showed it: a
formula is never evaluated, nor kept. Every failure is `UnreadableFile`, never
an exception of the parsers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What the whole workbook may unpack to, and any one member: a 5,000-row list
# is a few MB of XML; a zip bomb declares gigabytes.
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_MEMBER_BYTES = 30 * 1024 * 1024
MAX_MEMBERS = 200
# Columns read from a row; a list has ten or so.
MAX_COLUMNS = 60
# A cell longer than this is cut here (and refused by the field's own length rule).
MAX_CELL_CHARS = 4096
# The CSV module's own bound on one field.
_CSV_FIELD_LIMIT = 1024 * 1024


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX Hadir can read; the message says why (English)."""


class TooManyRows(UnreadableFile):
    pass


@dataclass(frozen=True)
class Sheet:
    """The header's cells, and each non-empty row after it with its row number in the file."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def is_xlsx(body: bytes, content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == XLSX_TYPE or body[:4] == (
        b"PK\x03\x04"
    )


def read_sheet(body: bytes, content_type: str | None, max_rows: int) -> Sheet:
    """The first sheet of an XLSX, or a CSV; raises `UnreadableFile`."""
    if not body:
        raise UnreadableFile("The file is empty.")
    if is_xlsx(body, content_type):
        return _read_xlsx(body, max_rows)
    return _read_csv(body, max_rows)


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing .0 (phones stay digits), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:MAX_CELL_CHARS]


def _sheet(lines: Iterable[Iterable[object]], max_rows: int) -> Sheet:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines, start=1):
        cells = [cell_text(value) for value in list(raw)[:MAX_COLUMNS]]
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            continue
        if len(rows) >= max_rows:
            raise TooManyRows(f"The file has more than {max_rows} rows.")
        rows.append((number, cells))
    if header is None:
        raise UnreadableFile("The file has no header row.")
    return Sheet(header, rows)


def _read_csv(body: bytes, max_rows: int) -> Sheet:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is neither an XLSX workbook nor a UTF-8 CSV.") from None
    if "\x00" in text:
        raise UnreadableFile("The file is neither an XLSX workbook nor a UTF-8 CSV.")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        return _sheet(reader, max_rows)
    except csv.Error:
        raise UnreadableFile("The CSV file could not be read.") from None
    finally:
        csv.field_size_limit(previous)


def _check_zip(body: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UnreadableFile("The file is not a readable XLSX workbook.") from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile("The workbook has too many parts.")
    total = 0
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES:
            raise UnreadableFile("The workbook unpacks to more than Hadir reads.")
        total += member.file_size
    if total > MAX_UNZIPPED_BYTES:
        raise UnreadableFile("The workbook unpacks to more than Hadir reads.")


def _read_xlsx(body: bytes, max_rows: int) -> Sheet:
    _check_zip(body)
    try:
        from openpyxl import load_workbook

        # data_only: a formula cell gives the value the spreadsheet last
        # showed (None if it was never calculated), never the formula.
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except TooManyRows:
        raise
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise UnreadableFile("The file is not a readable XLSX workbook.") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise UnreadableFile("The workbook has no sheet.")
        return _sheet(
            sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
            max_rows,
        )
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile("The file is not a readable XLSX workbook.") from None
    finally:
        book.close()
