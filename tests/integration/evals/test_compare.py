"""Comparing runs: per-metric deltas with seeded bootstrap intervals and the items that regressed."""

from __future__ import annotations

import numpy as np
import pytest

from charter.errors import InvalidRequest
from charter.evals.compare import bootstrap_ci, compare_runs
from charter.evals.experiments import ExperimentPlan, execute, start_experiment
from charter.evals.targets import CallableTarget
from charter.prompts import versions
from charter.prompts.spec import PromptSpec
from tests.support.agency import QA, answer_key


def test_me_bootstrap_interval_is_seeded_and_covers_the_mean():
    deltas = np.array([0.0, -1.0, 0.0, -1.0, 0.0] * 6)
    low, high = bootstrap_ci(deltas, resamples=2000, seed=3)
    assert (low, high) == bootstrap_ci(deltas, resamples=2000, seed=3)
    assert low < deltas.mean() < high < 0
    wider = bootstrap_ci(deltas, confidence=0.99, seed=3)
    assert wider[0] <= low and wider[1] >= high
    assert bootstrap_ci(np.zeros(5)) == (0.0, 0.0)


async def _run(agency, template: str, wrong_every: int) -> str:
    spec = PromptSpec(name="tax-answer", template=template)
    v = agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor="alice"))
    plan = ExperimentPlan(
        dataset="tax-qa",
        models=("mock",),
        prompts=(f"tax-answer@{v['version']}",),
        evaluators=[{"name": "exact", "options": {}}, {"name": "latency", "options": {}}],
    )
    exp = agency.write(lambda c: start_experiment(c, agency.tenant_id, plan, actor="alice", target="callable"))
    [summary] = await execute(
        agency.rt, agency.tenant_id, exp["experiment_id"], CallableTarget(answer_key(wrong_every=wrong_every))
    )
    return str(summary["run_id"])


async def test_me_compare_reports_deltas_intervals_and_regressed_items(evals_setup):
    agency = evals_setup
    a = await _run(agency, "careful {{ question }}", 0)
    b = await _run(agency, "sloppy {{ question }}", 2)
    with agency.rt.engine.connect() as conn:
        result = compare_runs(conn, agency.tenant_id, a, b, resamples=1000, seed=1)
        again = compare_runs(conn, agency.tenant_id, a, b, resamples=1000, seed=1)
    assert result == again
    em = result["metrics"]["exact_match"]
    assert (em["a"], em["b"], em["delta"], em["paired_items"]) == (1.0, 0.5, -0.5, len(QA))
    assert em["ci_low"] < -0.5 < em["ci_high"] < 0 and em["regressed"] is True
    assert [i["item"] for i in em["regressed_items"]] == [0, 2, 4]
    assert em["regressed_items"][0] == {
        "item": 0,
        "item_id": em["regressed_items"][0]["item_id"],
        "input": QA[0][0],
        "a": 1.0,
        "b": 0.0,
        "delta": -1.0,
    }
    assert result["metrics"]["latency_ms"]["lower_is_better"] is True
    with agency.rt.engine.connect() as conn:
        back = compare_runs(conn, agency.tenant_id, b, a, resamples=1000, seed=1)
    assert back["metrics"]["exact_match"]["regressed"] is False and back["metrics"]["exact_match"]["delta"] == 0.5


async def test_me_compare_refuses_runs_over_different_datasets(evals_setup):
    from charter.evals.datasets import import_dataset
    from tests.support.agency import qa_jsonl

    agency = evals_setup
    a = await _run(agency, "careful {{ question }}", 0)
    agency.write(
        lambda c: import_dataset(
            c, agency.tenant_id, "tax-qa", qa_jsonl(QA[:3]), fmt="jsonl", actor="alice", source="x"
        )
    )
    b = await _run(agency, "sloppy {{ question }}", 2)
    with agency.rt.engine.connect() as conn, pytest.raises(InvalidRequest, match="different datasets"):
        compare_runs(conn, agency.tenant_id, a, b)
