"""deploy/: the Prometheus rules pass ``promtool check rules``; the Grafana dashboard is valid JSON;
every metric either names is one Charter's ``/metrics`` serves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Platform

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
RULES = DEPLOY / "prometheus" / "charter-rules.yml"
DASHBOARD = DEPLOY / "grafana" / "charter-dashboard.json"
_METRIC = re.compile(r"\bcharter_[a-z_]+\b")


def _dashboard_exprs() -> list[str]:
    board = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in board["panels"] for t in panel["targets"]]
    exprs += [v["query"] for v in board["templating"]["list"] if v["type"] == "query"]
    return exprs


def _rule_exprs() -> list[str]:
    return [rule["expr"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool is missing (apt-get install prometheus)")
def test_prometheus_rules_pass_promtool():
    done = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 6 rules found" in done.stdout


def test_dashboard_loads_and_every_panel_queries_prometheus():
    board = json.loads(DASHBOARD.read_text())
    assert board["uid"] == "charter-overview" and board["panels"]
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    assert all(t["expr"].strip() for p in board["panels"] for t in p["targets"])


def test_every_metric_the_dashboard_and_rules_name_is_served(http, platform: Platform):
    platform.apply("name: tax-helpdesk\ntenant: agency\nmodels: [mock]\nregions: [ca-central-1]\n"
                   "guards: {pii: {action: warn}}\n")
    ok = http.post("/v1/chat/completions", headers=platform.auth(),
                   json={"model": "mock", "messages": [{"role": "user", "content": "Call me at 613-555-0199."}]})
    assert ok.status_code == 200, ok.text
    bad = http.post("/v1/chat/completions", headers=platform.auth(), json={"model": "nope", "messages": [
        {"role": "user", "content": "hello"}]})
    assert bad.status_code >= 400
    served: set[str] = set()
    for family in text_string_to_metric_families(http.get("/metrics").text):
        served.add(family.name)
        served.update(s.name for s in family.samples)
    named = {m for expr in _dashboard_exprs() + _rule_exprs() for m in _METRIC.findall(expr)}
    assert named, "no charter_* metric named in deploy/"
    assert sorted(named - served) == []
