"""Tool calling through the gateway: what a request may offer, and what the model's calls may carry.

* **offer_tools** (before admit): every tool a request offers (``tools``) and every tool an earlier
  assistant message called must be listed in the charter's ``tools``, offered with exactly the
  charter's ``parameters`` schema (and its description, or none). Otherwise ``400 tool_not_allowed``
  naming the tool. What the model is sent is the charter's definition.
* **check_tool_calls** (after generate, before oversee): each call the model made must name an offered
  tool and carry arguments that are a JSON object valid against the charter's schema; the arguments
  are screened by the input guards as ``data`` (``screen_tool_arguments``). A call that fails is
  **withheld**, not passed on with a flag: an application that runs tool calls as they come would
  run it. Its ``tool_calls`` are dropped, ``finish_reason`` is ``content_filter`` and
  ``charter.content_filter`` says ``{"guard": "tool_schema" or the guard's name, "types": [...],
  "tool", "tool_call_id", "reason"}`` (the reason names the schema rule, never the value), so the
  application can send the model a tool error and ask again.
* Tool results (``role: tool``) are screened by the input guards as ``data`` (indirect injection)
  in ``screen_input`` (charter.guards.views).
* The record (charter.gateway.record) keeps SHA-256 hashes of each call's arguments and each tool
  result in the redacted tier (verdict ``tools``), their text in the raw tier.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import orjson
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from charter.domain import ContentFilter, Exchange
from charter.domain.charter import ToolSpec
from charter.errors import InvalidRequest
from charter.guards.actions import flag, restore_allowed
from charter.guards.jsontext import is_json, redact_json, restore_json
from charter.guards.stages import screen_tool_arguments
from charter.guards.vault import Vault, redact
from charter.providers.base import ProviderError
from charter.runtime import Runtime

__all__ = ["TOOL_SCHEMA", "ToolCallJoiner", "check_tool_calls", "offer_tools", "tool_record"]

#: ``ContentFilter.guard`` of a call withheld because its arguments fail the charter's schema.
TOOL_SCHEMA = "tool_schema"


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _not_allowed(name: str, why: str, param: str) -> InvalidRequest:
    return InvalidRequest(
        f"tool {name!r} {why}; a use case offers the tools its charter lists under `tools`, with their "
        "schemas as written there (ask the use case owner)",
        code="tool_not_allowed",
        param=param,
    )


def offer_tools(ex: Exchange) -> None:
    """Check the request's tools and the tool calls in its history against the charter; replace
    each offered tool by the charter's definition (what the provider is sent)."""
    listed = ex.charter.tools
    offered = ex.params.tools
    if offered is not None:
        wire = []
        for i, tool in enumerate(offered):
            function = tool["function"]
            name = function["name"]
            spec = listed.get(name)
            param = f"tools[{i}].function"
            if spec is None:
                raise _not_allowed(name, "is not listed in this use case's charter", f"{param}.name")
            sent = function.get("parameters")
            if _canonical(sent if sent is not None else {"type": "object", "properties": {}}) != _canonical(
                spec.parameters
            ):
                raise _not_allowed(name, "is offered with another `parameters` schema than its charter's",
                                   f"{param}.parameters")
            described = function.get("description")
            if described is not None and described != spec.description:
                raise _not_allowed(name, "is offered with another description than its charter's",
                                   f"{param}.description")
            definition: dict[str, Any] = {"name": name, "parameters": spec.parameters}
            if spec.description:
                definition["description"] = spec.description
            if function.get("strict") is not None:
                definition["strict"] = function["strict"]
            wire.append({"type": "function", "function": definition})
        ex.params.tools = wire
    for i, message in enumerate(ex.messages):
        for j, call in enumerate(message.tool_calls or ()):
            name = call["function"]["name"]
            if name not in listed:
                raise _not_allowed(name, "is not listed in this use case's charter (an earlier assistant "
                                   "message calls it)", f"messages[{i}].tool_calls[{j}].function.name")
    if offered is not None:
        ex.verdict("tools", "pass", offered=[t["function"]["name"] for t in ex.params.tools or ()],
                   tool_choice=_choice_name(ex.params.tool_choice))


def _choice_name(choice: str | dict[str, Any] | None) -> str | None:
    if isinstance(choice, dict):
        return f"function:{choice['function']['name']}"
    return choice


@functools.lru_cache(maxsize=256)
def _validator(schema: bytes) -> Validator:
    parsed = orjson.loads(schema)
    validator: Validator = validator_for(parsed)(parsed)
    return validator


def _schema_failure(spec: ToolSpec, arguments: str) -> str | None:
    """Why ``arguments`` fail the tool's schema (the JSON path and the rule, never the value), or None."""
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return "the arguments are not valid JSON"
    if not isinstance(value, dict):
        return "the arguments are not a JSON object"
    error = best_match(_validator(_canonical(spec.parameters)).iter_errors(value))
    if error is None:
        return None
    rule = orjson.dumps(error.validator_value).decode()
    rule = rule if len(rule) <= 120 else rule[:117] + "..."
    return f"{error.json_path} fails `{error.validator}` ({rule})"


class _Cut(Exception):
    def __init__(self, cut: ContentFilter) -> None:
        self.cut = cut


async def check_tool_calls(ex: Exchange, rt: Runtime) -> None:
    """Validate and screen ``ex.tool_calls``; withhold them all when one fails (see the module)."""
    calls = ex.tool_calls
    if not calls:
        return
    ex.model_tool_calls = orjson.loads(orjson.dumps(calls))
    offered = {t["function"]["name"] for t in ex.params.tools or ()}
    if ex.params.tool_choice == "none":
        offered = set()
    try:
        for call in calls:
            name = call["function"]["name"]
            spec = ex.charter.tools.get(name)
            if name not in offered or spec is None:
                raise _Cut(ContentFilter(TOOL_SCHEMA, ("tool_not_offered",), name, call["id"],
                                         "the model called a tool the request did not offer"))
            reason = _schema_failure(spec, call["function"]["arguments"])
            if reason is not None:
                raise _Cut(ContentFilter(TOOL_SCHEMA, ("invalid_arguments",), name, call["id"], reason))
        await _screen(ex, rt, calls)
    except _Cut as stop:
        ex.verdict("tool_calls", "block", withheld=len(calls), tool=stop.cut.tool, reason=stop.cut.reason,
                   types=list(stop.cut.types))
        ex.tool_calls = None
        ex.finish_reason = "content_filter"
        ex.content_filter = stop.cut
        return
    if restore_allowed(ex):
        vault = Vault(ex.vault)
        for call in calls:
            arguments = call["function"]["arguments"]
            # JSON-escaped: a value with a quote in it must not end the string it goes back into
            call["function"]["arguments"] = (restore_json(arguments, ex.vault) if is_json(arguments)
                                             else vault.restore(arguments))
    ex.verdict("tool_calls", "pass", calls=[call["function"]["name"] for call in calls])


async def _screen(ex: Exchange, rt: Runtime, calls: list[dict[str, Any]]) -> None:
    texts = [call["function"]["arguments"] for call in calls]
    for s in await screen_tool_arguments(ex, rt, texts):
        if not s.flagged:
            continue
        action = s.active.policy.action.value
        where = list(s.where) or [0]
        call = calls[where[0]]
        types = tuple(sorted({f.type for f in s.findings})) or ("flagged",)
        if action == "block":
            ex.persist_raw = False  # blocked text is not kept (DP-1)
            flag(ex, s.active.name)
            raise _Cut(ContentFilter(s.active.name, types, call["function"]["name"], call["id"],
                                     f"the {s.active.name!r} guard blocked the arguments"))
        if action == "redact":
            mode = str(s.active.policy.options.get("mode", "placeholder"))
            for index in sorted(set(where)):
                found = [f for f, i in zip(s.findings, s.where, strict=True) if i == index]
                target = calls[index]
                arguments = target["function"]["arguments"]
                vault = Vault(ex.vault, keep=False)
                # inside the string values (JSON-escaped); PII in a number fails the schema check below
                redacted = redact_json(arguments, found, mode, vault) if is_json(arguments) else None
                target["function"]["arguments"] = (redacted if redacted is not None
                                                   else redact(arguments, found, mode, vault))
                spec = ex.charter.tools[target["function"]["name"]]
                reason = _schema_failure(spec, target["function"]["arguments"])
                if reason is not None:  # the redaction broke them: they cannot go out as they are
                    raise _Cut(ContentFilter(s.active.name, ("changed_by_guard",), target["function"]["name"],
                                             target["id"], f"redacted by the {s.active.name!r} guard, then {reason}"))
            flag(ex, s.active.name)
        else:
            flag(ex, s.active.name)


class ToolCallJoiner:
    """Joins OpenAI's streamed ``delta.tool_calls`` pieces (by ``index``) into whole calls."""

    __slots__ = ("_calls",)

    def __init__(self) -> None:
        self._calls: dict[int, dict[str, Any]] = {}

    def __bool__(self) -> bool:
        return bool(self._calls)

    def add(self, pieces: list[dict[str, Any]]) -> None:
        for piece in pieces:
            index = piece.get("index", 0)
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 128:
                raise ProviderError("upstream stream sent a tool call without a valid index", retryable=False)
            call = self._calls.setdefault(index, {"id": "", "name": "", "arguments": []})
            if isinstance(piece.get("id"), str):
                call["id"] = piece["id"]
            function = piece.get("function") or {}
            if not isinstance(function, dict):
                raise ProviderError("upstream stream sent a malformed tool call", retryable=False)
            if isinstance(function.get("name"), str):
                call["name"] += function["name"]
            if isinstance(function.get("arguments"), str):
                call["arguments"].append(function["arguments"])

    def calls(self) -> list[dict[str, Any]]:
        out = []
        for index in sorted(self._calls):
            call = self._calls[index]
            if not call["id"] or not call["name"]:
                raise ProviderError("upstream stream sent a tool call without an id or a name", retryable=False)
            out.append({"id": call["id"], "type": "function",
                        "function": {"name": call["name"], "arguments": "".join(call["arguments"])}})
        return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def tool_record(ex: Exchange) -> dict[str, Any] | None:
    """The redacted tier's view of the exchange's tools (a ``tools`` verdict record): hashes and
    lengths of the calls' arguments (earlier ones in the messages, and the model's own) and of the
    tool results. None when the exchange has none, or when a guard blocked its text (DP-1: no hash)."""
    if not ex.persist_raw:
        return None
    earlier = [
        {"id": c["id"], "name": c["function"]["name"], "arguments_sha256": _sha(c["function"]["arguments"]),
         "chars": len(c["function"]["arguments"])}
        for m in ex.messages for c in m.tool_calls or ()
    ]
    results = [
        {"tool_call_id": m.tool_call_id, "sha256": _sha(m.content), "chars": len(m.content)}
        for m in ex.messages if m.role == "tool"
    ]
    made = [
        {"id": c["id"], "name": c["function"]["name"], "arguments_sha256": _sha(c["function"]["arguments"]),
         "chars": len(c["function"]["arguments"])}
        for c in ex.model_tool_calls or ex.tool_calls or ()
    ]
    if not (earlier or results or made):
        return None
    detail: dict[str, Any] = {}
    if earlier:
        detail["earlier_calls"] = earlier
    if results:
        detail["results"] = results
    if made:
        detail["calls"] = made
    return {"stage": "tools", "outcome": "pass", "detail": detail}
