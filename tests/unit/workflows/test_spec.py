"""Workflow definitions and templates, with nothing on the other side: what parses, what is refused
(naming the step and the line), and what a template may reach."""

from __future__ import annotations

import pytest

from charter.errors import InvalidRequest
from charter.workflows.spec import END, parse_workflow
from charter.workflows.templates import render

BASE = """\
name: demo-flow
tenant: agency
use_case: helpdesk
steps:
  - id: first
    connector: records
    arguments: {case: "{{ input.case }}"}
  - id: second
    approval: {}
"""


def test_a_workflow_parses_with_its_defaults_and_order() -> None:
    wf, sha = parse_workflow(BASE)
    assert len(sha) == 64 and [s.kind for s in wf.steps] == ["connector", "approval"]
    assert wf.after(wf.steps[0]) == "second" and wf.after(wf.steps[1]) == END
    assert wf.steps[1].approval is not None and wf.steps[1].approval.mode == "each"
    assert wf.budget.max_steps == 200 and wf.steps[0].max_visits == 1


@pytest.mark.parametrize(("change", "says"), [
    (("    approval: {}", "    approval: {}\n    connector: x"),
     "step 'second', line 8: steps.1: Value error, a step is exactly one"),
    (("  - id: second", "  - id: Second"), "step 'Second', line 8"),
    (("  - id: second", "  - id: first"), "two steps have the id 'first'"),
    (("{{ input.case }}", "{{ input.case "), "step 'first', line 5: a template does not parse"),
    (("name: demo-flow", "name: demo-flow\nextra: 1"), "line 2: extra: Extra inputs are not permitted"),
    (("steps:", "steps: [\n"), "does not parse at line"),
])
def test_errors_name_the_step_and_the_line(change: tuple[str, str], says: str) -> None:
    with pytest.raises(InvalidRequest) as error:
        parse_workflow(BASE.replace(*change))
    assert error.value.code == "workflow_invalid" and says in error.value.message


def test_templates_keep_types_and_stay_in_the_sandbox() -> None:
    names = {"input": {"n": 3, "xs": [1, 2]}, "steps": {}}
    assert render({"n": "{{ input.n }}", "text": "n={{ input.n }}", "list": ["{{ input.xs }}"]}, names) == {
        "n": 3, "text": "n=3", "list": [[1, 2]]}
    with pytest.raises(InvalidRequest):
        render("{{ input.__class__.__mro__ }}", names)
    with pytest.raises(InvalidRequest) as missing:
        render("{{ steps.nothing.output }}", names)
    assert missing.value.code == "workflow_invalid"


def test_a_json_step_checks_the_answer_against_its_schema() -> None:
    from charter.workflows.modelcall import parse_output
    from charter.workflows.spec import ModelCall

    call = ModelCall.model_validate({"message": "m", "output": "json", "schema": {
        "type": "object", "required": ["decision"], "properties": {"decision": {"enum": ["approve", "deny"]}}}})
    assert parse_output(call, "check", '```json\n{"decision": "deny"}\n```') == {"decision": "deny"}
    for answer, says in (('{"decision": "maybe"}', "at $.decision (`enum`)"), ("not json", "not JSON")):
        with pytest.raises(InvalidRequest) as error:
            parse_output(call, "check", answer)
        assert error.value.code == "invalid_json" and says in error.value.message and "maybe" not in error.value.message
