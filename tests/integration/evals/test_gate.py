"""The promotion gate (PC-2, MD-3): approver other than the author, a passing suite run, thresholds
with a regression check against the current production version; every decision on the record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from charter.evals.experiments import ExperimentPlan, execute, start_experiment
from charter.evals.gate import GateFailed, ModelChange, check_thresholds, gate_model_change
from charter.evals.tables import gate_decisions
from charter.evals.targets import CallableTarget
from charter.ledger.tables import ledger_entries
from charter.prompts import versions
from charter.prompts.promotion import Promotion, promote, promote_or_raise
from charter.prompts.spec import PromptSpec
from tests.support.agency import answer_key


def _push(agency, template: str, actor: str = "alice", thresholds=None) -> int:
    spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=template, thresholds=thresholds or {})
    return int(agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor=actor))["version"])


async def _suite_run(
    agency, prompt: str | None, model: str = "mock", wrong_every: int = 0, always: bool = False
) -> dict:
    plan = ExperimentPlan(
        dataset="tax-qa",
        models=(model,),
        prompts=(prompt,),
        use_case="tax-helpdesk",
        evaluators=[{"name": "exact", "options": {}}],
    )
    with agency.rt.engine.connect() as conn:
        from charter.evals.suites import get_suite

        uc_id = get_suite(conn, agency.tenant_id, "tax-helpdesk").use_case_id
    exp = agency.write(
        lambda c: start_experiment(c, agency.tenant_id, plan, actor="ci", target="callable", use_case_id=uc_id)
    )
    [summary] = await execute(
        agency.rt,
        agency.tenant_id,
        exp["experiment_id"],
        CallableTarget(answer_key(wrong_every=wrong_every, always=always)),
    )
    return summary


def _production(agency) -> int:
    with agency.rt.engine.connect() as conn:
        return versions.get_version(conn, agency.tenant_id, "tax-answer", label="production").version


def _ledger(agency, prefix: str):
    with agency.rt.engine.connect() as conn:
        return [
            (r.action, r.subject)
            for r in conn.execute(
                select(ledger_entries.c.action, ledger_entries.c.subject)
                .where(ledger_entries.c.tenant_id == agency.tenant_id, ledger_entries.c.action.like(prefix + "%"))
                .order_by(ledger_entries.c.seq)
            )
        ]


async def test_pc2_gate_blocks_regressing_promotion_and_allows_non_regressing(evals_setup):
    agency = evals_setup
    v1 = _push(agency, "careful {{ question }}")
    await _suite_run(agency, f"tax-answer@{v1}")
    first = promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v1, "production", "bob"))
    assert first["moved"] and first["gate"]["passed"] and first["gate"]["baseline_run_id"] is None
    # a sloppy version: 3 of 6 wrong, exact_match 1.0 -> 0.5 (still >= min 0.5, but a drop of 0.5)
    v2 = _push(agency, "sloppy {{ question }}")
    regressing = await _suite_run(agency, f"tax-answer@{v2}", wrong_every=2)
    with pytest.raises(GateFailed) as caught:
        promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v2, "production", "bob"))
    err = caught.value
    assert err.code == "gate_failed" and err.status == 409
    assert err.extra["failures"] == [
        "exact_match dropped by 0.5 from the baseline 1 to 0.5: 0.5 more than the allowed 0"
    ]
    assert _production(agency) == v1  # the label did not move
    # a version that keeps quality passes, measured against v1's run as the baseline
    v3 = _push(agency, "careful and brief {{ question }}")
    await _suite_run(agency, f"tax-answer@{v3}")
    third = promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v3, "production", "bob"))
    assert third["moved"] and _production(agency) == v3
    assert third["gate"]["baseline_run_id"] == first["gate"]["run_id"]
    assert [c["metric"] + ":" + c["bound"] for c in third["gate"]["checks"]] == [
        "exact_match:min",
        "exact_match:max_drop",
    ]
    assert _ledger(agency, "gate.") == [
        ("gate.passed", f"prompt:tax-answer@{v1}->production"),
        ("gate.failed", f"prompt:tax-answer@{v2}->production"),
        ("gate.passed", f"prompt:tax-answer@{v3}->production"),
    ]
    with agency.rt.engine.connect() as conn:
        failed = conn.execute(select(gate_decisions).where(gate_decisions.c.passed.is_(False))).one()
    assert (failed.author, failed.approver, failed.run_id) == ("alice", "bob", regressing["run_id"])


async def test_pc2_author_cannot_approve_own_version(evals_setup):
    agency = evals_setup
    v1 = _push(agency, "careful {{ question }}")
    await _suite_run(agency, f"tax-answer@{v1}")
    result = agency.write(
        lambda c: promote(c, agency.tenant_id, Promotion("tax-answer", v1, "production", "alice"))
    )
    assert result["moved"] is False
    assert result["gate"]["failures"] == ["the approver must not be the author (alice): ask another person to promote"]


async def test_pc2_gate_needs_a_finished_suite_run_and_thresholds(evals_setup):
    agency = evals_setup
    v1 = _push(agency, "careful {{ question }}")
    with pytest.raises(GateFailed, match="a finished run of the tax-helpdesk suite"):
        promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v1, "production", "bob"))
    # the version's own thresholds override the suite's: min 0.9 fails a 0.5 run
    v2 = _push(agency, "sloppy {{ question }}", thresholds={"exact_match": {"min": 0.9}})
    await _suite_run(agency, f"tax-answer@{v2}", wrong_every=2)
    with pytest.raises(GateFailed) as caught:
        promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v2, "production", "bob"))
    assert caught.value.extra["failures"] == ["exact_match 0.5 is below the minimum 0.9 by 0.4"]


def test_pc2_threshold_checks_say_which_metric_and_by_how_much():
    checks = check_thresholds(
        {
            "bleu": {"min": 30, "max_drop": 1.0},
            "latency_ms_p95": {"max": 800, "max_rise": 100},
            "rouge1": {"min": 0.2},
        },
        {"bleu": 28.5, "latency_ms_p95": 950.0},
        {"bleu": 31.0, "latency_ms_p95": 700.0},
    )
    assert [c.message() for c in checks if not c.passed] == [
        "bleu 28.5 is below the minimum 30 by 1.5",
        "bleu dropped by 2.5 from the baseline 31 to 28.5: 1.5 more than the allowed 1",
        "latency_ms_p95 950 is above the maximum 800 by 150",
        "latency_ms_p95 rose by 250 from the baseline 700 to 950: 150 more than the allowed 100",
        "rouge1: not measured by the run (add its evaluator to the suite)",
    ]
    ok = check_thresholds({"bleu": {"max_drop": 1.0}}, {"bleu": 30.5}, {"bleu": 31.0})
    assert ok[0].passed and ok[0].missed_by == 0.0


async def test_md3_model_change_is_gated_and_recorded(evals_setup):
    agency = evals_setup
    await _suite_run(agency, None, model="mock")  # the current model's baseline
    await _suite_run(agency, None, model="bigger", wrong_every=3, always=True)  # items 0 and 3 wrong: 1.0 -> 0.667

    def decide(approver: str, to_alias: str = "bigger"):
        return agency.write(
            lambda c: gate_model_change(
                c, agency.tenant_id, ModelChange("tax-helpdesk", to_alias, requested_by="alice", approver=approver)
            )
        )

    same_person = decide("alice")
    assert not same_person.passed and same_person.failures[0].startswith("the approver must not be the requester")
    regress = decide("bob")
    assert not regress.passed
    assert regress.failures == [
        "exact_match dropped by 0.3333 from the baseline 1 to 0.6667: 0.3333 more than the allowed 0"
    ]
    assert isinstance(regress.error(), GateFailed)
    await _suite_run(agency, None, model="bigger")  # a better run of the new model
    ok = decide("bob")
    assert ok.passed and ok.failures == [] and ok.id is not None
    assert [a for a, _ in _ledger(agency, "gate.")] == ["gate.failed", "gate.failed", "gate.passed"]
    assert _ledger(agency, "gate.")[-1][1] == "use_case:tax-helpdesk:model mock->bigger"


async def test_me2_drift_of_the_production_variant_is_detected_and_recorded(evals_setup):
    from charter.evals.drift import check_drift

    agency = evals_setup
    agency.apply("name: tax-helpdesk\ntenant: agency\nmodels: [mock]\nregions: [local]\nprompt: tax-answer\n")
    v1 = _push(agency, "careful {{ question }}")
    admitted = await _suite_run(agency, f"tax-answer@{v1}")
    promote_or_raise(agency.rt, agency.tenant_id, Promotion("tax-answer", v1, "production", "bob"))

    def drift():
        return agency.write(lambda c: check_drift(c, agency.tenant_id, "tax-helpdesk", actor="scheduler"))

    stable = drift()
    assert stable["drifted"] is False and stable["baseline_run_id"] == admitted["run_id"]
    await _suite_run(agency, f"tax-answer@{v1}", wrong_every=2, always=True)  # the model got worse
    drifted = drift()
    assert drifted["drifted"] is True and drifted["baseline_run_id"] == admitted["run_id"]
    assert drifted["failures"] == ["exact_match dropped by 0.5 from the baseline 1 to 0.5: 0.5 more than the allowed 0"]
    assert [a for a, _ in _ledger(agency, "eval.drift")] == ["eval.drift_detected"]
