"""OpenAI's optional chat fields are read into the generation parameters or refused with a stable
code naming the field; none is parsed and dropped (docs/api.md)."""

from __future__ import annotations

from typing import Any

import pytest

from charter.errors import InvalidRequest
from charter.gateway.request import parse_chat
from charter.providers.base import OPTIONAL_PARAMETERS, requested_parameters

MESSAGES = [{"role": "user", "content": "hi"}]
TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
SCHEMA = {"type": "json_schema", "json_schema": {"name": "refund", "schema": {"type": "object"}, "strict": True}}


def test_every_optional_field_is_read_into_the_parameters() -> None:
    params = parse_chat(
        {
            "messages": MESSAGES,
            "response_format": SCHEMA,
            "logprobs": True,
            "top_logprobs": 3,
            "presence_penalty": 0.5,
            "frequency_penalty": -0.5,
            "logit_bias": {"50256": -100, "15": 2.5},
            "service_tier": "flex",
            "store": False,
            "tools": [TOOL],
            "tool_choice": "required",
            "parallel_tool_calls": True,
        }
    ).params
    assert (params.response_format, params.logprobs, params.top_logprobs) == (SCHEMA, True, 3)
    assert (params.presence_penalty, params.frequency_penalty) == (0.5, -0.5)
    assert (params.logit_bias, params.service_tier, params.store) == ({"50256": -100.0, "15": 2.5}, "flex", False)
    assert (params.tools, params.tool_choice, params.parallel_tool_calls) == ([TOOL], "required", True)
    assert set(requested_parameters(params)) == OPTIONAL_PARAMETERS


def test_defaults_ask_for_nothing_optional() -> None:
    for body in ({}, {"response_format": {"type": "text"}, "logprobs": False}, {"response_format": None}):
        params = parse_chat({"messages": MESSAGES, **body}).params
        assert requested_parameters(params) == [] and not params.json_mode


@pytest.mark.parametrize(
    ("fields", "code", "param"),
    [
        ({"store": True}, "unsupported_parameter", "store"),
        ({"tool_choice": "auto"}, "invalid_value", "tool_choice"),  # without tools
        ({"tool_choice": {"type": "function", "function": {"name": "f"}}}, "invalid_value", "tool_choice"),
        ({"parallel_tool_calls": False}, "invalid_value", "parallel_tool_calls"),
        ({"tools": [TOOL], "parallel_tool_calls": "no"}, "invalid_type", "parallel_tool_calls"),
        ({"tools": [{"type": "function", "function": {"name": "f", "examples": []}}]}, "unknown_field",
         "tools[0].function.examples"),
        ({"tools": [{"type": "function", "function": {"name": "f g"}}]}, "invalid_value", "tools[0].function.name"),
        ({"n": 2}, "invalid_value", "n"),
        ({"store": "yes"}, "invalid_type", "store"),
        ({"logprobs": True, "stream": True}, "unsupported_parameter", "logprobs"),
        ({"logprobs": "yes"}, "invalid_type", "logprobs"),
        ({"top_logprobs": 2}, "invalid_value", "top_logprobs"),
        ({"logprobs": True, "top_logprobs": 21}, "invalid_value", "top_logprobs"),
        ({"presence_penalty": 2.5}, "invalid_value", "presence_penalty"),
        ({"frequency_penalty": "high"}, "invalid_type", "frequency_penalty"),
        ({"logit_bias": [1, 2]}, "invalid_type", "logit_bias"),
        ({"logit_bias": {"hello": 1}}, "invalid_value", "logit_bias"),
        ({"logit_bias": {"42": 101}}, "invalid_value", "logit_bias.42"),
        ({"logit_bias": {"42": None}}, "invalid_type", "logit_bias.42"),
        ({"logit_bias": {str(i): 1 for i in range(301)}}, "invalid_value", "logit_bias"),
        ({"service_tier": "gold"}, "invalid_value", "service_tier"),
        ({"response_format": "json"}, "invalid_type", "response_format"),
        ({"response_format": {"type": "xml"}}, "invalid_value", "response_format.type"),
        ({"response_format": {"type": "json_object", "schema": {}}}, "unknown_field", "response_format.schema"),
        ({"response_format": {"type": "json_schema"}}, "invalid_type", "response_format.json_schema"),
        ({"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}}, "invalid_value",
         "response_format.json_schema.name"),
        ({"response_format": {"type": "json_schema", "json_schema": {"name": "a b"}}}, "invalid_value",
         "response_format.json_schema.name"),
        ({"response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": []}}}, "invalid_type",
         "response_format.json_schema.schema"),
        ({"response_format": {"type": "json_schema", "json_schema": {"name": "a", "format": "x"}}}, "unknown_field",
         "response_format.json_schema.format"),
    ],
)
def test_a_field_that_cannot_be_honoured_is_refused_naming_it(fields: dict[str, Any], code: str, param: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_chat({"messages": MESSAGES, **fields})
    assert (refused.value.code, refused.value.param) == (code, param)
