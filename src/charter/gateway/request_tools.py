"""Reading the schema-shaped fields of a chat-completions request: ``tools``, ``tool_choice`` and
``parallel_tool_calls``, the tool calls of earlier assistant messages and the ids tool messages
answer, and ``response_format`` (JSON mode), with the two checks every field of the request shares
(charter.gateway.request reads the rest). Each problem has a stable code (docs/api.md)."""

from __future__ import annotations

import re
from typing import Any

from charter.errors import InvalidRequest

__all__ = ["answered_call_id", "check_text", "message_tool_calls", "response_format", "tooling", "type_error"]

# C0 controls except TAB, LF, CR; DEL; C1 controls. Invalid UTF-8 is refused while decoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def type_error(param: str, expected: str) -> InvalidRequest:
    return InvalidRequest(f"`{param}` must be {expected}", code="invalid_type", param=param)


def check_text(text: str, param: str) -> str:
    match = _CONTROL.search(text)
    if match:
        raise InvalidRequest(
            f"`{param}` contains the control character U+{ord(match.group()):04X} at offset {match.start()}; remove it",
            code="control_characters",
            param=param,
        )
    return text


def message_tool_calls(item: dict[str, Any], role: str, i: int, called: set[str]) -> list[dict[str, Any]] | None:
    """An assistant message's ``tool_calls`` (the calls a model made earlier), kept in OpenAI's form:
    ``[{"id", "type": "function", "function": {"name", "arguments"}}]``, ``arguments`` a JSON text.
    Their names are checked against the charter's tools later (charter.gateway.tools)."""
    raw = item.get("tool_calls")
    if raw is None:
        return None
    param = f"messages[{i}].tool_calls"
    if role != "assistant":
        raise InvalidRequest(f"`{param}` is allowed on assistant messages only", code="invalid_value", param=param)
    if not isinstance(raw, list) or not raw:
        raise type_error(param, "a non-empty list of tool calls")
    calls = []
    for j, call in enumerate(raw):
        where = f"{param}[{j}]"
        if not isinstance(call, dict) or call.get("type", "function") != "function":
            raise type_error(where, 'an object with `id`, `type: "function"` and `function`')
        extra = sorted(set(call) - {"id", "type", "function"})
        if extra:
            param = f"{where}.{extra[0]}"
            raise InvalidRequest(f"unknown field `{param}`", code="unknown_field", param=param)
        call_id, function = call.get("id"), call.get("function")
        if not isinstance(call_id, str) or not call_id or len(call_id) > 256:
            raise type_error(f"{where}.id", "a string of 1 to 256 characters")
        if not isinstance(function, dict) or set(function) - {"name", "arguments"}:
            raise type_error(f"{where}.function", "an object with `name` and `arguments`")
        name, arguments = _name(function.get("name"), f"{where}.function.name"), function.get("arguments")
        if not isinstance(arguments, str):
            raise type_error(f"{where}.function.arguments", "a string (the arguments as JSON)")
        check_text(arguments, f"{where}.function.arguments")
        if call_id in called:
            raise InvalidRequest(f"`{where}.id` {call_id!r} is used twice", code="invalid_value", param=f"{where}.id")
        called.add(call_id)
        calls.append({"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}})
    return calls


def answered_call_id(item: dict[str, Any], role: str, i: int, called: set[str]) -> str | None:
    """A ``tool`` message answers one earlier assistant tool call, named by ``tool_call_id``. One
    without it is still taken, as before tool calling (a tool's output the application pasted in);
    OpenAI-compatible model servers refuse it, so send the id."""
    value = item.get("tool_call_id")
    param = f"messages[{i}].tool_call_id"
    if role != "tool":
        if value is not None:
            raise InvalidRequest(f"`{param}` is allowed on tool messages only", code="invalid_value", param=param)
        return None
    if value is None:
        return None
    if not isinstance(value, str):
        raise type_error(param, "a string")
    if value not in called:
        raise InvalidRequest(
            f"`{param}` {value[:80]!r} answers no tool call of an earlier assistant message",
            code="invalid_value",
            param=param,
        )
    return value


def tooling(body: dict[str, Any]) -> tuple[list[dict[str, Any]] | None, str | dict[str, Any] | None, bool | None]:
    """``tools``, ``tool_choice`` and ``parallel_tool_calls``, checked for form (whether the charter
    allows the tools is the tools stage's question: charter.gateway.tools)."""
    raw = body.get("tools")
    tools: list[dict[str, Any]] | None = None
    if raw is not None:
        if not isinstance(raw, list):
            raise type_error("tools", "a list of tools")
        tools = []
        names: set[str] = set()
        for i, tool in enumerate(raw):
            where = f"tools[{i}]"
            if not isinstance(tool, dict) or tool.get("type") != "function" or set(tool) - {"type", "function"}:
                raise type_error(where, 'an object `{"type": "function", "function": {...}}`')
            function = named_schema(tool.get("function"), f"{where}.function", "parameters")
            name = function["name"]
            if name in names:
                raise InvalidRequest(f"tool {name!r} is offered twice", code="invalid_value", param=where)
            names.add(name)
            if isinstance(function.get("description"), str):
                check_text(function["description"], f"{where}.function.description")
            tools.append({"type": "function", "function": dict(function)})
        tools = tools or None  # an empty list offers nothing: the same as none
    choice = body.get("tool_choice")
    if choice is not None:
        if isinstance(choice, str):
            if choice not in ("none", "auto", "required"):
                raise InvalidRequest(
                    "`tool_choice` must be none, auto, required or "
                    '{"type": "function", "function": {"name": ...}}',
                    code="invalid_value",
                    param="tool_choice",
                )
        elif (
            isinstance(choice, dict)
            and choice.get("type") == "function"
            and isinstance(choice.get("function"), dict)
            and isinstance(choice["function"].get("name"), str)
            and not set(choice) - {"type", "function"}
            and not set(choice["function"]) - {"name"}
        ):
            if tools is None or choice["function"]["name"] not in {t["function"]["name"] for t in tools}:
                raise InvalidRequest(
                    f"`tool_choice` names {choice['function']['name'][:64]!r}, which `tools` does not offer",
                    code="invalid_value",
                    param="tool_choice",
                )
        else:
            raise type_error("tool_choice", 'none, auto, required or {"type": "function", "function": {"name"}}')
        if tools is None and choice != "none":
            raise InvalidRequest(
                "`tool_choice` needs `tools`; offer the tools or drop it", code="invalid_value", param="tool_choice"
            )
        if tools is None:
            choice = None  # "none" without tools: nothing to say to the model
    parallel = body.get("parallel_tool_calls")
    if parallel is not None:
        if not isinstance(parallel, bool):
            raise type_error("parallel_tool_calls", "true or false")
        if tools is None:
            raise InvalidRequest(
                "`parallel_tool_calls` needs `tools`; offer the tools or drop it",
                code="invalid_value",
                param="parallel_tool_calls",
            )
    return tools, choice, parallel


def response_format(raw: Any) -> dict[str, Any] | None:
    """JSON mode: ``{"type": "json_object"}`` or ``{"type": "json_schema", "json_schema": {"name",
    "schema"?, "description"?, "strict"?}}``, kept as sent; ``{"type": "text"}`` is the default (None)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise type_error("response_format", 'an object with a `type` ("text", "json_object" or "json_schema")')
    kind = raw["type"]
    allowed = {"text": {"type"}, "json_object": {"type"}, "json_schema": {"type", "json_schema"}}.get(kind)
    if allowed is None:
        raise InvalidRequest(
            "`response_format.type` must be text, json_object or json_schema",
            code="invalid_value",
            param="response_format.type",
        )
    extra = sorted(set(raw) - allowed)
    if extra:
        raise InvalidRequest(
            f"unknown field `response_format.{extra[0]}` for type {kind}",
            code="unknown_field",
            param=f"response_format.{extra[0]}",
        )
    if kind == "text":
        return None
    if kind == "json_schema":
        named_schema(raw.get("json_schema"), "response_format.json_schema", "schema")
    return dict(raw)


def _name(value: Any, param: str) -> str:
    if not isinstance(value, str) or not _SCHEMA_NAME.match(value):
        raise InvalidRequest(f"`{param}` must be 1 to 64 letters, digits, `_` or `-`", code="invalid_value",
                             param=param)
    return value


def named_schema(spec: Any, where: str, schema_key: str) -> dict[str, Any]:
    """A named JSON Schema as OpenAI sends one (``response_format.json_schema``, a tool's
    ``function``): ``name``, ``description``?, ``<schema_key>``? (an object), ``strict``?."""
    if not isinstance(spec, dict):
        raise type_error(where, f"an object with `name` and `{schema_key}`")
    extra = sorted(set(spec) - {"name", "description", schema_key, "strict"})
    if extra:
        raise InvalidRequest(f"unknown field `{where}.{extra[0]}`", code="unknown_field", param=f"{where}.{extra[0]}")
    _name(spec.get("name"), f"{where}.name")
    for key, kind_of, expected in (
        (schema_key, dict, "an object (a JSON Schema)"),
        ("description", str, "a string"),
        ("strict", bool, "true or false"),
    ):
        if spec.get(key) is not None and not isinstance(spec[key], kind_of):
            raise type_error(f"{where}.{key}", expected)
    return spec
