"""Lineage: from an interaction to the exact chunks, documents and files (with checksums) it used.

The ground stage records one ``kb_citations`` row per chunk passed to the model, in the same
transaction as the interaction. A chunk deleted since shows as deleted with the text hash it had;
its document stays (a tombstone), so the file and its checksum are still known.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from charter.errors import NotFound
from charter.knowledge.service import document_record
from charter.knowledge.tables import kb_chunks, kb_citations, kb_documents
from charter.store.schema import interactions, new_id

__all__ = ["citation_writer", "lineage"]


def citation_writer(tenant_id: str, rows: list[dict[str, Any]]) -> Callable[[Connection, str], None]:
    """A write (``fn(conn, interaction_id)``) for ``Exchange.writes`` recording the citations."""

    def write(conn: Connection, interaction_id: str) -> None:
        if rows:
            conn.execute(
                kb_citations.insert(),
                [
                    {**row, "id": new_id("cit"), "tenant_id": tenant_id, "interaction_id": interaction_id}
                    for row in rows
                ],
            )

    return write


def lineage(conn: Connection, *, tenant_id: str, interaction_id: str) -> dict[str, Any]:
    found = conn.execute(
        select(interactions.c.id, interactions.c.created_at).where(
            interactions.c.id == interaction_id, interactions.c.tenant_id == tenant_id
        )
    ).first()
    if found is None:
        raise NotFound(f"interaction {interaction_id!r} not found in this tenant", code="not_found")
    cites = conn.execute(
        select(kb_citations)
        .where(kb_citations.c.interaction_id == interaction_id, kb_citations.c.tenant_id == tenant_id)
        .order_by(kb_citations.c.rank)
    ).all()
    chunk_rows = {
        r.id: r
        for r in conn.execute(
            select(kb_chunks).where(kb_chunks.c.id.in_([c.chunk_id for c in cites]), kb_chunks.c.tenant_id == tenant_id)
        ).all()
    }
    doc_rows = {
        r.id: r
        for r in conn.execute(
            select(kb_documents).where(
                kb_documents.c.id.in_([c.document_id for c in cites]), kb_documents.c.tenant_id == tenant_id
            )
        ).all()
    }
    out = []
    for c in cites:
        chunk = chunk_rows.get(c.chunk_id)
        doc = doc_rows.get(c.document_id)
        out.append(
            {
                "marker": c.marker,
                "rank": c.rank,
                "score": c.score,
                "support": c.support,
                "answer_span": None if c.answer_start is None else [c.answer_start, c.answer_end],
                "kb": c.kb_name,
                "kb_version": c.kb_version,
                "chunk": {
                    "id": c.chunk_id,
                    "sha256": c.chunk_sha256,
                    "present": chunk is not None,
                    "text": chunk.text if chunk is not None else None,
                    "unchanged": chunk is not None and chunk.text_sha256 == c.chunk_sha256,
                    "heading": chunk.heading if chunk is not None else None,
                    "page": chunk.page if chunk is not None else None,
                    "start_char": chunk.start_char if chunk is not None else None,
                    "end_char": chunk.end_char if chunk is not None else None,
                },
                "document": document_record(doc) if doc is not None else {"id": c.document_id, "status": "unknown"},
            }
        )
    return {"interaction_id": interaction_id, "created_at": found.created_at.isoformat(), "citations": out}
