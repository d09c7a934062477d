"""A fault injector between Hadir and DynamoDB, and a clock for backoff that never sleeps.

The injector hooks botocore's events on the client the store is handed, so the
store, the services and the app run unchanged above it: a chosen call fails as
DynamoDB or the network would make it fail, either before the request is sent
or after DynamoDB has carried it out (the answer lost on the way back).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore.exceptions import ClientError, ReadTimeoutError

# DynamoDB's error codes, as its API returns them.
THROTTLED = "ProvisionedThroughputExceededException"
THROTTLING = "ThrottlingException"
INTERNAL = "InternalServerError"
CONFLICT = "TransactionConflict"
TIMEOUT_AFTER_WRITE = "ReadTimeoutAfterWrite"

FAULTS = (THROTTLED, THROTTLING, INTERNAL, CONFLICT, TIMEOUT_AFTER_WRITE)


@dataclass
class _Plan:
    operation: str
    fault: str
    times: int  # how many matching calls fail; -1: every one


class FaultInjector:
    def __init__(self, client) -> None:
        self._plans: list[_Plan] = []
        self.injected: list[tuple[str, str]] = []  # (operation, fault), in order
        self.calls: list[str] = []
        events = client.meta.events
        events.register("before-parameter-build.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def fail(self, operation: str, fault: str, times: int = 1) -> None:
        """The next `times` calls of `operation` (e.g. "TransactWriteItems") fail with `fault`."""
        self._plans.append(_Plan(operation, fault, times))

    def clear(self) -> None:
        self._plans.clear()

    def _take(self, operation: str, after: bool) -> str | None:
        for plan in self._plans:
            if plan.operation != operation or plan.times == 0:
                continue
            if (plan.fault == TIMEOUT_AFTER_WRITE) != after:
                continue
            if plan.times > 0:
                plan.times -= 1
            self.injected.append((operation, plan.fault))
            return plan.fault
        return None

    def _before(self, params, model, **_) -> None:
        self.calls.append(model.name)
        fault = self._take(model.name, after=False)
        if fault is None:
            return
        if fault == CONFLICT:
            # As DynamoDB reports a transaction that met another one on an item.
            items = params.get("TransactItems", [{}])
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                    "CancellationReasons": [{"Code": CONFLICT}]
                    + [{"Code": "None"}] * (len(items) - 1),
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                model.name,
            )
        status = 500 if fault == INTERNAL else 400
        raise ClientError(
            {
                "Error": {"Code": fault, "Message": "injected"},
                "ResponseMetadata": {"HTTPStatusCode": status},
            },
            model.name,
        )

    def _after(self, model, **_) -> None:
        # The request was carried out; its answer never arrives.
        if self._take(model.name, after=True) is not None:
            raise ReadTimeoutError(endpoint_url="https://dynamodb.ap-southeast-3.amazonaws.com/")


@dataclass
class FakeTime:
    """monotonic() and sleep() for Backoff: sleeping moves the clock, nothing waits."""

    now: float = 0.0
    pauses: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.pauses.append(seconds)
        self.now += seconds
