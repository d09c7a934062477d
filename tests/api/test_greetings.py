"""Issue 17, finding 9: no page greets a person by a lone letter or a title.

The kiosk greeted "I!" and "Prof.!": a name made only of titles and initials had
its last word as its greeting name. Such a name now has none; the kiosk says its
own welcome (kiosk.js greets by `display_name` only when there is one) and the
badge prints the full name large.
"""

from __future__ import annotations

import pytest

from tests.support.api import badge_code, checkin
from tests.support.values import DAY1, WORKSHOP_ID, jakarta

EVENT = f"/events/{WORKSHOP_ID}"


@pytest.fixture
def kiosk_token(api, organiser):
    body = {"label": "Kiosk", "role": "kiosk"}
    reply = api.post(f"{EVENT}/desk-tokens", body, token=organiser)
    assert reply.status == 201, reply
    return reply.json["token"]


@pytest.mark.parametrize("name", ["I", "Prof.", "Prof. Dr. Ir.", "H. A.", "Bapak", "I Gusti"])
def test_a_name_of_titles_only_is_greeted_by_nobody_at_the_kiosk(
    api, register, kiosk_token, clock, name
):
    person = register(name=name)
    assert person["display_name"] == ""
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    reply = checkin(api, kiosk_token, code=badge_code(person))
    assert reply.status == 201, reply
    assert reply.json["attendee"]["display_name"] == ""
    assert api.get(f"/badges/{badge_code(person)}").json["display_name"] == ""


@pytest.mark.parametrize(
    ("name", "greeting"),
    [("Prof. Dr. Ir. H. Bambang Sutrisno", "Bambang"), ("I Made", "Made"), ("I Wayan", "Wayan")],
)
def test_a_real_name_among_titles_is_still_the_greeting(
    api, register, kiosk_token, clock, name, greeting
):
    person = register(name=name)
    clock.set(jakarta(f"{DAY1}T08:30:00"))
    reply = checkin(api, kiosk_token, code=badge_code(person))
    assert reply.json["attendee"]["display_name"] == greeting
