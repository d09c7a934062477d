"""One local stack for every page test: each module's data is its own (own emails,
own people, counts read before and after), so the modules need no stack of their own."""

from __future__ import annotations

import pytest

from tests.support.browser import ORGANISER, page_stack


@pytest.fixture(scope="session")
def stack():
    with page_stack(ORGANISER) as running:
        yield running
