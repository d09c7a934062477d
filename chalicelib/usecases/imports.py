"""Importing a participant list (API.md section 14): a dry run, then the commit.

Each row that reads as a registration (core/imports.py) gets an attendee id
made from the event and who the row is (its normalised email, or without one
its name and organisation), keyed with the badge secret, and a manage token
made from that id: importing the same file again finds every row already there
(its email lock or its id) and adds no one. Rows are written in batches, many
registrations a transaction (store/imports.py), the counts once a batch.

Imports are the organiser's own list: they are taken whether public
registration is open or closed, and are not held back by capacity (which
bounds the public form and the desk).
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.backoff import Backoff
from chalicelib.core.clock import Clock
from chalicelib.core.domain import ACTIVE, Attendee
from chalicelib.core.errors import Code, Refusal
from chalicelib.core.imports import ImportRow, read_rows
from chalicelib.core.names import default_display_name
from chalicelib.core.privacy import IMPORT, consent_record, expires_at
from chalicelib.core.search import search_terms
from chalicelib.documents.sheet_reader import TooManyRows, UnreadableFile, read_sheet
from chalicelib.store import Conflict, EventRecord, NewRegistration
from chalicelib.store.imports import MAX_TRANSACTION_ITEMS
from chalicelib.usecases.common import Badges, event_record
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.privacy import ManageToken
from chalicelib.usecases.retry import optimistically

# 4 MiB: an XLSX reaches Lambda base64-encoded (a third larger), within its
# 6 MB payload; a 5,000-row list is well under it.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_ROWS = 5000


def file_too_large(what: str) -> Refusal:
    return Refusal(Code.FILE_TOO_LARGE, f"The file is too large: {what}.")


class Imports:
    def __init__(self, store: Stores, clock: Clock, badges: Badges, backoff: Backoff) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges
        self._backoff = backoff

    def run(
        self, event_id: str, body: bytes, content_type: str | None, dry_run: bool
    ) -> dict[str, Any]:
        record = event_record(self._store, event_id)
        if len(body) > MAX_FILE_BYTES:
            raise file_too_large(f"at most {MAX_FILE_BYTES // (1024 * 1024)} MB")
        try:
            sheet = read_sheet(body, content_type, MAX_ROWS)
        except TooManyRows:
            raise file_too_large(f"at most {MAX_ROWS} rows") from None
        except UnreadableFile as error:
            raise Refusal(Code.UNREADABLE_FILE, str(error)) from None
        columns, reading = read_rows(sheet.header, sheet.rows, record.event)
        if "name" not in columns:
            raise Refusal(Code.UNREADABLE_FILE, "No column of names (Nama, Name) was found.")
        ids = {row.row: self._attendee_id(event_id, row) for row in reading.good}
        held, taken = self._store.imports.existing(
            event_id,
            [email for row in reading.good if (email := row.normalised_email) is not None],
            list(ids.values()),
        )
        fresh: list[ImportRow] = []
        duplicates = list(reading.duplicates)
        for row in reading.good:
            if row.normalised_email in held or ids[row.row] in taken:
                duplicates.append({"row": row.row, "matches": "registered"})
            else:
                fresh.append(row)
        errors = [problem.json() for problem in reading.problems]
        duplicates.sort(key=lambda duplicate: duplicate["row"])
        if dry_run:
            return {
                "rows": reading.rows,
                "valid": len(fresh),
                "errors": errors,
                "duplicates": duplicates,
            }
        news = []
        for row in fresh:
            new = self._new(record, row, ids[row.row])
            if new.items < MAX_TRANSACTION_ITEMS:
                news.append(new)
            else:  # a registration must fit one transaction
                errors.append(
                    {"row": row.row, "field": "name", "message": "has too many words to index"}
                )
        imported, raced = self._commit(record, news)
        return {"imported": imported, "skipped": len(duplicates) + raced, "errors": errors}

    def _attendee_id(self, event_id: str, row: ImportRow) -> str:
        return self._badges.request_id(event_id, f"import\0{row.identity}")

    def _new(self, record: EventRecord, row: ImportRow, attendee_id: str) -> NewRegistration:
        event, reg, now = record.event, row.registration, self._clock.now()
        attendee = Attendee(
            id=attendee_id,
            event_id=event.id,
            name=reg.name,
            display_name=reg.display_name or default_display_name(reg.name),
            email=reg.email,
            organisation=reg.organisation,
            phone=reg.phone,
            job_title=reg.job_title,
            gender=reg.gender,
            organisation_type=reg.organisation_type,
            days=row.days,
            status=ACTIVE,
            badge_serial=0,
            registered_at=now,
            source="import",
            language=reg.language,
            consent=consent_record(event, None, reg.language, IMPORT, now),
            expires_at=expires_at(event, now),
        )
        manage = ManageToken.made(self._badges, event.id, f"import\0{attendee_id}")
        return NewRegistration(
            attendee,
            row.normalised_email,
            search_terms(attendee.name, attendee.organisation),
            manage.hash,
        )

    def _commit(self, record: EventRecord, news: list[NewRegistration]) -> tuple[int, int]:
        """Write them in batches; (written, found already there meanwhile)."""
        current = [record]
        imported = raced = 0

        def attempt(batch: list[NewRegistration]) -> set[str]:
            try:
                return self._store.imports.register_batch(current[0], batch)
            except Conflict:
                current[0] = event_record(self._store, record.event.id)
                raise

        for batch in batches(news):
            while batch:
                there = optimistically(self._backoff, lambda b=batch: attempt(b))  # type: ignore[misc]
                if not there:
                    imported += len(batch)
                    break
                raced += len(there)
                batch = [new for new in batch if new.attendee.id not in there]
        return imported, raced


def batches(news: list[NewRegistration]) -> list[list[NewRegistration]]:
    """As many registrations a transaction as fit, with the event's count (one item)."""
    room = MAX_TRANSACTION_ITEMS - 1
    result: list[list[NewRegistration]] = []
    current: list[NewRegistration] = []
    used = 0
    for new in news:
        if current and used + new.items > room:
            result.append(current)
            current, used = [], 0
        current.append(new)
        used += new.items
    if current:
        result.append(current)
    return result
