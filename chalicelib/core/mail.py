"""Email (API.md section 14): what is asked, what is recorded, what is queued.

A message is queued with everything its worker needs but the files: the
event, the attendee, the kind, the origin its links are printed with and
the manage token (in hand at registration; minted afresh for a later send,
as the store keeps only its hash). The worker renders the files and sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

BADGE, CERTIFICATE = "badge", "certificate"
KINDS = (BADGE, CERTIFICATE)
QUEUED, SENT, FAILED = "queued", "sent", "failed"

# The most people one request names.
MAX_RECIPIENTS = 2000

# A failure's reason as recorded: short, and never an address or a name.
_REASON = re.compile(r"[^A-Za-z0-9_.: -]")


class EventEmail(BaseModel):
    """The event's email settings: `on_registration` sends every new registration its badge."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    on_registration: bool = False


class EmailRequest(BaseModel):
    """`POST /events/{event_id}/emails`: a kind, and whom (no ids: everyone not yet sent one)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    kind: Literal["badge", "certificate"]
    attendee_ids: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=64)]],
            Field(min_length=1, max_length=MAX_RECIPIENTS),
        ]
        | None
    ) = Field(
        default=None,
        description="Whom to send to; left out: everyone not yet sent one of this kind.",
    )


class EmailsQueued(TypedDict):
    queued: int
    skipped_no_email: int
    failed: int
    """Not queued (the queue refused them): recorded as failed, sent again by the same POST."""


class EmailSent(TypedDict):
    """One message as an attendee's detail lists it (newest first, at most 20)."""

    kind: Literal["badge", "certificate"]
    queued_at: str
    sent_at: str | None
    status: Literal["queued", "sent", "failed"]
    reason: NotRequired[str]


@dataclass(frozen=True)
class MailRecord:
    """One message as the attendee's record shows it."""

    event_id: str
    attendee_id: str
    mail_id: str
    kind: str
    queued_at: str
    status: str
    sent_at: str | None = None
    reason: str | None = None

    def json(self) -> EmailSent:
        shown: EmailSent = {
            "kind": self.kind,  # type: ignore[typeddict-item]
            "queued_at": self.queued_at,
            "sent_at": self.sent_at,
            "status": self.status,  # type: ignore[typeddict-item]
        }
        if self.reason:
            shown["reason"] = self.reason
        return shown


@dataclass(frozen=True)
class MailJob:
    """What goes on the queue: one message to render and send."""

    event_id: str
    attendee_id: str
    mail_id: str
    queued_at: str
    kind: str
    origin: str
    token: str | None

    def json(self) -> dict[str, Any]:
        return {
            "v": 1,
            "event_id": self.event_id,
            "attendee_id": self.attendee_id,
            "mail_id": self.mail_id,
            "queued_at": self.queued_at,
            "kind": self.kind,
            "origin": self.origin,
            "token": self.token,
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> MailJob:
        return cls(
            event_id=str(body["event_id"]),
            attendee_id=str(body["attendee_id"]),
            mail_id=str(body["mail_id"]),
            queued_at=str(body["queued_at"]),
            kind=str(body["kind"]),
            origin=str(body["origin"]),
            token=body.get("token"),
        )

    def record(self, status: str = QUEUED) -> MailRecord:
        return MailRecord(
            self.event_id, self.attendee_id, self.mail_id, self.kind, self.queued_at, status
        )


def short_reason(error: BaseException) -> str:
    """A failure as the record keeps it: the error's class and code, at most 120 characters."""
    code = getattr(error, "response", {}) or {}
    code = code.get("Error", {}).get("Code") if isinstance(code, dict) else None
    text = f"{type(error).__name__}: {code}" if code else type(error).__name__
    return _REASON.sub("", text)[:120]


# --- the message's words ---------------------------------------------------------

SUBJECTS = {
    (BADGE, "id"): "Badge Anda untuk {title}",
    (BADGE, "en"): "Your badge for {title}",
    (CERTIFICATE, "id"): "Sertifikat kehadiran Anda: {title}",
    (CERTIFICATE, "en"): "Your certificate of attendance: {title}",
}

GREETING = {"id": "Halo {name},", "en": "Dear {name},"}

BODIES = {
    (BADGE, "id"): (
        "Terima kasih telah mendaftar. Badge Anda terlampir (PDF); kode QR di bawah ini"
        " dipindai di meja registrasi. Cetak badge atau tunjukkan kode QR ini di ponsel Anda."
    ),
    (BADGE, "en"): (
        "Thank you for registering. Your badge is attached (PDF); the QR code below is"
        " scanned at the registration desk. Print the badge or show this QR code on your phone."
    ),
    (CERTIFICATE, "id"): (
        "Terima kasih atas kehadiran Anda. Sertifikat kehadiran Anda terlampir (PDF)."
    ),
    (
        CERTIFICATE,
        "en",
    ): "Thank you for attending. Your certificate of attendance is attached (PDF).",
}

MANAGE = {
    "id": "Lihat, perbaiki atau tarik data Anda di tautan pribadi ini (jangan dibagikan):",
    "en": "See, correct or withdraw your details at this private link (do not share it):",
}

WHEN_WHERE = {"id": ("Tanggal", "Tempat"), "en": ("Dates", "Venue")}


def language_of(value: str | None) -> str:
    return "en" if value == "en" else "id"
