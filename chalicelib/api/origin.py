"""The origin a document's links are printed with (the certificate's QR).

The same rule as the pages' links and the dashboard's pairing QR (common.js
`pageUrl`: `location.origin` plus the API's base path): the address the
client reached us at. Hadir has no configured public origin, so the request
decides:

- the host is the `Host` header (API Gateway's or the custom domain's; the
  local server's, as the phone typed it), refused unless it looks like a host;
- the scheme is `X-Forwarded-Proto` where a gateway sets it, else HTTPS when
  the local server speaks TLS (`HADIR_TLS_CERT`, set by `make run` off
  loopback or with HADIR_TLS=1), else HTTP;
- the base path is API Gateway's stage (e.g. `/api`), as the pages' `base`:
  what the client asked for, minus the path the route saw.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import unquote

_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")
_PARAM = re.compile(r"\{([A-Za-z0-9_]+)\+?\}")
_BASE = re.compile(r"^(/[A-Za-z0-9._~-]+){0,4}$")


def request_origin(request: Any) -> str:
    """`<scheme>://<host><base>` for links back to this API, e.g. `https://h.example/api`."""
    headers = request.headers
    host = headers.get("host") or "localhost"
    if not _HOST.match(host):
        host = "localhost"
    proto = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    if proto not in ("http", "https"):
        proto = "https" if os.environ.get("HADIR_TLS_CERT") else "http"
    return f"{proto}://{host}{_base(request)}"


def _base(request: Any) -> str:
    """API Gateway's stage (or a custom domain's base path): the path the client asked
    for (`requestContext.path`) minus the route's own, its template filled in."""
    context = getattr(request, "context", None) or {}
    params = getattr(request, "uri_params", None) or {}
    template = getattr(request, "path", "") or ""
    seen = _PARAM.sub(lambda m: str(params.get(m.group(1), m.group(0))), template)
    asked = unquote(context.get("path") or "")
    if not seen or asked == seen or not asked.endswith(seen):
        return ""
    base = asked[: -len(seen)]
    return base if _BASE.match(base) else ""
