"""A workflow's model step, run through the gateway pipeline in-process: the use case's charter
applies as to any app (its registered prompt and variables, guards, tools, review rule, budget,
rate limits), and the exchange is recorded and ledgered as an interaction. The run's id is the
interaction's key id, so every interaction of a run is found by it.

Tool calling: the step's ``tools`` (connectors) are offered to the model with each connector's
schema (the charter's ``tools`` must list them with the same schema). The engine runs the calls the
model makes (never a consequential connector: refused when the workflow is applied) and sends the
results back as ``role: tool`` messages, screened like any tool result, for at most
``max_tool_rounds`` rounds. A call the gateway withholds because its arguments fail the schema is
returned to the model as a tool error once; a second failure fails the step
(``tool_arguments_invalid``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

from charter.connectors import CallContext, Connector, connectors_of
from charter.domain import Exchange, Principal
from charter.errors import BudgetExceeded, InvalidRequest
from charter.gateway.calls import new_exchange, pipeline_of
from charter.gateway.request import ClientIds, parse_chat
from charter.runtime import Runtime
from charter.workflows.spec import ModelCall

__all__ = ["ModelAnswer", "ask_model", "parse_output", "run_principal"]


@dataclass(slots=True)
class ModelAnswer:
    content: str = ""
    tokens: int = 0
    interaction_ids: list[str] = field(default_factory=list)
    held_review_id: str | None = None
    tool_results: list[dict[str, Any]] = field(default_factory=list)


def run_principal(run_id: str, tenant_id: str, tenant: str, use_case: str) -> Principal:
    """Who a run's model and connector calls are made as: an app of the use case, keyed by the run."""
    return Principal(key_id=run_id, tenant_id=tenant_id, tenant=tenant, role="app", use_case=use_case)


def _tool(connector: Connector) -> dict[str, Any]:
    definition: dict[str, Any] = {"name": connector.name, "parameters": connector.parameters}
    if connector.description:
        definition["description"] = connector.description
    return {"type": "function", "function": definition}


async def _once(rt: Runtime, principal: Principal, run_id: str, body: dict[str, Any]) -> tuple[Exchange, Any]:
    ex = new_exchange(rt, principal, ClientIds(None, run_id), parse_chat(body))
    outcome = await pipeline_of(rt).chat(ex)
    return ex, outcome


async def ask_model(rt: Runtime, principal: Principal, run_id: str, step_id: str, call: ModelCall,
                    message: str, variables: dict[str, Any]) -> ModelAnswer:
    """Ask the model; run its tool calls (see the module). A refusal raises the gateway's error."""
    registry = connectors_of(rt)
    tools = {name: registry.get(name, principal.tenant) for name in call.tools}
    body: dict[str, Any] = {"messages": [{"role": "user", "content": message}]}
    if variables:
        body["metadata"] = {"variables": variables}
    if call.max_tokens is not None:
        body["max_tokens"] = call.max_tokens
    if call.temperature is not None:
        body["temperature"] = call.temperature
    if call.output == "json" and not tools:
        body["response_format"] = ({"type": "json_schema", "json_schema": {"name": step_id, "schema": call.schema_}}
                                   if call.schema_ is not None and call.json_mode == "schema"
                                   else {"type": "json_object"})
    if tools:
        body["tools"] = [_tool(c) for c in tools.values()]
    answer = ModelAnswer()
    tool_errors = 0
    for _ in range(call.max_tool_rounds + 1):
        ex, outcome = await _once(rt, principal, run_id, body)
        answer.tokens += ex.usage.total_tokens
        answer.interaction_ids.append(outcome.headers.get("x-charter-interaction-id", ""))
        if outcome.status == 202:
            answer.held_review_id = ex.held_review_id
            return answer
        cut = ex.content_filter
        if cut is not None and cut.guard == "tool_schema" and tools:
            tool_errors += 1
            if tool_errors > 1:
                raise InvalidRequest(f"step {step_id!r}: the model's call of tool {cut.tool!r} failed its schema "
                                     f"twice ({cut.reason})", code="tool_arguments_invalid")
            body["messages"].append({"role": "user", "content": (
                f"Tool error: your call of `{cut.tool}` was not run: {cut.reason}. "
                "Call it again with arguments that match its schema.")})
            continue
        if not ex.tool_calls:
            answer.content = ex.output
            return answer
        body["messages"].append({"role": "assistant", "content": ex.output or None, "tool_calls": ex.tool_calls})
        for tool_call in ex.tool_calls:
            name = tool_call["function"]["name"]
            arguments = orjson.loads(tool_call["function"]["arguments"])  # checked against the schema
            result = await tools[name].call(arguments, CallContext(principal, run_id, step_id))
            answer.tool_results.append({"tool": name, "arguments": arguments, "result": result})
            body["messages"].append({"role": "tool", "tool_call_id": tool_call["id"],
                                     "content": orjson.dumps(result).decode()})
    raise BudgetExceeded(f"step {step_id!r}: the model was still calling tools after {call.max_tool_rounds} "
                         "rounds (max_tool_rounds)", code="workflow_budget_exceeded")


def parse_output(call: ModelCall, step_id: str, content: str) -> Any:
    """The step's output: the text, or the JSON object in it (``output: json``)."""
    if call.output == "text":
        return content
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise InvalidRequest(f"step {step_id!r} asked for JSON and the model's answer is not JSON",
                             code="invalid_json") from None
    if call.schema_ is not None:
        error = best_match(validator_for(call.schema_)(call.schema_).iter_errors(value))
        if error is not None:
            # the path and the rule, never the value (the error is kept in the clear with the run)
            raise InvalidRequest(f"step {step_id!r}: the model's JSON fails the step's schema at {error.json_path} "
                                 f"(`{error.validator}`)", code="invalid_json")
    return value

