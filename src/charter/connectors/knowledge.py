"""The ``knowledge`` connector: search one of the tenant's knowledge bases (:mod:`charter.knowledge`).

Options: ``knowledge_base`` (required), ``top_k`` (default 4, 1..50), ``mode`` (lexical, dense or
hybrid; default: the knowledge base's). Arguments: ``{"query": "..."}``. The search runs as the
workflow run's principal, an app of the workflow's use case: the use case's charter must list the
knowledge base under ``knowledge_bases`` (403 ``out_of_scope`` otherwise), as on the gateway path.
Each hit comes with its citation (knowledge base and version, document, title, chunk). Never
consequential, always idempotent.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from charter.connectors.base import CallContext, ConnectorSpec, connector_invalid, connector_options
from charter.knowledge.retrieve import Mode, query
from charter.runtime import Runtime

__all__ = ["KnowledgeConnector"]


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    knowledge_base: str = Field(min_length=1)
    top_k: int = Field(default=4, ge=1, le=50)
    mode: Mode | None = None


class KnowledgeConnector:
    consequential = False
    idempotent = True
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {"query": {"type": "string", "minLength": 1, "maxLength": 2000}},
        "required": ["query"],
        "additionalProperties": False,
    }

    def __init__(self, spec: ConnectorSpec, rt: Runtime) -> None:
        self.opts = connector_options(spec, _Options)
        if spec.consequential:
            raise connector_invalid(spec.name, "a knowledge connector only reads: it cannot be consequential")
        self.name = spec.name
        self.description = spec.description or f"Searches the knowledge base {self.opts.knowledge_base!r}."
        self.rt = rt

    async def call(self, arguments: dict[str, Any], context: CallContext) -> Any:
        hits = await asyncio.to_thread(query, self.rt, context.principal, [self.opts.knowledge_base],
                                       str(arguments["query"]), top_k=self.opts.top_k, mode=self.opts.mode)
        return {"hits": [
            {"marker": f"[{rank}]", "text": h.text, "kb": h.kb, "kb_version": h.kb_version,
             "document_id": h.document_id, "title": h.title, "heading": h.heading, "chunk_id": h.chunk_id,
             "score": round(h.score, 6)}
            for rank, h in enumerate(hits, start=1)
        ]}
