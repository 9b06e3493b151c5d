"""Embedding similarity through a registered embedder (the OpenAI-compatible one, on loopback)."""

from __future__ import annotations

import json

import pytest

from charter.errors import InvalidRequest
from charter.evals.datasets import import_dataset
from charter.evals.experiments import ExperimentPlan, build_evaluators, execute, start_experiment
from charter.evals.targets import CallableTarget


async def test_me_embedding_similarity_uses_the_configured_embedder(platform):
    rt, tid = platform.rt, platform.tenant_id
    lines = "".join(json.dumps({"input": f"Q{i}", "reference": "x" * (i + 1)}) + "\n" for i in range(3))
    rt.writer.write(lambda c: import_dataset(c, tid, "emb", lines, fmt="jsonl", actor="t", source="t"))
    spec = {
        "name": "embedding",
        "options": {"embedder": "openai", "embedder_options": {"endpoint": platform.upstream.url, "model": "e"}},
    }
    plan = ExperimentPlan(dataset="emb", models=("m",), evaluators=[spec])
    exp = rt.writer.write(lambda c: start_experiment(c, tid, plan, actor="t", target="callable"))
    # the answer repeats the reference: the scripted embeddings (length, 1, 0.5) are identical
    echo = CallableTarget(lambda model, messages, params: "x" * (int(messages[-1].content[1:]) + 1))
    [run] = await execute(rt, tid, exp["experiment_id"], echo)
    assert run["status"] == "finished"
    assert run["aggregates"]["embedding_similarity"] == pytest.approx(1.0, abs=1e-6)
    assert any(r["path"].endswith("/embeddings") for r in platform.upstream.requests)
    with pytest.raises(InvalidRequest, match="no embedder named 'nope'"):
        build_evaluators(rt, [{"name": "embedding", "options": {"embedder": "nope"}}], None, tenant_id=tid)
    # an evaluator's embedder passes the same egress checks as a knowledge base's
    for options, code in (({"endpoint": "http://169.254.169.254/v1", "model": "e"}, "destination_not_allowed"),
                          ({"endpoint": platform.upstream.url, "model": "e", "secret": "nope"}, "secret_not_allowed"),
                          ({"endpoint": platform.upstream.url, "model": "e", "api_key_env": "CHARTER_DATABASE_URL"},
                           "unsupported_parameter")):
        spec = {"name": "embedding", "options": {"embedder": "openai", "embedder_options": options}}
        with pytest.raises(InvalidRequest) as refused:
            build_evaluators(rt, [spec], None, tenant_id=tid)
        assert refused.value.code == code
