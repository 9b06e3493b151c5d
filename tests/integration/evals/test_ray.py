"""Evaluation runs fanned out over Ray (charter.evals.fanout) on a local Ray instance with 2 CPUs: the
same run gives the same per-item answers and scores as the single-process path, on both stores; a URL
target is reached from the workers through the outbound allow-list; a failing worker fails the run
closed (``ray_unavailable``), leaving it resumable."""

from __future__ import annotations

import json

import pytest

from tests.support.ray_process import IN_RAY_PROCESS, SKIP_REASON

if not IN_RAY_PROCESS:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from charter.errors import Unavailable
from charter.evals.datasets import import_dataset
from charter.evals.experiments import ExperimentPlan, execute, run_scored, start_experiment
from charter.evals.fanout import RayFanout
from charter.evals.targets import CallableTarget, OpenAICompatibleTarget, TargetSpec
from tests.integration.evals.test_cli_eval import _setup, charter
from tests.support.upstream import ScriptedUpstream

ray = pytest.importorskip("ray", reason="ray is not installed: pip install 'charter[ray]'")

pytestmark = pytest.mark.slow

ITEMS = 60
EVALUATORS = [{"name": n, "options": {}} for n in ("exact", "contains", "bleu", "chrf", "rouge")]


@pytest.fixture(scope="module")
def local_ray():
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    if started:
        ray.shutdown()


def _rows() -> list[tuple[str, str]]:
    topics = ["returns", "VAT", "payments", "appeals", "refunds", "penalties"]
    return [(f"Question {i} about {topics[i % 6]}?", f"Answer {i}: see the {topics[i % 6]} page, section {i % 7}")
            for i in range(ITEMS)]


def _model():
    """A scripted model (a closure: Ray ships it to the workers by value): right on most items, partly
    right on every third, wrong on every seventh, so every metric varies across items."""
    answers = dict(_rows())

    def model(name, messages, params):
        question = messages[-1].content
        i = int(question.split()[1])
        if i % 7 == 0:
            return "I do not know."
        if i % 3 == 0:
            return " ".join(answers[question].split()[:4])
        return answers[question]

    return model


@pytest.fixture
def bulk(agency):
    text = "\n".join(json.dumps({"input": q, "reference": a}) for q, a in _rows()) + "\n"
    agency.write(lambda c: import_dataset(c, agency.tenant_id, "bulk", text, fmt="jsonl", actor="carol", source="x"))
    return agency


def _start(agency, target="callable"):
    plan = ExperimentPlan(dataset="bulk", models=("mock",), evaluators=EVALUATORS, seed=3, params={"max_tokens": 16})
    started = agency.write(lambda c: start_experiment(c, agency.tenant_id, plan, actor="alice", target=target))
    return started["experiment_id"]


def _per_item(agency, summary):
    with agency.rt.engine.connect() as conn:
        stored = run_scored(conn, agency.tenant_id, summary["run_id"])
    return [(case.id, answer.text, answer.refused, answer.error, scores) for case, answer, scores in stored]


async def test_ray_run_gives_the_same_per_item_scores_as_one_process(bulk, local_ray):
    agency = bulk
    fn = _model()
    (single,) = await execute(agency.rt, agency.tenant_id, _start(agency), CallableTarget(fn), concurrency=4)
    fanout = RayFanout(agency.rt.settings, TargetSpec("callable", fn=fn), workers=2, batch_size=7, concurrency=3)
    try:
        (fanned,) = await execute(
            agency.rt, agency.tenant_id, _start(agency), CallableTarget(fn), concurrency=4, fanout=fanout
        )
    finally:
        fanout.close()
    assert single["status"] == fanned["status"] == "finished"
    assert single["done"] == fanned["done"] == ITEMS
    one, many = _per_item(agency, single), _per_item(agency, fanned)
    assert len(one) == ITEMS and one == many
    assert single["aggregates"] == fanned["aggregates"]
    # the scores do vary: the comparison is not between two constant columns
    assert len({json.dumps(scores, sort_keys=True) for *_, scores in one}) >= 3
    assert 0.0 < single["aggregates"]["exact_match"] < 1.0


async def test_ray_workers_reach_a_url_target_through_the_allow_list(bulk, local_ray):
    agency = bulk
    upstream = ScriptedUpstream().start()
    upstream.reply = "see the page"
    try:
        spec = TargetSpec("url", tenant="agency", tenant_id=agency.tenant_id, url=upstream.url)
        fanout = RayFanout(agency.rt.settings, spec, workers=2, batch_size=16)
        driver = OpenAICompatibleTarget(upstream.url, outbound=agency.rt.egress.outbound)
        try:
            (summary,) = await execute(
                agency.rt, agency.tenant_id, _start(agency, upstream.url), driver, fanout=fanout
            )
        finally:
            fanout.close()
            await driver.aclose()
    finally:
        upstream.stop()
    assert summary["status"] == "finished" and summary["done"] == ITEMS
    assert len([r for r in upstream.requests if r["path"].endswith("/chat/completions")]) == ITEMS
    rows = _per_item(agency, summary)
    assert {text for _, text, *_ in rows} == {"see the page"}
    assert all(scores["contains"] for *_, scores in rows)


async def test_a_failing_worker_fails_the_run_closed_and_it_resumes(bulk, local_ray):
    agency = bulk
    good = _model()

    def broken(name, messages, params):
        if messages[-1].content.startswith("Question 5 "):
            raise RuntimeError("evaluator host crashed")
        return good(name, messages, params)

    experiment = _start(agency)
    fanout = RayFanout(agency.rt.settings, TargetSpec("callable", fn=broken), workers=2, batch_size=10)
    try:
        with pytest.raises(Unavailable) as refused:
            await execute(agency.rt, agency.tenant_id, experiment, CallableTarget(good), fanout=fanout)
    finally:
        fanout.close()
    assert refused.value.code == "ray_unavailable" and "evaluator host crashed" in str(refused.value)
    # nothing finished the run; a resume in one process completes it without redoing stored items
    (summary,) = await execute(agency.rt, agency.tenant_id, experiment, CallableTarget(good))
    assert summary["status"] == "finished" and summary["done"] == ITEMS
    assert len({case_id for case_id, *_ in _per_item(agency, summary)}) == ITEMS


def test_cli_eval_run_with_ray_matches_the_plain_run(platform, tmp_path):
    """`charter eval run --ray` (a local Ray instance started by the command, the tenant's registered
    models through their providers) stores the same per-item results as the same run without it."""
    _setup(platform, tmp_path, 12)
    args = ("eval", "run", "--use-case", "tax-helpdesk", "--tenant", "agency", "--json")
    plain = json.loads(charter(platform, *args).stdout)
    fanned = json.loads(charter(platform, *args, "--ray", "--ray-workers", "2").stdout)
    (one,), (two,) = plain["runs"], fanned["runs"]
    assert one["status"] == two["status"] == "finished" and one["done"] == two["done"] == 12
    assert one["aggregates"] == two["aggregates"]
    assert _per_item(platform, one) == _per_item(platform, two)
    assert len([r for r in platform.upstream.requests if r["path"].endswith("/chat/completions")]) == 24
