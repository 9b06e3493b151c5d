"""The OpenAI-compatible routes: ``POST /v1/chat/completions``, ``GET /v1/models``, ``POST /v1/embeddings``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from charter.api.deps import authenticate, get_runtime, roles
from charter.api.responses import JSONResponse
from charter.domain import Exchange, Principal
from charter.errors import CharterError, InvalidRequest
from charter.gateway.calls import check_gateway_principal, open_exchange, pipeline_of
from charter.gateway.generate import route, upstream_failed
from charter.gateway.record import record
from charter.gateway.refusals import start_refusals, stop_refusals
from charter.gateway.request import (
    ChatBody,
    ClientIds,
    EmbeddingsBody,
    client_ids,
    parse_chat,
    parse_embeddings,
    read_json,
)
from charter.gateway.stages import admit
from charter.gateway.state import gateway_of
from charter.guards.stages import screen_input
from charter.principals.roles import CALLERS
from charter.providers.base import ProviderError
from charter.providers.router import eligible_models
from charter.runtime import Runtime

__all__ = ["router", "setup"]

router = APIRouter(tags=["gateway"])

_CHAT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["messages"],
    "properties": {
        "model": {"type": "string"},
        "messages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "role": {"type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]},
                    "content": {"type": "string"},
                    "name": {"type": "string"},
                },
            },
        },
        "max_tokens": {"type": "integer", "minimum": 1},
        "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        "top_p": {"type": "number", "minimum": 0, "maximum": 1},
        "stream": {"type": "boolean"},
        "stop": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
        "seed": {"type": "integer"},
        "user": {"type": "string"},
        "metadata": {"type": "object"},
    },
}
_EMBED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["input"],
    "properties": {
        "model": {"type": "string"},
        "input": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    },
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for code, text in [
        (400, "invalid request or content filter"),
        (401, "missing, unknown, revoked or expired key"),
        (403, "out of scope"),
        (404, "unknown model"),
        (413, "body too large"),
        (429, "rate limited"),
        (502, "no allowed model could answer"),
        (503, "switched off or store unavailable"),
    ]
}


F = TypeVar("F", bound=Callable[..., Any])
B = TypeVar("B", ChatBody, EmbeddingsBody)


def _model_call(path: str, schema: dict[str, Any]) -> Callable[[F], F]:
    """``POST path`` for app and developer keys; the route reads its own JSON body, described by ``schema``."""
    post = router.post(
        path,
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}},
        responses=_ERRORS,
        response_model=None,
    )
    return lambda endpoint: post(roles(*CALLERS)(endpoint))


def _gateway_principal(request: Request, scope: str) -> Principal:
    return check_gateway_principal(authenticate(request), scope)


async def _intake(
    request: Request, scope: str, parse: Callable[[Any], B]
) -> tuple[Runtime, Principal, ClientIds, B]:
    """What a model call starts from: the caller (allowed ``scope``), its client ids and its parsed body."""
    principal = _gateway_principal(request, scope)
    ids = client_ids(request.headers)  # what the store keeps is checked before any work
    return get_runtime(request), principal, ids, parse(await read_json(request))


@_model_call("/v1/chat/completions", _CHAT_SCHEMA)
async def chat_completions(request: Request) -> Response:
    """OpenAI chat completions, plain or streamed (SSE), through the use case's governed path."""
    rt, principal, ids, body = await _intake(request, "chat", parse_chat)
    ex = open_exchange(rt, principal, ids, body, request.headers)
    outcome = await pipeline_of(rt).chat(ex)
    if outcome.stream is not None:
        headers = {k: v for k, v in outcome.headers.items() if k != "x-charter-interaction-id"}
        headers["cache-control"] = "no-cache"
        return StreamingResponse(outcome.stream, media_type="text/event-stream", headers=headers)
    return JSONResponse(outcome.body, status_code=outcome.status, headers=outcome.headers)


@router.get("/v1/models", responses=_ERRORS)
@roles(*CALLERS)
async def list_models(request: Request) -> dict[str, Any]:
    """The model aliases this key's use case may use now (OpenAI list format)."""
    rt = get_runtime(request)
    principal = _gateway_principal(request, "models")
    gw = gateway_of(rt)
    policy = gw.policy(principal.tenant_id, principal.use_case or "")
    killed = {t for s, t in gw.switches(principal.tenant_id) if s == "model"}
    by_alias, _ = eligible_models(policy.charter, gw.model_entries(principal.tenant_id), killed)
    created = int(time.time())
    return {
        "object": "list",
        "data": [
            {
                "id": alias,
                "object": "model",
                "created": created,
                "owned_by": principal.tenant,
                "charter": {
                    "region": entries[0].region,
                    "context_window": entries[0].context_window,
                    "classification_ceiling": entries[0].classification_ceiling,
                },
            }
            for alias in policy.charter.models
            if (entries := by_alias.get(alias))
        ],
    }


@_model_call("/v1/embeddings", _EMBED_SCHEMA)
async def embeddings(request: Request) -> Response:
    """Embeddings from an allowed model whose provider offers them; recorded like every model call."""
    rt, principal, ids, body = await _intake(request, "embeddings", parse_embeddings)
    ex = open_exchange(rt, principal, ids, body, request.headers)
    try:
        await admit(ex, rt)
        await screen_input(ex, rt)
        planned = await route(ex, rt)
        vectors = await _embed(ex, rt, planned.chain, [m.content for m in ex.messages])
    except CharterError as exc:
        await pipeline_of(rt)._refused(ex, exc)
        raise
    ex.output = ""
    interaction_id = await record(ex, rt)
    data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "model": ex.model.alias if ex.model else "",
            "usage": {"prompt_tokens": ex.usage.prompt_tokens, "total_tokens": ex.usage.prompt_tokens},
        },
        headers={"x-charter-interaction-id": interaction_id},
    )


async def _embed(ex: Exchange, rt: Runtime, chain: list[list[Any]], texts: list[str]) -> list[list[float]]:
    gw = gateway_of(rt)
    for alias_entries in chain:
        for entry in alias_entries:
            provider = gw.provider(entry)
            if not provider.supports_embeddings:
                ex.attempts.append({"model": entry.alias, "error": "no embeddings"})
                continue
            try:
                vectors, tokens = await provider.embed(entry, texts)
            except ProviderError as exc:
                ex.attempts.append({"model": entry.alias, "error": str(exc)})
                continue
            ex.model = entry
            ex.usage.prompt_tokens = tokens or ex.usage.prompt_tokens
            return vectors
    if all(a.get("error") == "no embeddings" for a in ex.attempts):
        raise InvalidRequest(
            "no model this use case may use offers embeddings", code="no_eligible_model", param="model"
        )
    raise upstream_failed(ex, "compute embeddings")


def setup(app: FastAPI) -> None:
    """Flush counted refusals in the background; close providers and the limiter when the app stops."""

    async def stop(rt: Runtime) -> None:
        gw = rt.parts.pop("gateway", None)
        if gw is not None:
            await gw.aclose()

    app.state.on_start.append(start_refusals)
    app.state.on_stop.append(stop_refusals)
    app.state.on_stop.append(stop)
