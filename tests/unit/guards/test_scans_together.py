"""Short scans due on the event loop run together at its next turn, grouped by guard
(charter.guards.stages._scan_soon): each request sees what it saw when it scanned alone, and a
guard that fails fails its own request only (fail closed)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from charter.domain import ChatMessage, Exchange, Finding, GenerationParams, Principal
from charter.domain.charter import Charter, GuardPolicy
from charter.errors import ContentFiltered, Unavailable
from charter.guards.base import GuardContext, GuardResult
from charter.guards.pii.guard import PiiGuard
from charter.guards.stages import screen_input, screen_output
from tests.support.guardset import runtime_with


class LoggingGuard:
    """Flags ``word``; notes every text it scans in ``log``; crashes on a text holding "boom"."""

    version = "1"
    directions = ("input", "output")

    def __init__(self, name: str, word: str, log: list[tuple[str, str]]) -> None:
        self.name, self.word, self.log = name, word, log

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        self.log.append((self.name, text))
        if "boom" in text:
            raise RuntimeError("model file missing")
        found = [Finding(self.name, "WORD", m.start(), m.end(), 0.9, self.version)
                 for m in re.finditer(re.escape(self.word), text)]
        return GuardResult(found, "flag" if found else "pass", 0.9 if found else 0.0)


def exchange(i: int, text: str, policies: dict[str, dict[str, Any]]) -> Exchange:
    charter = Charter(name="helpdesk", tenant="agency", models=["mock"], regions=["ca"], system_prompt="Help.",
                      guards={k: GuardPolicy(**v) for k, v in policies.items()})
    principal = Principal(key_id="key_1", tenant_id="t1", tenant="agency", role="app", use_case="helpdesk")
    return Exchange(request_id=f"r{i}", principal=principal, use_case_id="uc1", charter=charter,
                    charter_version=1, messages=[ChatMessage("user", text)], params=GenerationParams())


TEXTS = [f"Request {i}: my SSN is 536-22-87{i:02d} and the word is {'alpha' if i % 2 else 'beta'}."
         for i in range(6)]
POLICIES = {"pii": {"action": "redact"}, "first": {"action": "warn"}, "second": {"action": "warn"}}


def _outcome(ex: Exchange) -> list[Any]:
    return [[m.content for m in ex.messages], [v.as_record() for v in ex.verdicts],
            ex.response_headers.get("x-charter-guard-flags")]


def _strip_ms(records: list[Any]) -> list[Any]:
    for v in records[1]:
        v.get("detail", {}).pop("ms", None)
    return records


async def test_requests_screened_together_see_what_they_saw_alone():
    log: list[tuple[str, str]] = []
    rt = runtime_with(pii=PiiGuard(), first=LoggingGuard("first", "alpha", log),
                      second=LoggingGuard("second", "beta", log))
    alone = []
    for i, text in enumerate(TEXTS):
        ex = exchange(i, text, POLICIES)
        await screen_input(ex, rt)
        alone.append(_strip_ms(_outcome(ex)))
    rt = runtime_with(pii=PiiGuard(), first=LoggingGuard("first", "alpha", log),
                      second=LoggingGuard("second", "beta", log))  # a fresh verdict cache
    log.clear()
    together = [exchange(i, text, POLICIES) for i, text in enumerate(TEXTS)]
    await asyncio.gather(*(screen_input(ex, rt) for ex in together))
    assert [_strip_ms(_outcome(ex)) for ex in together] == alone
    # one guard's scans one after the other: every request's "first" scan, then every "second"
    assert [name for name, _ in log] == ["first"] * len(TEXTS) + ["second"] * len(TEXTS)
    assert all("536-22" not in text for _, text in log)  # pii redacted before the next guard reads it


async def test_a_failing_scan_fails_its_own_request_only():
    log: list[tuple[str, str]] = []
    rt = runtime_with(first=LoggingGuard("first", "alpha", log))
    policies = {"first": {"action": "block"}}
    texts = ["fine text", "boom goes the model", "alpha is blocked", "also fine"]
    results = await asyncio.gather(*(screen_input(exchange(i, t, policies), rt) for i, t in enumerate(texts)),
                                   return_exceptions=True)
    assert results[0] is None and results[3] is None
    assert isinstance(results[1], Unavailable) and results[1].code == "guard_unavailable"
    assert isinstance(results[2], ContentFiltered) and results[2].extra == {"guard": "first", "types": ["WORD"]}
    assert sorted(text for _, text in log) == sorted(texts)


async def test_output_scans_together_cut_only_the_answer_that_fails():
    log: list[tuple[str, str]] = []
    rt = runtime_with(first=LoggingGuard("first", "alpha", log))
    exs = [exchange(i, "question", {"first": {"action": "block"}}) for i in range(3)]
    for ex, answer in zip(exs, ["an answer", "alpha answer", "another answer"], strict=True):
        ex.output = ex.model_output = answer
    await asyncio.gather(*(screen_output(ex, rt) for ex in exs))
    assert [ex.output for ex in exs] == ["an answer", "", "another answer"]
    assert [ex.finish_reason for ex in exs][1] == "content_filter"


@pytest.mark.parametrize("n", [1, 3])
async def test_a_cancelled_request_does_not_stop_the_others(n: int):
    log: list[tuple[str, str]] = []
    rt = runtime_with(first=LoggingGuard("first", "alpha", log))
    exs = [exchange(i, f"text {i}", {"first": {"action": "warn"}}) for i in range(n + 1)]
    tasks = [asyncio.ensure_future(screen_input(ex, rt)) for ex in exs]
    await asyncio.sleep(0)  # every task has queued its scan
    tasks[0].cancel()
    done = await asyncio.gather(*tasks[1:])
    assert done == [None] * n
    assert all(v.outcome == "pass" for ex in exs[1:] for v in ex.verdicts)
    assert ("first", "text 0") not in log  # the cancelled request's scan was not run
