"""pgvector, when the PostgreSQL server has it: detection, and dense search in the database.

Charter never creates the extension (that needs a superuser): an operator runs
``CREATE EXTENSION vector`` in Charter's database, and with ``CHARTER_VECTOR_INDEX=auto`` each
replica then finds it (:func:`detect`) and searches there instead of in its own HNSW files. The
vectors are copied from ``kb_vectors`` into ``kb_pgvectors`` (created here, not in a migration,
because the type exists only with the extension), one HNSW expression index per dimension. Rows
go with their chunk (``ON DELETE CASCADE``), so a deleted document is never returned;
``kb_pgvector_state`` says which version and generation each knowledge base's copy is at, and a
replica that finds it behind adds the chunks added since (or re-copies all after a rebuild) under
a transaction-level advisory lock before it searches.

The PostgreSQL here has no pgvector server package (../shared/FIELD-NOTES.md): detection and the
fallback are tested, the search path is not tested against a real server (docs/knowledge.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, text

__all__ = ["PgvectorStatus", "detect", "pgvector_search", "sync"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS kb_pgvectors (chunk_id varchar(40) PRIMARY KEY "
    "REFERENCES kb_chunks(id) ON DELETE CASCADE, kb_id varchar(40) NOT NULL, dim integer NOT NULL, "
    "embedding vector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_kb_pgvectors_kb ON kb_pgvectors (kb_id)",
    "CREATE TABLE IF NOT EXISTS kb_pgvector_state (kb_id varchar(40) PRIMARY KEY "
    "REFERENCES knowledge_bases(id) ON DELETE CASCADE, version integer NOT NULL, generation integer NOT NULL)",
)

_INSERT = text(
    "INSERT INTO kb_pgvectors (chunk_id, kb_id, dim, embedding) VALUES (:c, :kb, :d, CAST(:e AS vector))"
)


@dataclass(frozen=True, slots=True)
class PgvectorStatus:
    available: bool  # the server has the extension's files (pg_available_extensions)
    installed: bool  # CREATE EXTENSION vector was run in this database
    version: str | None

    @property
    def usable(self) -> bool:
        return self.installed


def detect(conn: Connection) -> PgvectorStatus:
    """Whether pgvector can serve dense search on this store (never on SQLite)."""
    if conn.dialect.name != "postgresql":
        return PgvectorStatus(False, False, None)
    available = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
    installed = conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).first()
    version = None if installed is None else str(installed[0])
    return PgvectorStatus(available is not None, installed is not None, version)


def _literal(vector: npt.NDArray[np.float32]) -> str:
    return "[" + ",".join(f"{float(x):.8g}" for x in vector.tolist()) + "]"


def sync(engine: Engine, kb_id: str, version: int, generation: int) -> None:
    """Bring ``kb_pgvectors`` up to this knowledge base's version and generation (no-op when it is)."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "kb_pgvectors:" + kb_id})
        for statement in _SCHEMA:
            conn.execute(text(statement))
        at = conn.execute(
            text("SELECT version, generation FROM kb_pgvector_state WHERE kb_id = :kb"), {"kb": kb_id}
        ).first()
        if at is not None and (int(at[0]), int(at[1])) == (version, generation):
            return
        if at is None or int(at[1]) != generation:
            conn.execute(text("DELETE FROM kb_pgvectors WHERE kb_id = :kb"), {"kb": kb_id})
        rows = conn.execute(
            text(
                "SELECT v.chunk_id, v.dim, v.vector FROM kb_vectors v WHERE v.kb_id = :kb AND NOT EXISTS "
                "(SELECT 1 FROM kb_pgvectors p WHERE p.chunk_id = v.chunk_id)"
            ),
            {"kb": kb_id},
        ).all()
        dims = {int(r[1]) for r in rows}
        for start in range(0, len(rows), 5000):
            conn.execute(
                _INSERT,
                [
                    {"c": r[0], "kb": kb_id, "d": int(r[1]), "e": _literal(np.frombuffer(r[2], dtype=np.float32))}
                    for r in rows[start : start + 5000]
                ],
            )
        for dim in dims:
            conn.execute(
                text(
                    f"CREATE INDEX IF NOT EXISTS ix_kb_pgvectors_hnsw_{dim} ON kb_pgvectors USING hnsw "
                    f"((embedding::vector({dim})) vector_ip_ops) WHERE dim = {dim}"
                )
            )
        conn.execute(
            text(
                "INSERT INTO kb_pgvector_state (kb_id, version, generation) VALUES (:kb, :v, :g) "
                "ON CONFLICT (kb_id) DO UPDATE SET version = :v, generation = :g"
            ),
            {"kb": kb_id, "v": version, "g": generation},
        )


def pgvector_search(
    conn: Connection, kb_id: str, query_vector: npt.NDArray[np.float32], limit: int, ef: int
) -> list[tuple[str, float]]:
    """(chunk id, cosine) best first, through the HNSW index of this dimension."""
    dim = int(query_vector.shape[0])  # an int: safe in the statement text
    conn.execute(text(f"SET LOCAL hnsw.ef_search = {max(int(ef), int(limit))}"))
    rows = conn.execute(
        text(
            f"SELECT chunk_id, -(embedding::vector({dim}) <#> CAST(:q AS vector({dim}))) AS score "
            f"FROM kb_pgvectors WHERE kb_id = :kb AND dim = {dim} "
            f"ORDER BY embedding::vector({dim}) <#> CAST(:q AS vector({dim})) LIMIT :k"
        ),
        {"q": _literal(query_vector), "kb": kb_id, "k": limit},
    ).all()
    return sorted(((str(r[0]), float(r[1])) for r in rows), key=lambda kv: (-kv[1], kv[0]))
