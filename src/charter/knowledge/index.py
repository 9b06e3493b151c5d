"""The two indexes over stored chunks, and their rebuild.

- Lexical: SQLite FTS5 (BM25) or PostgreSQL full-text search (``ts_rank_cd`` over a GIN expression
  index). Queries are the question's content terms joined by OR, so a long natural question still
  matches passages that share only some of its words.
- Dense: exact cosine search over the stored float32 vectors (``kb_vectors``), held in memory per
  knowledge base and re-read when its version moves. Exact search is what a governed knowledge
  base of up to a few hundred thousand chunks needs (a 100k x 384 scan is ~10 ms); sqlite-vec and
  pgvector are not used because this Python's sqlite3 cannot load extensions and the PostgreSQL
  packages here do not ship pgvector (see docs/knowledge.md).

Both indexes are derived: :func:`rebuild` re-creates them from ``kb_chunks`` (RR-2).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, bindparam, delete, select, text

from charter.knowledge.embedders import Embedder
from charter.knowledge.tables import kb_chunks, kb_vectors
from charter.knowledge.text import STOPWORDS, terms

__all__ = ["VectorCache", "lexical_search", "rebuild_lexical", "store_vectors"]

_MAX_QUERY_TERMS = 32


def _query_terms(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms(query):
        if term not in STOPWORDS and len(term) > 1:
            seen.setdefault(term, None)
    return list(seen)[:_MAX_QUERY_TERMS]


def lexical_search(
    conn: Connection, *, tenant_id: str, kb_ids: Sequence[str], query: str, limit: int
) -> list[tuple[str, float]]:
    """(chunk id, score) best first; higher is better on both engines."""
    words = _query_terms(query)
    if not words or not kb_ids:
        return []
    if conn.dialect.name == "sqlite":
        statement = text(
            "SELECT c.id, -bm25(kb_chunks_fts) AS score FROM kb_chunks_fts "
            "JOIN kb_chunks c ON c.lex_rowid = kb_chunks_fts.rowid "
            "WHERE kb_chunks_fts MATCH :q AND c.tenant_id = :tenant AND c.kb_id IN :kbs "
            "ORDER BY bm25(kb_chunks_fts), c.id LIMIT :limit"
        ).bindparams(bindparam("kbs", expanding=True))
        match = " OR ".join(f'"{w}"' for w in words)
    else:
        statement = text(
            "SELECT id, ts_rank_cd(to_tsvector('english', text), q) AS score "
            "FROM kb_chunks, to_tsquery('english', :q) AS q "
            "WHERE tenant_id = :tenant AND kb_id IN :kbs AND to_tsvector('english', text) @@ q "
            "ORDER BY score DESC, id LIMIT :limit"
        ).bindparams(bindparam("kbs", expanding=True))
        match = " | ".join(words)
    rows = conn.execute(statement, {"q": match, "tenant": tenant_id, "kbs": list(kb_ids), "limit": limit})
    return [(str(r[0]), float(r[1])) for r in rows]


def rebuild_lexical(conn: Connection, *, kb_id: str) -> int:
    """Re-create this knowledge base's lexical entries from its stored chunks; returns the count."""
    if conn.dialect.name != "sqlite":
        conn.execute(text("REINDEX INDEX ix_kb_chunks_tsv"))
        return int(conn.execute(select(kb_chunks.c.id).where(kb_chunks.c.kb_id == kb_id)).all().__len__())
    conn.execute(
        text("DELETE FROM kb_chunks_fts WHERE rowid IN (SELECT lex_rowid FROM kb_chunks WHERE kb_id = :kb)"),
        {"kb": kb_id},
    )
    # Also drop entries orphaned by an interrupted write (no chunk points at them).
    conn.execute(
        text(
            "DELETE FROM kb_chunks_fts WHERE rowid NOT IN (SELECT lex_rowid FROM kb_chunks WHERE lex_rowid IS NOT NULL)"
        )
    )
    rows = conn.execute(select(kb_chunks.c.id, kb_chunks.c.text).where(kb_chunks.c.kb_id == kb_id)).all()
    for chunk_id, body in rows:
        rowid = conn.execute(
            text("INSERT INTO kb_chunks_fts(text, chunk_id) VALUES (:t, :c)"), {"t": body, "c": chunk_id}
        ).lastrowid
        conn.execute(kb_chunks.update().where(kb_chunks.c.id == chunk_id).values(lex_rowid=rowid))
    return len(rows)


def store_vectors(
    conn: Connection,
    *,
    tenant_id: str,
    kb_id: str,
    embedder: str,
    chunk_ids: Sequence[str],
    vectors: npt.NDArray[np.float32],
) -> None:
    if not chunk_ids:
        return
    conn.execute(delete(kb_vectors).where(kb_vectors.c.chunk_id.in_(list(chunk_ids))))
    conn.execute(
        kb_vectors.insert(),
        [
            {
                "chunk_id": cid,
                "tenant_id": tenant_id,
                "kb_id": kb_id,
                "embedder": embedder,
                "dim": int(vectors.shape[1]),
                "vector": vectors[i].astype(np.float32).tobytes(),
            }
            for i, cid in enumerate(chunk_ids)
        ],
    )


@dataclass
class _Matrix:
    version: int
    ids: list[str]
    matrix: npt.NDArray[np.float32]


@dataclass
class VectorCache:
    """Per knowledge base: the stored vectors as one matrix, re-read when the version moves."""

    _entries: dict[str, _Matrix] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def matrix(self, conn: Connection, kb_id: str, version: int) -> _Matrix:
        entry = self._entries.get(kb_id)
        if entry is not None and entry.version == version:
            return entry
        rows = conn.execute(
            select(kb_vectors.c.chunk_id, kb_vectors.c.vector, kb_vectors.c.dim).where(kb_vectors.c.kb_id == kb_id)
        ).all()
        dim = int(rows[0].dim) if rows else 0
        matrix = (
            np.frombuffer(b"".join(bytes(r.vector) for r in rows), dtype=np.float32).reshape(len(rows), dim)
            if rows
            else np.zeros((0, 0), dtype=np.float32)
        )
        entry = _Matrix(version, [str(r.chunk_id) for r in rows], matrix)
        with self._lock:
            self._entries[kb_id] = entry
        return entry

    def search(
        self, conn: Connection, kb_id: str, version: int, query_vector: npt.NDArray[np.float32], limit: int
    ) -> list[tuple[str, float]]:
        entry = self.matrix(conn, kb_id, version)
        if not entry.ids or entry.matrix.shape[1] != query_vector.shape[0]:
            return []
        scores = entry.matrix @ query_vector
        k = min(limit, len(entry.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(((entry.ids[i], float(scores[i])) for i in top), key=lambda kv: (-kv[1], kv[0]))
        return ranked

    def forget(self, kb_id: str) -> None:
        with self._lock:
            self._entries.pop(kb_id, None)


def embed_query(embedder: Embedder, query: str) -> npt.NDArray[np.float32]:
    vector: Any = embedder.embed([query])
    return np.asarray(vector[0], dtype=np.float32)
