"""A call to a model through the gateway, before it runs: who may make it, and the exchange it opens.

Both faces that call models use this: ``POST /v1/chat/completions`` and ``POST /v1/embeddings``
(:mod:`charter.api.gateway`) and the console's citizen chat (:mod:`charter.console.citizen`), which
calls in-process under its app key; a workflow's model step (:mod:`charter.workflows.modelcall`) opens
its exchange here too. Each exchange then runs through the runtime's one
:class:`~charter.gateway.pipeline.Pipeline` (:func:`pipeline_of`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from charter.domain import ChatMessage, Exchange, GenerationParams, Principal
from charter.errors import PermissionDenied
from charter.gateway.pipeline import Pipeline
from charter.gateway.request import ChatBody, ClientIds, EmbeddingsBody
from charter.gateway.state import gateway_of
from charter.identity.subjects import identify
from charter.principals.roles import CALLERS
from charter.runtime import Runtime

__all__ = ["check_gateway_principal", "new_exchange", "open_exchange", "pipeline_of"]


def pipeline_of(rt: Runtime) -> Pipeline:
    """The runtime's one :class:`Pipeline`."""
    return rt.part("pipeline", Pipeline, lambda: Pipeline(rt))


def check_gateway_principal(principal: Principal, scope: str) -> Principal:
    """The principal if it may call models with ``scope`` (an app or developer key bound to a use
    case, its scopes allowing it), else ``403``."""
    if principal.role not in CALLERS:
        raise PermissionDenied(f"role {principal.role!r} may not call models; use an app key", code="role_not_allowed")
    if principal.use_case is None:
        raise PermissionDenied(
            "this key is not bound to a use case; create one with `charter keys create --use-case NAME --role app`",
            code="out_of_scope",
        )
    if principal.scopes and scope not in principal.scopes:
        raise PermissionDenied(
            f"this key's scopes ({', '.join(principal.scopes)}) do not include {scope!r}", code="out_of_scope"
        )
    return principal


def new_exchange(rt: Runtime, principal: Principal, ids: ClientIds, body: ChatBody | EmbeddingsBody) -> Exchange:
    """The exchange of one call under the use case's charter in force (a chat's ``metadata.variables``
    as its prompt variables), its end user not identified: :func:`open_exchange` does that, and a
    workflow's model step (:mod:`charter.workflows.modelcall`) has none."""
    policy = gateway_of(rt).policy(principal.tenant_id, principal.use_case or "")
    if isinstance(body, ChatBody):
        messages, params, metadata = body.messages, body.params, body.metadata
    else:
        messages, params, metadata = [ChatMessage("user", t) for t in body.inputs], GenerationParams(body.model), {}
    ex = Exchange(
        request_id=ids.request_id or uuid.uuid4().hex, principal=principal, use_case_id=policy.use_case_id,
        charter=policy.charter, charter_version=policy.version, messages=messages, params=params,
        conversation_id=ids.conversation_id, metadata=metadata,
    )
    variables = metadata.get("variables") if metadata else None
    if isinstance(variables, dict):
        ex.variables = variables
    return ex


def open_exchange(
    rt: Runtime, principal: Principal, ids: ClientIds, body: ChatBody | EmbeddingsBody, headers: Mapping[str, str]
) -> Exchange:
    """The exchange of one call under the use case's charter in force, its end user identified: what
    ``POST /v1/chat/completions`` and ``/v1/embeddings`` run, and the console's citizen chat with its
    server-side app key (a chat is then run by :meth:`Pipeline.chat`)."""
    ex = new_exchange(rt, principal, ids, body)
    who = identify(rt, ex.charter, principal.tenant_id, body.user, headers)
    ex.subject_id, ex.officer, ex.training_consent = who.subject_id, who.officer, who.training_consent
    return ex

