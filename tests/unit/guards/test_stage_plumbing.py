"""The guard stages' own work between the scans (issue 12, cost) gives what it gave before: the
input views worked out once for the guards that screen the same roles (again after a redaction),
the findings assembled with a quick path for the texts that have none, and the stage verdict built
in one go with the fields, values and order :meth:`Exchange.verdict` gave it."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.domain import ChatMessage, Exchange, Finding, GenerationParams, Principal
from charter.domain.charter import Charter, GuardPolicy
from charter.guards.actions import Active, Job, Screening, assemble, outcome_of, verdict
from charter.guards.base import GuardContext, GuardResult
from charter.guards.stages import screen_input
from charter.guards.views import View, input_views, place, seam, single
from tests.support.guardset import runtime_with


class Recorder:
    """Flags ``word``; keeps the texts it was given, by role."""

    version = "1"
    directions = ("input", "output")

    def __init__(self, name: str, word: str, conversation: bool = False) -> None:
        self.name, self.word, self.reads_conversation = name, word, conversation
        self.seen: list[tuple[str, str]] = []

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        self.seen.append((context.role, text))
        found = [Finding(self.name, "WORD", m.start(), m.end(), 0.9, self.version)
                 for m in re.finditer(re.escape(self.word), text)]
        return GuardResult(found, "flag" if found else "pass", 0.9 if found else 0.0)


def _exchange(messages: list[tuple[str, str]], policies: dict[str, GuardPolicy]) -> Exchange:
    charter = Charter(name="helpdesk", tenant="agency", models=["mock"], regions=["ca"], system_prompt="Help.",
                      guards=policies)
    principal = Principal(key_id="key_1", tenant_id="t1", tenant="agency", role="app", use_case="helpdesk")
    return Exchange(request_id="r1", principal=principal, use_case_id="uc1", charter=charter, charter_version=1,
                    messages=[ChatMessage(r, c) for r, c in messages], params=GenerationParams())


async def test_each_guard_reads_the_views_of_the_messages_as_they_are_when_its_turn_comes() -> None:
    messages = [("system", "You help with taxes."), ("user", "my secret word is alpha"),
                ("assistant", "noted"), ("user", "and alpha again, then beta")]
    policies = {
        "before": GuardPolicy(action="warn"),
        "redactor": GuardPolicy(action="redact"),
        "after": GuardPolicy(action="warn"),
        "turns": GuardPolicy(action="warn"),
        "wide": GuardPolicy(action="warn", roles=["system", "user", "assistant"]),
    }
    guards = {"before": Recorder("before", "beta", conversation=True), "redactor": Recorder("redactor", "alpha"),
              "after": Recorder("after", "beta"), "turns": Recorder("turns", "beta", conversation=True),
              "wide": Recorder("wide", "zzz", conversation=True)}
    ex = _exchange(messages, policies)
    await screen_input(ex, runtime_with(**guards))
    original = [ChatMessage(r, c) for r, c in messages]
    redacted = list(ex.messages)
    assert "alpha" not in " ".join(m.content for m in redacted)
    for name, guard in guards.items():
        at = original if name in ("before", "redactor") else redacted
        expected = [(v.role, v.text) for v in input_views(at, policies[name], guard)]  # type: ignore[arg-type]
        assert guard.seen == expected, name
    assert [v.detail["guard"] for v in ex.verdicts] == list(policies)
    assert ex.verdicts[0].detail["roles"] == ["user", "tool", "retrieved"]
    assert ex.verdicts[-1].detail["roles"] == ["system", "user", "assistant"]


def _reference_assemble(active: Active, jobs: list[Job]) -> Screening:
    """assemble as it was written before its quick path."""
    out = Screening(active)
    threshold = active.policy.threshold
    seen: set[tuple[int, str, int, int]] = set()
    for job in jobs:
        found = job.result
        assert found is not None
        out.ms += job.ms
        out.texts += 1
        out.cached += job.cached
        kept = [f for f in found.findings if f.score >= threshold]
        flagged = bool(kept) or (found.verdict == "flag" and found.score >= threshold)
        new = False
        for f in kept:
            for index, piece in place(job.view, f):
                mark = (index, piece.type, piece.start, piece.end)
                if mark not in seen:
                    seen.add(mark)
                    out.findings.append(piece)
                    out.where.append(index)
                    new = True
        if job.view.joined and flagged and (new or not out.flagged):
            out.conversation = True
        out.score = max(out.score, found.score)
        out.flagged |= flagged
    return out


_SCORES = st.sampled_from([0.0, 0.1, 0.5, 0.7, 0.9, 1.0])


@st.composite
def _jobs(draw: Any) -> list[Job]:
    jobs = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            view = single(draw(st.integers(0, 3)), "x" * 30, "user", "user")
        else:
            view = seam((0, "y" * 20), (2, "z" * 20))
        findings = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(view.text)))
            end = draw(st.integers(start, len(view.text)))
            findings.append(Finding("g", draw(st.sampled_from(["A", "B"])), start, end, draw(_SCORES)))
        score = max([f.score for f in findings], default=draw(_SCORES))
        result = GuardResult(findings, draw(st.sampled_from(["pass", "flag"])), score)
        jobs.append(Job(view, GuardContext(), None, result, draw(st.booleans()), draw(st.floats(0, 5))))
    return jobs


@settings(max_examples=300, deadline=None)
@given(_jobs(), _SCORES)
def test_assemble_places_what_it_placed_before(jobs: list[Job], threshold: float) -> None:
    active = Active("g", Recorder("g", "w"), GuardPolicy(action="block", threshold=threshold))  # type: ignore[arg-type]
    assert assemble(active, jobs) == _reference_assemble(active, jobs)


def test_the_stage_verdict_has_the_fields_values_and_order_it_had() -> None:
    policy = GuardPolicy(action="redact", options={"mode": "pseudonymise"})
    active = Active("pii", Recorder("pii", "w"), policy)  # type: ignore[arg-type]
    findings = [Finding("pii", "EMAIL", 3, 9, 0.91234, "1"), Finding("pii", "PHONE", 0, 4, 0.8, "1")]
    cases = [
        Screening(active, score=0.123456, ms=0.4567891, texts=2, cached=1),
        Screening(active, findings, [0, 2], 0.91234, True, 1.23456, 3, 0, True),
        Screening(active, findings[:1], [0], 0.91234, True, 0.5, 1, 1),
    ]
    for s in cases:
        for extra in ({}, {"roles": ["user", "tool"]}, {"streamed": True}):
            ex = _exchange([("user", "hi")], {"pii": policy})
            verdict(ex, "screen_input", s, **extra)
            before = _exchange([("user", "hi")], {"pii": policy})
            v = before.verdict("screen_input", outcome_of(s), guard="pii", version="1",  # type: ignore[arg-type]
                               action="redact", score=round(s.score, 4), ms=round(s.ms, 3), **extra)
            v.findings = list(s.findings)
            if s.where and any(s.where):
                v.detail["text_index"] = list(s.where)
            if s.cached:
                v.detail["cached"] = s.cached
            if s.conversation:
                v.detail["conversation"] = True
            (got,) = ex.verdicts
            assert json.dumps(got.as_record()) == json.dumps(v.as_record())
            assert got.findings is not s.findings


def test_an_active_guard_knows_its_action_and_whether_it_is_looked_up() -> None:
    class Uncached(Recorder):
        cacheable = False

    from charter.guards.cache import VerdictCache

    cache = VerdictCache()
    on = Active("g", Recorder("g", "w"), GuardPolicy(action="block"), cache)  # type: ignore[arg-type]
    off = Active("g", Uncached("g", "w"), GuardPolicy(action="warn"), cache)  # type: ignore[arg-type]
    assert (on.action, on.lookup, off.action, off.lookup) == ("block", cache, "warn", None)
    assert View("t", "user", "user", ((0, 0, 0, 1),)) == single(0, "t", "user", "user")
