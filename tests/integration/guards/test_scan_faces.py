"""Try the guards: ``POST /api/v1/guards/scan`` (any authenticated role) and ``charter guards scan``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from charter.cli.main import app as cli

TEXT = "Hi, I am Maria Gonzalez; my SSN is 536-22-8731 and my card is 4111 1111 1111 1111."


@pytest.mark.parametrize("role", ["app", "admin", "developer", "reviewer", "auditor"])
def test_scan_api_answers_findings_with_offsets_into_the_text(http, platform, role):
    r = http.post("/api/v1/guards/scan", json={"text": TEXT, "guards": ["pii"]}, headers=platform.auth(role))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "flag"
    got = {(f["guard"], f["type"], TEXT[f["start"]:f["end"]]) for f in body["findings"]}
    assert got == {("pii", "PERSON", "Maria Gonzalez"), ("pii", "US_SSN", "536-22-8731"),
                   ("pii", "CREDIT_CARD", "4111 1111 1111 1111")}
    assert all(set(f) == {"guard", "type", "start", "end", "score"} for f in body["findings"])
    assert body["guards"]["pii"]["version"] == "charter-pii/3.49"


def test_scan_api_passes_clean_text_and_needs_a_key(http, platform):
    r = http.post("/api/v1/guards/scan", json={"text": "How do I renew a passport?", "guards": ["pii"]},
                  headers=platform.auth("auditor"))
    assert r.json() == {"findings": [], "verdict": "pass", "guards": r.json()["guards"]}
    assert http.post("/api/v1/guards/scan", json={"text": "x"}).status_code == 401


def test_scan_api_refuses_an_unknown_guard(http, platform):
    r = http.post("/api/v1/guards/scan", json={"text": "x", "guards": ["nope"]}, headers=platform.auth())
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_value"


def test_guard_list_api_names_the_builtin_guards(http, platform):
    r = http.get("/api/v1/guards", headers=platform.auth("reviewer"))
    names = {g["name"]: g for g in r.json()}
    assert {"pii", "pii_leak"} <= set(names)
    assert names["pii_leak"]["directions"] == ["output"]


def test_cli_scan_json_has_the_same_shape():
    result = CliRunner().invoke(cli, ["guards", "scan", TEXT, "--guard", "pii", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["verdict"] == "flag"
    assert [(f["type"], TEXT[f["start"]:f["end"]]) for f in body["findings"]] == [
        ("PERSON", "Maria Gonzalez"), ("US_SSN", "536-22-8731"), ("CREDIT_CARD", "4111 1111 1111 1111")]


def test_cli_scan_reports_unknown_guards_as_errors():
    result = CliRunner().invoke(cli, ["guards", "scan", "x", "--guard", "nope", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["code"] == "invalid_value"
