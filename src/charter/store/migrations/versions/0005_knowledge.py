"""knowledge bases: documents, chunks, vectors, versions, citations; lexical index per engine

Revision ID: 0005_knowledge
Revises: 0001_core

The lexical index is derived data and lives only here: on SQLite an FTS5 table kept in step with
``kb_chunks`` by triggers (its row id is stored in ``kb_chunks.lex_rowid``), on PostgreSQL a GIN
expression index over ``to_tsvector('english', text)``. ``charter kb rebuild`` re-creates it (and
the vectors) from the stored chunks.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_knowledge"
down_revision = "0001_core"
branch_labels = ("knowledge",)
depends_on = None

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE kb_chunks_fts USING fts5(text, chunk_id UNINDEXED, tokenize='porter unicode61')",
    "CREATE TRIGGER kb_chunks_fts_insert AFTER INSERT ON kb_chunks BEGIN "
    "INSERT INTO kb_chunks_fts(text, chunk_id) VALUES (new.text, new.id); "
    "UPDATE kb_chunks SET lex_rowid = last_insert_rowid() WHERE id = new.id; END",
    "CREATE TRIGGER kb_chunks_fts_delete AFTER DELETE ON kb_chunks BEGIN "
    "DELETE FROM kb_chunks_fts WHERE rowid = old.lex_rowid; END",
)
_PG_FTS = "CREATE INDEX ix_kb_chunks_tsv ON kb_chunks USING gin (to_tsvector('english', text))"


def upgrade() -> None:
    op.create_table(
        "knowledge_bases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("embedder", sa.String(length=64), nullable=True),
        sa.Column("embedder_options", sa.JSON(), nullable=False),
        sa.Column("pii_policy", sa.String(length=16), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("chunk_chars", sa.Integer(), nullable=False),
        sa.Column("overlap_chars", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_knowledge_bases_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_bases")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_knowledge_bases_tenant_id_name")),
    )
    op.create_table(
        "kb_documents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("kb_id", sa.String(length=40), nullable=False),
        sa.Column("source_uri", sa.String(length=1000), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("near_duplicate_of", sa.String(length=40), nullable=True),
        sa.Column("uploader", sa.String(length=64), nullable=False),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("pii_redactions", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("added_version", sa.Integer(), nullable=False),
        sa.Column("removed_version", sa.Integer(), nullable=True),
        sa.Column("removed_reason", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["kb_id"],
            ["knowledge_bases.id"],
            name=op.f("fk_kb_documents_kb_id_knowledge_bases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_kb_documents_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_documents")),
    )
    op.create_index("ix_kb_documents_kb_checksum", "kb_documents", ["kb_id", "checksum"], unique=False)
    op.create_index("ix_kb_documents_kb_status", "kb_documents", ["kb_id", "status"], unique=False)
    op.create_table(
        "kb_versions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("kb_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("documents_added", sa.JSON(), nullable=False),
        sa.Column("documents_removed", sa.JSON(), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kb_id"],
            ["knowledge_bases.id"],
            name=op.f("fk_kb_versions_kb_id_knowledge_bases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_kb_versions_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_versions")),
        sa.UniqueConstraint("kb_id", "version", name=op.f("uq_kb_versions_kb_id_version")),
    )
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("kb_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("heading", sa.String(length=500), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("added_version", sa.Integer(), nullable=False),
        sa.Column("lex_rowid", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["kb_documents.id"],
            name=op.f("fk_kb_chunks_document_id_kb_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kb_id"],
            ["knowledge_bases.id"],
            name=op.f("fk_kb_chunks_kb_id_knowledge_bases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_kb_chunks_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_chunks")),
    )
    op.create_index("ix_kb_chunks_document", "kb_chunks", ["document_id"], unique=False)
    op.create_index("ix_kb_chunks_kb", "kb_chunks", ["kb_id"], unique=False)
    op.create_index("ix_kb_chunks_lex_rowid", "kb_chunks", ["lex_rowid"], unique=False)
    op.create_table(
        "kb_citations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("interaction_id", sa.String(length=40), nullable=False),
        sa.Column("kb_id", sa.String(length=40), nullable=False),
        sa.Column("kb_name", sa.String(length=64), nullable=False),
        sa.Column("kb_version", sa.Integer(), nullable=False),
        sa.Column("chunk_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("chunk_sha256", sa.String(length=64), nullable=False),
        sa.Column("marker", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("support", sa.Float(), nullable=True),
        sa.Column("answer_start", sa.Integer(), nullable=True),
        sa.Column("answer_end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_kb_citations_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_kb_citations_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_citations")),
    )
    op.create_index("ix_kb_citations_interaction", "kb_citations", ["interaction_id"], unique=False)
    op.create_table(
        "kb_vectors",
        sa.Column("chunk_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("kb_id", sa.String(length=40), nullable=False),
        sa.Column("embedder", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chunk_id"], ["kb_chunks.id"], name=op.f("fk_kb_vectors_chunk_id_kb_chunks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["kb_id"],
            ["knowledge_bases.id"],
            name=op.f("fk_kb_vectors_kb_id_knowledge_bases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_kb_vectors_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("chunk_id", name=op.f("pk_kb_vectors")),
    )
    op.create_index("ix_kb_vectors_kb", "kb_vectors", ["kb_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(_PG_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS kb_chunks_fts_delete")
        op.execute("DROP TRIGGER IF EXISTS kb_chunks_fts_insert")
        op.execute("DROP TABLE IF EXISTS kb_chunks_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_kb_chunks_tsv")
    op.drop_index("ix_kb_vectors_kb", table_name="kb_vectors")
    op.drop_table("kb_vectors")
    op.drop_index("ix_kb_citations_interaction", table_name="kb_citations")
    op.drop_table("kb_citations")
    op.drop_index("ix_kb_chunks_lex_rowid", table_name="kb_chunks")
    op.drop_index("ix_kb_chunks_kb", table_name="kb_chunks")
    op.drop_index("ix_kb_chunks_document", table_name="kb_chunks")
    op.drop_table("kb_chunks")
    op.drop_table("kb_versions")
    op.drop_index("ix_kb_documents_kb_status", table_name="kb_documents")
    op.drop_index("ix_kb_documents_kb_checksum", table_name="kb_documents")
    op.drop_table("kb_documents")
    op.drop_table("knowledge_bases")
