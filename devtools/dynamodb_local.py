"""DynamoDB Local, AWS's own engine, on disk: what `make run` keeps its data in.

The engine is AWS's software under the Amazon DynamoDB Local License Agreement
(not open source: for AWS customers, not to be redistributed, bundled or
modified). So it is never committed nor packaged: on first use it is fetched
from the npm registry, inside the package `amplify-dynamodb-simulator`, pinned
by version and by the tarball's sha512 integrity, and only its `emulator/`
directory is unpacked into an ignored cache (`.cache/dynamodb-local/<engine>/`).

`start(data_dir)` runs it on a free port with its database in `data_dir` and
returns once it answers; `DynamoDBLocal.stop()` ends the JVM (SIGTERM, then
SIGKILL). The JVM stays in its parent's process group, so a kill of the whole
group takes it too, and on Linux it is also told to stop when its parent dies.
It has no flag to bind to loopback: it listens on every interface, so each data
directory gets its own random access key, and the engine keeps one database
file per access key: another machine that reaches the port sees an empty one.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "dynamodb-local"

PACKAGE = "amplify-dynamodb-simulator"
PACKAGE_VERSION = "2.9.30"
ENGINE_VERSION = "1.25.1"
INTEGRITY = (
    "sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6Jq"
    "lFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ=="
)
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{PACKAGE_VERSION}.tgz"
LICENCE_URL = "https://aws.amazon.com/dynamodb/dynamodblocal/license/"
REGION = "ap-southeast-3"
READY_SECONDS = 60
STOP_SECONDS = 10
ENDPOINT_FILE = "dynamodb-endpoint"
PORT_ATTEMPTS = 5


class EngineMissing(RuntimeError):
    """Java or the engine's files cannot be had; the message says what to do."""


def engine_dir(cache: Path = CACHE) -> Path:
    return cache / ENGINE_VERSION


def _verified(data: bytes) -> bytes:
    algorithm, expected = INTEGRITY.split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise EngineMissing(
            f"{PACKAGE}@{PACKAGE_VERSION}: the tarball does not match its pinned integrity"
        )
    return data


def fetch(cache: Path = CACHE) -> Path:
    """The engine's directory (DynamoDBLocal.jar, DynamoDBLocal_lib/), fetched on first use."""
    target = engine_dir(cache)
    if (target / "DynamoDBLocal.jar").is_file():
        return target
    print(
        f"DynamoDB Local {ENGINE_VERSION} is AWS's software under the Amazon DynamoDB Local"
        f" License Agreement ({LICENCE_URL}, and LICENSE.txt beside it);"
        f" fetching it once into {target}",
        flush=True,
    )
    try:
        with urllib.request.urlopen(TARBALL, timeout=300) as response:
            data = _verified(response.read())
    except OSError as error:
        raise EngineMissing(f"could not fetch DynamoDB Local from {TARBALL}: {error}") from error
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".{ENGINE_VERSION}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    prefix = "package/emulator/"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.name.startswith(prefix) or not (member.isfile() or member.isdir()):
                continue
            member.name = member.name[len(prefix) :]
            if member.name:
                archive.extract(member, partial, filter="data")
    if not (partial / "DynamoDBLocal.jar").is_file():
        shutil.rmtree(partial, ignore_errors=True)
        raise EngineMissing(f"{PACKAGE}@{PACKAGE_VERSION} carries no emulator/DynamoDBLocal.jar")
    try:
        partial.rename(target)  # whole or not at all
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # another start got there first
    return target


def java() -> str:
    found = shutil.which("java")
    if found is None:
        raise EngineMissing(
            "make run needs Java 17 for DynamoDB Local:"
            " sudo apt-get install openjdk-17-jre-headless (or any Java 17+)"
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def access_key(data_dir: Path) -> str:
    """This directory's access key (letters and digits, as the engine asks), made once."""
    path = data_dir / "dynamodb-access-key"
    if not path.exists():
        write_secret(path, secrets.token_hex(16))
    return path.read_text().strip()


def write_secret(path: Path, value: str) -> None:
    """Write a file only its owner can read, unless it is already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(value + "\n")


def die_with_parent() -> None:
    # Linux: the JVM gets SIGTERM if the process that started it dies.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class DynamoDBLocal:
    process: subprocess.Popen
    log: Path  # what the engine printed
    endpoint: str
    environment: dict[str, str]  # the credentials and region that reach this directory's data

    def client(self, config=None):
        import boto3

        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=self.environment["AWS_DEFAULT_REGION"],
            aws_access_key_id=self.environment["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.environment["AWS_SECRET_ACCESS_KEY"],
            config=config,
        )

    def stop(self) -> None:
        _forget_endpoint(self.log.parent, self.endpoint)
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(data_dir: Path, cache: Path = CACHE) -> DynamoDBLocal:
    """DynamoDB Local with its database in `data_dir`, answering on a free port.

    A free port can be taken by another start between the probe and the JVM's
    bind (two stacks started at once). The engine does not exit when its bind
    fails, so its log is watched for that, and it is started again on another
    port; and it is ready only when this JVM itself listens on the port, never
    when another engine there answers.
    """
    command = java()
    engine = fetch(cache)
    database = data_dir / "dynamodb"
    database.mkdir(parents=True, exist_ok=True)
    key = access_key(data_dir)
    log_path = data_dir / "dynamodb.log"
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [
                    command,
                    f"-Djava.library.path={engine / 'DynamoDBLocal_lib'}",
                    "-jar",
                    str(engine / "DynamoDBLocal.jar"),
                    "-dbPath",
                    str(database),
                    "-disableTelemetry",
                    "-port",
                    str(port),
                ],
                cwd=engine,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        engine_process = DynamoDBLocal(
            process,
            log_path,
            f"http://127.0.0.1:{port}",
            {
                "AWS_ACCESS_KEY_ID": key,
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
            },
        )
        try:
            answering = _wait_until_answering(engine_process, port)
        except BaseException:
            engine_process.stop()
            raise
        if answering:
            # Where a running engine answers, for tools beside it (make export, make import).
            (data_dir / ENDPOINT_FILE).write_text(engine_process.endpoint + "\n")
            return engine_process
        engine_process.stop()  # its port was taken: another one
    raise EngineMissing(f"DynamoDB Local found no free port in {PORT_ATTEMPTS} tries")


def running_endpoint(data_dir: Path) -> str | None:
    """The endpoint a running engine on `data_dir` wrote, if any (it may be stale)."""
    path = data_dir / ENDPOINT_FILE
    if not path.is_file():
        return None
    return path.read_text().strip() or None


def _forget_endpoint(data_dir: Path, endpoint: str) -> None:
    if running_endpoint(data_dir) == endpoint:
        with contextlib.suppress(OSError):
            (data_dir / ENDPOINT_FILE).unlink()


def _wait_until_answering(engine: DynamoDBLocal, port: int) -> bool:
    """True once this engine answers on `port`; False if another process holds the port."""
    from botocore.config import Config

    quick = engine.client(Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}))
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        said = engine.log.read_text(errors="replace")
        if "BindException" in said or "Failed to bind" in said:
            return False
        if engine.process.poll() is not None:
            raise EngineMissing(f"DynamoDB Local exited on start:\n{said}")
        if _listens(engine.process.pid, port):
            try:
                quick.list_tables(Limit=1)
                return True
            except Exception:
                pass
        time.sleep(0.1)
    raise EngineMissing(f"DynamoDB Local did not answer within {READY_SECONDS} s")


def _listens(pid: int, port: int) -> bool:
    """Whether process `pid` itself holds a listening socket on `port` (Linux's /proc).

    Elsewhere it cannot be told, and is taken as yes.
    """
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not all(table.is_file() for table in tables):
        return True
    wanted = f":{port:04X}"
    inodes = set()
    for table in tables:
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(wanted) and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return False
    descriptors = Path(f"/proc/{pid}/fd")
    try:
        names = list(descriptors.iterdir())
    except OSError:
        return False
    for name in names:
        with contextlib.suppress(OSError):
            if os.readlink(name) in inodes:
                return True
    return False
