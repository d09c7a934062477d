"""What the kiosk greets a person by (a stand-in until the display-name rule lands)."""

from __future__ import annotations

from chalicelib.core.domain import Attendee


def greeting(attendee: Attendee) -> str:
    return attendee.name.split()[0]
