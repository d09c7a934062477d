"""The queues and senders behind the mail use case (chalicelib/usecases/mail.py).

- `SqsQueue` puts each message on the stage's SQS queue; the worker Lambda
  (app.py, `@app.on_sqs_message`) takes it off and calls `Hadir.deliver_mail`.
- `ThreadQueue` is the local run's: one background thread delivers in order.
- `SesSender` sends raw MIME through Amazon SES (sesv2 `SendEmail`, `Content.Raw`)
  from the stage's verified sender.
- `OutboxSender` writes each message to `<data dir>/outbox/` as an `.eml` file:
  nothing leaves the machine.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("hadir.mail")

_FILE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


class SqsQueue:
    def __init__(self, client: Any, url: str) -> None:
        self._client = client
        self._url = url

    def put(self, job: dict) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps(job))


class ThreadQueue:
    """An in-process queue with one worker thread (the local run)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[dict] = queue.Queue()
        self._deliver: Callable[[dict], Any] | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def serve(self, deliver: Callable[[dict], Any]) -> None:
        self._deliver = deliver

    def put(self, job: dict) -> None:
        self._jobs.put(job)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hadir-mail", daemon=True)
                self._thread.start()

    def join(self) -> None:
        """Wait until every message queued so far is handled (tests)."""
        self._jobs.join()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if self._deliver is not None:
                    self._deliver(job)
            except Exception as error:  # recorded as failed by the use case
                log.warning("email not sent: %s", type(error).__name__)
            finally:
                self._jobs.task_done()


class SesSender:
    def __init__(self, client: Any, sender: str, configuration_set: str | None = None) -> None:
        self._client = client
        self.sender = sender
        self._configuration_set = configuration_set

    def send(self, recipient: str, raw: bytes, name: str) -> None:
        extra = {"ConfigurationSetName": self._configuration_set} if self._configuration_set else {}
        self._client.send_email(
            FromEmailAddress=self.sender,
            Destination={"ToAddresses": [recipient]},
            Content={"Raw": {"Data": raw}},
            **extra,
        )


class OutboxSender:
    """Each message an `.eml` file in a directory (mode 0600): nothing is sent."""

    def __init__(self, directory: str | Path, sender: str = "hadir@localhost") -> None:
        self._directory = Path(directory)
        self.sender = sender

    def send(self, recipient: str, raw: bytes, name: str) -> None:
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self._directory / f"{_FILE_NAME.sub('-', name)}.eml"
        partial = target.with_suffix(".eml.part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(raw)
        os.replace(partial, target)
