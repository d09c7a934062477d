"""`make seed-event URL=https://.../api`: load the seeded events into a deployed Hadir.

Sends each event of chalicelib/seed (or the JSON files named with --file) as
`PUT /events/{id}` with the organiser token, the same request an organiser's
own script would make. The token comes from HADIR_ORGANISER_TOKEN or a prompt,
never from the command line, where shell history and `ps` would keep it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "chalicelib" / "seed"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def put_event(base_url: str, token: str, event: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/events/{urllib.parse.quote(event['id'], safe='')}",
        data=json.dumps(event).encode(),
        method="PUT",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"error": {"code": "http", "message": raw[:200].decode("replace")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API's base URL, e.g. .../api")
    parser.add_argument("--file", type=Path, action="append", help="an event JSON (repeatable)")
    args = parser.parse_args(argv)

    url = urllib.parse.urlsplit(args.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        parser.error("--url must be an http(s) URL")
    if url.scheme == "http" and url.hostname not in LOOPBACK:
        parser.error("--url must be https: the organiser token would cross the network in clear")

    token = os.environ.get("HADIR_ORGANISER_TOKEN") or ""
    if not token and sys.stdin.isatty():
        token = getpass.getpass("Organiser token: ")
    if not token:
        parser.error("set HADIR_ORGANISER_TOKEN (or run from a terminal to be asked for it)")

    files = args.file or sorted(SEED_DIR.glob("*.json"))
    failed = 0
    for path in files:
        event = json.loads(path.read_text(encoding="utf-8"))
        status, body = put_event(args.url, token, event)
        if status in (200, 201):
            verb = "created" if status == 201 else "replaced"
            print(f"{event['id']}: {verb} ({status})")
        else:
            failed += 1
            error = body.get("error", {})
            print(f"{event['id']}: {status} {error.get('code')}: {error.get('message')}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
