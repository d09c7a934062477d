"""`make run`: Hadir on http://127.0.0.1:$PORT with an embedded, in-memory DynamoDB.

Starts moto's DynamoDB server on a free loopback port, creates the table,
loads the seeded events, then serves the app with `chalice local`. Ctrl-C
stops both. Honours PORT, HADIR_ORGANISER_TOKEN and HADIR_CLOCK_START.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = "dev"
TABLE = "hadir-dev"  # as .chalice/config.json names it for the dev stage
READY_TIMEOUT_SECONDS = 60


def _fake_aws_environment() -> dict[str, str]:
    # moto accepts any credentials; these keep boto3 from looking for real ones.
    return {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_REGION": "ap-southeast-3",
    }


def _wait_for_port(port: int, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def _seed(endpoint: str, clock_start: datetime | None) -> list[str]:
    import boto3

    from chalicelib.seed import seed_events
    from chalicelib.store import Store, create_table

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_table(client, TABLE)
    store = Store(client, TABLE)
    now = clock_start or datetime.now(UTC)
    events = seed_events()
    for event in events:
        store.events.put(event, now)
    return [event.id for event in events]


def main() -> int:
    os.environ.update(_fake_aws_environment())
    sys.path.insert(0, str(ROOT))
    from chalicelib.config import parse_instant
    from chalicelib.core.auth import hash_token
    from devtools.local_dynamodb import start_server

    port = int(os.environ.get("PORT", "8000"))
    organiser_token = os.environ.get("HADIR_ORGANISER_TOKEN") or secrets.token_urlsafe(24)
    clock_start = parse_instant(os.environ, "HADIR_CLOCK_START")

    server, endpoint = start_server()
    event_ids = _seed(endpoint, clock_start)
    env = {
        **os.environ,
        "HADIR_STAGE": STAGE,
        "HADIR_TABLE_NAME": TABLE,
        "HADIR_DYNAMODB_ENDPOINT": endpoint,
        # The store is in memory and dies with this process; so may the secret.
        "HADIR_BADGE_SECRET": secrets.token_urlsafe(32),
        "HADIR_ORGANISER_TOKEN_SHA256": hash_token(organiser_token),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("HADIR_ORGANISER_TOKEN", None)  # the app only ever sees the hash
    if clock_start is not None:
        env["HADIR_CLOCK_ANCHOR"] = datetime.now(UTC).isoformat()
    chalice = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.chalice_local",
            "local",
            "--no-autoreload",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--stage",
            STAGE,
        ],
        cwd=ROOT,
        env=env,
    )

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        if not _wait_for_port(port, chalice):
            print(f"chalice local did not start on port {port}.", file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port}"
        event_id = event_ids[0]
        print(
            f"""
Hadir is serving on {base}  (DynamoDB: in memory, gone when this stops)
Seeded events: {", ".join(event_ids)}
Rehearsal clock: {clock_start.isoformat() if clock_start else "off (real time)"}
Organiser token: {organiser_token}

Pages:
  registration  {base}/register/{event_id}
  dashboard     {base}/dashboard/{event_id}#token={organiser_token}
  desk, kiosk   {base}/desk/{event_id}, {base}/kiosk/{event_id}: pair them from the
                dashboard's desk tokens, or paste a desk token

Try:
  curl {base}/events/{event_id}
  curl -X POST {base}/events/{event_id}/registrations -H 'Content-Type: application/json' \\
       -d '{{"name": "Siti Rahmawati", "email": "siti@example.org",
            "organisation": "WALHI", "consent": true}}'
  curl -H 'Authorization: Bearer {organiser_token}' {base}/events/{event_id}/attendance

Ctrl-C stops everything.""",
            flush=True,
        )
        return chalice.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if chalice.poll() is None:
            chalice.terminate()
            try:
                chalice.wait(timeout=10)
            except subprocess.TimeoutExpired:
                chalice.kill()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
