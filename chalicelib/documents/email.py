"""An email as MIME (Python's email package): text and HTML, the badge QR inline
(a `cid:` image), and a PDF attached. Sent raw through SES, or written as an
`.eml` file by the local run: the same bytes either way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid


@dataclass(frozen=True)
class Letter:
    """What one message says, in one language."""

    sender: str
    recipient: str
    subject: str
    greeting: str
    body: str
    facts: tuple[tuple[str, str], ...]  # (label, value): the event, its dates and venue
    manage_label: str
    manage_url: str
    qr_png: bytes | None
    attachment_name: str
    attachment: bytes
    language: str


def mime_message(letter: Letter) -> bytes:
    message = EmailMessage()
    message["From"] = letter.sender
    message["To"] = letter.recipient
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = letter.sender.rpartition("@")[2].strip("> ") or "hadir.local"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Content-Language"] = letter.language
    facts = "\n".join(f"{label}: {value}" for label, value in letter.facts)
    text = (
        f"{letter.greeting}\n\n{letter.body}\n\n{facts}\n\n"
        f"{letter.manage_label}\n{letter.manage_url}\n"
    )
    message.set_content(text)
    cid = make_msgid(domain=domain)
    rows = "".join(
        f"<tr><th align='left'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in letter.facts
    )
    qr = (
        f"<p><img src='cid:{cid[1:-1]}' alt='QR' width='220' height='220'></p>"
        if letter.qr_png
        else ""
    )
    page = (
        f"<html lang='{letter.language}'><body>"
        f"<p>{html.escape(letter.greeting)}</p><p>{html.escape(letter.body)}</p>"
        f"<table>{rows}</table>{qr}"
        f"<p>{html.escape(letter.manage_label)}<br>"
        f"<a href='{html.escape(letter.manage_url)}'>{html.escape(letter.manage_url)}</a></p>"
        "</body></html>"
    )
    message.add_alternative(page, subtype="html")
    if letter.qr_png:
        html_part = next(
            part for part in message.iter_parts() if part.get_content_subtype() == "html"
        )
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(
            letter.qr_png, maintype="image", subtype="png", cid=cid, filename="qr.png"
        )
    message.add_attachment(
        letter.attachment,
        maintype="application",
        subtype="pdf",
        filename=letter.attachment_name,
    )
    return message.as_bytes(policy=SMTP)
