"""Issue 17, finding 9: `make run`'s access log names no badge code, token or query."""

from __future__ import annotations

import pytest

from devtools.chalice_local import redact


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ('"GET /badges/HDR-7K2M-9QXA/badge.pdf HTTP/1.1" 200 -', '"GET /badges/<hidden>/badge.pdf'),
        ('"GET /badges/hdr-7k2m-9qxa/qr.png HTTP/1.1" 200 -', '"GET /badges/<hidden>/qr.png'),
        ('"GET /badges/HDR-7K2M-9QXA HTTP/1.1" 200 -', '"GET /badges/<hidden> HTTP/1.1"'),
        ('"GET /me/m4n4g3-t0k3n HTTP/1.1" 200 -', '"GET /me/<hidden> HTTP/1.1"'),
        ('"PATCH /registrations/m4n4g3-t0k3n HTTP/1.1" 200', "/registrations/<hidden> HTTP"),
        ('"GET /events/e/attendees?q=Siti+Rahayu HTTP/1.1" 200', "/events/e/attendees?<hidden> "),
        ('"GET /dashboard/e?token=s3cr3t HTTP/1.1" 200', "/dashboard/e?<hidden> "),
    ],
)
def test_codes_tokens_and_queries_are_hidden(line, shown):
    out = redact(line)
    assert shown in out
    for secret in ("7K2M", "7k2m", "m4n4g3", "Siti", "s3cr3t"):
        assert secret not in out


def test_a_plain_request_line_is_kept():
    line = '"POST /events/socmed-conservation-2016/registrations HTTP/1.1" 201 -'
    assert redact(line) == line
