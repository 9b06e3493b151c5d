"""A charter whose guard options the guard rejects is refused when it is applied (400 invalid_charter
naming guards.<name>.options), not accepted and then failing every request with guard_unavailable."""

from __future__ import annotations

from typing import Any

from tests.conftest import AGENCY_CHARTER, Platform

BAD_PII = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + """\
guards:
  pii: {action: redact, options: {entities: [NOT_A_TYPE]}}
"""

GOOD_PII = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + """\
guards:
  pii: {action: redact, options: {entities: [EMAIL_ADDRESS]}}
"""


def test_bad_guard_options_refused_at_apply_with_field_path(platform: Platform, http: Any) -> None:
    before = http.get("/api/v1/usecases/tax-helpdesk", headers=platform.auth("admin")).json()
    r = http.post("/api/v1/usecases", json={"yaml": BAD_PII}, headers=platform.auth("admin"))
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_charter"
    assert error["param"] == "guards.pii.options"
    assert "NOT_A_TYPE" in error["message"]
    after = http.get("/api/v1/usecases/tax-helpdesk", headers=platform.auth("admin")).json()
    assert after["version"] == before["version"]  # nothing stored


def test_valid_guard_options_still_apply(platform: Platform, http: Any) -> None:
    r = http.post("/api/v1/usecases", json={"yaml": GOOD_PII}, headers=platform.auth("admin"))
    assert r.status_code == 201, r.text
    assert r.json()["changed"] is True
