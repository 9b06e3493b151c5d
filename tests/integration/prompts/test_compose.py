"""The compose stage renders the charter's prompt label and records the version (PC-1)."""

from __future__ import annotations

import pytest

from charter.domain import Charter, ChatMessage, Exchange, GenerationParams, Principal
from charter.domain.completion import charter_object
from charter.prompts import versions
from charter.prompts.promotion import Promotion, promote
from charter.prompts.render import PromptRenderError
from charter.prompts.spec import PromptSpec
from charter.prompts.stages import compose

TEMPLATE = (
    "You answer for {{ agency }} in a {{ tone }} tone.\n"
    "{% for c in context %}[{{ loop.index }}] {{ c.text }}\n{% endfor %}Question: {{ question }}"
)


def _exchange(agency, charter: Charter, *, variables=None, context=None, params=None) -> Exchange:
    principal = Principal(
        key_id="key_1", tenant_id=agency.tenant_id, tenant="agency", role="app", use_case="tax-helpdesk"
    )
    ex = Exchange(
        request_id="req_1",
        principal=principal,
        use_case_id="uc",
        charter=charter,
        charter_version=1,
        messages=[ChatMessage("user", "When is the deadline?")],
        params=params or GenerationParams(),
    )
    if variables is not None:
        ex.variables = variables
    ex.context = context or []
    return ex


def _charter(**kw) -> Charter:
    base = {"name": "tax-helpdesk", "tenant": "agency", "models": ["mock"], "regions": ["local"]}
    return Charter(**{**base, **kw})


def _publish(agency, template=TEMPLATE, label="staging", **spec_kw):
    spec = PromptSpec(
        name="tax-answer",
        template=template,
        variables={
            "properties": {
                "agency": {"type": "string", "default": "the Revenue Agency"},
                "tone": {"enum": ["plain", "formal"]},
            },
            "required": ["tone"],
        },
        model_params={"temperature": 0.1, "max_tokens": 99},
        **spec_kw,
    )
    pushed = agency.write(lambda c: versions.push(c, agency.tenant_id, spec, actor="alice"))
    agency.write(
        lambda c: promote(c, agency.tenant_id, Promotion("tax-answer", pushed["version"], label, "alice"))
    )
    agency.rt.policy_changed()
    return pushed


async def test_pc1_compose_renders_label_with_variables_and_context(agency):
    pushed = _publish(agency)
    ex = _exchange(
        agency,
        _charter(prompt="tax-answer", prompt_label="staging"),
        variables={"tone": "plain"},
        context=[{"text": "Returns are due 31 January.", "id": "c1"}],
        params=GenerationParams(temperature=0.7),
    )
    await compose(ex, agency.rt)
    assert ex.prompt_version_id == pushed["id"]
    assert ex.prompt_messages is not None
    assert [(m.role, m.content) for m in ex.prompt_messages] == [
        (
            "system",
            "You answer for the Revenue Agency in a plain tone.\n[1] Returns are due 31 January.\n"
            "Question: When is the deadline?",
        ),
        ("user", "When is the deadline?"),
    ]
    assert "variables" not in charter_object(ex, "int_1")  # not echoed back in the response
    assert ex.params.temperature == 0.7 and ex.params.max_tokens == 99  # request wins, version fills in
    assert ex.verdicts[-1].as_record() == {
        "stage": "compose",
        "outcome": "pass",
        "detail": {"prompt": "tax-answer", "version": 1, "label": "staging", "sha256": pushed["sha256"]},
    }


async def test_pc1_compose_missing_variable_refuses_with_a_fix(agency):
    _publish(agency)
    ex = _exchange(agency, _charter(prompt="tax-answer", prompt_label="staging"))
    with pytest.raises(PromptRenderError, match=r"metadata\.variables"):
        await compose(ex, agency.rt)


async def test_pc1_compose_sandbox_escape_in_stored_template_fails_safely(agency):
    _publish(agency, template="{{ tone }} {{ ''.__class__.__mro__[1].__subclasses__() }}")
    ex = _exchange(agency, _charter(prompt="tax-answer", prompt_label="staging"), variables={"tone": "plain"})
    with pytest.raises(PromptRenderError) as caught:
        await compose(ex, agency.rt)
    assert caught.value.code == "prompt_render_failed" and "sandbox" in caught.value.message
    assert ex.prompt_messages is None and ex.prompt_version_id is None


async def test_pc1_without_prompt_the_system_prompt_leads_and_context_follows(agency):
    ex = _exchange(
        agency,
        _charter(system_prompt="You answer tax questions."),
        context=[{"text": "Returns are due 31 January."}],
    )
    await compose(ex, agency.rt)
    assert ex.prompt_version_id is None
    assert [(m.role, m.content) for m in ex.prompt_messages] == [
        ("system", "You answer tax questions."),
        (
            "system",
            "Use the following context to answer. Cite sources by their number.\n[1] Returns are due 31 January.",
        ),
        ("user", "When is the deadline?"),
    ]


async def test_pc1_label_move_is_seen_after_cache_ttl(agency):
    _publish(agency)
    charter = _charter(prompt="tax-answer", prompt_label="staging")
    first = _exchange(agency, charter, variables={"tone": "plain"})
    await compose(first, agency.rt)
    second_version = _publish(agency, template=TEMPLATE.replace("You answer", "You kindly answer"))
    ex = _exchange(agency, charter, variables={"tone": "formal"})
    await compose(ex, agency.rt)
    assert ex.prompt_version_id == second_version["id"] != first.prompt_version_id
    assert ex.prompt_messages[0].content.startswith("You kindly answer for the Revenue Agency in a formal tone.")
