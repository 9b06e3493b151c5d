"""The incident-report example (examples/incident-report/) end to end on both stores: officer notes in,
a draft report held for four-eyes review (the charter's review rule) and edited by a reviewer (edit
provenance kept), every statement's citation checked by code, a supervisor's approval before the
consequential filing."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from charter.api.deps import key_cache
from charter.connectors import connectors_of, parse_connectors
from charter.oversight.decisions import approve, edit
from charter.oversight.queue import claim
from charter.oversight.tables import review_versions
from charter.workflows import apply, decide, resume, run_workflow, show_run
from tests.conftest import Platform
from tests.integration.workflows.test_permit_review import _for_the_test_platform

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "incident-report"


def _plugin() -> Any:
    spec = importlib.util.spec_from_file_location("incident_report_plugin", EXAMPLE / "plugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model(body: dict[str, Any]) -> str:
    """The scripted model: one statement per note, citing it."""
    notes = re.findall(r"^(N\d+): (.+)$", body["messages"][-1]["content"], re.M)
    date = re.search(r"\d{4}-\d{2}-\d{2}", notes[0][1])
    return json.dumps({"incident_type": "theft", "severity": "medium", "recommended_action": "refer_for_investigation",
                       "date": date.group(0) if date else "2026-01-01",
                       "location": "Harbour Street",
                       "statements": [{"text": text, "source_note": n} for n, text in notes]})


def test_incident_report_four_eyes_edit_provenance_and_a_supervisor(platform: Platform) -> None:
    rt, plugin = platform.rt, _plugin()
    platform.apply(_for_the_test_platform((EXAMPLE / "charter.yaml").read_text()))
    kinds = rt.extensions.items["connectors"]
    kinds["incident_report_check"] = plugin.callable_connector(plugin.check_report, consequential=False,
                                                               idempotent=True)
    kinds["incident_records_office"] = plugin.callable_connector(plugin.file_report, consequential=True,
                                                                 idempotent=False)
    for spec in parse_connectors(_for_the_test_platform((EXAMPLE / "connectors.yaml").read_text())).values():
        connectors_of(rt).add(spec)
    apply(rt, _for_the_test_platform((EXAMPLE / "workflow.yaml").read_text()), actor="test")
    platform.upstream.script = _model
    platform.keys["reviewer2"] = platform.key("reviewer", use_case=None, name="second reviewer")
    who = {role: key_cache(rt).authenticate(platform.keys[role]) for role in ("admin", "reviewer", "reviewer2")}
    notes = json.loads((EXAMPLE / "notes.jsonl").read_text().splitlines()[0])

    held = asyncio.run(run_workflow(rt, who["admin"], "incident-report", notes))
    assert (held["status"], held["waiting_for"], held["step"]) == ("waiting", "review", "draft")
    review_id = held["review_id"]
    draft = json.loads(_model({"messages": [{"content": "\n".join(
        f"N{i}: {n}" for i, n in enumerate(notes["notes"], 1))}]}))
    draft["location"] = "14 Harbour Street, outside the library"  # the first reviewer corrects the location
    now = dt.datetime.now(dt.UTC)

    def first(conn: Any) -> dict[str, Any]:
        claim(conn, who["reviewer"], review_id, now)
        return edit(rt, conn, who["reviewer"], review_id, text=json.dumps(draft), now=now)

    assert rt.writer.write(first)["final"] is False  # four eyes: one more person
    assert asyncio.run(resume(rt, who["admin"], held["id"]))["waiting_for"] == "review"  # still held

    def second(conn: Any) -> dict[str, Any]:
        claim(conn, who["reviewer2"], review_id, now)
        return approve(conn, who["reviewer2"], review_id, now=now)

    assert rt.writer.write(second)["final"] is True

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:
        at_supervisor = await resume(rt, who["admin"], held["id"])
        return at_supervisor, await decide(rt, who["reviewer2"], held["id"], approve=True, comment="signed")

    at_supervisor, filed = asyncio.run(go())
    assert (at_supervisor["step"], at_supervisor["waiting_for"]) == ("supervisor", "approval")
    assert plugin.FILED[0]["report"] == draft and len(plugin.FILED) == 1  # filed once, after the signature
    assert filed["status"] == "succeeded"
    shown = rt.writer.write(lambda c: show_run(rt, c, who["admin"], held["id"]))
    assert shown["output"]["report"]["location"] == draft["location"]
    check = next(s for s in shown["steps"] if s["step"] == "check")
    assert check["output"] == {"statements": 3, "notes_cited": ["N1", "N2", "N3"]}
    with rt.engine.connect() as conn:
        provenance = conn.execute(
            select(review_versions.c.version, review_versions.c.provenance, review_versions.c.author)
            .where(review_versions.c.review_id == review_id).order_by(review_versions.c.version)).all()
    assert [(v, p) for v, p, _ in provenance] == [(1, "ai"), (2, "ai-edited")]
    assert provenance[1].author == who["reviewer"].key_id
