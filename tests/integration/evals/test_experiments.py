"""Experiments over prompt x model variants: results per item, determinism, resume without redoing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from charter.evals.experiments import ExperimentPlan, execute, list_runs, run_scored, start_experiment
from charter.evals.tables import eval_results
from charter.evals.targets import CallableTarget, TargetError
from charter.prompts import versions
from charter.prompts.spec import PromptSpec
from tests.support.agency import QA, answer_key


def _push(agency, template: str, actor: str = "alice") -> str:
    spec = PromptSpec(name="tax-answer", use_case="tax-helpdesk", template=template)
    v = agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor=actor))
    return f"tax-answer@{v['version']}"


def _start(agency, prompts, models=("mock",), evaluators=None, seed=7):
    plan = ExperimentPlan(
        dataset="tax-qa",
        models=tuple(models),
        prompts=tuple(prompts),
        use_case="tax-helpdesk",
        evaluators=evaluators or [{"name": "exact", "options": {}}, {"name": "chrf", "options": {}}],
        seed=seed,
        params={"max_tokens": 32},
    )
    return agency.write(lambda c: start_experiment(c, agency.tenant_id, plan, actor="alice", target="callable"))


async def test_me_experiment_runs_every_variant_and_stores_each_item(evals_setup):
    agency = evals_setup
    good, sloppy = _push(agency, "careful {{ question }}"), _push(agency, "sloppy {{ question }}")
    calls = []

    def model(name, messages, params):
        calls.append((name, params.seed, params.max_tokens))
        return answer_key(wrong_every=2)(name, messages, params)

    exp = _start(agency, [good, sloppy], models=("mock", "bigger"))
    assert len(exp["runs"]) == 4
    progress = []
    summaries = await execute(
        agency.rt,
        agency.tenant_id,
        exp["experiment_id"],
        CallableTarget(model),
        concurrency=3,
        on_item=lambda run, done, total: progress.append((run, done, total)),
    )
    assert len(calls) == 4 * len(QA) and {c[1:] for c in calls} == {(7, 32)}
    assert {c[0] for c in calls} == {"mock", "bigger"}
    assert len(progress) == 4 * len(QA) and max(p[1] for p in progress) == len(QA)
    by_prompt = {(s["prompt_version_id"], s["model"]): s for s in summaries}
    assert all(s["status"] == "finished" for s in summaries)
    with agency.rt.engine.connect() as conn:
        v_good = versions.resolve(conn, agency.tenant_id, good).id
        v_sloppy = versions.resolve(conn, agency.tenant_id, sloppy).id
        runs = list_runs(conn, agency.tenant_id, experiment=exp["experiment_id"])
        stored = run_scored(conn, agency.tenant_id, by_prompt[(v_sloppy, "mock")]["run_id"])
    assert by_prompt[(v_good, "mock")]["aggregates"]["exact_match"] == 1.0
    assert by_prompt[(v_sloppy, "mock")]["aggregates"]["exact_match"] == 0.5  # items 0, 2, 4 wrong
    assert by_prompt[(v_good, "mock")]["aggregates"]["chrf"] == 100.0
    assert {r["status"] for r in runs} == {"finished"} and {r["done"] for r in runs} == {len(QA)}
    assert [s["exact"]["exact_match"] for _, _, s in stored] == [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    assert stored[0][1].text == "I am not sure."


async def test_me_deterministic_evaluators_give_identical_scores(evals_setup):
    agency = evals_setup
    ref = _push(agency, "sloppy {{ question }}")
    evaluators = [{"name": n, "options": {}} for n in ("exact", "bleu", "chrf", "rouge", "contains", "refusal")]
    results = []
    for _ in range(2):
        exp = _start(agency, [ref], evaluators=evaluators)
        [summary] = await execute(
            agency.rt,
            agency.tenant_id,
            exp["experiment_id"],
            CallableTarget(answer_key(wrong_every=3)),
            concurrency=4,
        )
        with agency.rt.engine.connect() as conn:
            results.append(
                (
                    [s for _, _, s in run_scored(conn, agency.tenant_id, summary["run_id"])],
                    summary["aggregates"],
                )
            )
    assert results[0] == results[1]
    assert set(results[0][1]) == {
        "exact_match",
        "bleu",
        "chrf",
        "rouge1",
        "rouge2",
        "rougeL",
        "contains",
        "refusal_rate",
    }


async def test_me_interrupted_run_resumes_without_redoing_items(evals_setup):
    agency = evals_setup
    ref = _push(agency, "careful {{ question }}")
    exp = _start(agency, [ref])
    asked: list[str] = []

    def flaky(name, messages, params):
        question = messages[-1].content
        asked.append(question)
        if question in {QA[1][0], QA[4][0]}:
            raise TargetError("upstream down")
        return answer_key()(name, messages, params)

    [first] = await execute(agency.rt, agency.tenant_id, exp["experiment_id"], CallableTarget(flaky), concurrency=2)
    assert first["status"] == "incomplete" and first["done"] == len(QA) - 2
    assert first["failures"] == ["upstream down", "upstream down"]
    asked.clear()
    [second] = await execute(
        agency.rt,
        agency.tenant_id,
        exp["experiment_id"],
        CallableTarget(lambda n, m, p: (asked.append(m[-1].content), answer_key()(n, m, p))[1]),
    )
    assert sorted(asked) == sorted([QA[1][0], QA[4][0]])  # only the two missing items
    assert second["status"] == "finished" and second["aggregates"]["exact_match"] == 1.0
    with agency.rt.engine.connect() as conn:
        count = len(conn.execute(select(eval_results).where(eval_results.c.run_id == second["run_id"])).all())
    assert count == len(QA)
    # a finished experiment has nothing left to do
    assert await execute(agency.rt, agency.tenant_id, exp["experiment_id"], CallableTarget(flaky)) == []


async def test_me_render_failure_is_an_answer_of_the_version_not_a_crash(evals_setup):
    agency = evals_setup
    ref = _push(agency, "{{ ''.__class__.__mro__ }}")
    exp = _start(agency, [ref])
    [summary] = await execute(agency.rt, agency.tenant_id, exp["experiment_id"], CallableTarget(answer_key()))
    assert summary["status"] == "finished" and summary["aggregates"]["exact_match"] == 0.0
    with agency.rt.engine.connect() as conn:
        stored = run_scored(conn, agency.tenant_id, summary["run_id"])
    assert {a.error for _, a, _ in stored} == {"prompt_render_failed"}


async def test_me4_results_disaggregate_by_tag_and_group(evals_setup):
    from charter.evals.breakdown import breakdown
    from charter.evals.datasets import import_dataset
    from charter.evals.report import render_report

    agency = evals_setup
    groups = ["a", "a", "a", "b", "b", "b"]
    rows = [
        json.dumps({"input": q, "reference": a, "tags": ["fr" if i % 2 else "en"], "group": g})
        for i, ((q, a), g) in enumerate(zip(QA, groups, strict=True))
    ]
    agency.write(
        lambda c: import_dataset(c, agency.tenant_id, "tax-qa", "\n".join(rows), fmt="jsonl", actor="a", source="x")
    )
    ref = _push(agency, "sloppy {{ question }}")
    exp = _start(agency, [ref], evaluators=[{"name": "exact", "options": {}}])
    [run] = await execute(agency.rt, agency.tenant_id, exp["experiment_id"], CallableTarget(answer_key(wrong_every=2)))
    with agency.rt.engine.connect() as conn:
        by_group = breakdown(conn, agency.tenant_id, run["run_id"], by="group")
        by_tag = breakdown(conn, agency.tenant_id, run["run_id"], by="tag")
        html = render_report(conn, agency.tenant_id, [run["run_id"]])
    # items 0, 2 and 4 are wrong: all "en"; two in group a, one in group b
    assert by_group["segments"]["a"] == {"items": 3, "exact_match": 1 / 3, "refused": 0.0}
    assert by_group["segments"]["b"]["exact_match"] == 2 / 3
    assert by_group["gaps"]["exact_match"] == pytest.approx(1 / 3)
    assert by_tag["segments"]["en"]["exact_match"] == 0.0 and by_tag["segments"]["fr"]["exact_match"] == 1.0
    assert by_tag["gaps"]["exact_match"] == 1.0
    assert "by tag" in html and "by group" in html
