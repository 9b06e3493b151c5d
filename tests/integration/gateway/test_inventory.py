"""MD-4 / AT-5: the OMB inventory and a system card are generated from the registry."""

from __future__ import annotations

import csv
import io

import pytest

from charter.policy.inventory import INVENTORY_COLUMNS


@pytest.fixture
def database_url():
    return None


def test_md4_inventory_json_and_csv(http, platform):
    rows = http.get("/api/v1/inventory", headers=platform.auth("auditor")).json()
    assert [r["use_case_name"] for r in rows] == ["tax-helpdesk"]
    row = rows[0]
    assert set(row) == set(INVENTORY_COLUMNS)
    assert row["models"] == "mock (mock-model-7b v2026-01)" and row["regions"] == "ca-central-1"
    assert row["is_high_impact"] is False and row["charter_version"] == 1
    r = http.get("/api/v1/inventory", params={"format": "csv"}, headers=platform.auth("auditor"))
    assert r.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(r.text)))
    assert parsed[0]["use_case_name"] == "tax-helpdesk" and list(parsed[0]) == list(INVENTORY_COLUMNS)


def test_at5_system_card_names_models_limits_and_records(http, platform):
    r = http.get("/api/v1/usecases/tax-helpdesk/card", headers=platform.auth("developer"))
    assert r.status_code == 200
    card = r.text
    assert card.startswith("# System card: tax-helpdesk (charter version 1)")
    assert "mock: mock-model-7b version 2026-01, hosted in ca-central-1" in card
    assert "Input at most 4000 characters" in card
    assert "tamper-evident ledger" in card
