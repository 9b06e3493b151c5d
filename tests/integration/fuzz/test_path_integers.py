"""Whole numbers in a path (a ledger sequence, a prompt or model version) outside what the store's
integer columns hold are a 4xx with a stable code, never a 5xx (PostgreSQL refuses a bound
parameter past its column's range; SQLite takes up to 2**63). Both stores."""

from __future__ import annotations

import pytest

HUGE = ["99999999999999999999", str(2**63), str(2**31), "-1", "0"]
PATHS = [
    ("GET", "/api/v1/ledger/entries/{n}", "auditor"),
    ("GET", "/api/v1/prompts/helpdesk-system/versions/{n}", "developer"),
    ("GET", "/api/v1/models/mock/versions/{n}", "developer"),
    ("POST", "/api/v1/models/mock/versions/{n}/promote", "developer"),
]


@pytest.mark.parametrize(("method", "path", "role"), PATHS)
def test_a_path_number_out_of_range_is_a_4xx_not_a_5xx(http, platform, method: str, path: str, role: str) -> None:
    for n in HUGE:
        r = http.request(method, path.format(n=n), headers=platform.auth(role))
        assert 400 <= r.status_code < 500, (path, n, r.status_code, r.text)
        assert r.json()["error"]["code"], r.text
