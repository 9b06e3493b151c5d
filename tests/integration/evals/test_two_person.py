"""Two-person rules one person cannot pass alone (MD-3, PC-2), on both stores.

* a model change is asked for by one principal and approved by another: the requester is the
  request's authenticated principal, never a field the approver fills in (``same_principal``);
* the suite that gates a change is not the requester's own unreviewed work
  (``suite_changed_by_requester`` until another principal approves the suite's state);
* a prompt version's thresholds tighten the suite's, never loosen them;
* any label a charter serves from is protected, and a charter cannot start serving a label whose
  current version never passed its use case's gate.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from charter.evals import approvals
from charter.evals.datasets import import_dataset
from charter.evals.experiments import ExperimentPlan, execute, start_experiment
from charter.evals.gate import GateFailed, SamePrincipal, SuiteChangedByRequester, merge_thresholds
from charter.evals.suites import SuiteSpec, get_suite, set_suite
from charter.evals.tables import gate_decisions
from charter.evals.targets import CallableTarget
from charter.ledger.tables import ledger_entries
from charter.policy.service import apply_charter, get_use_case, tenant_id_for
from charter.prompts import promotion, versions
from charter.prompts.promotion import Promotion
from charter.prompts.spec import PromptSpec
from tests.support.agency import CHARTER, Agency, answer_key, qa_jsonl

SERVING = CHARTER + "prompt: tax-answer\nprompt_label: {label}\n"


@pytest.fixture
def agency(runtime) -> Agency:
    runtime.writer.write(lambda c: apply_charter(c, CHARTER, actor="test"))
    return Agency(runtime, runtime.writer.write(lambda c: tenant_id_for(c, "agency")))


def _dataset(agency: Agency, actor: str, rows=None) -> None:
    agency.write(
        lambda c: import_dataset(c, agency.tenant_id, "tax-qa", qa_jsonl(rows) if rows else qa_jsonl(), fmt="jsonl",
                                 actor=actor, source="tax-qa.jsonl")
    )


def _suite(agency: Agency, actor: str, thresholds=None, dataset: str = "tax-qa") -> None:
    spec = SuiteSpec("tax-helpdesk", dataset, ["exact"], thresholds=thresholds or {"exact_match": {"min": 0.9,
                                                                                                  "max_drop": 0.0}})
    agency.write(lambda c: set_suite(c, agency.tenant_id, spec, actor=actor))


@pytest.fixture
def setup(agency: Agency) -> Agency:
    """Dataset and suite set up by carol: nobody's change below is gated by their own suite."""
    _dataset(agency, "carol")
    _suite(agency, "carol")
    return agency


async def _run(agency: Agency, prompt: str | None, model: str = "mock", wrong_every: int = 0, always=False) -> dict:
    with agency.rt.engine.connect() as conn:
        suite = get_suite(conn, agency.tenant_id, "tax-helpdesk")
    plan = ExperimentPlan(dataset=f"tax-qa@{suite.dataset_version}", models=(model,), prompts=(prompt,),
                          use_case="tax-helpdesk", evaluators=[{"name": "exact", "options": {}}])
    exp = agency.write(lambda c: start_experiment(c, agency.tenant_id, plan, actor="ci", target="callable",
                                                  use_case_id=suite.use_case_id))
    target = CallableTarget(answer_key(wrong_every=wrong_every, always=always))
    [summary] = await execute(agency.rt, agency.tenant_id, exp["experiment_id"], target)
    return summary


def _push(agency: Agency, template: str, actor: str = "alice", thresholds=None) -> int:
    spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=template, thresholds=thresholds or {})
    return int(agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor=actor))["version"])


def _request(agency: Agency, actor: str, to_alias: str = "bigger") -> str:
    req = agency.write(lambda c: approvals.request_model_change(c, agency.tenant_id, "tax-helpdesk",
                                                                to_alias=to_alias, actor=actor, reason="cheaper"))
    return str(req["id"])


def _approve(agency: Agency, request_id: str, approver: str):
    return agency.write(lambda c: approvals.approve_model_change(c, agency.tenant_id, request_id, approver=approver))


def _gate_ledger(agency: Agency) -> list[tuple[str, str, str | None]]:
    with agency.rt.engine.connect() as conn:
        rows = conn.execute(
            select(ledger_entries.c.action, ledger_entries.c.actor, ledger_entries.c.event)
            .where(ledger_entries.c.tenant_id == agency.tenant_id, ledger_entries.c.action.like("gate.%"))
            .order_by(ledger_entries.c.seq)
        ).all()
    return [(r.action, r.actor, json.loads(r.event)["code"]) for r in rows]


def _apply(agency: Agency, text: str, actor: str = "alice") -> dict:
    return agency.write(lambda c: apply_charter(c, text, actor=actor))


def _current(agency: Agency) -> dict:
    with agency.rt.engine.connect() as conn:
        return get_use_case(conn, agency.tenant_id, "tax-helpdesk")


# -- (a) two authenticated principals -------------------------------------------------------------
async def test_md3_the_requester_of_a_model_change_cannot_approve_it(setup):
    agency = setup
    await _run(agency, None, model="mock")
    await _run(agency, None, model="bigger")
    request_id = _request(agency, "alice")
    own = _approve(agency, request_id, "alice")
    assert (own.passed, own.code) == (False, "same_principal")
    assert own.failures == ["the approver must not be the requester (alice): ask another person to approve"]
    err = own.error()
    assert isinstance(err, SamePrincipal) and (err.status, err.code) == (409, "same_principal")
    # the refusal is on the record like any decision: who asked, who approved, on which request
    with agency.rt.engine.connect() as conn:
        row = conn.execute(select(gate_decisions).where(gate_decisions.c.id == own.id)).one()
    assert (row.author, row.approver, row.subject_id, row.passed) == ("alice", "alice", request_id, False)
    switched = CHARTER.replace("models: [mock, bigger]", "models: [bigger, mock]")
    with pytest.raises(GateFailed, match="no passing model-change approval for bigger"):
        _apply(agency, switched)
    ok = _approve(agency, request_id, "bob")
    assert ok.passed and ok.code == "gate_failed" and ok.as_dict()["code"] is None
    assert _apply(agency, switched)["changed"] is True
    assert _current(agency)["charter"]["models"] == ["bigger", "mock"]
    assert _gate_ledger(agency) == [("gate.failed", "alice", "same_principal"), ("gate.passed", "bob", None)]


async def test_md3_an_approval_not_made_on_a_request_does_not_open_a_model_change(setup):
    """A decision without a request (the library's gate_model_change called directly, or one recorded
    before requests existed) names its requester as free text: it opens nothing (fail closed)."""
    from charter.evals.gate import ModelChange, gate_model_change

    agency = setup
    await _run(agency, None, model="mock")
    await _run(agency, None, model="bigger")
    change = ModelChange("tax-helpdesk", "bigger", requested_by="someone", approver="alice")
    loose = agency.write(lambda c: gate_model_change(c, agency.tenant_id, change))
    assert loose.passed
    with pytest.raises(GateFailed, match="no passing model-change approval"):
        _apply(agency, CHARTER.replace("models: [mock, bigger]", "models: [bigger]"))


async def test_md3_a_model_change_request_records_the_principal_and_is_ledgered(setup):
    agency = setup
    request_id = _request(agency, "alice")
    with agency.rt.engine.connect() as conn:
        [req] = approvals.list_model_change_requests(conn, agency.tenant_id)
        [entry] = conn.execute(
            select(ledger_entries.c.actor, ledger_entries.c.event).where(
                ledger_entries.c.action == "model_change.requested"
            )
        ).all()
    assert (req["id"], req["requested_by"], req["from_alias"], req["to_alias"]) == (
        request_id, "alice", "mock", "bigger"
    )
    event = json.loads(entry.event)
    assert entry.actor == "alice" and event["id"] == request_id and event["reason"] == "cheaper"


# -- (b) the suite that gates a change ------------------------------------------------------------
async def test_md3_a_suite_loosened_by_the_requester_gates_nothing_until_another_person_approves_it(setup):
    agency = setup
    await _run(agency, None, model="mock")
    await _run(agency, None, model="bigger", wrong_every=3, always=True)  # 1.0 -> 0.667: fails carol's suite
    request_id = _request(agency, "alice")
    assert _approve(agency, request_id, "bob").failures[0].startswith("exact_match")
    # alice loosens the suite in the same breath: her own work cannot gate her own change
    _suite(agency, "alice", thresholds={"exact_match": {"min": 0.5}})
    refused = _approve(agency, request_id, "bob")
    assert (refused.passed, refused.code) == (False, "suite_changed_by_requester")
    assert "alice set the suite" in refused.failures[0]
    assert isinstance(refused.error(), SuiteChangedByRequester)
    # she cannot approve her own suite either (recorded as a refusal)
    own = agency.write(lambda c: approvals.approve_suite(c, agency.tenant_id, "tax-helpdesk", approver="alice"))
    assert (own.passed, own.code) == (False, "same_principal")
    assert _approve(agency, request_id, "bob").code == "suite_changed_by_requester"
    # bob reviews the suite and approves it: now it gates alice's change
    suite_ok = agency.write(lambda c: approvals.approve_suite(c, agency.tenant_id, "tax-helpdesk", approver="bob"))
    assert suite_ok.passed and suite_ok.subject.startswith("suite:tax-helpdesk#")
    assert _approve(agency, request_id, "bob").passed
    # a later change of the suite by alice needs a new approval: the approval covered one state
    _suite(agency, "alice", thresholds={"exact_match": {"min": 0.4}})
    assert _approve(agency, request_id, "bob").code == "suite_changed_by_requester"
    # a change by someone else is theirs, not the requester's
    _suite(agency, "carol", thresholds={"exact_match": {"min": 0.4}})
    assert _approve(agency, request_id, "bob").passed
    codes = [code for action, _, code in _gate_ledger(agency) if action == "gate.failed"]
    assert codes == ["gate_failed", "suite_changed_by_requester", "same_principal", "suite_changed_by_requester",
                     "suite_changed_by_requester"]


async def test_pc2_a_dataset_version_the_author_created_needs_another_persons_approval(setup):
    agency = setup
    v1 = _push(agency, "careful {{ question }}")
    await _run(agency, f"tax-answer@{v1}")
    # alice imports an easier dataset version and carol pins it: the gate is partly alice's work
    _dataset(agency, "alice", rows=[("When are returns due?", "31 January")])
    _suite(agency, "carol", dataset="tax-qa@2")
    await _run(agency, f"tax-answer@{v1}")

    def promote(actor: str) -> dict:
        request = Promotion("tax-answer", v1, "production", actor)
        return agency.write(lambda c: promotion.promote(c, agency.tenant_id, request))

    refused = promote("bob")
    assert not refused["moved"] and refused["gate"]["code"] == "suite_changed_by_requester"
    assert "created the dataset version it pins (tax-qa@2)" in refused["gate"]["failures"][0]
    carol = agency.write(lambda c: approvals.approve_suite(c, agency.tenant_id, "tax-helpdesk", approver="carol"))
    assert carol.code == "same_principal" and not carol.passed  # she set it: not an independent review
    agency.write(lambda c: approvals.approve_suite(c, agency.tenant_id, "tax-helpdesk", approver="dave"))
    assert promote("bob")["moved"] is True


async def test_pc2_the_authors_thresholds_tighten_the_suite_but_never_loosen_it(setup):
    agency = setup
    loose = _push(agency, "sloppy {{ question }}", thresholds={"exact_match": {"min": 0.0, "max_drop": 1.0}})
    await _run(agency, f"tax-answer@{loose}", wrong_every=2)  # exact_match 0.5 < the suite's min 0.9
    with pytest.raises(GateFailed) as caught:
        promotion.promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", loose, "production", "bob"))
    assert caught.value.code == "gate_failed"
    assert caught.value.extra["failures"] == ["exact_match 0.5 is below the minimum 0.9 by 0.4"]
    assert merge_thresholds(
        {"exact_match": {"min": 0.9, "max_drop": 0.0}, "latency_ms": {"max": 800}},
        {"exact_match": {"min": 0.5, "max_drop": 0.1}, "latency_ms": {"max": 500, "max_rise": 50},
         "chrf": {"min": 40}},
    ) == {
        "exact_match": {"min": 0.9, "max_drop": 0.0},
        "latency_ms": {"max": 500, "max_rise": 50},
        "chrf": {"min": 40},
    }


# -- (c) any label a charter serves from is protected ---------------------------------------------
async def test_pc2_a_label_a_charter_serves_from_moves_only_through_the_gate(setup):
    agency = setup
    v1 = _push(agency, "careful {{ question }}")
    free = agency.write(lambda c: promotion.promote(c, agency.tenant_id, Promotion("tax-answer", v1, "scratch",
                                                                                   "alice")))
    assert free["moved"] and free["gate"] is None  # no charter serves scratch: an ordinary label
    _apply(agency, SERVING.format(label="live"))  # live does not exist yet: it serves nothing so far
    with agency.rt.engine.connect() as conn:
        assert promotion.is_protected(conn, agency.tenant_id, "tax-answer", "live")
        assert not promotion.is_protected(conn, agency.tenant_id, "tax-answer", "scratch")

    def promote(actor: str) -> dict:
        return agency.write(lambda c: promotion.promote(c, agency.tenant_id, Promotion("tax-answer", v1, "live",
                                                                                       actor)))

    own = promote("alice")
    assert (own["moved"], own["gate"]["code"]) == (False, "same_principal")
    unrun = promote("bob")
    assert unrun["moved"] is False and unrun["gate"]["code"] == "gate_failed"
    assert "a finished run of the tax-helpdesk suite" in unrun["gate"]["failures"][0]
    await _run(agency, f"tax-answer@{v1}")
    ok = promote("bob")
    assert ok["moved"] is True and ok["gate"]["passed"] and [g["subject"] for g in ok["gates"]] == [
        "prompt:tax-answer@1->live"
    ]
    with agency.rt.engine.connect() as conn:
        assert versions.get_version(conn, agency.tenant_id, "tax-answer", label="live").version == v1


async def test_pc2_a_charter_cannot_switch_to_a_label_whose_version_never_passed_the_gate(setup):
    agency = setup
    v1 = _push(agency, "careful {{ question }}")
    # free while nothing serves it
    agency.write(lambda c: promotion.promote(c, agency.tenant_id, Promotion("tax-answer", v1, "live", "alice")))
    before = _current(agency)["version"]
    with pytest.raises(GateFailed) as caught:
        _apply(agency, SERVING.format(label="live"))
    assert (caught.value.status, caught.value.code) == (409, "gate_failed")
    assert caught.value.extra["failures"] == ["tax-answer@1 (what tax-answer:live points at) never passed the "
                                              "tax-helpdesk gate"]
    assert _current(agency)["version"] == before  # nothing stored
    # once v1 passed this use case's gate (promoted to production by another person), live may serve
    await _run(agency, f"tax-answer@{v1}")
    promotion.promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v1, "production", "bob"))
    assert _apply(agency, SERVING.format(label="live"))["changed"] is True


async def test_pc2_a_served_label_never_rolls_back_to_a_version_that_did_not_pass(setup):
    agency = setup
    v1 = _push(agency, "sloppy {{ question }}")
    v2 = _push(agency, "careful {{ question }}")
    for version in (v1, v2):  # both held live while nothing served it
        agency.write(lambda c, v=version: promotion.promote(c, agency.tenant_id, Promotion("tax-answer", v, "live",
                                                                                            "alice")))
    await _run(agency, f"tax-answer@{v2}")
    promotion.promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v2, "production", "bob"))
    _apply(agency, SERVING.format(label="live"))
    with pytest.raises(GateFailed, match="never passed the gate of tax-helpdesk"):
        back = versions.Rollback("tax-answer", "alice", "live")
        agency.write(lambda c: promotion.rollback(c, agency.tenant_id, back))
    with agency.rt.engine.connect() as conn:
        assert versions.get_version(conn, agency.tenant_id, "tax-answer", label="live").version == v2
