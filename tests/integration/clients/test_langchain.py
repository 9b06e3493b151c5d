"""LangChain's ``ChatOpenAI(base_url=...)``, unchanged, against Charter over real HTTP (MD-2)."""

from __future__ import annotations

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from sqlalchemy import func, select

from charter.store.schema import interactions
from tests.conftest import Platform
from tests.support.live import LiveCharter


def _llm(live: LiveCharter, key: str, **kw) -> ChatOpenAI:
    return ChatOpenAI(base_url=f"{live.url}/v1", api_key=key, model="mock", max_retries=0, timeout=30, **kw)


def _count(platform: Platform, status: str) -> int:
    with platform.rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(interactions)
                                .where(interactions.c.status == status)).scalar_one())


def test_md2_langchain_invoke(live, platform):
    llm = _llm(live, platform.keys["app"], max_tokens=40)
    answer = llm.invoke([SystemMessage("Be brief."), HumanMessage("When is the filing deadline?")])
    assert isinstance(answer, AIMessage)
    assert answer.content == platform.upstream.reply
    assert answer.usage_metadata is not None
    assert (answer.usage_metadata["input_tokens"], answer.usage_metadata["output_tokens"]) == (11, 7)
    assert answer.response_metadata["finish_reason"] == "stop"
    sent = platform.upstream.requests[-1]["body"]
    assert sent["messages"][-1] == {"role": "user", "content": "When is the filing deadline?"}
    assert any(m == {"role": "system", "content": "Be brief."} for m in sent["messages"])
    assert _count(platform, "ok") == 1


def test_md2_langchain_stream(live, platform):
    platform.upstream.stream_pieces = ["Filing ", "closes ", "April ", "30."]
    llm = _llm(live, platform.keys["app"], stream_usage=True)
    chunks = list(llm.stream("deadline?"))
    assert "".join(str(c.content) for c in chunks) == "Filing closes April 30."
    merged = chunks[0]
    for c in chunks[1:]:
        merged = merged + c
    assert merged.usage_metadata is not None and merged.usage_metadata["output_tokens"] == 4
    assert _count(platform, "ok") == 1
    assert platform.upstream.requests[-1]["body"]["stream"] is True


def test_sa1_langchain_bad_key_raises_typed_error(live, platform):
    llm = _llm(live, "ck-not-a-real-key")
    with pytest.raises(openai.AuthenticationError) as info:
        llm.invoke("hi")
    assert info.value.code == "invalid_api_key"
