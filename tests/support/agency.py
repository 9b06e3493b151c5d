"""One agency with a tax-helpdesk use case in a real store, shared by the evaluation and prompt
tests that need one (tests/integration/evals, tests/integration/prompts): the ``agency`` and
``evals_setup`` fixtures, a small QA set and a scripted model that answers it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from charter.runtime import Runtime

CHARTER = """\
name: tax-helpdesk
tenant: agency
models: [mock, bigger]
regions: [local]
system_prompt: You answer tax questions.
"""


@dataclass
class Agency:
    rt: Runtime
    tenant_id: str

    def write(self, fn):  # type: ignore[no-untyped-def]
        return self.rt.writer.write(fn)

    def apply(self, text: str) -> None:
        from charter.policy.service import apply_charter

        self.write(lambda c: apply_charter(c, text, actor="test"))


@pytest.fixture
def agency(runtime: Runtime) -> Agency:
    from charter.policy.service import apply_charter, tenant_id_for

    runtime.writer.write(lambda c: apply_charter(c, CHARTER, actor="test"))
    tenant_id = runtime.writer.write(lambda c: tenant_id_for(c, "agency"))
    return Agency(runtime, tenant_id)


QA = [
    ("When are returns due?", "31 January"),
    ("What is the VAT rate?", "20 percent"),
    ("Who must register for VAT?", "Businesses over the threshold"),
    ("How do I pay?", "Online or by bank transfer"),
    ("Can I amend a return?", "Yes, within 12 months"),
    ("What if I pay late?", "You pay interest and a penalty"),
]


def qa_jsonl(rows=QA) -> str:
    import json

    return "\n".join(json.dumps({"input": q, "reference": a, "tags": ["qa"]}) for q, a in rows) + "\n"


def answer_key(wrong_every: int = 0, always: bool = False):
    """A scripted model: right answers, except every ``wrong_every``-th question when the system
    prompt says "sloppy" (or ``always``)."""
    answers = dict(QA)
    order = [q for q, _ in QA]

    def model(name, messages, params):
        question = messages[-1].content
        sloppy = always or "sloppy" in messages[0].content
        if sloppy and wrong_every and order.index(question) % wrong_every == 0:
            return "I am not sure."
        return answers[question]

    return model


@pytest.fixture
def evals_setup(agency):
    """A dataset and a suite with thresholds (both set up by carol) for the tax-helpdesk use case."""
    from charter.evals.datasets import import_dataset
    from charter.evals.suites import SuiteSpec, set_suite

    agency.write(
        lambda c: import_dataset(
            c, agency.tenant_id, "tax-qa", qa_jsonl(), fmt="jsonl", actor="carol", source="tax-qa.jsonl"
        )
    )
    agency.write(
        lambda c: set_suite(
            c,
            agency.tenant_id,
            SuiteSpec("tax-helpdesk", "tax-qa", ["exact"], thresholds={"exact_match": {"min": 0.5, "max_drop": 0.0}}),
            actor="carol",  # not the authors' (alice) own work: see tests/integration/evals/test_two_person.py
        )
    )
    return agency
