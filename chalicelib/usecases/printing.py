"""Printing: one badge for its holder, badge sheets and the paper sign-in sheet.

chalicelib.documents.printing (fpdf2, Pillow, fontTools) is imported in the
printing calls only: the door's cold starts never load it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from chalicelib.core import presenters
from chalicelib.core.badges import is_attendee_id
from chalicelib.core.clock import Clock
from chalicelib.core.domain import Attendee, check_has_badge, local_time, utc_iso
from chalicelib.core.errors import (
    Code,
    Refusal,
    attendee_not_found,
    not_an_event_day,
    temporarily_unavailable,
)
from chalicelib.core.models import Event, png_bytes
from chalicelib.core.money import sign_in_rows
from chalicelib.core.names import greeting
from chalicelib.core.privacy import as_seen, is_erased
from chalicelib.store import Conflict, EventRecord
from chalicelib.usecases.common import Badges, by_name, event_record
from chalicelib.usecases.ports import Stores
from chalicelib.usecases.registration import badge_holder

if TYPE_CHECKING:
    from chalicelib.documents.printing import BadgeCard

# API Gateway and Lambda answer at most 6 MB, and a binary body travels as
# base64 (4 bytes for 3): a PDF above this would not arrive.
MAX_PDF_BYTES = 4_400_000

# The event's logos as badges print them: (name, PNG bytes), in order.
Logos = tuple[tuple[str, bytes], ...]


def _card(
    event: Event, attendee: Attendee, code: str, reprint: int, logos: Logos = ()
) -> BadgeCard:
    from chalicelib.documents.printing import BadgeCard

    return BadgeCard(
        name=attendee.name,
        display_name=greeting(attendee),
        organisation=attendee.organisation,
        code=code,
        event_title=event.title,
        dates=presenters.date_range(event.dates),
        venue=event.venue.name,
        reprint=reprint,
        logos=logos,
    )


def _logos(store: Stores, record: EventRecord) -> Logos:
    """The event's logos as the badges print them (API.md section 11), in order."""
    return tuple((logo.name, png_bytes(logo.png_base64)) for logo in store.events.logos(record))


class Printing:
    def __init__(self, store: Stores, clock: Clock, badges: Badges) -> None:
        self._store = store
        self._clock = clock
        self._badges = badges

    def badge_pdf(self, code: str) -> bytes:
        """One printable badge, for its holder: not recorded as a print."""
        from chalicelib.documents import printing

        holder = badge_holder(self._store, self._badges, code, self._clock.now())
        record = event_record(self._store, holder.attendee.event_id)
        logos = _logos(self._store, record)
        card = _card(record.event, holder.attendee, holder.code, reprint=0, logos=logos)
        return printing.badge_pdf(card)

    def badge_sheet(
        self,
        event_id: str,
        layout: str,
        attendee_ids: list[str],
        mark_printed: bool = False,
        unprinted: bool = False,
    ) -> bytes:
        """Badges of every active attendee, or of those named, sorted by name;
        with `unprinted`, only those never printed.

        With `mark_printed`, each badge on the sheet is recorded as printed
        (a preview records nothing); one printed before says it is a reprint.
        """
        from chalicelib.documents import printing

        record = event_record(self._store, event_id)
        event, logos = record.event, _logos(self._store, record)
        if attendee_ids:
            attendees = self._named_attendees(event, attendee_ids)
        else:
            now = self._clock.now()  # past retention, nobody's badge is printed
            attendees = [
                a
                for a in self._store.attendees.all_of(event_id)
                if a.is_active and not is_erased(a, now)
            ]
        if unprinted:
            attendees = [attendee for attendee in attendees if not attendee.prints]
        attendees.sort(key=by_name)
        cards = [
            _card(event, a, self._badges.code(a), reprint=len(a.prints), logos=logos)
            for a in attendees
        ]
        pdf = printing.badge_sheet_pdf(cards, layout)
        if len(pdf) > MAX_PDF_BYTES:
            raise Refusal(
                Code.SHEET_TOO_LARGE,
                "This sheet is too large to send at once; print it in parts with attendee_id.",
            )
        if not mark_printed or not attendees:
            return pdf
        try:
            self._store.attendees.record_prints([a.id for a in attendees], self._clock.now())
        except Conflict:
            raise temporarily_unavailable() from None
        return pdf

    def _named_attendees(self, event: Event, attendee_ids: list[str]) -> list[Attendee]:
        wanted = list(dict.fromkeys(attendee_ids))
        valid = [attendee_id for attendee_id in wanted if is_attendee_id(attendee_id)]
        found = self._store.attendees.get_many(valid) if valid else {}
        attendees = []
        for attendee_id in wanted:
            attendee = found.get(attendee_id)
            if attendee is None or attendee.event_id != event.id:
                raise attendee_not_found()
            attendees.append(check_has_badge(event, attendee))
        return attendees

    def sign_in_sheet(
        self,
        event_id: str,
        on: date,
        columns: tuple[str, ...] = (),
        as_of: datetime | None = None,
    ) -> bytes:
        """The paper daftar hadir of one event day: everyone expected at `as_of`
        (default now), alphabetically, numbered as `/sign-in-sheet/rows` numbers them."""
        from chalicelib.documents import printing

        event = event_record(self._store, event_id).event
        day = event.day_on(on)
        if day is None:
            raise not_an_event_day(str(on))
        moment = (as_of or self._clock.now()).replace(microsecond=0)
        # Past retention a row keeps its place (row numbers stay), without the person.
        now = self._clock.now()
        everyone = [as_seen(a, now) for a in self._store.attendees.all_of(event_id)]
        expected = sign_in_rows(everyone, day.date, moment)
        rows = [
            printing.SignInRow(
                name=attendee.name,
                organisation=attendee.organisation,
                checked_in_at=(
                    local_time(event, attendee.checkins[day.date].at)
                    if day.date in attendee.checkins
                    else None
                ),
                extras=tuple(_column(attendee, column) for column in columns),
            )
            for attendee in expected
        ]
        sheet = printing.SignInSheet(
            event_title=event.title,
            day_number=day.number,
            day=day.date,
            venue=event.venue.name,
            rows=rows,
            columns=columns,
            stamp=utc_iso(moment),
        )
        return printing.sign_in_sheet_pdf(sheet)


# What an optional column prints: gender as L (laki-laki) or P (perempuan).
_GENDER_MARKS = {"male": "L", "female": "P"}


def _column(attendee: Attendee, column: str) -> str:
    if column == "gender":
        return _GENDER_MARKS.get(attendee.gender or "", "")
    return str(getattr(attendee, column) or "")
