"""Knowledge-base tables: knowledge bases, their documents, chunks, vectors, versions and citations.

A document row outlives its chunks: deleting a document (or retention) hard-deletes its chunks,
vectors and lexical-index entries and leaves the document as a tombstone (``status = 'deleted'``)
so lineage can still say what was there and when it went. The lexical index (SQLite FTS5 virtual
table or a PostgreSQL GIN expression index) lives only in the migration: it is derived data.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, Integer, LargeBinary, String, Text, UniqueConstraint

from charter.store.schema import interaction_ref, tenant_table
from charter.store.types import actor, digest, loose_ref, ref, stamp, status, timestamp

__all__ = ["kb_chunks", "kb_citations", "kb_documents", "kb_vectors", "kb_versions", "knowledge_bases"]


def _kb_ref() -> Column[str]:
    """The knowledge base a row belongs to: the row is deleted with it."""
    return ref("kb_id", "knowledge_bases.id", ondelete="CASCADE")


knowledge_bases = tenant_table(
    "knowledge_bases",
    Column("name", String(64), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("classification", String(32), nullable=False),
    Column("embedder", String(64), nullable=True),  # None: lexical only
    Column("embedder_options", JSON, nullable=False),
    Column("pii_policy", String(16), nullable=False),  # redact | block | off
    Column("retention_days", Integer, nullable=True),  # None: keep until deleted
    Column("chunk_chars", Integer, nullable=False),
    Column("overlap_chars", Integer, nullable=False),
    Column("current_version", Integer, nullable=False, default=0),
    # Moves when `kb rebuild` re-writes the vectors without a new version (ANN indexes follow it).
    Column("vector_generation", Integer, nullable=False, default=0, server_default="0"),
    *stamp("created"),
    timestamp("updated_at"),
    UniqueConstraint("tenant_id", "name"),
)

kb_versions = tenant_table(
    "kb_versions",
    _kb_ref(),
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),  # ingest | delete | retention | rebuild
    Column("documents_added", JSON, nullable=False),
    Column("documents_removed", JSON, nullable=False),
    Column("document_count", Integer, nullable=False),
    Column("chunk_count", Integer, nullable=False),
    digest("manifest_sha256"),  # over the sorted (chunk id, text hash) pairs
    actor("actor"),
    timestamp("created_at"),
    UniqueConstraint("kb_id", "version"),
)

kb_documents = tenant_table(
    "kb_documents",
    _kb_ref(),
    Column("source_uri", String(1000), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("media_type", String(100), nullable=False),
    digest("checksum"),  # of the file's bytes
    digest("content_sha256"),  # of the cleaned text
    Column("minhash", LargeBinary, nullable=True),  # near-duplicate signature
    loose_ref("near_duplicate_of", nullable=True),
    actor("uploader"),
    Column("classification", String(32), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("pages", Integer, nullable=True),
    Column("title", String(500), nullable=False, default=""),
    Column("chunk_count", Integer, nullable=False),
    Column("pii_redactions", Integer, nullable=False, default=0),
    status(),  # active | deleted
    Column("added_version", Integer, nullable=False),
    Column("removed_version", Integer, nullable=True),
    Column("removed_reason", String(32), nullable=True),  # deleted | retention
    timestamp("created_at"),
    timestamp("removed_at", nullable=True),
    Index("ix_kb_documents_kb_status", "kb_id", "status"),
    Index("ix_kb_documents_kb_checksum", "kb_id", "checksum"),
)

kb_chunks = tenant_table(
    "kb_chunks",
    _kb_ref(),
    ref("document_id", "kb_documents.id", ondelete="CASCADE"),
    Column("ordinal", Integer, nullable=False),
    Column("text", Text, nullable=False),
    digest("text_sha256"),
    Column("heading", String(500), nullable=False, default=""),
    Column("page", Integer, nullable=True),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("added_version", Integer, nullable=False),
    Column("lex_rowid", Integer, nullable=True),  # SQLite: this chunk's FTS5 row (set by a trigger)
    Index("ix_kb_chunks_kb", "kb_id"),
    Index("ix_kb_chunks_document", "document_id"),
    Index("ix_kb_chunks_lex_rowid", "lex_rowid"),
)

kb_vectors = tenant_table(
    "kb_vectors",
    ref("chunk_id", "kb_chunks.id", ondelete="CASCADE", primary_key=True),
    _kb_ref(),
    Column("embedder", String(64), nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, L2-normalised
    Index("ix_kb_vectors_kb", "kb_id"),
)

kb_citations = tenant_table(
    "kb_citations",
    interaction_ref(),
    loose_ref("kb_id"),  # lineage outlives the knowledge base
    Column("kb_name", String(64), nullable=False),
    Column("kb_version", Integer, nullable=False),
    loose_ref("chunk_id"),  # the chunk may since be deleted
    loose_ref("document_id"),
    digest("chunk_sha256"),
    Column("marker", String(16), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("support", Float, nullable=True),  # grounding support of the answer by this chunk
    Column("answer_start", Integer, nullable=True),  # the answer sentence this chunk supports best
    Column("answer_end", Integer, nullable=True),
    Index("ix_kb_citations_interaction", "interaction_id"),
)
