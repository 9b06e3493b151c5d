"""The official ``openai`` Python client, unchanged, against Charter over real HTTP (MD-2)."""

from __future__ import annotations

import openai
import pytest
from sqlalchemy import select

from charter.store.schema import interactions
from tests.conftest import Platform
from tests.support.live import LiveCharter


@pytest.fixture
def client(live: LiveCharter, platform: Platform) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{live.url}/v1", api_key=platform.keys["app"], max_retries=0, timeout=30)


def _status_of(platform: Platform, interaction_id: str) -> str:
    with platform.rt.engine.connect() as conn:
        return str(conn.execute(select(interactions.c.status).where(interactions.c.id == interaction_id)).scalar_one())


def test_md2_openai_client_plain_completion(client, platform):
    raw = client.chat.completions.with_raw_response.create(
        model="mock", messages=[{"role": "user", "content": "When is the filing deadline?"}], max_tokens=32)
    completion = raw.parse()
    assert completion.object == "chat.completion"
    assert completion.model == "mock"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == platform.upstream.reply
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    usage = completion.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (11, 7, 18)
    iid = raw.headers["x-charter-interaction-id"]
    assert _status_of(platform, iid) == "ok"
    # the extension survives the typed model as an extra field
    assert (completion.model_extra or {})["charter"]["interaction_id"] == iid
    assert platform.upstream.requests[-1]["body"]["max_tokens"] == 32


def test_md2_openai_client_streaming(client, platform):
    platform.upstream.stream_pieces = ["Filing ", "closes ", "April ", "30."]
    stream = client.chat.completions.create(
        model="mock", messages=[{"role": "user", "content": "deadline?"}], stream=True,
        stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Filing closes April 30."
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    usage_chunks = [c for c in chunks if c.usage is not None]
    assert len(usage_chunks) == 1 and usage_chunks[0].usage is not None
    assert usage_chunks[0].usage.prompt_tokens == 11 and usage_chunks[0].usage.completion_tokens == 4
    iid = (usage_chunks[0].model_extra or {})["charter"]["interaction_id"]
    assert _status_of(platform, iid) == "ok"


def test_sa1_openai_client_unknown_key_raises_authentication_error(live, platform):
    bad = openai.OpenAI(base_url=f"{live.url}/v1", api_key="ck-not-a-real-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as info:
        bad.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key"
    assert isinstance(info.value.body, dict) and set(info.value.body) >= {"message", "type", "param", "code"}


def test_sa1_openai_client_out_of_role_raises_permission_denied(live, platform):
    auditor = openai.OpenAI(base_url=f"{live.url}/v1", api_key=platform.keys["auditor"], max_retries=0)
    with pytest.raises(openai.PermissionDeniedError) as info:
        auditor.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 403
    assert info.value.code == "role_not_allowed"


def test_md2_openai_client_bad_request_has_stable_code(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="mock", messages=[])
    assert info.value.status_code == 400
    assert info.value.code == "empty_messages"
    assert info.value.param == "messages"


def test_md2_openai_client_input_over_charter_maximum(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="mock", messages=[{"role": "user", "content": "x" * 4001}])
    assert info.value.code == "input_too_long"


def test_md2_openai_client_unknown_model(client):
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="gpt-nonexistent", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code in (400, 404)
    assert info.value.code in ("model_not_found", "model_not_allowed")


def test_pc7_openai_client_rate_limit_raises_rate_limit_error(live, platform, upstream):
    platform.apply(__import__("tests.conftest", fromlist=["AGENCY_CHARTER"]).AGENCY_CHARTER.format(
        rpm=2, tpm=1_000_000, max_chars=4000))
    client = openai.OpenAI(base_url=f"{live.url}/v1", api_key=platform.keys["app"], max_retries=0)
    for _ in range(2):
        client.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 429
    assert info.value.code == "rate_limit_exceeded"
    assert int(info.value.response.headers["retry-after"]) >= 1


def test_ho4_openai_client_kill_switch_raises_and_is_not_retried(live, platform):
    from charter.policy import controls

    platform.rt.writer.write(lambda c: controls.set_control(c, platform.tenant_id, "use_case", "tax-helpdesk", True,
                                                             actor="test", reason="drill"))
    platform.invalidate()
    client = openai.OpenAI(base_url=f"{live.url}/v1", api_key=platform.keys["app"], max_retries=2)
    before = len(platform.upstream.requests)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 503
    assert info.value.code == "use_case_suspended"
    assert info.value.response.headers["x-should-retry"] == "false"
    assert len(platform.upstream.requests) == before
    with platform.rt.engine.connect() as conn:
        refused = conn.execute(select(interactions.c.error_code)).scalars().all()
    # x-should-retry: false is honoured: one recorded exchange, not three
    assert refused == ["use_case_suspended"]


def test_md2_openai_client_upstream_failure_is_bad_gateway(client, platform):
    platform.upstream.fail_next(20, 500)
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="mock", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 502
    assert info.value.code == "upstream_unavailable"


def test_md2_openai_client_embeddings(client, platform):
    result = client.embeddings.create(model="mock", input=["abc", "hello"], encoding_format="float")
    assert [d.embedding for d in result.data] == [[3.0, 1.0, 0.5], [5.0, 1.0, 0.5]]
    assert [d.index for d in result.data] == [0, 1]
    assert result.model == "mock"
    assert result.usage.prompt_tokens == 6


def test_md2_openai_client_lists_models(client):
    models = client.models.list()
    assert [m.id for m in models.data] == ["mock"]
    assert all(m.object == "model" for m in models.data)
