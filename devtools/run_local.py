"""`make run`: Hadir on http://127.0.0.1:$PORT, its data kept on disk (API.md §5).

Starts DynamoDB Local (devtools/dynamodb_local.py) with its database in
HADIR_DATA_DIR (default `.hadir/` in the checkout), creates the table and the
seeded events when they are missing, then serves the app with `chalice local`.
The badge secret, and the organiser token when HADIR_ORGANISER_TOKEN is not
given, are made once into the data directory (mode 0600) and reused, so a
restart on the same directory keeps every registration, check-in, desk token
and printed badge. Ctrl-C or SIGTERM stops everything.

HADIR_ENGINE=moto runs moto's in-memory server instead (gone when this stops,
with fresh secrets each start): the stack tests' engine for now.
Honours PORT, HADIR_ORGANISER_TOKEN, HADIR_CLOCK_START and HADIR_DATA_DIR.
HADIR_HOST (default 127.0.0.1) is the address to serve on: 0.0.0.0 serves the
venue's network, and off loopback (or with HADIR_TLS=1) it is HTTPS with a
certificate kept in the data directory (devtools/tls.py).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devtools import tls

ROOT = Path(__file__).resolve().parent.parent
STAGE = "dev"
TABLE = "hadir-dev"  # as .chalice/config.json names it for the dev stage
READY_TIMEOUT_SECONDS = 60
ENGINES = ("dynamodb-local", "moto")


def _fake_aws_environment() -> dict[str, str]:
    # moto accepts any credentials; these keep boto3 from looking for real ones.
    return {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_REGION": "ap-southeast-3",
    }


def _wait_until_listening(reader: int, process: subprocess.Popen) -> bool:
    """Whether chalice local says its own socket listens (devtools/chalice_local.py).

    Not a probe of the port: another server on it would answer that probe. An
    end of file without a word is chalice exiting, its port taken or otherwise.
    """
    import select

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    said = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([reader], [], [], 0.5)
        if ready:
            chunk = os.read(reader, 64)
            said += chunk
            if b"listening" in said:
                return True
            if not chunk:
                return False
        elif process.poll() is not None:
            return False
    return False


def _seed(client, clock_start: datetime | None) -> list[str]:
    """The table and the seeded events, each made only when missing (a restart keeps both)."""
    from chalicelib.seed import seed_events
    from chalicelib.store import Store, create_table
    from chalicelib.store.keys import enable_ttl

    if TABLE not in client.list_tables()["TableNames"]:
        create_table(client, TABLE)
    else:
        # A data directory from before retention: its table learns its TTL.
        enable_ttl(client, TABLE)
    store = Store(client, TABLE)
    now = clock_start or datetime.now(UTC)
    events = seed_events()
    for event in events:
        # Startup, before anything serves: no request can race this read.
        if store.events.get(event.id) is None:
            store.events.put(event, now)
    return [event.id for event in events]


def data_dir() -> Path:
    return Path(os.environ.get("HADIR_DATA_DIR") or ROOT / ".hadir").resolve()


def kept_secret(directory: Path, name: str, make) -> str:
    """The secret in `directory/name`, made (mode 0600) the first time."""
    from devtools.dynamodb_local import write_secret

    path = directory / name
    if not path.exists():
        write_secret(path, make())
    return path.read_text().strip()


def boto3_client(endpoint: str):
    import boto3

    return boto3.client("dynamodb", endpoint_url=endpoint)


def main() -> int:
    os.environ.update(_fake_aws_environment())
    sys.path.insert(0, str(ROOT))
    from chalicelib.config import parse_instant
    from chalicelib.core.auth import hash_token
    from devtools import dynamodb_local

    engine = os.environ.get("HADIR_ENGINE", "dynamodb-local")
    if engine not in ENGINES:
        print(f"HADIR_ENGINE must be one of {', '.join(ENGINES)}", file=sys.stderr)
        return 2
    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HADIR_HOST") or "127.0.0.1"
    clock_start = parse_instant(os.environ, "HADIR_CLOCK_START")
    directory = data_dir()
    given_token = os.environ.get("HADIR_ORGANISER_TOKEN")
    # A token made by this run is shown once, on this run (API.md §5), never again.
    token_made_now = not given_token and not (directory / "organiser-token").exists()

    def new_token() -> str:
        return secrets.token_urlsafe(24)

    def new_secret() -> str:
        return secrets.token_urlsafe(32)

    if engine == "moto":
        from devtools.local_dynamodb import start_server

        # The store is in memory and dies with this process; so may the secrets.
        server, endpoint = start_server()
        stop_engine = server.stop
        client = boto3_client(endpoint)
        badge_secret = new_secret()
        # Kept in the data directory all the same: it is never printed.
        organiser_token = given_token or kept_secret(directory, "organiser-token", new_token)
        kept = "DynamoDB: moto, in memory, gone when this stops"
    else:
        try:
            local = dynamodb_local.start(directory)
        except dynamodb_local.EngineMissing as error:
            print(error, file=sys.stderr)
            return 1
        endpoint, stop_engine, client = local.endpoint, local.stop, local.client()
        os.environ.update(local.environment)  # this directory's access key, for the app too
        badge_secret = kept_secret(directory, "badge-secret", new_secret)
        organiser_token = given_token or kept_secret(directory, "organiser-token", new_token)
        kept = f"DynamoDB Local, kept in {directory}"
    try:
        event_ids = _seed(client, clock_start)
    except BaseException:
        stop_engine()
        raise
    env = {
        **os.environ,
        "HADIR_STAGE": STAGE,
        "HADIR_TABLE_NAME": TABLE,
        "HADIR_DYNAMODB_ENDPOINT": endpoint,
        "HADIR_DYNAMODB_ENGINE": engine,
        "HADIR_BADGE_SECRET": badge_secret,
        "HADIR_ORGANISER_TOKEN_SHA256": hash_token(organiser_token),
        "PYTHONUNBUFFERED": "1",
        # Email is written to <data dir>/outbox/ as .eml files: nothing leaves the machine.
        "HADIR_OUTBOX_DIR": str(directory / "outbox"),
    }
    env.pop("HADIR_ORGANISER_TOKEN", None)  # the app only ever sees the hash
    env.pop("HADIR_EMAIL_QUEUE_URL", None)  # never AWS's queue (and SES) from a laptop
    from devtools import tls

    https = not tls.is_loopback(host) or os.environ.get("HADIR_TLS") == "1"
    wildcard = host in ("0.0.0.0", "")
    lan = tls.lan_addresses()
    addresses = lan if wildcard else [host] if not tls.is_loopback(host) else []
    certificate: tls.Certificate | None = None
    if https:
        try:
            certificate = tls.ensure_certificate(directory, [*dict.fromkeys([*addresses, *lan])])
        except BaseException:
            stop_engine()
            raise
        env["HADIR_TLS_CERT"], env["HADIR_TLS_KEY"] = str(certificate.cert), str(certificate.key)
    if clock_start is not None:
        env["HADIR_CLOCK_ANCHOR"] = datetime.now(UTC).isoformat()
    reader, writer = os.pipe()
    env["HADIR_LISTENING_FD"] = str(writer)
    chalice = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.chalice_local",
            "local",
            "--no-autoreload",
            "--host",
            host,
            "--port",
            str(port),
            "--stage",
            STAGE,
        ],
        cwd=ROOT,
        env=env,
        pass_fds=(writer,),
        preexec_fn=dynamodb_local.die_with_parent if sys.platform == "linux" else None,
    )
    os.close(writer)  # chalice holds it now: its exit is this end's end of file

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        if not _wait_until_listening(reader, chalice):
            print(
                f"chalice local did not start on {host} port {port}"
                " (is the port taken? PORT=... chooses another).",
                file=sys.stderr,
            )
            return 1
        scheme = "https" if https else "http"
        base = f"{scheme}://{probe_host}:{port}"
        event_id = event_ids[0]
        # The organiser token is printed only by the run that made it (API.md §5: the
        # user needs it once), never again and never in a log (issue 17): a terminal's
        # scrollback and a run's captured log outlive the run.
        token_file = directory / "organiser-token"
        dashboard = f"{base}/dashboard/{event_id}  (it asks for the organiser token once)"
        if given_token:
            where_token, bearer = "the one in HADIR_ORGANISER_TOKEN", "$HADIR_ORGANISER_TOKEN"
        elif token_made_now:
            where_token = (
                f"{organiser_token}\n  (made now and shown this once; kept in {token_file})"
            )
            bearer = f"$(cat {token_file})"
            dashboard = f"{base}/dashboard/{event_id}#token={organiser_token}"
        else:
            where_token, bearer = (
                f"in {token_file} (printed only when made)",
                f"$(cat {token_file})",
            )
        print(
            f"""
Hadir is serving on {base}  ({kept})
{_network_lines(scheme, port, addresses, event_id, certificate)}
Seeded events: {", ".join(event_ids)}
Rehearsal clock: {clock_start.isoformat() if clock_start else "off (real time)"}
Organiser token: {where_token}

Pages:
  registration  {base}/register/{event_id}
  dashboard     {dashboard}
  desk, kiosk   {base}/desk/{event_id}, {base}/kiosk/{event_id}: pair them from the
                dashboard's desk tokens, or paste a desk token

Try:
  curl {base}/events/{event_id}
  curl -X POST {base}/events/{event_id}/registrations -H 'Content-Type: application/json' \\
       -d '{{"name": "Siti Rahmawati", "email": "siti@example.org",
            "organisation": "WALHI", "consent": true}}'
  curl -H "Authorization: Bearer {bearer}" {base}/events/{event_id}/attendance

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
        stop_engine()


def _network_lines(
    scheme: str, port: int, addresses: list[str], event_id: str, certificate: tls.Certificate | None
) -> str:
    """What a desk phone needs: the LAN addresses, the dashboard link, the certificate to trust."""
    if not addresses:
        return "Network: loopback only (HADIR_HOST=0.0.0.0 serves the venue's network over HTTPS)"
    lines = ["On the venue's network (phones, other laptops):"]
    lines += [f"  {scheme}://{address}:{port}" for address in addresses]
    lines.append(f"  dashboard     {scheme}://{addresses[0]}:{port}/dashboard/{event_id}")
    if certificate is not None:
        lines.append(
            f"  certificate   phones trust {certificate.authority} once (docs/deploy.md)"
            + ("; issued again for these addresses" if certificate.issued else "")
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
