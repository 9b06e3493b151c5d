"""Charters as YAML: validation errors name the field and the line."""

from __future__ import annotations

import pytest

from charter.bootstrap import DEMO_CHARTER
from charter.policy.loader import CharterProblem, parse_charter


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_demo_charter_is_valid():
    charter = parse_charter(DEMO_CHARTER)
    assert charter.name == "helpdesk" and charter.models == ["smollm2"]
    assert charter.rate_limits.requests_per_minute == 120
    assert charter.inventory.stage == "pilot"


def test_error_names_field_and_line_of_bad_value():
    text = DEMO_CHARTER.replace("requests_per_minute: 120", "requests_per_minute: -5")
    with pytest.raises(CharterProblem) as err:
        parse_charter(text, filename="helpdesk.yaml")
    problem = err.value.extra["problems"][0]
    assert problem["field"] == "rate_limits.requests_per_minute"
    line = _line_of(text, "requests_per_minute")
    assert problem["line"] == line
    assert f"helpdesk.yaml line {line}" in err.value.message
    assert err.value.code == "invalid_charter"


def test_unknown_field_is_named_with_its_line():
    text = DEMO_CHARTER + "colour: blue\n"
    with pytest.raises(CharterProblem) as err:
        parse_charter(text)
    problem = err.value.extra["problems"][0]
    assert problem == {"field": "colour", "line": _line_of(text, "colour:"), "message": problem["message"]}
    assert "unknown field" in problem["message"]


def test_nested_unknown_field_line():
    text = DEMO_CHARTER.replace("  agency: Demo Agency", "  agncy: Demo Agency")
    with pytest.raises(CharterProblem) as err:
        parse_charter(text)
    assert err.value.extra["problems"][0]["field"] == "inventory.agncy"
    assert err.value.extra["problems"][0]["line"] == _line_of(text, "agncy:")


def test_missing_required_field():
    text = DEMO_CHARTER.replace("models: [smollm2]\n", "")
    with pytest.raises(CharterProblem) as err:
        parse_charter(text)
    assert err.value.extra["problems"][0]["field"] == "models"


def test_bad_classification_and_risk_tier():
    text = DEMO_CHARTER.replace("classification_ceiling: internal", "classification_ceiling: top-secret-ish") \
        .replace("risk_tier: limited", "risk_tier: spicy")
    with pytest.raises(CharterProblem) as err:
        parse_charter(text)
    fields = {p["field"]: p["line"] for p in err.value.extra["problems"]}
    assert fields == {"risk_tier": _line_of(text, "risk_tier"),
                      "classification_ceiling": _line_of(text, "classification")}


def test_yaml_syntax_error_reports_line():
    with pytest.raises(CharterProblem) as err:
        parse_charter("name: x\ntenant: [unclosed\nmodels: []\n")
    assert err.value.extra["problems"][0]["line"] in (2, 3, 4)


def test_not_a_mapping():
    with pytest.raises(CharterProblem):
        parse_charter("- just\n- a list\n")


def test_high_impact_tier_exists():
    charter = parse_charter(DEMO_CHARTER.replace("risk_tier: limited", "risk_tier: high-impact"))
    assert charter.risk_tier.value == "high-impact"
