"""A `#token=` link on a staff page (API.md section 9): it replaces the stored
token only once the server has accepted it; a refused one changes nothing
(issue 17, finding 7: a crafted link used to erase a desk's token)."""

from __future__ import annotations

import pytest

from tests.support.browser import PHONE, chromium, mint_desk_token, visible_testid, wait_for
from tests.support.localstack import WORKSHOP

pytestmark = [pytest.mark.browser, pytest.mark.stack]

STORED = f"return localStorage.getItem('hadir.desk-token.{WORKSHOP}')"


def open_page(driver, url: str) -> None:
    """A fresh load: a change of fragment alone would not reload the page."""
    driver.get("about:blank")
    driver.get(url)


def signed_in(driver, message: str) -> None:
    wait_for(driver, visible_testid("start-scan"), message)


@pytest.mark.parametrize("page", ["desk", "kiosk"])
def test_a_refused_link_keeps_the_stored_token_and_an_accepted_one_replaces_it(stack, page):
    good = mint_desk_token(stack, "Fragment good")
    good2 = mint_desk_token(stack, "Fragment good 2")
    with chromium(PHONE) as driver:
        driver.get(f"{stack.base}/{page}/{WORKSHOP}#token={good}")
        signed_in(driver, "the good token did not open the page")
        assert driver.execute_script(STORED) == good

        open_page(driver, f"{stack.base}/{page}/{WORKSHOP}#token=crafted-bad-token")
        signed_in(driver, "a refused link signed the page out")
        assert "crafted-bad-token" not in driver.current_url
        assert driver.execute_script(STORED) == good  # kept as it was

        open_page(driver, f"{stack.base}/{page}/{WORKSHOP}#token={good2}")
        signed_in(driver, "an accepted link did not open the page")
        assert good2 not in driver.current_url
        assert driver.execute_script(STORED) == good2  # replaced, once accepted

        # Kept: a reload goes straight in with it.
        driver.refresh()
        signed_in(driver, "the accepted token was not kept")
        assert driver.execute_script(STORED) == good2
