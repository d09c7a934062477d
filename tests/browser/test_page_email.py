"""The dashboard's email panel (issue 21) in headless Chromium over make run's stack:
badges to the people selected in the attendee list, then to everyone not yet sent
one; the outbox gets the files, and each person's detail shows what was sent."""

from __future__ import annotations

import email
import email.policy
import itertools
import re

import pytest

from tests.support.browser import (
    LAPTOP,
    ORGANISER,
    all_by_testid,
    by_testid,
    chromium,
    register,
    visible_testid,
    wait_for,
)
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

_n = itertools.count(1)


def recipients(stack) -> list[str]:
    """Whom the outbox's messages are to, one a file."""
    outbox = stack.data_dir / "outbox"
    found = []
    for path in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found.append(message["To"])
    return found


def test_badges_are_sent_from_the_dashboard_to_the_selected_then_everyone(stack):
    people = [
        register(stack, f"Surel Uji {i}", f"mail-{next(_n)}@example.org", "Yayasan Surel")
        for i in range(3)
    ]
    addresses = [f"mail-{i}@example.org" for i in range(1, 4)]
    chosen = people[:2]
    with chromium(LAPTOP) as driver:
        driver.get(f"{stack.base}/dashboard/{WORKSHOP}#token={ORGANISER}")
        wait_for(driver, visible_testid("people-loaded"), "the attendee list is loaded")
        search = by_testid(driver, "people-search")
        search.send_keys("surel uji")
        wait_for(driver, lambda d: len(all_by_testid(d, "person-row")) == 3, "three are listed")
        for person in chosen:
            driver.find_element(
                "css selector", f'[data-testid="person-row"][data-id="{person["attendee_id"]}"]'
            ).find_element("css selector", '[data-testid="select-person"]').click()
        driver.execute_script("window.confirm = () => true;")
        by_testid(driver, "email-badges-selected").click()
        wait_for(
            driver,
            lambda d: "Diantrekan: 2" in by_testid(d, "email-result").text,
            "two badges are queued",
        )
        wait_for(
            driver,
            lambda d: sorted(recipients(stack)) == sorted(addresses[:2]),
            "the outbox has the two selected people's emails",
        )

        # Everyone not yet sent one: the third person (and whoever else this
        # session's other modules registered), never the two again.
        before = len(recipients(stack))
        by_testid(driver, "email-badges-all").click()
        wait_for(
            driver,
            lambda d: re.search(r"Diantrekan: (\d+)", by_testid(d, "email-result").text),
            "the rest are queued",
        )
        queued = int(re.search(r"Diantrekan: (\d+)", by_testid(driver, "email-result").text)[1])
        assert queued >= 1
        wait_for(
            driver, lambda d: len(recipients(stack)) == before + queued, "the outbox has them all"
        )
        sent = recipients(stack)
        assert sent.count(addresses[2]) == 1
        assert sent.count(addresses[0]) == sent.count(addresses[1]) == 1

        # The person's detail lists the email as sent.
        driver.find_element(
            "css selector", f'[data-testid="person-row"][data-id="{people[0]["attendee_id"]}"]'
        ).find_element("css selector", '[data-testid="person-details"]').click()
        wait_for(driver, visible_testid("person-emails"), "the detail lists the emails")
        [item] = all_by_testid(driver, "person-email")
        assert item.get_attribute("data-status") == "sent"
        assert "terkirim" in item.text
