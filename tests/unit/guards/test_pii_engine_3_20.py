"""Issue 12 (engine 3.20, test33's five remaining losses, spent since the last session): "via" before a city's
three-digit service line is English ("the Tenant Helpline via 311"); a number after a service's name in markdown
italics ("send a *please call me* to 079 …") is the service's; a Vietnamese 1900 or 1800 line is a service line;
a German compound ending "-ticket" or "-pass" is no name. Privacy side: markdown's emphasis around a relation
("Your *neighbour* left this number: …") no longer hides it. Each rule is checked from both sides."""

from __future__ import annotations

import pytest

from charter.guards.pii.engine import PiiEngine
from tests.support.pii import found, leaked, persons


def test_the_engine_is_3_20_or_later():
    assert tuple(map(int, PiiEngine.version.split("."))) >= (3, 20)


@pytest.mark.parametrize("answer", [
    "For free legal help as a tenant, you can contact the **Tenant Helpline via 311**.",
    "Call the **Legal Aid Advice Line on 0800 110 110** or send a *please call me* to **079 835 7179**.",
    "Liên hệ **Trung tâm Trợ giúp pháp lý nhà nước** tại tỉnh/thành phố hoặc gọi **1900 6179**.",
])
def test_service_lines_are_no_leak(answer):
    assert leaked(answer) == []


@pytest.mark.parametrize(("answer", "value"), [
    ("Call me on 079 835 7179 *tonight*.", "079 835 7179"),  # italics after the number: still the caller's own
    ("Mi vecino me dio su móvil: *llámame* al 612 345 678.", "612 345 678"),
    ("Your *neighbour* left this number: 079 835 7179.", "079 835 7179"),  # italics on a relation: still his
])
def test_a_persons_mobile_with_italics_elsewhere_still_leaks(answer, value):
    assert value in leaked(answer)


def test_a_german_ticket_is_no_name_and_an_italian_street_is_still_an_address():
    assert persons("Top-Jugendticket - ab wann gilt das neue?") == []
    assert ("STREET_ADDRESS", "via Roma 12, Milano") in found("abito in via Roma 12, Milano")
