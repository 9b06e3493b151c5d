"""The console's owner and builder pages over plain HTTP, on SQLite and PostgreSQL (issue 14 items 4, 5
and 7): applying a charter with line-numbered errors, the system card and inventory downloads,
incidents, monitoring, prompts with the promotion gate, evaluation runs and comparisons, knowledge
bases with upload and deletion. Each calls the capability the API calls, with the API's roles."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import select

from charter.evals.datasets import import_dataset
from charter.evals.experiments import ExperimentPlan, execute, start_experiment
from charter.evals.suites import SuiteSpec, set_suite
from charter.evals.targets import CallableTarget
from charter.knowledge.service import KnowledgeBaseSpec, create_kb
from charter.ledger.tables import ledger_entries
from charter.monitor.timeline import Period, use_case_timeline
from charter.policy.service import ensure_tenant, get_use_case
from charter.prompts import versions
from charter.prompts.spec import PromptSpec
from charter.store.schema import utcnow
from tests.integration.console.conftest import ALWAYS, BASE_CHARTER, Console
from tests.support.agency import answer_key, qa_jsonl

BAD = BASE_CHARTER.replace("risk_tier: limited\n", "risk_tier: limited\nfavourite_colour: blue\n").replace(
    "max_input_chars: 4000", "max_input_chars: lots")


def _actions(console: Console, prefix: str) -> list[str]:
    with console.platform.rt.engine.connect() as conn:
        return [a for a in conn.execute(select(ledger_entries.c.action).order_by(ledger_entries.c.seq)).scalars()
                if a.startswith(prefix)]


def _csrf(client: httpx.Client) -> str:
    page = client.get("/console/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_ho_a_charter_applied_in_the_browser_names_each_problem_with_its_line(console: Console) -> None:
    dev = console.signed_in("developer")
    form = dev.get("/console/charters/new?from=tax-helpdesk")
    assert form.status_code == 200 and "name: tax-helpdesk" in form.text
    csrf = _csrf(dev)
    r = dev.post("/console/charters", data={"csrf": csrf, "yaml": BAD})
    assert r.status_code == 400 and "Not applied: invalid_charter" in r.text
    lines = BAD.split("\n")
    colour, chars = lines.index("favourite_colour: blue") + 1, lines.index("max_input_chars: lots") + 1
    assert f'<a href="#line-{colour}">Line {colour}</a>, field <code>favourite_colour</code>: unknown field' in r.text
    assert f'<a href="#line-{chars}">Line {chars}</a>, field <code>max_input_chars</code>' in r.text
    assert f'<li id="line-{colour}" data-line="{colour}" class="bad">' in r.text
    assert "favourite_colour: blue</textarea>" not in r.text and "lots" in r.text  # the text is kept to fix
    changed = BASE_CHARTER.replace("Answers questions about filing taxes.", "Answers filing questions.")
    r = dev.post("/console/charters", data={"csrf": csrf, "yaml": changed})
    assert r.status_code == 303 and r.headers["location"] == "/console/usecases/tax-helpdesk?applied=2&changed=yes"
    assert "Version 2 applied" in dev.get(r.headers["location"]).text
    assert _actions(console, "charter.")[-1] == "charter.applied"
    # the API's rules: another tenant's charter is refused as it is, a reviewer may not apply, CSRF is checked
    r = dev.post("/console/charters", data={"csrf": csrf, "yaml": changed.replace("tenant: agency", "tenant: other")})
    assert r.status_code == 403 and "cross_tenant" in r.text
    reviewer = console.signed_in("reviewer")
    r = reviewer.post("/console/charters", data={"csrf": _csrf(reviewer), "yaml": changed})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    assert dev.post("/console/charters", data={"yaml": changed}).status_code == 403


def test_at_incidents_the_system_card_and_the_inventory_of_a_use_case(console: Console) -> None:
    auditor = console.signed_in("auditor")
    page = auditor.get("/console/usecases/tax-helpdesk")
    assert 'href="/console/usecases/tax-helpdesk/card" download' in page.text
    with httpx.Client(base_url=console.url, headers=console.platform.auth("auditor")) as api:
        card = api.get("/api/v1/usecases/tax-helpdesk/card").text
        csv = api.get("/api/v1/inventory?format=csv").text
        rows = api.get("/api/v1/inventory").json()
    r = auditor.get("/console/usecases/tax-helpdesk/card")  # the API's downloads, byte for byte
    assert r.status_code == 200 and r.text == card and card.startswith("# System card: tax-helpdesk")
    assert r.headers["content-disposition"] == 'attachment; filename="tax-helpdesk-system-card.md"'
    r = auditor.get("/console/inventory")
    assert r.text == csv and r.headers["content-disposition"] == 'attachment; filename="agency-ai-inventory.csv"'
    assert auditor.get("/console/inventory?format=json").json() == rows
    assert auditor.get("/console/usecases/nope/card").status_code == 404

    asked = console.ask()
    interaction = asked.headers["x-charter-interaction-id"]
    reviewer = console.signed_in("reviewer")
    assert "Incidents</a> (0 not closed)" in reviewer.get("/console/usecases/tax-helpdesk").text
    r = reviewer.post("/console/incidents", data={
        "csrf": _csrf(reviewer), "title": "Wrong deadline given", "use_case": "tax-helpdesk", "severity": "high",
        "kind": "incident", "description": "The answer said May 30.", "interaction_ids": f"{interaction}, "})
    assert r.status_code == 303
    page = reviewer.get(r.headers["location"])
    assert "Incident: Wrong deadline given" in page.text and interaction in page.text
    assert "Close the incident" not in page.text  # closing is an admin's
    incident_id = r.headers["location"].rsplit("/", 1)[1]
    listed = reviewer.get("/console/incidents?use_case=tax-helpdesk&status=open")
    assert f'href="/console/incidents/{incident_id}">Wrong deadline given' in listed.text
    assert "No incidents." in reviewer.get("/console/incidents?status=closed").text
    r = reviewer.post(f"/console/incidents/{incident_id}/close", data={"csrf": _csrf(reviewer), "after_action": "x"})
    assert r.status_code == 403 and "role_not_allowed" in r.text
    admin = console.signed_in("admin")
    r = admin.post(f"/console/incidents/{incident_id}/close", data={"csrf": _csrf(admin), "after_action": " "})
    assert r.status_code == 400 and "missing_field" in r.text
    r = admin.post(f"/console/incidents/{incident_id}/close",
                   data={"csrf": _csrf(admin), "after_action": "Prompt fixed; reviewers briefed.", "root_cause": "old"})
    assert r.status_code == 303
    assert "status <strong>closed</strong>" in admin.get(r.headers["location"]).text
    assert _actions(console, "incident.") == ["incident.opened", "incident.closed"]
    r = reviewer.post("/console/incidents", data={"csrf": _csrf(reviewer), "title": "x", "interaction_ids": "int_nope"})
    assert r.status_code == 400 and "invalid_value" in r.text
    assert console.signed_in("developer").get("/console/incidents").status_code == 403
    console.platform.rt.writer.write(lambda c: ensure_tenant(c, "other"))
    console.platform.keys["other-admin"] = console.platform.key("admin", use_case=None, tenant="other")
    other = console.signed_in("other-admin")
    assert other.get(f"/console/incidents/{incident_id}").status_code == 404
    assert "Wrong deadline" not in other.get("/console/incidents").text


def test_md_monitoring_draws_the_use_case_over_time_with_tables(console: Console) -> None:
    for _ in range(3):
        assert console.ask().status_code == 200
    console.apply(ALWAYS)
    assert console.ask().status_code == 202  # held for review
    rt = console.platform.rt
    with rt.engine.connect() as conn:
        uc = get_use_case(conn, console.platform.tenant_id, "tax-helpdesk")
        timeline = use_case_timeline(conn, console.platform.tenant_id, uc["id"], Period.last(7, now=utcnow()))
    totals = timeline["totals"]
    assert totals["requests"] == 4 and totals["by_status"] == {"ok": 3, "held": 1, "refused": 0, "error": 0}
    assert totals["reviews_opened"] == 1 and timeline["reviews_pending"] == 1 and totals["guard_hits"] == 0
    assert sum(b["requests"] for b in timeline["buckets"]) == 4 and len(timeline["buckets"]) == 7
    assert timeline["buckets"][-1]["latency_p50_ms"] is not None
    dev = console.signed_in("developer")
    r = dev.get("/console/usecases/tax-helpdesk/monitoring?days=7")
    assert r.status_code == 200
    assert r.text.count('<svg class="chart"') == 7 and r.text.count('role="img"') == 7
    assert 'aria-labelledby="chart-traffic-t chart-traffic-d"' in r.text
    assert "<dt>Requests</dt><dd>4 (ok 3, held 1, refused 0, error 0)</dd>" in r.text
    assert "1 received; approved 0, edited 0, rejected 0; 1 waiting now" in r.text
    today = utcnow().date().isoformat()
    assert re.search(rf"<th scope=\"row\">{today}</th><td>4</td><td>1</td>", r.text)
    assert "Alerts</h2>" not in r.text  # a developer does not read alerts (GET /api/v1/alerts)
    assert "No alerts." in console.signed_in("auditor").get("/console/usecases/tax-helpdesk/monitoring").text
    assert "No drift run yet" in r.text and "<script>" not in r.text and " style=" not in r.text
    assert dev.get("/console/usecases/tax-helpdesk/monitoring?days=1").text.count("<th scope=\"row\">") >= 24 * 7
    assert dev.get("/console/usecases/tax-helpdesk/monitoring?days=0").status_code == 400
    assert console.signed_in("reviewer").get("/console/usecases/tax-helpdesk/monitoring").status_code == 403
    assert dev.get("/console/usecases/nope/monitoring").status_code == 404


def test_pc_prompts_show_versions_diffs_history_and_the_gate_refusal_as_it_is(console: Console) -> None:
    rt, tid = console.platform.rt, console.platform.tenant_id
    for text in ("You answer tax questions.", "You answer tax questions briefly."):
        spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=text, message="m")
        rt.writer.write(lambda c, s=spec: versions.push(c, tid, s, actor="alice"))
    dev = console.signed_in("developer")
    page = dev.get("/console/prompts")
    assert 'href="/console/prompts/tax-answer">tax-answer' in page.text
    r = dev.get("/console/prompts/tax-answer/diff?a=1&b=2")
    assert "<del>-You answer tax questions.</del>" in r.text
    assert "<ins>+You answer tax questions briefly.</ins>" in r.text
    assert "You answer tax questions briefly." in dev.get("/console/prompts/tax-answer/versions/2").text
    csrf = _csrf(dev)
    r = dev.post("/console/prompts/tax-answer/promote", data={"csrf": csrf, "version": "2", "label": "staging"})
    assert r.status_code == 303 and r.headers["location"] == "/console/prompts/tax-answer?moved=2&label=staging"
    page = dev.get(r.headers["location"])
    assert "Label <strong>staging</strong> now points at version 2." in page.text
    assert "<td>staging</td><td>—</td><td>2</td><td>set</td>" in page.text
    rt.writer.write(lambda c: import_dataset(c, tid, "tax-qa", qa_jsonl(), fmt="jsonl", actor="carol", source="t"))
    suite = SuiteSpec("tax-helpdesk", "tax-qa", ["exact"], thresholds={"exact_match": {"min": 0.5}})
    rt.writer.write(lambda c: set_suite(c, tid, suite, actor="carol"))
    r = dev.post("/console/prompts/tax-answer/promote", data={"csrf": csrf, "version": "2", "label": "production"})
    with httpx.Client(base_url=console.url, headers=console.platform.auth("developer")) as api:
        refused = api.post("/api/v1/prompts/tax-answer/promote", json={"version": 2})
    body = refused.json()["error"]
    assert r.status_code == refused.status_code == 409 and f"Refused: {body['code']}" in r.text, r.text
    for failure in body["failures"]:
        assert f"<li>{failure}</li>" in r.text.replace("&#39;", "'").replace("&quot;", '"')
    assert "production" not in dev.get("/console/prompts").text  # nothing moved
    reviewer = console.signed_in("reviewer")
    assert "Promote</button>" not in reviewer.get("/console/prompts/tax-answer").text
    r = reviewer.post("/console/prompts/tax-answer/promote", data={"csrf": _csrf(reviewer), "version": "1"})
    assert r.status_code == 403
    assert dev.get("/console/prompts/nope").status_code == 404


def test_me_evaluation_runs_and_a_comparison_with_intervals_and_a_plot(console: Console) -> None:
    rt, tid = console.platform.rt, console.platform.tenant_id
    rt.writer.write(lambda c: import_dataset(c, tid, "tax-qa", qa_jsonl(), fmt="jsonl", actor="carol", source="t"))
    runs = []
    for template, wrong in (("careful", 0), ("sloppy", 2)):
        spec = PromptSpec(name="tax-answer", template=template)
        v = rt.writer.write(lambda c, s=spec: versions.push(c, tid, s, actor="alice"))
        plan = ExperimentPlan(dataset="tax-qa", models=("mock",), prompts=(f"tax-answer@{v['version']}",),
                              evaluators=[{"name": "exact", "options": {}}])
        exp = rt.writer.write(lambda c, p=plan: start_experiment(c, tid, p, actor="alice", target="callable"))
        [summary] = asyncio.run(execute(rt, tid, exp["experiment_id"], CallableTarget(answer_key(wrong_every=wrong))))
        runs.append(summary["run_id"])
    auditor = console.signed_in("auditor")
    page = auditor.get("/console/evals")
    assert page.status_code == 200 and all(f'href="/console/evals/runs/{r}"' in page.text for r in runs)
    assert 'aria-labelledby="chart-runs-t chart-runs-d"' in page.text
    run = auditor.get(f"/console/evals/runs/{runs[1]}")
    assert "When are returns due?" in run.text and "exact_match" in run.text
    r = auditor.get(f"/console/evals/compare?a={runs[0]}&b={runs[1]}")
    assert r.status_code == 200 and 'aria-labelledby="chart-compare-t chart-compare-d"' in r.text
    assert "Regressed: exact_match." in r.text and '<strong class="bad">yes</strong>' in r.text
    with httpx.Client(base_url=console.url, headers=console.platform.auth("auditor")) as api:
        exact = api.get(f"/api/v1/evals/compare?a={runs[0]}&b={runs[1]}").json()["metrics"]["exact_match"]
    assert "<td>-0.5</td>" in r.text and f"{exact['ci_low']:.3g}" in r.text
    assert auditor.get(f"/console/evals/compare?a={runs[0]}&b=run_nope").status_code == 404


def test_pc_knowledge_upload_with_progress_and_deletion_after_a_confirmation(console: Console) -> None:
    rt, tid = console.platform.rt, console.platform.tenant_id
    rt.writer.write(lambda c: create_kb(c, KnowledgeBaseSpec(name="guide", pii_policy="off"), tenant_id=tid,
                                        actor="test"))
    dev = console.signed_in("developer")
    page = dev.get("/console/knowledge/guide")
    assert '<script src="/console/static/upload.js" defer></script>' in page.text
    csrf = _csrf(dev)
    file = b"# Filing\n\nThe filing deadline for individual returns is April 30.\n"
    r = dev.post("/console/knowledge/guide/documents?filename=filing.md", content=file,
                 headers={"content-type": "application/octet-stream", "x-charter-csrf": csrf})
    assert r.status_code == 201, r.text
    assert r.json()["location"] == "/console/knowledge/guide?uploaded=filing.md&version=1"
    r = dev.post("/console/knowledge/guide/documents", files={"file": ("refunds.md", b"Refunds take 8 weeks.\n")},
                 data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/console/knowledge/guide?uploaded=refunds.md&version=2"
    page = dev.get(r.headers["location"])
    assert "refunds.md added: version 2." in page.text and "filing.md" in page.text
    bad = dev.post("/console/knowledge/guide/documents?filename=x.md", content=b"x",
                   headers={"content-type": "application/octet-stream", "x-charter-csrf": "wrong"})
    assert bad.status_code == 403 and "csrf_failed" in bad.text
    with rt.engine.connect() as conn:
        from charter.knowledge.service import list_documents

        doc = next(d for d in list_documents(conn, tid, "guide") if d["filename"] == "filing.md")
    r = dev.post(f"/console/knowledge/guide/documents/{doc['id']}/delete", data={"csrf": csrf})
    assert r.status_code == 200 and "Delete filing.md from guide?" in r.text
    r = dev.post(f"/console/knowledge/guide/documents/{doc['id']}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert r.status_code == 303
    page = dev.get(r.headers["location"])
    assert f"Document <code>{doc['id']}</code> deleted" in page.text and "1 removed document" in page.text
    again = dev.post(f"/console/knowledge/guide/documents/{doc['id']}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert again.status_code == 404
    auditor = console.signed_in("auditor")
    assert auditor.get("/console/knowledge").status_code == 403
    assert "Knowledge</a>" not in auditor.get("/console/").text
    console.platform.rt.writer.write(lambda c: ensure_tenant(c, "other"))  # nothing of another tenant shows
    console.platform.keys["other-developer"] = console.platform.key("developer", use_case=None, tenant="other")
    other = console.signed_in("other-developer")
    for path in ("/console/knowledge/guide", "/console/usecases/tax-helpdesk/monitoring",
                 "/console/usecases/tax-helpdesk/card", "/console/charters/new?from=tax-helpdesk"):
        assert other.get(path).status_code == 404, path
    assert "guide" not in other.get("/console/knowledge").text
    r = other.post("/console/knowledge/guide/documents?filename=x.md", content=b"x",
                   headers={"content-type": "application/octet-stream", "x-charter-csrf": _csrf(other)})
    assert r.status_code == 404
