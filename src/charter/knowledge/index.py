"""The two indexes over stored chunks, and their rebuild.

- Lexical: SQLite FTS5 (BM25) or PostgreSQL full-text search (``ts_rank_cd`` over a GIN expression
  index). Queries are the question's content terms joined by OR, so a long natural question still
  matches passages that share only some of its words.
- Dense: cosine over the stored float32 vectors (``kb_vectors``). Below
  ``CHARTER_VECTOR_INDEX_MIN_CHUNKS`` an exact scan of the vectors held in memory as one matrix;
  at or above it an approximate HNSW index (usearch, :mod:`charter.knowledge.ann`) persisted per
  version under the data directory; on PostgreSQL with the ``vector`` extension installed,
  pgvector (:mod:`charter.knowledge.pgvector`). Both follow the store: see :class:`VectorCache`.

Both indexes are derived: :func:`rebuild` re-creates them from ``kb_chunks`` (RR-2).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, bindparam, delete, func, select, text

from charter.knowledge.ann import AnnIndex, load_latest, save
from charter.knowledge.embedders import Embedder
from charter.knowledge.pgvector import PgvectorStatus, detect, pgvector_search, sync
from charter.knowledge.tables import kb_chunks, kb_vectors, kb_versions, knowledge_bases
from charter.knowledge.text import STOPWORDS, terms

__all__ = ["VectorCache", "lexical_search", "rebuild_lexical", "store_vectors"]

log = logging.getLogger(__name__)

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
    """Exact search: the stored vectors as one matrix."""

    version: int
    generation: int
    ids: list[str]
    matrix: npt.NDArray[np.float32]

    def search(self, query_vector: npt.NDArray[np.float32], limit: int) -> list[tuple[str, float]]:
        if not self.ids or self.matrix.shape[1] != query_vector.shape[0]:
            return []
        scores = self.matrix @ query_vector
        k = min(limit, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        return sorted(((self.ids[i], float(scores[i])) for i in top), key=lambda kv: (-kv[1], kv[0]))


_Entry = _Matrix | AnnIndex


@dataclass
class VectorCache:
    """Per knowledge base, what dense search runs on: below ``min_chunks`` stored vectors (or with
    ``mode="exact"``) the vectors as one matrix and an exact scan; at or above it an HNSW index
    (:mod:`charter.knowledge.ann`), persisted under ``data_dir`` per version.

    The store is the truth: every search first reads the knowledge base's ``current_version`` and
    ``vector_generation``; an entry behind them is brought up to date before it answers -- chunks
    of documents removed since (the versions' ``documents_removed``) are taken out, chunks added
    since (``added_version``) are read and added, and a count check against ``kb_vectors`` falls
    back to a full rebuild. So a replica that did not do an ingest or a deletion sees it at its
    next query, and an index never answers with a chunk the store no longer holds."""

    data_dir: Path | None = None
    mode: str = "auto"  # auto (pgvector where installed, else by size) | hnsw | exact
    min_chunks: int = 20_000
    ef: int = 128
    engine: Engine | None = None  # for pgvector's copy, written in its own transaction
    builds: int = 0  # full HNSW builds from the store (catching up by version does not count)
    _pgvector_status: PgvectorStatus | None = None
    _pgvector_at: dict[str, tuple[int, int]] = field(default_factory=dict)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _kb_lock(self, kb_id: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(kb_id, threading.Lock())

    def search(
        self, conn: Connection, kb_id: str, version: int, query_vector: npt.NDArray[np.float32], limit: int
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine) best first. ``version`` is the caller's view; the store's is what counts."""
        with self._kb_lock(kb_id):
            if self.engine is not None and self.uses_pgvector(conn):
                try:
                    return self._pgvector(conn, kb_id, query_vector, limit)
                except Exception:
                    log.exception("pgvector search for %s failed; falling back to this replica's index", kb_id)
                    conn.rollback()
            entry = self._current(conn, kb_id)
            if isinstance(entry, AnnIndex) and entry.dim != query_vector.shape[0]:
                return []
            return entry.search(query_vector, limit)

    def refresh(self, conn: Connection, kb_id: str) -> str:
        """Bring this knowledge base's entry up to the store now (after an ingest or a deletion on
        this replica); returns ``"pgvector"``, ``"hnsw"`` or ``"exact"``."""
        with self._kb_lock(kb_id):
            if self.engine is not None and self.uses_pgvector(conn):
                at = self._store_version(conn, kb_id)
                sync(self.engine, kb_id, *at)
                self._pgvector_at[kb_id] = at
                return "pgvector"
            return "hnsw" if isinstance(self._current(conn, kb_id), AnnIndex) else "exact"

    def uses_pgvector(self, conn: Connection) -> bool:
        """``auto`` on PostgreSQL with the ``vector`` extension installed (checked once per process)."""
        if self.mode != "auto" or conn.dialect.name != "postgresql":
            return False
        if self._pgvector_status is None:
            self._pgvector_status = detect(conn)
            if self._pgvector_status.available and not self._pgvector_status.installed:
                log.info("pgvector is available but not installed in this database: using the HNSW files")
        return self._pgvector_status.usable

    def _pgvector(
        self, conn: Connection, kb_id: str, query_vector: npt.NDArray[np.float32], limit: int
    ) -> list[tuple[str, float]]:
        assert self.engine is not None
        at = self._store_version(conn, kb_id)
        if self._pgvector_at.get(kb_id) != at:
            sync(self.engine, kb_id, *at)
            self._pgvector_at[kb_id] = at
        return pgvector_search(conn, kb_id, query_vector, limit, self.ef)

    def kind(self, kb_id: str) -> str | None:
        entry = self._entries.get(kb_id)
        return None if entry is None else "hnsw" if isinstance(entry, AnnIndex) else "exact"

    def forget(self, kb_id: str) -> None:
        with self._lock:
            self._entries.pop(kb_id, None)

    # -- keeping an entry in step with the store (caller holds the knowledge base's lock)

    @staticmethod
    def _store_version(conn: Connection, kb_id: str) -> tuple[int, int]:
        row = conn.execute(
            select(knowledge_bases.c.current_version, knowledge_bases.c.vector_generation).where(
                knowledge_bases.c.id == kb_id
            )
        ).first()
        return (int(row[0]), int(row[1])) if row is not None else (0, 0)

    def _current(self, conn: Connection, kb_id: str) -> _Entry:
        version, generation = self._store_version(conn, kb_id)
        entry = self._entries.get(kb_id)
        if entry is not None and (entry.version, entry.generation) == (version, generation):
            return entry
        count = int(
            conn.execute(select(func.count()).select_from(kb_vectors).where(kb_vectors.c.kb_id == kb_id)).scalar_one()
        )
        if self.mode == "exact" or (self.mode == "auto" and count < self.min_chunks) or count == 0:
            fresh: _Entry = self._matrix(conn, kb_id, version, generation)
        else:
            try:
                fresh = self._ann(conn, kb_id, entry, version, generation, count)
            except Exception:  # the index is an optimisation: exact search still answers
                log.exception("vector index for %s failed; falling back to exact search", kb_id)
                fresh = self._matrix(conn, kb_id, version, generation)
        with self._lock:
            self._entries[kb_id] = fresh
        return fresh

    def _matrix(self, conn: Connection, kb_id: str, version: int, generation: int) -> _Matrix:
        rows = conn.execute(
            select(kb_vectors.c.chunk_id, kb_vectors.c.vector, kb_vectors.c.dim).where(kb_vectors.c.kb_id == kb_id)
        ).all()
        dim = int(rows[0].dim) if rows else 0
        matrix = (
            np.frombuffer(b"".join(bytes(r.vector) for r in rows), dtype=np.float32).reshape(len(rows), dim)
            if rows
            else np.zeros((0, 0), dtype=np.float32)
        )
        return _Matrix(version, generation, [str(r.chunk_id) for r in rows], matrix)

    def _ann(
        self, conn: Connection, kb_id: str, entry: _Entry | None, version: int, generation: int, count: int
    ) -> AnnIndex:
        ann = entry if isinstance(entry, AnnIndex) else None
        if ann is None and self.data_dir is not None:
            ann = load_latest(self.data_dir, kb_id, generation=generation, version=version, ef=self.ef)
        if ann is not None and (ann.generation != generation or ann.version > version):
            ann = None
        if ann is not None and ann.version < version:
            self._catch_up(conn, kb_id, ann, version)
        built = ann is None or len(ann) != count
        if built:
            ann = self._build(conn, kb_id, version, generation)
        assert ann is not None
        ann.version = version
        if self.data_dir is not None and (built or ann.unsaved >= max(_SAVE_EVERY, len(ann) // 20)):
            try:
                save(self.data_dir, kb_id, ann)
                ann.unsaved = 0
            except OSError as exc:  # served from memory; the next replica start rebuilds
                log.warning("vector index for %s not saved: %s", kb_id, exc)
        return ann

    def _catch_up(self, conn: Connection, kb_id: str, ann: AnnIndex, version: int) -> None:
        removed = conn.execute(
            select(kb_versions.c.documents_removed).where(
                kb_versions.c.kb_id == kb_id, kb_versions.c.version > ann.version, kb_versions.c.version <= version
            )
        ).all()
        ann.unsaved += ann.remove_documents([str(d) for r in removed for d in (r[0] or [])])
        known = ann.chunk_ids()
        rows = conn.execute(
            select(kb_vectors.c.chunk_id, kb_chunks.c.document_id, kb_vectors.c.vector)
            .join(kb_chunks, kb_chunks.c.id == kb_vectors.c.chunk_id)
            .where(kb_vectors.c.kb_id == kb_id, kb_chunks.c.added_version > ann.version)
        ).all()
        rows = [r for r in rows if str(r[0]) not in known]
        if rows:
            ann.add(
                [str(r[0]) for r in rows],
                [str(r[1]) for r in rows],
                np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.float32).reshape(len(rows), ann.dim),
            )

    def _build(self, conn: Connection, kb_id: str, version: int, generation: int) -> AnnIndex:
        ann: AnnIndex | None = None
        query = (
            select(kb_vectors.c.chunk_id, kb_chunks.c.document_id, kb_vectors.c.vector, kb_vectors.c.dim)
            .join(kb_chunks, kb_chunks.c.id == kb_vectors.c.chunk_id)
            .where(kb_vectors.c.kb_id == kb_id)
        )
        result = conn.execute(query.execution_options(yield_per=_BUILD_BATCH))
        for batch in result.partitions(_BUILD_BATCH):
            if ann is None:
                ann = AnnIndex(dim=int(batch[0][3]), version=version, generation=generation, ef=self.ef)
            ann.add(
                [str(r[0]) for r in batch],
                [str(r[1]) for r in batch],
                np.frombuffer(b"".join(bytes(r[2]) for r in batch), dtype=np.float32).reshape(len(batch), ann.dim),
            )
        if ann is None:
            raise ValueError("no stored vectors to index")
        self.builds += 1
        return ann


_BUILD_BATCH = 10_000
#: A caught-up index is written again once this many chunks (or 5 % of it) changed since its file:
#: writing the whole graph per version would cost more than catching up from an older file, which
#: a restarted replica does by version.
_SAVE_EVERY = 10_000


def embed_query(embedder: Embedder, query: str) -> npt.NDArray[np.float32]:
    vector: Any = embedder.embed([query])
    return np.asarray(vector[0], dtype=np.float32)
