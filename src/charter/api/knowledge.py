"""``/api/v1/kb``: knowledge bases, uploads, queries, versions; and interaction lineage.

Managing knowledge bases needs the admin or developer role; querying also allows ``app`` keys, but
only for the knowledge bases their use case's charter names (PC-5). Lineage is for admin and
auditor. Everything is scoped to the caller's tenant.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from charter import knowledge
from charter.api.deps import AppUser, Auditor, Builder, RuntimeDep, takes_upload
from charter.api.params import JsonBody
from charter.errors import InvalidRequest
from charter.knowledge import service
from charter.knowledge.lineage import lineage as lineage_of
from charter.runtime import Runtime

__all__ = ["router"]

router = APIRouter(tags=["knowledge"])


async def _spool(request: Request, rt: Runtime) -> Path:
    """Stream the body to an owner-only file under the data directory (the edge enforces the cap
    and the deadline while it arrives); an empty body is ``400 missing_field``."""
    handle, path = await asyncio.to_thread(_new_spool_file, rt.settings.data_dir / "uploads")
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                out.write(chunk)  # local disk, 64 KiB at a time: cheaper inline than a thread hop
        if size == 0:
            raise InvalidRequest(
                "the request body is empty: send the file's bytes", code="missing_field", param="body"
            )
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return path


def _new_spool_file(folder: Path) -> tuple[int, Path]:
    folder.mkdir(mode=0o700, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix="upload-")  # mode 0600
    return handle, Path(name)


def _ingest_file(
    rt: Runtime, path: Path, *, filename: str, source_uri: str, **kwargs: Any
) -> knowledge.IngestReport:
    source = knowledge.Source(filename, path.read_bytes(), source_uri)
    return knowledge.ingest(rt, sources=[source], **kwargs)


class KnowledgeBaseIn(JsonBody):
    name: str = Field(pattern=service.NAME_PATTERN)
    description: str = ""
    classification: str = "internal"
    embedder: str | None = None
    embedder_options: dict[str, Any] = Field(default_factory=dict)
    pii_policy: Literal["redact", "block", "off"] = "redact"
    retention_days: int | None = Field(default=None, ge=1)
    chunk_chars: int = Field(default=1200, ge=100, le=20_000)
    overlap_chars: int = Field(default=200, ge=0)


class QueryIn(JsonBody):
    query: str = Field(min_length=1, max_length=8000)
    top_k: int = Field(default=5, ge=1, le=50)
    mode: Literal["lexical", "dense", "hybrid"] | None = None


@router.post("/api/v1/kb", status_code=201)
def create(body: KnowledgeBaseIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Create a knowledge base."""
    return rt.writer.write(
        lambda c: service.create_kb(
            c, service.KnowledgeBaseSpec(**body.model_dump()), tenant_id=p.tenant_id, actor=service.actor_of(p),
            egress=rt.egress,
        )
    )


@router.get("/api/v1/kb")
def list_(p: Builder, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: service.list_kbs(conn, p.tenant_id))


@router.get("/api/v1/kb/{kb}")
def show(kb: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: service.get_kb(conn, p.tenant_id, kb))


@router.post("/api/v1/kb/{kb}/documents", status_code=201)
@takes_upload
async def upload(
    kb: str,
    request: Request,
    p: Builder,
    rt: RuntimeDep,
    filename: str = Query(
        min_length=1, max_length=300, description="File name; its suffix picks the loader."
    ),
    source_uri: str | None = Query(default=None, max_length=1000, description="Where the file came from."),
    classification: str | None = Query(default=None),
) -> dict[str, Any]:
    """Upload one file as the raw request body (``curl --data-binary @file``), up to
    ``CHARTER_MAX_UPLOAD_BYTES``. The answer is the ingestion report: the new version, or
    ``changed: false`` when the file is already there."""
    spooled = await _spool(request, rt)
    try:
        report = await asyncio.to_thread(
            _ingest_file,
            rt,
            spooled,
            tenant_id=p.tenant_id,
            kb_name=kb,
            filename=filename,
            source_uri=source_uri or f"upload:{filename}",
            uploader=service.actor_of(p),
            classification=classification,
        )
    finally:
        await asyncio.to_thread(spooled.unlink, missing_ok=True)
    if report.failed:
        raise InvalidRequest(f"{filename}: {report.failed[0]['error']}", code="invalid_value", param="body")
    return report.as_dict()


@router.get("/api/v1/kb/{kb}/documents")
def documents(kb: str, p: Builder, rt: RuntimeDep, deleted: bool = False) -> list[dict[str, Any]]:
    return rt.read(lambda conn: service.list_documents(conn, p.tenant_id, kb, include_deleted=deleted))


@router.delete("/api/v1/kb/{kb}/documents/{document_id}")
def delete(kb: str, document_id: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Delete a document; chunks, vectors and index entries go with it; a new version records it."""
    return knowledge.delete_document(
        rt, tenant_id=p.tenant_id, kb_name=kb, document_id=document_id, actor=service.actor_of(p)
    )


@router.get("/api/v1/kb/{kb}/versions")
def versions(kb: str, p: Builder, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: service.list_versions(conn, p.tenant_id, kb))


@router.post("/api/v1/kb/{kb}/rebuild")
async def rebuild(kb: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Re-create the lexical index and vectors from the stored chunks."""
    return await asyncio.to_thread(knowledge.rebuild, rt, tenant_id=p.tenant_id, kb_name=kb, actor=service.actor_of(p))


@router.post("/api/v1/kb/{kb}/query")
async def query(kb: str, body: QueryIn, p: AppUser, rt: RuntimeDep) -> dict[str, Any]:
    """Ranked chunks with scores and citations, from a knowledge base the caller may read."""
    hits = await asyncio.to_thread(knowledge.query, rt, p, [kb], body.query, top_k=body.top_k, mode=body.mode)
    return {
        "kb": kb,
        "query": body.query,
        "results": [
            {
                "rank": i,
                "chunk_id": h.chunk_id,
                "document_id": h.document_id,
                "text": h.text,
                "score": h.score,
                "lexical_rank": h.lexical_rank,
                "dense_rank": h.dense_rank,
                "citation": h.citation(f"[{i}]"),
            }
            for i, h in enumerate(hits, start=1)
        ],
    }


@router.get("/api/v1/interactions/{interaction_id}/lineage")
def lineage(interaction_id: str, p: Auditor, rt: RuntimeDep) -> dict[str, Any]:
    """The chunks an interaction used → their documents → files with checksums, with the versions."""
    return rt.read(lambda conn: lineage_of(conn, tenant_id=p.tenant_id, interaction_id=interaction_id))
