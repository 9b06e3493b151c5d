"""Reading and checking an OpenAI chat-completions request. Each problem has a stable code (docs/api.md).

Validation is done by hand rather than by a generic schema so that each problem gets the exact
code and parameter an OpenAI client expects, and so that it costs microseconds on the hot path.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from sqlalchemy import Column, String
from starlette.datastructures import Headers
from starlette.requests import Request

from charter.domain import ChatMessage, GenerationParams
from charter.errors import InvalidRequest, UnsupportedMediaType
from charter.gateway.request_tools import (
    answered_call_id,
    check_text,
    message_tool_calls,
    response_format,
    tooling,
    type_error,
)
from charter.store.schema import interactions

__all__ = ["ChatBody", "ClientIds", "EmbeddingsBody", "client_ids", "parse_chat", "parse_embeddings", "read_json"]

#: Fields of OpenAI's chat-completions request that Charter accepts. Anything else is refused
#: with ``unknown_field`` rather than silently ignored. Each accepted field is acted on: passed to a
#: model whose provider supports it (the route stage refuses one no allowed model supports with
#: ``unsupported_parameter``) or refused here.
_KNOWN = frozenset(
    {
        "model",
        "messages",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "stop",
        "seed",
        "stream",
        "stream_options",
        "n",
        "user",
        "metadata",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "response_format",
        "parallel_tool_calls",
        "service_tier",
        "store",
        "tools",
        "tool_choice",
    }
)
_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})


def _length(column: Column[Any]) -> int:
    kind = column.type
    assert isinstance(kind, String) and kind.length, column
    return int(kind.length)


#: Headers whose value is stored with the interaction, and the column that holds it. Both stores
#: must hold what is accepted (PostgreSQL enforces ``varchar(64)``; SQLite would keep any length), so
#: the limit is the column's, checked before any work is done.
_ID_HEADERS: tuple[tuple[str, Column[Any]], ...] = (
    ("x-request-id", interactions.c.request_id),
    ("x-charter-conversation-id", interactions.c.conversation_id),
)


class ClientIds:
    __slots__ = ("conversation_id", "request_id")

    def __init__(self, request_id: str | None, conversation_id: str | None) -> None:
        self.request_id = request_id
        self.conversation_id = conversation_id


def client_ids(headers: Headers) -> ClientIds:
    """The caller's ``x-request-id`` and ``x-charter-conversation-id``: absent (or empty), or 1 to 64
    printable ASCII characters; anything else is ``400 invalid_value`` naming the header."""
    values: list[str | None] = []
    for name, column in _ID_HEADERS:
        value = headers.get(name) or None
        limit = _length(column)
        if value is not None and not (len(value) <= limit and value.isascii() and value.isprintable()):
            raise InvalidRequest(
                f"header `{name}` must be 1 to {limit} printable ASCII characters (it is {len(value)} "
                "characters long or holds other characters); send a shorter id, e.g. a UUID or a hash",
                code="invalid_value",
                param=name,
            )
        values.append(value)
    return ClientIds(values[0], values[1])


async def read_json(request: Request) -> Any:
    """Read the body and parse it. Its size cap and deadline are the edge's (charter.api.edge),
    enforced while the body arrives.

    Only JSON is taken (``415 unsupported_media_type`` for any other or no ``content-type``: a
    browser can send ``text/plain`` cross-site without asking), and an object naming a key twice is
    ``400 duplicate_key`` (parsers disagree on which value wins, so a guard and the model could each
    read a different one)."""
    media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            f"send the body as JSON with `content-type: application/json` (got {media or 'no content-type'!r})",
            code="unsupported_media_type",
        )
    raw = await request.body()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"the body is not valid UTF-8 (byte {exc.start})", code="invalid_encoding") from None
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in str(exc).lower():
            raise InvalidRequest("the body contains an unpaired UTF-16 surrogate", code="invalid_encoding") from None
        raise InvalidRequest(f"the body is not valid JSON: {exc}", code="invalid_json") from None
    _refuse_duplicate_keys(raw, parsed)
    return parsed


#: A key's closing quote and its colon. Every key in a JSON text matches once; a string value can
#: match too (``"a\":b"``), never fewer.
_KEY_END = re.compile(rb'"\s*:')


def _refuse_duplicate_keys(raw: bytes, parsed: Any) -> None:
    """``orjson`` keeps the last of two equal keys silently. Counting keys in the parsed value
    against key ends in the text costs microseconds; only when the text has more (a duplicate, or
    a string value that looks like a key end) is it parsed again, slowly and exactly."""
    if len(_KEY_END.findall(raw)) <= _count_keys(parsed):
        return

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise InvalidRequest(
                    f"the key `{key}` appears twice in one object; send it once", code="duplicate_key", param=key
                )
            seen.add(key)
        return dict(items)

    json.loads(raw, object_pairs_hook=pairs)


def _count_keys(value: Any) -> int:
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _content(value: Any, param: str) -> str:
    if isinstance(value, str):
        return check_text(value, param)
    if value is None:
        return ""
    if isinstance(value, list):
        parts = []
        for i, part in enumerate(value):
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise InvalidRequest(
                    f'`{param}[{i}]` must be a text part ({{"type": "text", "text": ...}}); '
                    "images, audio and files are not accepted",
                    code="invalid_type",
                    param=f"{param}[{i}]",
                )
            parts.append(check_text(part["text"], f"{param}[{i}].text"))
        return "".join(parts)
    raise type_error(param, "a string or a list of text parts")


class ChatBody:
    __slots__ = ("messages", "metadata", "params", "user")

    def __init__(
        self, messages: list[ChatMessage], params: GenerationParams, user: str | None, metadata: dict[str, Any]
    ) -> None:
        self.messages = messages
        self.params = params
        self.user = user
        self.metadata = metadata


def _number(
    body: dict[str, Any], name: str, lo: float, hi: float, integer: bool = False, param: str | None = None
) -> Any:
    value = body.get(name)
    param = param or name
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise type_error(param, "an integer" if integer else "a number")
    if not lo <= value <= hi:
        raise InvalidRequest(f"`{param}` must be between {lo:g} and {hi:g}", code="invalid_value", param=param)
    return value


def _messages(raw: Any) -> list[ChatMessage]:
    if raw is None:
        raise InvalidRequest("`messages` is required", code="missing_field", param="messages")
    if not isinstance(raw, list):
        raise type_error("messages", "a list of messages")
    if not raw:
        raise InvalidRequest(
            "`messages` is empty; send at least one user message", code="empty_messages", param="messages"
        )
    messages = []
    called: set[str] = set()  # ids of the tool calls of earlier assistant messages
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise type_error(f"messages[{i}]", "an object with `role` and `content`")
        role = item.get("role")
        if not isinstance(role, str) or role not in _ROLES:
            raise InvalidRequest(
                f"`messages[{i}].role` must be one of {', '.join(sorted(_ROLES))}",
                code="invalid_value",
                param=f"messages[{i}].role",
            )
        name = item.get("name")
        if name is not None and not isinstance(name, str):
            raise type_error(f"messages[{i}].name", "a string")
        tool_calls = message_tool_calls(item, role, i, called)
        tool_call_id = answered_call_id(item, role, i, called)
        messages.append(
            ChatMessage(
                role="system" if role == "developer" else role,
                content=_content(item.get("content"), f"messages[{i}].content"),
                name=name,
                tool_calls=tool_calls,
                tool_call_id=tool_call_id,
            )
        )
    if not any(m.content.strip() or m.tool_calls for m in messages):
        raise InvalidRequest("every message is empty; send some text", code="empty_messages", param="messages")
    return messages


_SERVICE_TIERS = ("auto", "default", "flex", "scale", "priority")
_LOGIT_BIAS_MAX = 300


def _logit_bias(raw: Any) -> dict[str, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise type_error("logit_bias", "an object mapping token ids to numbers from -100 to 100")
    if len(raw) > _LOGIT_BIAS_MAX:
        raise InvalidRequest(
            f"`logit_bias` may bias at most {_LOGIT_BIAS_MAX} tokens", code="invalid_value", param="logit_bias"
        )
    for token in raw:
        if not (token.isascii() and token.isdigit() and int(token) < 2**31):
            raise InvalidRequest(
                f"`logit_bias` keys must be token ids (decimal integers); got {token[:20]!r}",
                code="invalid_value",
                param="logit_bias",
            )
        if _number(raw, token, -100, 100, param=f"logit_bias.{token}") is None:
            raise type_error(f"logit_bias.{token}", "a number")
    return {token: float(bias) for token, bias in raw.items()}


def _sampling(body: dict[str, Any], stream: bool) -> dict[str, Any]:
    """The optional generation fields (see ``GenerationParams``), checked."""
    logprobs = body.get("logprobs")
    if logprobs is not None and not isinstance(logprobs, bool):
        raise type_error("logprobs", "true or false")
    top_logprobs = _number(body, "top_logprobs", 0, 20, integer=True)
    if top_logprobs is not None and not logprobs:
        raise InvalidRequest(
            "`top_logprobs` needs `logprobs: true`", code="invalid_value", param="top_logprobs"
        )
    if logprobs and stream:
        raise InvalidRequest(
            "`logprobs` is offered on answers that are not streamed only; drop `stream` or `logprobs`",
            code="unsupported_parameter",
            param="logprobs",
        )
    tier = body.get("service_tier")
    if tier is not None and tier not in _SERVICE_TIERS:
        raise InvalidRequest(
            f"`service_tier` must be one of {', '.join(_SERVICE_TIERS)}", code="invalid_value", param="service_tier"
        )
    store = body.get("store")
    if store is not None and not isinstance(store, bool):
        raise type_error("store", "true or false")
    if store:
        raise InvalidRequest(
            "`store: true` asks the model server to keep its own copy of the exchange, around the use "
            "case's retention and data controls; Charter records every exchange itself: drop `store`",
            code="unsupported_parameter",
            param="store",
        )
    return {
        "response_format": response_format(body.get("response_format")),
        "logprobs": bool(logprobs),
        "top_logprobs": top_logprobs,
        "presence_penalty": _number(body, "presence_penalty", -2, 2),
        "frequency_penalty": _number(body, "frequency_penalty", -2, 2),
        "logit_bias": _logit_bias(body.get("logit_bias")),
        "service_tier": tier,
        "store": store,
    }


def parse_chat(body: Any) -> ChatBody:
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object", code="invalid_type")
    unknown = [k for k in body if k not in _KNOWN]
    if unknown:
        raise InvalidRequest(
            f"unknown field `{unknown[0]}`; see docs/api.md for the accepted fields",
            code="unknown_field",
            param=unknown[0],
        )
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise type_error("model", "a string")
    tools, tool_choice, parallel = tooling(body)
    _number(body, "n", 1, 1, integer=True)  # one choice per request: n other than 1 is refused
    stream = body.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise type_error("stream", "true or false")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise type_error("stream_options", "an object")
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    if stop is not None and (not isinstance(stop, list) or not all(isinstance(s, str) for s in stop) or len(stop) > 4):
        raise type_error("stop", "a string or a list of up to 4 strings")
    max_tokens = _number(body, "max_completion_tokens", 1, 1_000_000, integer=True)
    if max_tokens is None:
        max_tokens = _number(body, "max_tokens", 1, 1_000_000, integer=True)
    user = body.get("user")
    if user is not None and not isinstance(user, str):
        raise type_error("user", "a string")
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise type_error("metadata", "an object")
    params = GenerationParams(
        model=model,
        max_tokens=max_tokens,
        temperature=_number(body, "temperature", 0, 2),
        top_p=_number(body, "top_p", 0, 1),
        stop=stop,
        seed=_number(body, "seed", -(2**63), 2**63 - 1, integer=True),
        stream=stream,
        include_usage=bool(options.get("include_usage")),
        tools=tools,
        tool_choice=tool_choice,
        parallel_tool_calls=parallel,
        **_sampling(body, stream),
    )
    return ChatBody(_messages(body.get("messages")), params, user, metadata)


class EmbeddingsBody:
    __slots__ = ("inputs", "model", "user")

    def __init__(self, model: str | None, inputs: list[str], user: str | None = None) -> None:
        self.model = model
        self.inputs = inputs
        self.user = user


def parse_embeddings(body: Any) -> EmbeddingsBody:
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object", code="invalid_type")
    unknown = [k for k in body if k not in {"model", "input", "encoding_format", "dimensions", "user"}]
    if unknown:
        raise InvalidRequest(f"unknown field `{unknown[0]}`", code="unknown_field", param=unknown[0])
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise type_error("model", "a string")
    if body.get("encoding_format") not in (None, "float"):
        raise InvalidRequest("only encoding_format float is offered", code="invalid_value", param="encoding_format")
    if body.get("dimensions") is not None:  # accept it or refuse it: providers get no dimensions request
        raise InvalidRequest(
            "`dimensions` is not passed to embedding models; leave it out and truncate the vectors yourself, "
            "or register a model entry that serves the size you need",
            code="unsupported_parameter",
            param="dimensions",
        )
    raw = body.get("input")
    inputs = [raw] if isinstance(raw, str) else raw
    if not isinstance(inputs, list) or not all(isinstance(t, str) for t in inputs):
        raise type_error("input", "a string or a list of strings")
    if not inputs or not any(inputs):
        raise InvalidRequest("`input` is empty", code="empty_input", param="input")
    user = body.get("user")
    if user is not None and not isinstance(user, str):
        raise type_error("user", "a string")
    return EmbeddingsBody(model, [check_text(t, "input") for t in inputs], user)
