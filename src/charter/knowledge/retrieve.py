"""Retrieval: lexical and dense rankings fused by reciprocal rank (RRF, k = 60).

``mode``: ``lexical``, ``dense`` or ``hybrid`` (default: hybrid when the knowledge base has an
embedder, lexical otherwise). Each hit carries its citation: knowledge base and version, document,
chunk, page or URL, and its document's classification. With ``ceiling`` (the charter's
``classification_ceiling`` on the gateway path, DP-6) a chunk of a document classified above it is
never returned: it is left out before the ``top_k`` cut, so the next allowed chunks take its place,
and its id is added to ``withheld``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import Connection, select

from charter.domain import Principal, classification_rank
from charter.errors import InvalidRequest
from charter.knowledge import service
from charter.knowledge.index import embed_query, lexical_search
from charter.knowledge.state import KnowledgeState, state
from charter.knowledge.tables import kb_chunks, kb_documents
from charter.runtime import Runtime

__all__ = ["Hit", "Mode", "query", "retrieve", "rrf"]

Mode = Literal["lexical", "dense", "hybrid"]
MODES: tuple[str, ...] = ("lexical", "dense", "hybrid")
RRF_K = 60
_CANDIDATES = 50


@dataclass(slots=True)
class Hit:
    chunk_id: str
    document_id: str
    kb: str
    kb_id: str
    kb_version: int
    text: str
    text_sha256: str
    heading: str
    page: int | None
    source_uri: str
    title: str
    filename: str
    score: float
    lexical_rank: int | None
    dense_rank: int | None
    classification: str = "internal"

    def citation(self, marker: str) -> dict[str, Any]:
        return {
            "marker": marker,
            "kb": self.kb,
            "kb_version": self.kb_version,
            "document_id": self.document_id,
            "title": self.title,
            "chunk_id": self.chunk_id,
            "page": self.page,
            "url": self.source_uri,
            "score": round(self.score, 6),
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: sum of 1 / (k + rank) over the rankings an item appears in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _dense(
    conn: Connection, st: KnowledgeState, kbs: list[dict[str, Any]], text: str, limit: int
) -> list[tuple[str, float]]:
    found: list[tuple[str, float]] = []
    for kb in kbs:
        if not kb["embedder"]:
            continue
        vector = embed_query(st.embedder(kb["embedder"], kb["embedder_options"], tenant_id=kb["tenant_id"]), text)
        found.extend(st.vectors.search(conn, kb["id"], kb["version"], vector, limit))
    return sorted(found, key=lambda kv: (-kv[1], kv[0]))[:limit]


def _hits(
    conn: Connection,
    kbs: list[dict[str, Any]],
    ranked: list[tuple[str, float]],
    lexical: dict[str, int],
    dense: dict[str, int],
) -> list[Hit]:
    if not ranked:
        return []
    by_id = {kb["id"]: kb for kb in kbs}
    rows = conn.execute(
        select(
            kb_chunks.c.id,
            kb_chunks.c.kb_id,
            kb_chunks.c.document_id,
            kb_chunks.c.text,
            kb_chunks.c.text_sha256,
            kb_chunks.c.heading,
            kb_chunks.c.page,
            kb_documents.c.source_uri,
            kb_documents.c.title,
            kb_documents.c.filename,
            kb_documents.c.classification,
        )
        .join(kb_documents, kb_documents.c.id == kb_chunks.c.document_id)
        .where(kb_chunks.c.id.in_([cid for cid, _ in ranked]), kb_chunks.c.kb_id.in_(list(by_id)))
    ).all()
    found = {r.id: r for r in rows}
    hits = []
    for cid, score in ranked:
        r = found.get(cid)
        if r is None:
            continue  # deleted between ranking and reading
        kb = by_id[r.kb_id]
        hits.append(
            Hit(
                cid,
                r.document_id,
                kb["name"],
                r.kb_id,
                kb["version"],
                r.text,
                r.text_sha256,
                r.heading,
                r.page,
                r.source_uri,
                r.title,
                r.filename,
                score,
                lexical.get(cid),
                dense.get(cid),
                r.classification,
            )
        )
    return hits


def retrieve(
    conn: Connection,
    st: KnowledgeState,
    kbs: list[dict[str, Any]],
    text: str,
    *,
    top_k: int,
    mode: Mode | None = None,
    ceiling: str | None = None,
    withheld: list[str] | None = None,
) -> list[Hit]:
    """Rank chunks of the (already authorised) knowledge bases ``kbs`` for ``text``; with ``ceiling``,
    only chunks of documents classified at or below it (the others' ids go to ``withheld``)."""
    if mode is not None and mode not in MODES:
        raise InvalidRequest(f"mode must be one of {', '.join(MODES)}", code="invalid_value", param="mode")
    if not kbs or not text.strip():
        return []
    has_dense = any(kb["embedder"] for kb in kbs)
    mode = mode or ("hybrid" if has_dense else "lexical")
    if mode == "dense" and not has_dense:
        raise InvalidRequest(
            "no embedder on these knowledge bases: use mode lexical", code="invalid_value", param="mode"
        )
    limit = max(_CANDIDATES, top_k)
    lexical = (
        lexical_search(conn, tenant_id=kbs[0]["tenant_id"], kb_ids=[kb["id"] for kb in kbs], query=text, limit=limit)
        if mode != "dense"
        else []
    )
    dense = _dense(conn, st, kbs, text, limit) if mode != "lexical" and has_dense else []
    lexical_ranks = {cid: i for i, (cid, _) in enumerate(lexical, start=1)}
    dense_ranks = {cid: i for i, (cid, _) in enumerate(dense, start=1)}
    if mode == "lexical":
        ranked = lexical
    elif mode == "dense":
        ranked = dense
    else:
        ranked = rrf([[cid for cid, _ in lexical], [cid for cid, _ in dense]])
    if ceiling is None:
        return _hits(conn, kbs, ranked[:top_k], lexical_ranks, dense_ranks)
    allowed: list[Hit] = []
    limit_rank = classification_rank(ceiling)
    for hit in _hits(conn, kbs, ranked, lexical_ranks, dense_ranks):
        if classification_rank(hit.classification) > limit_rank:
            if withheld is not None:
                withheld.append(hit.chunk_id)
        elif len(allowed) < top_k:
            allowed.append(hit)
    return allowed


def query(
    rt: Runtime,
    principal: Principal,
    kb_names: Sequence[str],
    text: str,
    *,
    top_k: int = 5,
    mode: Mode | None = None,
) -> list[Hit]:
    """Authorise ``principal`` for ``kb_names`` (at query time) and retrieve."""
    if not 1 <= top_k <= 50:
        raise InvalidRequest("top_k must be 1..50", code="invalid_value", param="top_k")
    with rt.engine.connect() as conn:
        kbs = service.authorise(conn, principal, kb_names)
        return retrieve(conn, state(rt), kbs, text, top_k=top_k, mode=mode)
