"""What the store raises when a write did not happen as asked.

`Unavailable` (DynamoDB's "not now") lives with the client that raises it.
"""

from __future__ import annotations

from chalicelib.core.domain import Attendee


class Conflict(Exception):
    """A transaction lost a race or met a stale read; the caller re-reads."""


class AlreadyWritten(Exception):
    """The write being retried had landed before: its own record is in the table."""


class ScanReplayed(Exception):
    """Another request with this scan_id was recorded first."""


class StaleAttendee(Exception):
    """The attendee changed since it was read; carries the state DynamoDB handed back."""

    def __init__(self, attendee: Attendee | None) -> None:
        super().__init__("attendee changed")
        self.attendee = attendee
