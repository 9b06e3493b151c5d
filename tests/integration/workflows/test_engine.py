"""The workflow engine on both stores: a governed run end to end (connector, model through the
gateway, branch, approval, consequential step), batch sign-off, a run that survives a restart, a
non-idempotent step never run twice, budgets and loop bounds, who may approve, YAML errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import select

from charter.errors import CharterError, Conflict, InvalidRequest
from charter.ledger.tables import ledger_entries
from charter.runtime import Runtime
from charter.store.schema import interactions
from charter.workflows import (
    advance,
    apply,
    apply_workflow,
    decide,
    resume,
    run_batch,
    run_workflow,
    show_run,
    sign_off,
)
from charter.workflows.spec import parse_workflow
from tests.integration.workflows.conftest import WORKFLOW, Crash, Desk, Office, install


def _apply(desk: Desk, source: str = WORKFLOW) -> dict[str, Any]:
    return desk.rt.writer.write(lambda c: apply_workflow(c, source, actor="test"))


def _actions(rt: Runtime, subject: str) -> list[str]:
    with rt.engine.connect() as conn:
        return list(conn.execute(select(ledger_entries.c.action).where(ledger_entries.c.subject == subject)
                                 .order_by(ledger_entries.c.seq)).scalars())


def test_a_run_checks_asks_a_person_then_sends_the_letter_once(desk: Desk) -> None:
    assert _apply(desk)["version"] == 1
    assert _apply(desk)["changed"] is False  # the same source again: no new version
    admin, reviewer = desk.principal("admin"), desk.principal("reviewer")

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:
        waiting = await run_workflow(desk.rt, admin, "refund-check", {"case": "ok-1"})
        done = await decide(desk.rt, reviewer, waiting["id"], approve=True, comment="fine")
        return waiting, done

    waiting, done = asyncio.run(go())
    # outside a batch, a batch-mode approval waits for the run's own decision; nothing was sent before it
    assert (waiting["status"], waiting["step"], waiting["waiting_for"]) == ("waiting", "signoff", "approval")
    assert done["status"] == "succeeded" and done["steps_run"] == 4  # the person's approval is not an engine step
    assert desk.office.letters == [{"case": "ok-1", "decision": "approve"}]
    shown = desk.rt.writer.write(lambda c: show_run(desk.rt, c, desk.principal("auditor"), done["id"]))
    with desk.rt.engine.connect() as conn:
        model_call = conn.execute(select(interactions).where(interactions.c.key_id == done["id"])).one()
    assert shown["output"] == {"decision": "approve", "letter": "L-1"}
    assert [(s["step"], s["status"], s["actor"]) for s in shown["steps"]] == [
        ("lookup", "done", "workflow-engine"), ("decide", "done", "workflow-engine"),
        ("route", "done", "workflow-engine"), ("signoff", "approved", reviewer.key_id),
        ("send", "done", "workflow-engine")]
    decided = shown["steps"][1]
    assert decided["output"]["decision"] == "approve" and decided["interaction_id"] == model_call.id
    assert "income" in decided["inputs"]["message"] and decided["finished_at"] >= decided["started_at"]
    assert model_call.status == "ok" and model_call.use_case_id  # governed and recorded by the gateway
    actions = _actions(desk.rt, done["id"])
    assert actions[0] == "workflow.run_started" and "workflow.approved" in actions
    # an intent and a result for the step that is not idempotent (send); one entry for each other step
    assert actions.count("workflow.step") == 6 and actions[-2:] == ["workflow.run_finished", "workflow.run_viewed"]


def test_a_batch_is_signed_off_at_once_and_denials_go_to_a_person(desk: Desk) -> None:
    _apply(desk)
    admin, reviewer = desk.principal("admin"), desk.principal("reviewer")

    async def go() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        batch = await run_batch(desk.rt, admin, "refund-check", [{"case": "ok-1"}, {"case": "big-2"},
                                                                 {"case": "ok-3"}])
        signed = await sign_off(desk.rt, reviewer, batch["batch_id"], comment="checked the sample")
        denied = next(r for r in batch["runs"] if r["waiting_for"] == "approval")
        rejected = await decide(desk.rt, reviewer, denied["id"], approve=False, comment="income checked: approve")
        return batch, signed, rejected

    batch, signed, rejected = asyncio.run(go())
    assert batch["counts"] == {"batch": 2, "approval": 1}
    assert signed["signed_off"] == 2 and {r["status"] for r in signed["runs"]} == {"succeeded"}
    assert sorted(letter["case"] for letter in desk.office.letters) == ["ok-1", "ok-3"]  # no denial was ever sent
    assert rejected["status"] == "rejected" and rejected["error_code"] == "rejected"
    assert _actions(desk.rt, batch["batch_id"]) == ["workflow.batch_opened", "workflow.batch_signed_off"]
    with pytest.raises(Conflict):
        asyncio.run(sign_off(desk.rt, reviewer, batch["batch_id"]))


def test_a_run_survives_a_restart_and_a_cut_letter_is_never_sent_twice(desk: Desk) -> None:
    _apply(desk)
    admin, reviewer = desk.principal("admin"), desk.principal("reviewer")
    desk.office.crash_letters = 1
    run_id = asyncio.run(run_workflow(desk.rt, admin, "refund-check", {"case": "ok-9"}))["id"]
    with pytest.raises(Crash):
        asyncio.run(decide(desk.rt, reviewer, run_id, approve=True))
    assert len(desk.office.letters) == 1  # the process died inside the send

    settings = desk.rt.settings
    desk.rt.close()
    rt = Runtime.open(settings)  # a restart: a new process reads the store
    try:
        office = Office()
        install(rt, office)
        desk.platform.rt = rt
        reviewer = desk.principal("reviewer")

        async def go() -> tuple[dict[str, Any], dict[str, Any]]:
            stuck = await advance(rt, reviewer.tenant_id, run_id)
            with pytest.raises(Conflict) as refused:
                await resume(rt, reviewer, run_id)
            assert refused.value.code == "workflow_step_uncertain"
            return stuck, await resume(rt, reviewer, run_id, settle="skip", output={"sent": True, "letter": "L-1"})

        stuck, settled = asyncio.run(go())
        assert (stuck["status"], stuck["step"], stuck["error_code"]) == ("needs_attention", "send",
                                                                          "workflow_step_uncertain")
        assert office.letters == []  # the engine never sent it again by itself
        assert settled["status"] == "succeeded"
        steps = rt.writer.write(lambda c: show_run(rt, c, reviewer, run_id))["steps"]
        assert [(s["step"], s["status"], s["actor"]) for s in steps][-2:] == [
            ("send", "resolved", "workflow-engine"), ("send", "resolved", reviewer.key_id)]
    finally:
        rt.close()


def test_an_idempotent_step_cut_by_a_crash_runs_again_on_resume(desk: Desk) -> None:
    _apply(desk)
    admin = desk.principal("admin")
    desk.office.crash_lookups = 1
    with pytest.raises(Crash):
        asyncio.run(run_workflow(desk.rt, admin, "refund-check", {"case": "ok-2"}))
    resumed = asyncio.run(resume(desk.rt, admin, _only_run(desk)))
    assert resumed["status"] == "waiting" and resumed["step"] == "signoff"
    assert desk.office.lookups == ["ok-2", "ok-2"]


def _only_run(desk: Desk) -> str:
    from charter.workflows.tables import workflow_runs

    with desk.rt.engine.connect() as conn:
        return str(conn.execute(select(workflow_runs.c.id)).scalar_one())


LOOP = """\
name: poll
tenant: agency
use_case: tax-helpdesk
budget: {max_steps: 50}
steps:
  - id: look
    connector: case_records
    arguments: {case: "ok-{{ run.id }}"}
    max_visits: 3
  - id: again
    max_visits: 3
    branch:
      - when: "steps.look.output.income > 5000"
        goto: end
      - goto: look
"""


def test_a_loop_stops_at_its_bound_and_a_run_at_its_budget(desk: Desk) -> None:
    _apply(desk, LOOP)
    admin = desk.principal("admin")
    looped = asyncio.run(run_workflow(desk.rt, admin, "poll", {}))
    assert looped["status"] == "failed" and looped["error_code"] == "workflow_budget_exceeded"
    assert "max_visits" in looped["error"] and len(desk.office.lookups) == 3
    _apply(desk, LOOP.replace("max_steps: 50", "max_steps: 2"))
    capped = asyncio.run(run_workflow(desk.rt, admin, "poll", {}))
    assert capped["error_code"] == "workflow_budget_exceeded" and "max_steps" in capped["error"]
    _apply(desk, LOOP.replace("max_steps: 50", "max_steps: 50, max_seconds: 0.000001"))
    late = asyncio.run(run_workflow(desk.rt, admin, "poll", {}))
    assert late["status"] == "failed" and late["error_code"] == "workflow_budget_exceeded"


def test_only_another_reviewer_or_admin_approves(desk: Desk) -> None:
    _apply(desk)
    admin = desk.principal("admin")

    async def go() -> None:
        run_id = (await run_workflow(desk.rt, admin, "refund-check", {"case": "ok-1"}))["id"]
        for who, code in (("admin", "same_principal"), ("developer", "role_not_allowed")):
            with pytest.raises(CharterError) as refused:
                await decide(desk.rt, desk.principal(who), run_id, approve=True)
            assert refused.value.code == code
        with pytest.raises(InvalidRequest):
            await run_workflow(desk.rt, admin, "refund-check", {"wrong": 1})

    asyncio.run(go())
    assert desk.office.letters == []


def test_a_yaml_error_names_the_step_and_the_line() -> None:
    broken = WORKFLOW.replace("    approval: {mode: batch}", "    approval: {mode: sometimes}")
    with pytest.raises(InvalidRequest) as error:
        parse_workflow(broken)
    assert error.value.code == "workflow_invalid"
    assert "step 'signoff', line 27" in error.value.message
    with pytest.raises(InvalidRequest) as error:
        parse_workflow(WORKFLOW.replace("goto: signoff", "goto: nowhere"))
    assert "step 'route'" in error.value.message and "'nowhere'" in error.value.message


TOOLED = """\
name: tooled
tenant: agency
use_case: tax-helpdesk
output: {answer: "{{ steps.ask.output }}"}
steps:
  - id: ask
    model:
      message: "What does the record of case {{ input.case }} say?"
      tools: [case_records]
"""


def _tool_charter(desk: Desk) -> None:
    from tests.conftest import AGENCY_CHARTER
    from tests.integration.workflows.conftest import RECORD_SCHEMA

    tools = ("tools:\n  case_records:\n    description: Looks up a case record.\n"
             f"    parameters: {json.dumps(RECORD_SCHEMA)}\n")
    desk.platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + tools)


def _tool_model(desk: Desk, arguments: list[str]) -> list[dict[str, Any]]:
    """The scripted model calls case_records with each of ``arguments`` in turn, then answers."""
    upstream, seen = desk.platform.upstream, []

    def script(body: dict[str, Any]) -> str:
        seen.append(body)
        if any(m["role"] == "tool" for m in body["messages"]) or not arguments:
            upstream.tool_calls = None
            return "The record shows an income of 1000."
        upstream.tool_calls = [("case_records", arguments.pop(0))]
        return ""

    upstream.script = script
    return seen


def test_a_model_step_calls_a_connector_as_a_tool_and_gets_one_second_chance(desk: Desk) -> None:
    _tool_charter(desk)
    _apply(desk, TOOLED)
    seen = _tool_model(desk, ['{"case": 5}', '{"case": "ok-5"}'])  # the first fails the schema
    admin = desk.principal("admin")

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:  # one event loop: the provider's client lives in it
        done = await run_workflow(desk.rt, admin, "tooled", {"case": "ok-5"})
        _tool_model(desk, ['{"case": 5}', '{"case": 6}'])
        return done, await run_workflow(desk.rt, admin, "tooled", {"case": "ok-6"})

    done, failed = asyncio.run(go())
    assert done["status"] == "succeeded", done
    assert seen[1]["messages"][-1]["content"].startswith("Tool error: your call of `case_records` was not run")
    assert seen[2]["messages"][-1]["role"] == "tool" and '"income":1000' in seen[2]["messages"][-1]["content"]
    assert seen[0]["tools"][0]["function"]["name"] == "case_records"
    assert failed["status"] == "failed" and failed["error_code"] == "tool_arguments_invalid"
    assert desk.office.lookups == ["ok-5"]  # only the valid call ran


def test_a_consequential_connector_is_never_offered_as_a_tool(desk: Desk) -> None:
    with pytest.raises(InvalidRequest, match="consequential") as refused:
        apply(desk.rt, TOOLED.replace("tools: [case_records]", "tools: [letters]"), actor="test")
    assert refused.value.code == "workflow_invalid"


JSON_MODE = """\
name: json-mode
tenant: agency
use_case: tax-helpdesk
steps:
  - id: decide
    model:
      message: "Decide case ok-1."
      output: json
      json_mode: {mode}
      schema: {{type: object, required: [{required}], properties: {{decision: {{enum: [approve, deny]}}}}}}
"""


@pytest.mark.parametrize("mode", ["schema", "object"])
def test_json_mode_object_sends_plain_json_mode_and_the_engine_still_checks_the_schema(desk: Desk,
                                                                                        mode: str) -> None:
    """For OpenAI-compatible servers that refuse response_format json_schema (llama-cpp-python's)."""
    admin = desk.principal("admin")

    async def go() -> tuple[dict[str, Any], dict[str, Any]]:  # one event loop: the provider's clients
        _apply(desk, JSON_MODE.format(mode=mode, required="decision"))
        done = await run_workflow(desk.rt, admin, "json-mode", {})
        _apply(desk, JSON_MODE.format(mode=mode, required="rule"))  # the scripted model gives no rule
        return done, await run_workflow(desk.rt, admin, "json-mode", {})

    done, failed = asyncio.run(go())
    assert done["status"] == "succeeded"
    sent = [r["body"]["response_format"] for r in desk.platform.upstream.requests[-2:]]
    assert [f["type"] for f in sent] == ["json_schema" if mode == "schema" else "json_object"] * 2
    assert (failed["status"], failed["error_code"]) == ("failed", "invalid_json")
