"""The sandbox: a template sees only its values; every escape attempt fails safely (PC-1)."""

from __future__ import annotations

import pytest

from charter.errors import InvalidRequest
from charter.prompts.render import (
    MAX_RENDERED_CHARS,
    PromptRenderError,
    check_template,
    render_messages,
    validate_variables,
)

ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ x.__class__.__base__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].listdir('/') }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ x.__dict__ }}",
    "{{ (x|attr('__class__')) }}",
    "{{ '{0.__class__}'.format(x) }}",
    "{{ x.append(1) }}",
    "{% set d = {} %}{{ d.update(a=1) }}",
    "{{ range.__self__ }}",
    "{{ self._TemplateReference__context }}",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_pc1_sandbox_escape_fails_safely(template: str) -> None:
    with pytest.raises(PromptRenderError) as caught:
        render_messages("text", template, {"x": [1, 2]}, where="prompt evil@1")
    err = caught.value
    assert err.code == "prompt_render_failed" and err.status == 400
    assert "evil@1" in err.message
    # the refusal carries no internals: no class names, paths or object reprs
    for leak in ("<class", "subclasses", "/etc", "object at 0x", "Traceback"):
        assert leak not in err.message


@pytest.mark.parametrize(
    "template",
    [
        "{% include '/etc/passwd' %}",
        "{% import 'os' as os %}",
        "{% from '/etc/hosts' import x %}",
        "{% extends '/etc/passwd' %}",
    ],
)
def test_pc1_template_cannot_reach_the_filesystem(template: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_template(template)
    assert "include, import or extend" in caught.value.message
    # and even if such a template were stored, rendering finds no loader and fails safely
    with pytest.raises(PromptRenderError):
        render_messages("text", template, {})


def test_pc1_variables_are_data_not_templates() -> None:
    [msg] = render_messages("text", "Hello {{ name }}", {"name": "{{ ''.__class__ }} {% include '/etc/passwd' %}"})
    assert msg.content == "Hello {{ ''.__class__ }} {% include '/etc/passwd' %}"


def test_pc1_undefined_variable_is_an_error_not_empty() -> None:
    with pytest.raises(PromptRenderError) as caught:
        render_messages("text", "Dear {{ nam }}", {"name": "x"})
    assert "undefined" in caught.value.message


def test_pc1_rendered_size_is_capped() -> None:
    with pytest.raises(PromptRenderError) as caught:
        render_messages("text", "{% for i in range(100000) %}{{ 'xxxxxxxxxx' }}{% endfor %}", {})
    assert str(MAX_RENDERED_CHARS) in caught.value.message


def test_pc1_chat_template_renders_each_message() -> None:
    messages = render_messages(
        "chat",
        [
            {"role": "system", "content": "You help {{ agency }}."},
            {"role": "assistant", "content": "Ask me about {{ topic|upper }}."},
        ],
        {"agency": "the Revenue Agency", "topic": "vat"},
    )
    assert [(m.role, m.content) for m in messages] == [
        ("system", "You help the Revenue Agency."),
        ("assistant", "Ask me about VAT."),
    ]


def test_pc1_syntax_error_names_the_line() -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_template("ok\n{% for x in %}")
    assert "line 2" in caught.value.message


def test_pc1_variables_schema_defaults_types_required() -> None:
    schema = {
        "properties": {
            "agency": {"type": "string", "default": "HMRC"},
            "year": {"type": "integer"},
            "tone": {"enum": ["plain", "formal"]},
        },
        "required": ["year"],
    }
    assert validate_variables(schema, {"year": 2026}) == {"agency": "HMRC", "year": 2026}
    with pytest.raises(PromptRenderError, match="year"):
        validate_variables(schema, {})
    with pytest.raises(PromptRenderError, match="type integer"):
        validate_variables(schema, {"year": "2026"})
    with pytest.raises(PromptRenderError, match="one of"):
        validate_variables(schema, {"year": 1, "tone": "rude"})
    closed = {**schema, "additionalProperties": False}
    assert "extra" not in validate_variables(closed, {"year": 1, "extra": "x"})
