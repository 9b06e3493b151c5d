"""Keeping knowledge bases in shape: rebuild the indexes from stored chunks (RR-2), apply retention
(DP-5), delete a document (PC-4). Each is one writer transaction with its ledger entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from charter import ledger
from charter.knowledge import service
from charter.knowledge.index import rebuild_lexical, store_vectors
from charter.knowledge.state import state
from charter.knowledge.tables import kb_chunks, kb_vectors, knowledge_bases
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["apply_retention", "delete_document", "rebuild"]


def rebuild(rt: Runtime, *, tenant_id: str, kb_name: str, actor: str) -> dict[str, Any]:
    """Re-create the lexical entries and (with an embedder) every vector from ``kb_chunks``."""
    st = state(rt)
    with rt.engine.connect() as conn:
        kb = service.kb_row(conn, tenant_id, kb_name)
        rows = conn.execute(
            select(kb_chunks.c.id, kb_chunks.c.text).where(kb_chunks.c.kb_id == kb.id).order_by(kb_chunks.c.id)
        ).all()
    ids = [str(r.id) for r in rows]
    vectors = None
    if kb.embedder:
        vectors = st.embedder(kb.embedder, kb.embedder_options, tenant_id=kb.tenant_id).embed([r.text for r in rows])

    def write(conn: Any) -> dict[str, Any]:
        lexical = rebuild_lexical(conn, kb_id=kb.id)
        conn.execute(kb_vectors.delete().where(kb_vectors.c.kb_id == kb.id))
        present = {str(r[0]) for r in conn.execute(select(kb_chunks.c.id).where(kb_chunks.c.kb_id == kb.id))}
        if vectors is not None:
            keep = [i for i, cid in enumerate(ids) if cid in present]  # chunks deleted meanwhile are skipped
            store_vectors(
                conn,
                tenant_id=kb.tenant_id,
                kb_id=kb.id,
                embedder=kb.embedder,
                chunk_ids=[ids[i] for i in keep],
                vectors=vectors[keep],
            )
        # Indexes on every replica follow the re-written vectors (a new generation, same version).
        conn.execute(
            knowledge_bases.update()
            .where(knowledge_bases.c.id == kb.id)
            .values(vector_generation=knowledge_bases.c.vector_generation + 1)
        )
        generation = conn.execute(
            select(knowledge_bases.c.vector_generation).where(knowledge_bases.c.id == kb.id)
        ).scalar_one()
        event = {
            "kb": kb.name,
            "version": kb.current_version,
            "vector_generation": generation,
            "lexical_entries": lexical,
            "vectors": 0 if vectors is None else len(present & set(ids)),
        }
        ledger.append(conn, tenant_id=kb.tenant_id, actor=actor, action="kb.rebuilt", subject=kb.name, event=event)
        return event

    event = rt.writer.write(write, timeout=600)
    st.vectors.forget(kb.id)
    if kb.embedder:
        st.refresh_vectors(kb.id)
    return event


def delete_document(rt: Runtime, *, tenant_id: str, kb_name: str, document_id: str, actor: str) -> dict[str, Any]:
    event = rt.writer.write(
        lambda conn: service.delete_document(
            conn, tenant_id=tenant_id, kb_name=kb_name, document_id=document_id, actor=actor
        )
    )
    with rt.engine.connect() as conn:
        kb_id = service.kb_row(conn, tenant_id, kb_name).id
    state(rt).refresh_vectors(kb_id)
    return event


def apply_retention(rt: Runtime, *, now: dt.datetime | None = None, actor: str = "retention") -> list[dict[str, Any]]:
    """Remove every document older than its knowledge base's ``retention_days`` (all tenants); one new
    version per knowledge base that changed. Run it from the scheduler or ``charter kb retention``."""
    moment = now or utcnow()
    with rt.engine.connect() as conn:
        kbs = conn.execute(select(knowledge_bases).where(knowledge_bases.c.retention_days.is_not(None))).all()
    events = []
    for kb in kbs:

        def write(conn: Any, kb: Any = kb) -> dict[str, Any] | None:
            fresh = service.kb_row(conn, kb.tenant_id, kb.name)
            expired = service.expired_documents(conn, fresh, moment)
            return service.remove_documents(conn, kb=fresh, document_ids=expired, reason="retention", actor=actor)

        event = rt.writer.write(write)
        if event is not None:
            state(rt).refresh_vectors(kb.id)
            events.append(event)
    return events
